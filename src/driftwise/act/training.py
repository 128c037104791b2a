"""The file-level steps behind the model commands: first training, acting on a decision file,
verifying a rollback.

These read data and policy files, call the adapters, the registry and
:func:`~driftwise.act.execute.execute`, and return figures and plain-language lines; the CLI only
prints them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from driftwise.act.execute import execute
from driftwise.act.record import Execution
from driftwise.decide.types import Decision
from driftwise.errors import DriftwiseError

__all__ = ["act_on_file", "load_decision", "train_initial", "verify_rollback"]

Progress = Callable[[str], None]


def _quiet(_line: str) -> None:
    return None


def _policy(source: str | Path | None) -> Any:
    from driftwise.api import resolve_policy

    return resolve_policy(source)[0]


def _features(frame: pd.DataFrame, target: str, given: Sequence[str] | None) -> list[str]:
    from driftwise.schema import SchemaOverrides, infer_schema

    if given:
        return list(given)
    schema = infer_schema(frame, SchemaOverrides(target=target), where="training data")
    return [f for f in schema.features if f != target]


def train_initial(
    registry: Any,
    data: str | Path,
    *,
    target: str,
    adapter: str = "sklearn",
    features: Sequence[str] | None = None,
    params: dict[str, Any] | None = None,
    policy: str | Path | None = None,
    actor: str = "driftwise",
    promote: bool = False,
    progress: Progress | None = None,
) -> str:
    """Train a model from scratch on ``data``, measure it, register it; return what happened.

    The version is promoted to champion when the registry has none yet, or when ``promote``.
    """
    from driftwise.act.adapters import make_adapter
    from driftwise.costs.measure import measure
    from driftwise.data import read_table

    say = progress or _quiet
    frame = read_table(data)
    if target not in frame.columns:
        raise DriftwiseError.for_column(
            target,
            where=str(data),
            found="no such column",
            expected="the label column",
            options=[str(c) for c in frame.columns],
        )
    cols = _features(frame, target, features)
    model_adapter = make_adapter(adapter, {"features": cols, "target": target, **(params or {})})
    pol = _policy(policy)
    champion = registry.champion()
    action = "initial" if champion is None else "retrain"
    rows = int(frame[target].notna().sum())
    windows = {"data": str(data), "rows": rows}
    run = registry.start_run(
        action=action,
        params={"adapter": adapter, "config": model_adapter.config(), "rows": rows},
        windows=windows,
    )
    try:
        say(f"training a {adapter} model on {rows} labelled rows of {data}")
        with measure(**pol.runs.meter()) as meter:
            model = model_adapter.fit(frame)
        m = meter.result
        version = registry.register(
            blob=model_adapter.dumps(model),
            adapter=model_adapter.kind,
            adapter_config=model_adapter.config(),
            action=action,
            parent=None if champion is None else champion.version,
            windows=windows,
            metrics={"accuracy_train": model_adapter.accuracy(model, frame)},
            energy_kwh=m.energy_kwh,
            emissions_kg=m.emissions_kg,
            duration_s=m.duration_s,
            run_id=run.run_id,
            note=f"trained with `driftwise train` on {data}",
        )
        registry.finish_run(
            run.run_id,
            status="succeeded",
            version=version.version,
            duration_s=m.duration_s,
            energy_kwh=m.energy_kwh,
            emissions_kg=m.emissions_kg,
            measurement=m.model_dump(mode="json"),
            outcome={"promoted": champion is None or promote},
        )
    except BaseException as exc:
        registry.finish_run(run.run_id, status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    energy = "" if m.energy_kwh is None else f", {m.energy_kwh * 1000:.3g} Wh"
    line = (
        f"Registered version {version.version} ({adapter}, {len(cols)} features, {rows} rows, "
        f"{m.duration_s:.2f} s{energy})."
    )
    if champion is None or promote:
        registry.promote(version.version, actor=actor, reason="trained with `driftwise train`")
        line += " It is the champion."
    else:
        line += f" The champion is still version {champion.version}: `driftwise promote` it."
    return line


def load_decision(path: str | Path) -> Decision:
    """Read and check a decision document; errors name the file."""
    from driftwise._strict import parse_model

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DriftwiseError(
            f"{file}: cannot read the decision ({exc.strerror or exc}); expected a decision.json "
            "written by `driftwise check`."
        ) from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DriftwiseError(
            f"{file}: line {exc.lineno}: found invalid JSON ({exc.msg}); expected a decision.json "
            "written by `driftwise check`."
        ) from None
    if not isinstance(raw, dict):
        raise DriftwiseError(
            f"{file}: found a JSON {type(raw).__name__}; expected a decision document (an object)."
        )
    return parse_model(Decision, raw, where=str(file))


def _data_path(given: str | None, recorded: str | None, role: str, decision: Path) -> str | None:
    if given:
        return given
    if recorded is None or recorded.startswith("<"):
        return None
    for candidate in (Path(recorded), decision.parent / recorded):
        if candidate.exists():
            return str(candidate)
    raise DriftwiseError.for_field(
        f"--{role}",
        where=str(decision),
        found=f"the decision's {role} data {recorded!r}, which does not exist here",
        expected=f"the file given with --{role} FILE",
    )


def act_on_file(
    registry: Any,
    decision_file: str | Path,
    *,
    reference: str | None = None,
    current: str | None = None,
    actor: str,
    approved_by: str | None = None,
    action: str | None = None,
    sensitive: Sequence[str] = (),
    out: str | Path | None = None,
    erasure: str | None = None,
    progress: Progress | None = None,
) -> tuple[Execution, Path]:
    """Carry out the decision in ``decision_file`` and write it back with its execution record."""
    from driftwise.data import read_table

    path = Path(decision_file)
    decision = load_decision(path)
    cur_path = _data_path(current, decision.summary.current, "current", path)
    ref_path = _data_path(reference, decision.summary.reference, "reference", path)
    todo = action or decision.action
    needs_data = todo in ("fine_tune", "retrain")
    if needs_data and cur_path is None:
        raise DriftwiseError.for_field(
            "--current",
            where=str(path),
            found="no current data recorded in the decision",
            expected="the labelled current data, given with --current FILE",
        )
    cur = read_table(cur_path, name="current") if needs_data and cur_path else pd.DataFrame()
    ref = read_table(ref_path, name="reference") if needs_data and ref_path else None
    request = None
    if erasure is not None:
        from driftwise.api import read_erasure

        key, keys, _ = read_erasure(erasure, ref if ref is not None else cur)
        request = (key, keys)
    execution = execute(
        decision,
        registry=registry,
        current=cur,
        reference=ref,
        policy=_policy(decision.policy.source),
        actor=actor,
        approved_by=approved_by,
        action=action,
        sensitive=sensitive,
        windows={"current": cur_path, "reference": ref_path},
        erasure=request,
        progress=progress,
    )
    target = Path(out) if out else path
    record = decision.model_copy(update={"execution": execution})
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(record.model_dump_json(indent=2) + "\n", encoding="utf-8")
    tmp.replace(target)
    return execution, target


def verify_rollback(
    registry: Any, move: Any, *, data: str | None = None, progress: Progress | None = None
) -> str:
    """Compare the restored champion with the version it replaced on recent labelled rows."""
    from driftwise.act.adapters import make_adapter
    from driftwise.act.context import BoundModel, BoundPredictor
    from driftwise.act.validate import validate
    from driftwise.data import read_table

    say = progress or _quiet
    if move.from_version is None:
        return "Nothing to compare: there was no champion before."
    source = data
    if source is None:
        recorded = [r.windows.get("current") for r in reversed(registry.runs())]
        source = next((s for s in recorded if s and Path(s).exists()), None)
    if source is None:
        return (
            "Not verified: no recent labelled data was given (--data FILE) and the latest "
            "runs' data files are not here."
        )
    restored, replaced = registry.version(move.to_version), registry.version(move.from_version)
    adapter = make_adapter(restored.adapter, restored.adapter_config)
    old_adapter = make_adapter(replaced.adapter, replaced.adapter_config)
    frame = read_table(source, name="recent data")
    target = adapter.target
    if target not in frame.columns or frame[target].notna().sum() < 30:
        return f"Not verified: {source} has fewer than 30 labelled rows in {target!r}."
    say(f"verifying on {source}")
    new_model = adapter.loads(registry.get_artifact(restored.artifact_sha256))
    old_model = old_adapter.loads(registry.get_artifact(replaced.artifact_sha256))
    # The two versions may come from different adapters: each predicts with its own.
    v = validate(
        BoundModel(old_adapter, old_model),
        BoundModel(adapter, new_model),
        frame,
        None,
        adapter=BoundPredictor(target),
    )
    d = v.difference
    figures = (
        f"accuracy {v.challenger_recent:.3f} against {v.champion_recent:.3f} "
        f"(difference {d.value:+.3f}, {d.level:.0%} interval {d.low:+.3f} to {d.high:+.3f}) "
        f"on {v.n_recent} labelled rows of {source}"
    )
    if d.low > 0:
        return f"Verified: the restored version {move.to_version} is better: {figures}."
    if d.high < 0:
        return (
            f"Warning: the restored version {move.to_version} is worse than version "
            f"{move.from_version}: {figures}. Consider `driftwise promote {move.from_version}`."
        )
    return f"Not better or worse beyond noise: {figures}."
