"""The embedded registry: versions, aliases, rollback, history, lineage, debt, runs, schema."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from driftwise.errors import DriftwiseError
from driftwise.registry import KILLED_RUN_ERROR, AliasMove, ModelVersion, Registry, Run
from driftwise.registry._db import MIGRATIONS


@pytest.fixture()
def reg(tmp_path: Path) -> Iterator[Registry]:
    with Registry(tmp_path / "reg") as registry:
        yield registry


def at(reg: Registry, alias: str) -> int | None:
    """The version an alias points to."""
    found = reg.alias(alias)
    return None if found is None else found.version


def add(
    reg: Registry, action: str = "initial", parent: int | None = None, blob: bytes = b""
) -> int:
    blob = blob or f"model {len(reg.versions()) + 1}".encode()
    return reg.register(
        blob=blob, adapter="sklearn", adapter_config={}, action=action, parent=parent
    ).version


def test_register_assigns_numbers_and_keeps_every_field(tmp_path: Path) -> None:
    before = datetime.now(UTC)
    with Registry(tmp_path) as reg:
        v1 = reg.register(
            blob=b"first",
            adapter="sklearn",
            adapter_config={"alpha": 0.001, "features": ["a", "b"]},
            action="initial",
            windows={"train": "jan.parquet", "rows": [0, 5000]},
            metrics={"accuracy": 0.91, "n": 5000},
            energy_kwh=0.002,
            emissions_kg=0.0007,
            duration_s=3.5,
            run_id="abc",
            note="first model",
        )
        v2 = reg.register(
            blob=b"second", adapter="sklearn", adapter_config={}, action="fine_tune", parent=1
        )
    assert (v1.version, v2.version, v2.parent, v1.parent) == (1, 2, 1, None)
    assert v1.artifact_bytes == 5 and v1.metrics == {"accuracy": 0.91, "n": 5000.0}
    assert before <= v1.created_at <= datetime.now(UTC) and v1.created_at.tzinfo is not None
    assert (tmp_path / "artifacts" / v1.artifact_sha256[:2] / v1.artifact_sha256).read_bytes() == (
        b"first"
    )
    # Read back from disk by a new instance: the same records, JSON round trip included.
    with Registry(tmp_path) as again:
        assert again.versions() == [v1, v2]
        assert again.version(1) == v1
        assert ModelVersion.model_validate_json(v1.model_dump_json()) == v1
        assert again.get_artifact(v2.artifact_sha256) == b"second"


def test_register_refuses_bad_input_and_writes_nothing(reg: Registry) -> None:
    add(reg)
    cases = [
        (
            {"action": "retrian"},
            "Registry.register: field 'action': found 'retrian'; expected one of initial, "
            "fine_tune, retrain, import (did you mean 'retrain'?).",
        ),
        (
            {"action": "fine_tune"},
            "Registry.register: field 'parent': found none; expected the version that was "
            "fine-tuned.",
        ),
        (
            {"action": "retrain", "parent": 7},
            f"registry {reg.root}: field 'parent': found 7; expected one of the registered "
            "versions: 1.",
        ),
        (
            {"action": "retrain", "adapter": " "},
            "Registry.register: field 'adapter': found an empty text; expected the adapter's "
            "kind, such as 'sklearn'.",
        ),
    ]
    for kwargs, message in cases:
        args = {"blob": b"x", "adapter": "sklearn", "adapter_config": {}, **kwargs}
        with pytest.raises(DriftwiseError) as err:
            reg.register(**args)
        assert str(err.value) == message
    with pytest.raises(DriftwiseError, match=r"field 'metrics': found a value JSON cannot hold"):
        reg.register(
            blob=b"x", adapter="a", adapter_config={}, action="initial", metrics={"a": float("nan")}
        )
    with pytest.raises(DriftwiseError, match=r"field 'adapter_config': found a value JSON"):
        reg.register(blob=b"x", adapter="a", adapter_config={"f": object()}, action="initial")
    with pytest.raises(DriftwiseError, match=r"field 'energy_kwh': found -1.0"):
        reg.register(blob=b"x", adapter="a", adapter_config={}, action="initial", energy_kwh=-1.0)
    assert [v.version for v in reg.versions()] == [1]
    # Refused before the artifact was written: only version 1's file exists.
    assert len([p for p in (reg.root / "artifacts").rglob("*") if p.is_file()]) == 1


def test_unknown_version_lists_the_known_ones(reg: Registry) -> None:
    with pytest.raises(DriftwiseError) as err:
        reg.version(1)
    assert str(err.value) == (
        f"registry {reg.root}: field 'version': found 1; expected a registered version "
        "(there are none yet)."
    )
    add(reg), add(reg)
    with pytest.raises(DriftwiseError) as err:
        reg.version(5)
    assert str(err.value).endswith("found 5; expected one of the registered versions: 1, 2.")


def test_promote_moves_champion_and_previous_together(reg: Registry) -> None:
    for _ in range(3):
        add(reg)
    assert reg.champion() is None and reg.alias("previous") is None
    first = reg.promote(1, actor="ana", reason="first model")
    assert (first.alias, first.from_version, first.to_version, first.kind) == (
        "champion",
        None,
        1,
        "promote",
    )
    assert reg.alias("previous") is None  # nothing was replaced
    move = reg.promote(3, actor="bo", reason="better on March")
    assert (move.from_version, move.to_version, move.actor, move.reason) == (
        1,
        3,
        "bo",
        "better on March",
    )
    champion, previous = reg.champion(), reg.alias("previous")
    assert champion is not None and previous is not None
    assert (champion.version, champion.aliases, previous.version, previous.aliases) == (
        3,
        ("champion",),
        1,
        ("previous",),
    )
    assert [v.aliases for v in reg.versions()] == [("previous",), (), ("champion",)]
    with pytest.raises(DriftwiseError) as err:
        reg.promote(3, actor="bo", reason="again")
    assert str(err.value) == (
        "Registry.promote: field 'version': found 3, which is already the champion; expected "
        "another registered version. Nothing was changed."
    )
    with pytest.raises(DriftwiseError, match="found 9; expected one of the registered versions"):
        reg.promote(9, actor="bo", reason="typo")
    with pytest.raises(DriftwiseError, match="field 'actor': found an empty text"):
        reg.promote(2, actor="", reason="anonymous")
    assert len(reg.history()) == 3  # refused promotions leave no trace


def test_rollback_restores_previous_fast_and_is_recorded(reg: Registry) -> None:
    add(reg), add(reg, "fine_tune", 1)
    with pytest.raises(DriftwiseError) as err:
        reg.rollback(actor="ana", reason="no champion yet")
    assert str(err.value) == (
        "Registry.rollback: field 'to': found no champion yet; expected a version to roll back "
        "to. There is nothing to roll back to; promote a version instead."
    )
    reg.promote(1, actor="ana", reason="first")
    with pytest.raises(DriftwiseError) as err:
        reg.rollback(actor="ana", reason="nothing before")
    assert str(err.value) == (
        "Registry.rollback: field 'to': found no previous champion; expected a version to roll "
        "back to. There is nothing to roll back to; promote a version instead."
    )
    reg.promote(2, actor="ana", reason="fine-tuned")
    before = datetime.now(UTC)
    start = time.perf_counter()
    move = reg.rollback(actor="oncall", reason="complaints doubled")
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    champion, previous = reg.champion(), reg.alias("previous")
    assert champion is not None and previous is not None
    assert (champion.version, previous.version) == (1, 2)
    assert (move.kind, move.actor, move.reason, move.from_version, move.to_version) == (
        "rollback",
        "oncall",
        "complaints doubled",
        2,
        1,
    )
    assert before <= move.at <= datetime.now(UTC)
    # A second rollback undoes the first; an explicit target works too.
    reg.rollback(actor="oncall", reason="false alarm")
    assert at(reg, "champion") == 2
    add(reg)
    reg.rollback(3, actor="oncall", reason="to the newest")
    assert (at(reg, "champion"), at(reg, "previous")) == (3, 2)
    with pytest.raises(DriftwiseError, match="found 3, which is already the champion"):
        reg.rollback(3, actor="oncall", reason="again")


def test_history_is_ordered_and_filtered(reg: Registry) -> None:
    add(reg), add(reg), add(reg)
    reg.promote(1, actor="a", reason="r1")
    reg.promote(2, actor="b", reason="r2")
    reg.rollback(actor="c", reason="r3")
    reg.set_alias("staging", 3, actor="d", reason="r4")
    moves = reg.history()
    assert [(m.alias, m.from_version, m.to_version, m.kind) for m in moves] == [
        ("champion", None, 1, "promote"),
        ("previous", None, 1, "promote"),
        ("champion", 1, 2, "promote"),
        ("previous", 1, 2, "rollback"),
        ("champion", 2, 1, "rollback"),
        ("staging", None, 3, "set"),
    ]
    assert [m.id for m in moves] == sorted(m.id for m in moves)
    assert [m.at for m in moves] == sorted(m.at for m in moves)
    assert [m.to_version for m in reg.history("champion")] == [1, 2, 1]
    assert reg.history("shadow") == []
    assert AliasMove.model_validate_json(moves[0].model_dump_json()) == moves[0]
    with pytest.raises(DriftwiseError, match="Use promote\\(\\) or rollback\\(\\)"):
        reg.set_alias("champion", 3, actor="d", reason="sneaky")


def test_lineage_and_fine_tune_debt(reg: Registry) -> None:
    assert reg.debt() == 0
    add(reg)  # 1 initial
    add(reg, "fine_tune", 1)  # 2
    add(reg, "fine_tune", 2)  # 3
    add(reg, "retrain", 3)  # 4
    add(reg, "fine_tune", 4)  # 5
    add(reg, "import")  # 6
    assert [v.version for v in reg.lineage(5)] == [5, 4, 3, 2, 1]
    assert [v.version for v in reg.lineage(1)] == [1]
    assert [reg.debt(v) for v in range(1, 7)] == [0, 1, 2, 0, 1, 0]
    assert reg.debt() == 0  # no champion yet
    reg.promote(3, actor="a", reason="r")
    assert reg.debt() == 2
    with pytest.raises(DriftwiseError, match="found 8; expected one of the registered versions"):
        reg.lineage(8)


def test_runs_start_finish_and_cost_history(reg: Registry) -> None:
    add(reg)
    run = reg.start_run(action="retrain", decision_id="d-1", params={"seed": 0})
    assert (run.status, run.pid, run.host, run.decision_id) == (
        "running",
        os.getpid(),
        socket.gethostname(),
        "d-1",
    )
    assert len(run.run_id) == 32 and reg.run(run.run_id) == run
    done = reg.finish_run(
        run.run_id,
        status="succeeded",
        version=1,
        energy_kwh=0.01,
        emissions_kg=0.004,
        measurement={"tool": "codecarbon", "country": "FRA"},
        outcome={"gates": {"gain": True}},
    )
    assert (done.status, done.version, done.finished, done.error) == ("succeeded", 1, True, None)
    assert done.ended_at is not None and done.duration_s is not None
    assert done.duration_s == pytest.approx((done.ended_at - run.started_at).total_seconds())
    assert reg.run(run.run_id) == done and Run.model_validate_json(done.model_dump_json()) == done
    with pytest.raises(DriftwiseError) as err:
        reg.finish_run(run.run_id, status="failed")
    assert str(err.value) == (
        f"Registry.finish_run: field 'run_id': found {run.run_id}, which already ended as "
        "'succeeded'; expected a running run."
    )
    other = reg.start_run(action="fine_tune")
    with pytest.raises(DriftwiseError, match="field 'status': found 'running'; expected one of"):
        reg.finish_run(other.run_id, status="running")
    with pytest.raises(DriftwiseError, match="found 4; expected one of the registered versions"):
        reg.finish_run(other.run_id, status="succeeded", version=4)
    reg.finish_run(other.run_id, status="rejected", energy_kwh=0.002, duration_s=1.5)
    unmeasured = reg.start_run(action="fine_tune")
    reg.finish_run(unmeasured.run_id, status="failed", error="boom")
    reg.start_run(action="retrain")  # still running: not in the cost history
    assert [r.run_id for r in reg.cost_history()] == [run.run_id, other.run_id]
    assert [r.run_id for r in reg.cost_history("fine_tune")] == [other.run_id]
    assert reg.run(other.run_id).duration_s == 1.5
    assert [r.status for r in reg.runs()] == ["succeeded", "rejected", "failed", "running"]
    with pytest.raises(DriftwiseError, match="field 'run_id': found 'nope'"):
        reg.run("nope")


def test_reconcile_fails_runs_whose_process_is_gone(tmp_path: Path) -> None:
    with Registry(tmp_path) as reg:
        add(reg)
        reg.promote(1, actor="a", reason="r")
        alive = reg.start_run(action="retrain")
        reused = reg.start_run(action="retrain")
        remote = reg.start_run(action="fine_tune")
        promoted = reg.start_run(action="retrain")
        reg.register(
            blob=b"v2",
            adapter="a",
            adapter_config={},
            action="retrain",
            parent=1,
            run_id=promoted.run_id,
        )
        reg.promote(2, actor="a", reason="r")
    with sqlite3.connect(tmp_path / "registry.sqlite3") as raw:
        # Same pid, another start time: the id was recycled by a new process.
        for run in (reused, promoted):
            raw.execute("UPDATE runs SET proc_start = -5 WHERE run_id = ?", (run.run_id,))
        # A run on another machine cannot be judged from here.
        raw.execute(
            "UPDATE runs SET pid = 1, host = 'elsewhere' WHERE run_id = ?", (remote.run_id,)
        )
    raw.close()
    with Registry(tmp_path) as reg:
        statuses = {r.run_id: (r.status, r.error) for r in reg.runs()}
        assert statuses[alive.run_id] == ("running", None)  # this process is alive
        assert statuses[reused.run_id] == ("failed", KILLED_RUN_ERROR)
        assert statuses[remote.run_id] == ("running", None)
        # Killed after its version was promoted: the message must not claim "not changed".
        assert statuses[promoted.run_id] == (
            "failed",
            "the run stopped without finishing (killed or crashed) after its version 2 was "
            "promoted; version 2 is the champion",
        )
        assert reg.run(promoted.run_id).version == 2
        assert reg.reconcile() == []
        assert at(reg, "champion") == 2


def test_threads_share_one_registry(reg: Registry) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(5):
                reg.register(
                    blob=f"{i}-{j}".encode(), adapter="a", adapter_config={}, action="initial"
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [v.version for v in reg.versions()] == list(range(1, 21))
    assert len({v.artifact_sha256 for v in reg.versions()}) == 20


def test_schema_migrations_wal_and_closing(tmp_path: Path) -> None:
    reg = Registry(tmp_path)
    reg.close()
    reg.close()  # idempotent
    with pytest.raises(DriftwiseError, match="the registry is closed; open it again"):
        reg.versions()
    with sqlite3.connect(tmp_path / "registry.sqlite3") as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 1
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"versions", "aliases", "alias_moves", "runs"} <= tables
        raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(DriftwiseError) as err:
        Registry(tmp_path)
    assert str(err.value) == (
        f"{tmp_path / 'registry.sqlite3'}: field 'user_version': found schema version 2; "
        "expected at most 1, the newest this driftwise knows. The registry was written by a "
        "newer driftwise; upgrade driftwise."
    )
    (tmp_path / "file").write_text("x")
    with pytest.raises(
        DriftwiseError, match="field 'root': found .*file, a file; expected a folder"
    ):
        Registry(tmp_path / "file")


def test_check_reports_dangling_references(tmp_path: Path) -> None:
    with Registry(tmp_path) as reg:
        add(reg), add(reg, "fine_tune", 1)
        reg.promote(1, actor="a", reason="r")
        reg.promote(2, actor="a", reason="r")
        assert reg.check() == []
    # Another tool, without foreign keys, deletes version 1 behind the registry's back.
    with sqlite3.connect(tmp_path / "registry.sqlite3") as raw:
        raw.execute("DELETE FROM versions WHERE version = 1")
    raw.close()
    with Registry(tmp_path) as reg:
        problems = reg.check()
    assert "version 2: parent 1 is not a registered version" in problems
    assert "alias 'previous': points to version 1, which is not registered" in problems
    assert any(p.startswith("database: row") for p in problems)
