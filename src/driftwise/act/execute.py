"""Carry out a decision: train a challenger, measure and validate it, promote it or keep the old.

:func:`execute` is what ``driftwise act DECISION.json`` runs. The order of the steps is what makes
it safe to kill at any moment:

1. the champion is loaded from the registry (its artifact's sha256 is checked first);
2. a run is opened in the registry (status ``running``, with this process's id);
3. the challenger is trained under :func:`~driftwise.costs.measure.measure` (duration, energy,
   emissions);
4. the challenger is saved as a new version (content-addressed artifact, then one row);
5. the gates run on held-out rows of the new regime and of the reference;
6. only if every gate passes, the ``champion`` alias moves, in one transaction;
7. the run is closed with its outcome.

A process killed before step 6 leaves the champion where it was; the run stays ``running`` until
the next opening of the registry marks it ``failed`` (see
:meth:`~driftwise.registry.Registry.reconcile`), and running ``act`` again is safe.

Held-out rows: ``validation.holdout_share`` of the labelled current rows and of the reference rows
are set aside (seeded) before training and used only by the gates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from driftwise.act.record import Execution, GateResult
from driftwise.decide.types import Decision
from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy

__all__ = [
    "decision_id",
    "execute",
    "outside",
    "scope_segments",
    "split_holdout",
    "unaffected",
]

Progress = Callable[[str], None]
_TRAINING = ("fine_tune", "retrain")
#: Fewest labelled held-out rows of the new regime the gates need.
MIN_HOLDOUT = 30


def _now() -> datetime:
    return datetime.now(UTC)


def decision_id(decision: Decision) -> str:
    """A short content hash of a decision (without its execution record).

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(), evidence=(),
    ...              summary=CheckSummary(n_reference=1, n_current=1, n_features=1,
    ...              n_labelled_current=0), policy=PolicyRef(name="baseline"))
    >>> len(decision_id(d))
    16
    """
    body = decision.model_copy(update={"execution": None}).model_dump_json()
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def split_holdout(
    frame: pd.DataFrame, target: str, share: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the labelled rows of ``frame`` into (train, holdout), seeded.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"y": [0, 1, None, 1, 0, 1, 0, 1, 0, 1, 1]})
    >>> train, hold = split_holdout(f, "y", 0.3, seed=0)
    >>> len(train), len(hold)
    (7, 3)
    """
    rows = frame[frame[target].notna()]
    order = np.random.default_rng(seed).permutation(len(rows))
    k = round(share * len(rows))
    return rows.iloc[np.sort(order[k:])], rows.iloc[np.sort(order[:k])]


def _sensitive_columns(decision: Decision, given: Sequence[str]) -> tuple[str, ...]:
    found = [str(getattr(e, "attribute", "")) for e in decision.evidence if e.kind == "fairness"]
    return tuple(dict.fromkeys([*given, *(c for c in found if c)]))


def _is_global(decision: Decision) -> bool:
    return any(
        e.kind == "scope" and getattr(e, "verdict", "") == "global" for e in decision.evidence
    )


def scope_segments(evidence: Sequence[Any]) -> list[tuple[str, str]]:
    """(key, value) of the segments a *localized* scope names; empty otherwise."""
    for e in evidence:
        if e.kind == "scope" and e.verdict == "localized" and e.drifted_segments:
            return [(k, v) for k, _, v in (s.partition("=") for s in e.drifted_segments) if k and v]
    return []


def outside(frame: pd.DataFrame, segments: Sequence[tuple[str, str]]) -> pd.DataFrame | None:
    """The rows of ``frame`` in none of the ``(key, value)`` segments; ``None`` if none is left.

    >>> import pandas as pd
    >>> outside(pd.DataFrame({"r": ["a", "b"]}), [("r", "a")])["r"].tolist()
    ['b']
    """
    keep = np.ones(len(frame), dtype=bool)
    for key, value in segments:
        if key in frame.columns:
            keep &= frame[key].astype(str).to_numpy() != value
    return frame[keep] if keep.any() else None


def _flagged(decision: Decision) -> list[tuple[str, str]]:
    """(key, value) of the segments the change is confined to.

    Those the scope names when it is localized; otherwise the segments whose performance
    degraded.
    """
    return scope_segments(decision.evidence) or [
        (e.key, e.value) for e in decision.evidence if e.kind == "segment_drift" and e.degraded
    ]


def _is_localized(decision: Decision) -> bool:
    return any(
        e.kind == "scope" and getattr(e, "verdict", "") == "localized" for e in decision.evidence
    )


