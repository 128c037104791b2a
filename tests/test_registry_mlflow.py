"""The MLflow registry adapter, against a real local MLflow store (SQLite + artifact folder)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from driftwise.errors import DriftwiseError
from driftwise.registry import TamperedArtifactError
from driftwise.registry.mlflow import MlflowRegistry

pytest.importorskip("mlflow")
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MlflowRegistry, Path]]:
    """One MLflow store for the module: importing MLflow and creating its tables take seconds."""
    quiet = {name: logging.getLogger(name).level for name in ("mlflow", "alembic")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.ERROR)
    root = tmp_path_factory.mktemp("mlflow")
    artifacts = root / "artifacts"
    reg = MlflowRegistry(
        "sqlite:///" + str(root / "mlflow.db"), "churn", artifact_location=artifacts.as_uri()
    )
    reg.register(
        blob=b"first model",
        adapter="sklearn",
        adapter_config={"alpha": 0.001, "features": ["price", "region"]},
        action="initial",
        windows={"train": "jan.parquet", "rows": [0, 5000]},
        metrics={"accuracy": 0.91},
        energy_kwh=0.002,
        duration_s=1.5,
        note="first",
    )
    reg.register(
        blob=b"second model", adapter="sklearn", adapter_config={}, action="fine_tune", parent=1
    )
    yield reg, artifacts
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)


def test_register_records_every_field_as_tags_and_logs_a_run(
    store: tuple[MlflowRegistry, Path],
) -> None:
    reg, artifacts = store
    v1, v2 = reg.versions()
    assert (v1.version, v2.version, v2.parent, v2.action) == (1, 2, 1, "fine_tune")
    assert v1.adapter_config == {"alpha": 0.001, "features": ["price", "region"]}
    assert v1.windows == {"train": "jan.parquet", "rows": [0, 5000]}
    assert (v1.metrics, v1.energy_kwh, v1.duration_s, v1.note) == (
        {"accuracy": 0.91},
        0.002,
        1.5,
        "first",
    )
    assert v1.artifact_sha256 == hashlib.sha256(b"first model").hexdigest()
    assert v1.artifact_bytes == len(b"first model")
    assert reg.version(1) == v1
    # The artifact lives in the MLflow run's folder, the run carries params and metrics.
    files = [p for p in artifacts.rglob(v1.artifact_sha256) if p.is_file()]
    assert len(files) == 1 and files[0].read_bytes() == b"first model"
    mv = reg.client.get_model_version("churn", "1")
    assert mv.tags["driftwise.sha256"] == v1.artifact_sha256
    assert mv.tags["driftwise.action"] == "initial"
    run = reg.client.get_run(mv.run_id)
    assert run.data.params["adapter"] == "sklearn" and run.data.params["config.alpha"] == "0.001"
    assert run.data.metrics == {"accuracy": 0.91, "energy_kwh": 0.002, "duration_s": 1.5}
    assert reg.get_artifact(v2.artifact_sha256) == b"second model"
    with pytest.raises(DriftwiseError) as err:
        reg.version(9)
    assert str(err.value) == (
        "MLflow model 'churn': field 'version': found 9; expected one of the versions "
        "registered by driftwise: 1, 2."
    )
    with pytest.raises(DriftwiseError, match="MLflow model 'churn': field 'version': found 5"):
        reg.register(blob=b"x", adapter="a", adapter_config={}, action="retrain", parent=5)


def test_promote_rollback_history_lineage_and_debt(store: tuple[MlflowRegistry, Path]) -> None:
    reg, _ = store
    assert reg.champion() is None and reg.debt() == 0
    with pytest.raises(DriftwiseError, match="found no champion yet; expected a version to roll"):
        reg.rollback(actor="ana", reason="nothing yet")
    reg.promote(1, actor="ana", reason="first model")
    move = reg.promote(2, actor="ana", reason="fine-tuned on March")
    assert (move.alias, move.from_version, move.to_version, move.kind) == (
        "champion",
        1,
        2,
        "promote",
    )
    champion, previous = reg.champion(), reg.alias("previous")
    assert champion is not None and previous is not None
    assert (champion.version, champion.aliases, previous.version) == (2, ("champion",), 1)
    assert [v.aliases for v in reg.versions()] == [("previous",), ("champion",)]
    assert reg.debt() == 1 and [v.version for v in reg.lineage(2)] == [2, 1]
    with pytest.raises(DriftwiseError, match="found 2, which is already the champion"):
        reg.promote(2, actor="ana", reason="again")
    back = reg.rollback(actor="oncall", reason="complaints")
    assert (back.kind, back.actor, back.reason, back.from_version, back.to_version) == (
        "rollback",
        "oncall",
        "complaints",
        2,
        1,
    )
    champion, previous = reg.champion(), reg.alias("previous")
    assert champion is not None and previous is not None
    assert (champion.version, previous.version) == (1, 2)
    assert reg.debt() == 0
    moves = reg.history()
    assert [(m.id, m.alias, m.to_version, m.kind) for m in moves] == [
        (1, "champion", 1, "promote"),
        (2, "previous", 1, "promote"),
        (3, "champion", 2, "promote"),
        (4, "previous", 2, "rollback"),
        (5, "champion", 1, "rollback"),
    ]
    assert [m.to_version for m in reg.history("champion")] == [1, 2, 1]
    tags = reg.client.get_registered_model("churn").tags
    assert "driftwise.alias_move.00000005" in tags


def test_tampering_in_the_mlflow_artifact_folder_is_detected(
    store: tuple[MlflowRegistry, Path],
) -> None:
    reg, artifacts = store
    v2 = reg.version(2)
    (path,) = [p for p in artifacts.rglob(v2.artifact_sha256) if p.is_file()]
    original = path.read_bytes()
    path.write_bytes(original[:-1] + b"!")
    found = hashlib.sha256(original[:-1] + b"!").hexdigest()
    try:
        with pytest.raises(TamperedArtifactError) as err:
            reg.get_artifact(v2.artifact_sha256)
        assert str(err.value) == (
            f"{path.parent.as_uri()}/{v2.artifact_sha256}: field 'sha256': found {found}; "
            f"expected {v2.artifact_sha256}, the hash recorded when it was registered. The "
            "artifact was changed after it was registered and will not be loaded."
        )
        problems = reg.check()
        assert len(problems) == 1 and problems[0].startswith("version 2: ")
        assert "will not be loaded" in problems[0]
    finally:
        path.write_bytes(original)
    assert reg.check() == []
    with pytest.raises(DriftwiseError, match="found no version with artifact 0000"):
        reg.get_artifact("0" * 64)