def unaffected(frame: pd.DataFrame | None, decision: Decision) -> pd.DataFrame | None:
    """The rows of ``frame`` outside the segments the change is confined to; ``None`` after a
    global change (the old regime is gone everywhere) or when nothing is left.

    A fine-tune replays these rows and the forgetting gate is checked on them: they are the part
    of the old regime the change left alone.

    >>> import pandas as pd
    >>> from driftwise.decide.types import Decision
    >>> from driftwise.signals.types import Scope
    >>> scope = Scope.model_construct(kind="scope", verdict="localized",
    ...                               drifted_segments=("region=coast",))
    >>> d = Decision.model_construct(evidence=(scope,))
    >>> unaffected(pd.DataFrame({"region": ["coast", "west", "east"]}), d)["region"].tolist()
    ['west', 'east']
    """
    if frame is None or _is_global(decision):
        return None
    return outside(frame, _flagged(decision))


def _gates(validation: Any) -> tuple[GateResult, ...]:
    return tuple(GateResult(name=g.name, passed=g.passed, text=g.text) for g in validation.gates)


def execute(
    decision: Decision,
    *,
    registry: Any,
    current: pd.DataFrame,
    reference: pd.DataFrame | None,
    policy: Policy,
    actor: str,
    approved_by: str | None = None,
    action: str | None = None,
    sensitive: Sequence[str] = (),
    windows: dict[str, Any] | None = None,
    erasure: tuple[str, set[str]] | None = None,
    progress: Progress | None = None,
) -> Execution:
    """Carry out ``decision`` (or ``action``, a person's override) against ``registry``.

    Parameters
    ----------
    decision
        The decision document (from ``driftwise check``).
    registry
        A :class:`~driftwise.registry.Registry` (or the MLflow one) holding the champion.
    current, reference
        The labelled new-regime rows and the reference rows (``None``: no forgetting check).
    policy
        Supplies the ``validation`` gates and the ``runs`` measurement settings.
    actor
        Who runs the command (recorded with every alias move).
    approved_by
        The person who approved; required when the decision lists approvals, and for overrides.
    action
        Carry out this action instead of the decided one (needs ``approved_by``).
    sensitive
        Sensitive columns for the fairness gates (those of the decision's fairness evidence are
        added).
    windows
        Where the data came from (file names), stored with the run and the version.
    erasure
        ``(key column, keys)`` of an erasure request: those rows are dropped from every frame
        before anything else. Required when the decision records an erasure request.
    """
    say = progress or (lambda _line: None)
    todo = action or decision.action
    started = _now()
    base = {"action": todo, "actor": actor, "approved_by": approved_by, "started_at": started}
    base["registry"] = str(getattr(registry, "root", "")) or None
    champion = registry.champion()
    base["champion_before"] = champion.version if champion else None
    base["champion_after"] = base["champion_before"]

    def done(status: str, text: str, **more: Any) -> Execution:
        return Execution(**{**base, **more, "status": status, "text": text, "ended_at": _now()})

    if action is not None and action != decision.action and not approved_by:
        return done(
            "refused",
            f"The decision was {decision.action}; carrying out {action} instead needs a person's "
            "approval: rerun with --approved-by NAME.",
        )
    if decision.approvals_required and not approved_by:
        needed = ", ".join(decision.approvals_required)
        return done(
            "refused",
            f"This decision needs approval ({needed}) before it is carried out: rerun with "
            "--approved-by NAME.",
        )
    if todo in ("no_action", "monitor"):
        return done("nothing_to_do", f"The decision is {todo}: the champion stays as it is.")
    if todo == "escalate":
        return done(
            "refused",
            "The decision hands the call to a person: choose an action and rerun with "
            "--action fine_tune|retrain|rollback --approved-by NAME.",
        )
    if todo == "rollback":
        move = registry.rollback(actor=approved_by or actor, reason=decision.headline or "rollback")
        return done(
            "rolled_back",
            f"Rolled back: version {move.to_version} is the champion again "
            f"(was {move.from_version}).",
            champion_after=move.to_version,
        )
    if todo not in _TRAINING:
        raise DriftwiseError.for_field(
            "action", where="act", found=repr(todo), expected="one of " + ", ".join(_TRAINING)
        )
    if champion is None:
        raise DriftwiseError.for_field(
            "champion",
            where=f"registry {base['registry']}",
            found="no champion",
            expected="a champion model: train one first with `driftwise train`",
        )
    sensitive_cols = _sensitive_columns(decision, sensitive)
    refusal = _requirements(decision, erasure, sensitive_cols, reference)
    if refusal:
        return done("refused", refusal)
    if erasure is not None:
        key, keys = erasure
        current = _without(current, key, keys)
        reference = None if reference is None else _without(reference, key, keys)
    return _train_and_gate(
        decision,
        todo,
        registry=registry,
        champion=champion,
        current=current,
        reference=reference,
        policy=policy,
        sensitive=sensitive_cols,
        windows={**(windows or {}), **({"erasure_key": erasure[0]} if erasure else {})},
        done=done,
        say=say,
        actor=approved_by or actor,
    )


def _without(frame: pd.DataFrame, key: str, keys: set[str]) -> pd.DataFrame:
    if key not in frame.columns:
        return frame
    return frame[~frame[key].astype(str).isin(keys).to_numpy()]


def _requirements(
    decision: Decision,
    erasure: tuple[str, set[str]] | None,
    sensitive: tuple[str, ...],
    reference: pd.DataFrame | None,
) -> str | None:
    """Why the decision cannot be carried out with these inputs (``None``: it can)."""
    request = next((e for e in decision.evidence if e.kind == "erasure"), None)
    if request is not None and erasure is None:
        return (
            f"The decision records an erasure request ({request.source}, key {request.key!r}, "
            f"{request.n_reference_rows} reference rows): give it again with --erasure FILE so "
            "that the erased records are left out of training."
        )
    required = decision.gates_required
    if "fairness" in required and not sensitive:
        return (
            "The policy's regulation packs require the fairness gate, and no sensitive column "
            "is known: rerun with --sensitive COL."
        )
    if "forgetting" in required and reference is None and not _is_global(decision):
        return (
            "The policy's regulation packs require the forgetting gate, and there are no "
            "reference rows: rerun with --reference FILE."
        )
    return None


def _train_and_gate(
    decision: Decision,
    todo: str,
    *,
    registry: Any,
    champion: Any,
    current: pd.DataFrame,
    reference: pd.DataFrame | None,
    policy: Policy,
    sensitive: tuple[str, ...],
    windows: dict[str, Any],
    done: Callable[..., Execution],
    say: Progress,
    actor: str,
) -> Execution:
    from driftwise.act.adapters import make_adapter
    from driftwise.act.gates import base_bias
    from driftwise.act.validate import validate_with_policy
    from driftwise.costs.measure import measure

    vp, seed = policy.validation, policy.seed
    if "fairness:selection_rate" in decision.gates_required:
        wanted = tuple(dict.fromkeys([*vp.fairness_metrics, "selection_rate"]))
        vp = vp.model_copy(update={"fairness_metrics": wanted})
    positive = policy.fairness.positive_label
    say(f"loading champion version {champion.version} ({champion.adapter})")
    adapter = make_adapter(champion.adapter, champion.adapter_config)
    model = adapter.loads(registry.get_artifact(champion.artifact_sha256))
    target = adapter.target
    if target not in current.columns:
        raise DriftwiseError.for_column(
            target,
            where="act(current)",
            found="no such column",
            expected="the champion's target column with the new labels",
            options=[str(c) for c in current.columns],
        )
    cur_train, cur_hold = split_holdout(current, target, vp.holdout_share, seed)
    if len(cur_hold) < MIN_HOLDOUT:
        return done(
            "refused",
            f"Only {len(cur_train) + len(cur_hold)} labelled current rows: the gates need at least "
            f"{MIN_HOLDOUT} held out ({vp.holdout_share:.0%} of them). Wait for more labels.",
        )
    ref_train: pd.DataFrame | None = None
    ref_hold: pd.DataFrame | None = None
    if reference is not None and target in reference.columns:
        ref_train, ref_hold = split_holdout(reference, target, vp.holdout_share, seed)
    replaced = _is_global(decision)
    replay = unaffected(ref_train, decision)
    forgetting_rows = unaffected(ref_hold, decision)
    gates: list[GateResult] = []
    if todo == "fine_tune" and vp.check_base_bias and sensitive:
        # The champion's own bias is measured where it was meant to work: the held-out
        # reference rows (the new regime's errors are the drift, not the base model's bias).
        bias_rows = (
            ref_hold
            if ref_hold is not None and all(c in ref_hold.columns for c in sensitive)
            else cur_hold
        )
        bias = base_bias(
            model,
            bias_rows,
            adapter=adapter,
            sensitive=sensitive,
            metrics=vp.fairness_metrics,
            max_disparity=vp.base_bias_max_disparity,
            min_group_rows=vp.min_group_rows,
            positive_label=positive,
        )
        gates.append(GateResult(name=bias.name, passed=bias.passed, text=bias.text))
        if not bias.passed:
            return done("refused", bias.text + " Fine-tune refused.", gates=tuple(gates))
    if todo == "fine_tune":
        train_rows, method = cur_train, adapter.fine_tune_method
        n_rows = len(cur_train) + (
            0 if replay is None else round(adapter_replay_share(adapter) * len(cur_train))
        )
    elif replay is None or not _is_localized(decision):
        # Outside a localized change the old regime's labels are stale: a retrain learns from
        # the new-regime rows only.
        train_rows, method = cur_train, "retrain from scratch on the new-regime rows"
        n_rows = len(cur_train)
    else:
        # A localized change leaves the rest of the old regime valid: the refreshed training
        # set is the new rows plus the reference rows outside the flagged segments.
        train_rows = pd.concat([cur_train, replay], ignore_index=True)
        method = "retrain from scratch on the new rows and the unaffected reference rows"
        n_rows = len(train_rows)
    run_windows = {
        **windows,
        "current_train_rows": len(cur_train),
        "current_holdout_rows": len(cur_hold),
        "reference_train_rows": 0 if ref_train is None else len(ref_train),
        "reference_holdout_rows": 0 if ref_hold is None else len(ref_hold),
    }
    run = registry.start_run(
        action=todo,
        decision_id=decision_id(decision),
        params={
            "adapter": adapter.kind,
            "config": adapter.config(),
            "method": method,
            "rows": n_rows,
            "holdout_share": vp.holdout_share,
            "seed": seed,
        },
        windows=run_windows,
    )
    try:
        say(f"run {run.run_id[:8]}: {method} ({n_rows} rows)")
        with measure(**policy.runs.meter()) as meter:
            if todo == "fine_tune":
                challenger = adapter.fine_tune(model, cur_train, replay=replay)
            else:
                challenger = adapter.fit(train_rows)
        m = meter.result
        say("validating the challenger against the champion")
        validation = validate_with_policy(
            model,
            challenger,
            cur_hold,
            forgetting_rows,
            adapter=adapter,
            sensitive=sensitive,
            policy=vp,
            seed=seed,
            positive_label=positive,
        )
        gates.extend(_gates(validation))
        if forgetting_rows is None:
            why = (
                "the shift is global, the reference regime is replaced"
                if replaced
                else "no held-out reference rows outside the flagged segments"
            )
            gates = [
                g
                if g.name != "forgetting"
                else GateResult(
                    name="forgetting", passed=True, text=f"Forgetting not checked: {why}."
                )
                for g in gates
            ]
        metrics = {
            "accuracy_recent": validation.challenger_recent,
            "champion_accuracy_recent": validation.champion_recent,
        }
        if validation.challenger_reference is not None:
            metrics["accuracy_reference"] = validation.challenger_reference
        version = registry.register(
            blob=adapter.dumps(challenger),
            adapter=adapter.kind,
            adapter_config=adapter.config(),
            action=todo,
            parent=champion.version,
            windows=run_windows,
            metrics=metrics,
            energy_kwh=m.energy_kwh,
            emissions_kg=m.emissions_kg,
            duration_s=m.duration_s,
            run_id=run.run_id,
            note=decision.headline,
        )
        measured = {
            "rows_trained": n_rows,
            "method": method,
            "run_id": run.run_id,
            "version": version.version,
            "gates": tuple(gates),
            "duration_s": m.duration_s,
            "energy_kwh": m.energy_kwh,
            "emissions_kg": m.emissions_kg,
            "measurement": m.method,
        }
        outcome = {"gates": [g.model_dump() for g in gates], "promote": validation.promote}
        if validation.promote:
            registry.promote(version.version, actor=actor, reason=decision.headline or todo)
            status, text = (
                "promoted",
                (
                    f"Version {version.version} ({todo.replace('_', '-')}) passed every gate and "
                    f"is the champion; version {champion.version} is kept as previous."
                ),
            )
            measured["champion_after"] = version.version
        else:
            status = "rejected"
            text = (
                f"Version {version.version} was rejected; version {champion.version} stays the "
                "champion. " + " ".join(g.text for g in gates if not g.passed)
            )
        registry.finish_run(
            run.run_id,
            status="succeeded" if validation.promote else "rejected",
            version=version.version,
            outcome=outcome,
            duration_s=m.duration_s,
            energy_kwh=m.energy_kwh,
            emissions_kg=m.emissions_kg,
            measurement=m.model_dump(mode="json"),
        )
        return done(status, text, **measured)
    except BaseException as exc:
        registry.finish_run(run.run_id, status="failed", error=f"{type(exc).__name__}: {exc}")
        raise


def adapter_replay_share(adapter: Any) -> float:
    """The adapter's replay share (0 when it has none).

    >>> class A:
    ...     replay_share = 0.3
    >>> adapter_replay_share(A()), adapter_replay_share(object())
    (0.3, 0.0)
    """
    return float(getattr(adapter, "replay_share", 0.0))
