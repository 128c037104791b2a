"""Replay a policy over a historical sequence of batches, next to fixed update strategies.

For every strategy the model is trained on the first ``warmup`` batches; then each later batch
is first *served* (the accuracy the model in service produces on it is recorded: the
prequential, test-then-train accuracy), and only then may the strategy update the model with
the batch's labels:

* ``driftwise``: ``driftwise.check`` of the rows served since the last update against the data
  the model in service last learnt from, decided under the policy, and carried out on those
  rows exactly as ``driftwise act`` does
  (:func:`driftwise.act.execute.execute` on a registry: held-out validation, gates, promotion
  or rejection, rollback). ``monitor``, ``no_action`` and ``escalate`` change nothing (there is
  no person in a replay; escalations are counted);
* ``never``: the first model serves throughout;
* ``always_fine_tune``: a fine-tune on every batch, promoted without validation;
* ``retrain_on_alarm``: a retrain on the batch whenever any input drifted (the drift signals
  of the same check, without its decision);
* ``periodic_retrain``: a retrain on the last ``period`` batches every ``period`` batches.

Every training run is measured with CodeCarbon (offline), so each strategy reports the
accuracy it would have produced and the compute, energy and carbon it spent.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy

__all__ = [
    "STRATEGIES",
    "ReplayResult",
    "ReplayStep",
    "StrategyResult",
    "format_replay",
    "replay",
    "split_batches",
]

STRATEGIES = ("driftwise", "never", "always_fine_tune", "retrain_on_alarm", "periodic_retrain")
PREDICTION = "__prediction__"
Progress = Callable[[str], object]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ReplayStep(_Frozen):
    """One batch under one strategy: how the model in service did, and what was done after."""

    batch: str
    rows: int
    accuracy: float  # of the model in service on this batch, before any update
    action: str  # what the strategy did after serving the batch
    outcome: str = ""  # for driftwise: the execution status (promoted, rejected, ...)
    note: str = ""  # for driftwise: the execution's text (why a challenger was rejected, ...)
    train_s: float = 0.0
    energy_kwh: float = 0.0
    emissions_kg: float = 0.0


class StrategyResult(_Frozen):
    """A strategy over the whole replay."""

    name: str
    steps: tuple[ReplayStep, ...]
    accuracy: float  # mean over served batches, weighted by rows
    fine_tunes: int
    retrains: int
    rollbacks: int
    escalations: int
    rejected: int
    failed: int  # training refused by the adapter (a batch of one class, say)
    # With a sensitive column: the largest gap in false-positive rate between its groups, over
    # every served row (the first sensitive column).
    fpr_gap: float | None = None
    fpr_gap_between: str = ""
    train_s: float
    energy_kwh: float
    emissions_kg: float


class ReplayResult(_Frozen):
    """Every strategy's result, batch by batch."""

    target: str
    batches: tuple[str, ...]
    warmup: int
    period: int
    policy: str
    strategies: tuple[StrategyResult, ...]
    seconds: float


def split_batches(
    frame: pd.DataFrame,
    *,
    every: int | None = None,
    by: str | None = None,
    freq: str = "M",
    name: str = "data",
) -> list[tuple[str, pd.DataFrame]]:
    """Cut one table into ordered batches: ``every`` N rows, or by period of the date column ``by``.

    >>> f = pd.DataFrame({"d": ["2020-01-03", "2020-02-01", "2020-01-20"], "x": [1, 2, 3]})
    >>> [(n, len(b)) for n, b in split_batches(f, by="d")]
    [('2020-01', 2), ('2020-02', 1)]
    >>> [(n, len(b)) for n, b in split_batches(pd.DataFrame({"x": range(5)}), every=2)]
    [('rows 0-1', 2), ('rows 2-3', 2), ('rows 4-4', 1)]
    """
    if (every is None) == (by is None):
        raise DriftwiseError.for_field(
            "--every/--by", where="replay", found="both or neither", expected="exactly one of them"
        )
    if every is not None:
        if every < 1:
            raise DriftwiseError.for_field(
                "--every", where="replay", found=str(every), expected="a number of rows >= 1"
            )
        return [
            (f"rows {i}-{min(i + every, len(frame)) - 1}", frame.iloc[i : i + every])
            for i in range(0, len(frame), every)
        ]
    assert by is not None
    if by not in frame.columns:
        raise DriftwiseError.for_column(
            by,
            where=name,
            found="no such column",
            expected="a date column to cut batches by",
            options=[str(c) for c in frame.columns],
        )
    dates = pd.to_datetime(frame[by], errors="coerce")
    if dates.isna().all():
        raise DriftwiseError.for_column(
            by, where=name, found="no readable dates", expected="dates such as 2020-01-31"
        )
    periods = dates.dt.to_period(freq)
    out = []
    for period in sorted(periods.dropna().unique()):
        out.append((str(period), frame[(periods == period).to_numpy()]))
    return out


class _Served:
    """The model in service for one strategy and the data it last learnt from."""

    def __init__(self, adapter: Any, model: Any, learnt: pd.DataFrame) -> None:
        self.adapter, self.model, self.learnt = adapter, model, learnt
        self._reference: pd.DataFrame | None = None

    def reference(self) -> pd.DataFrame:
        """The data it learnt from with its predictions (made once per model)."""
        if self._reference is None:
            pred = self.adapter.predict(self.model, self.learnt)
            self._reference = self.learnt.assign(**{PREDICTION: pred})
        return self._reference

    def serve(
        self, batch: pd.DataFrame, sensitive: Sequence[str], log: list[pd.DataFrame]
    ) -> tuple[float, pd.DataFrame]:
        """Predict ``batch`` once: (accuracy on its labelled rows, the batch with predictions).

        With a sensitive column, keeps labels, predictions and groups of the labelled rows in
        ``log`` for the false-positive-rate gap.
        """
        pred = self.adapter.predict(self.model, batch)
        target = self.adapter.target
        labelled = batch[target].notna().to_numpy()
        truth = batch[target].to_numpy()
        acc = float(np.mean(pred[labelled] == truth[labelled])) if labelled.any() else math.nan
        if sensitive and sensitive[0] in batch.columns and labelled.any():
            log.append(
                pd.DataFrame(
                    {
                        "y": truth[labelled],
                        "pred": pred[labelled],
                        "group": batch[sensitive[0]].astype(str).to_numpy()[labelled],
                    }
                )
            )
        return acc, batch.assign(**{PREDICTION: pred})


def _attempt(policy: Policy, work: Callable[[], Any]) -> tuple[Any | None, dict[str, float], str]:
    """Train (measured); a batch the adapter refuses (one class only, say) is set aside."""
    try:
        out, cost = _timed(policy, work)
    except DriftwiseError as exc:
        return None, {}, f"failed: {exc}"
    return out, cost, ""


def _timed(policy: Policy, work: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    from driftwise.costs.measure import measure

    with measure(**policy.runs.meter()) as meter:
        out = work()
    m = meter.result
    return out, {
        "train_s": m.duration_s,
        "energy_kwh": m.energy_kwh or 0.0,
        "emissions_kg": m.emissions_kg or 0.0,
    }


def _check(
    served: _Served,
    current: pd.DataFrame,
    policy: Policy,
    segments: Sequence[str],
    sensitive: Sequence[str] = (),
) -> Any:
    """``driftwise.check`` of ``current`` (with the served model's predictions)."""
    from driftwise.api import check

    return check(
        served.reference(),
        current,
        target=served.adapter.target,
        prediction=PREDICTION,
        segments=segments,
        sensitive=sensitive,
        policy=policy,
    )


def _fixed(
    name: str,
    batches: list[tuple[str, pd.DataFrame]],
    first: _Served,
    *,
    warmup: int,
    period: int,
    policy: Policy,
    segments: Sequence[str],
    sensitive: Sequence[str],
    log: list[pd.DataFrame],
) -> list[ReplayStep]:
    served = _Served(first.adapter, first.model, first.learnt)
    adapter = served.adapter
    steps = []
    for i in range(warmup, len(batches)):
        label, batch = batches[i]
        acc, predicted = served.serve(batch, sensitive, log)
        action, cost, outcome = "none", dict[str, float](), ""
        model: Any = None
        k = i - warmup + 1
        if name == "always_fine_tune":
            action = "fine_tune"
            model, cost, outcome = _attempt(policy, partial(adapter.fine_tune, served.model, batch))
            learnt = batch
        elif name == "periodic_retrain" and k % period == 0:
            action = "retrain"
            learnt = pd.concat([b for _, b in batches[i - period + 1 : i + 1]], ignore_index=True)
            model, cost, outcome = _attempt(policy, partial(adapter.fit, learnt))
        elif name == "retrain_on_alarm":
            decision = _check(served, predicted, policy, segments)
            alarm = any(
                getattr(e, "drifted", False)
                and (e.kind != "feature_drift" or e.role in ("numeric", "categorical", "text"))
                for e in decision.evidence
                if e.kind in ("feature_drift", "multivariate_drift", "text_drift")
            )
            if alarm:
                action, learnt = "retrain", batch
                model, cost, outcome = _attempt(policy, partial(adapter.fit, batch))
        if model is not None:
            served = _Served(adapter, model, learnt)
        step = {"batch": label, "rows": len(batch), "accuracy": acc, "action": action}
        steps.append(ReplayStep(**step, outcome=outcome, **cost))
    return steps


def _driftwise(
    batches: list[tuple[str, pd.DataFrame]],
    first: _Served,
    *,
    warmup: int,
    policy: Policy,
    segments: Sequence[str],
    sensitive: Sequence[str],
    progress: Progress,
    log: list[pd.DataFrame],
) -> list[ReplayStep]:
    from driftwise.act.execute import execute
    from driftwise.registry import Registry

    adapter = first.adapter
    served = _Served(adapter, first.model, first.learnt)
    learnt: dict[int, pd.DataFrame] = {}
    steps = []
    with (
        tempfile.TemporaryDirectory(prefix="driftwise-replay-") as tmp,
        Registry(Path(tmp) / "registry") as reg,
    ):
        v = reg.register(
            blob=adapter.dumps(served.model),
            adapter=adapter.kind,
            adapter_config=adapter.config(),
            action="initial",
        )
        reg.promote(v.version, actor="replay", reason="the warm-up model")
        learnt[v.version] = served.learnt
        pending: list[pd.DataFrame] = []
        for i in range(warmup, len(batches)):
            label, batch = batches[i]
            acc, predicted = served.serve(batch, sensitive, log)
            # The rows served since the last update: what a check of "production since the
            # champion was promoted" sees, and what an update learns from.
            pending.append(predicted)
            since = pd.concat(pending, ignore_index=True)
            decision = _check(served, since, policy, segments, sensitive)
            action, outcome, note, cost = decision.action, "", "", dict[str, float]()
            if decision.action in ("fine_tune", "retrain", "rollback"):
                try:
                    done = execute(
                        decision,
                        registry=reg,
                        current=since.drop(columns=PREDICTION),
                        reference=served.learnt,
                        policy=policy,
                        actor="replay",
                        approved_by="replay" if decision.approvals_required else None,
                        sensitive=sensitive,
                    )
                except DriftwiseError as exc:  # recorded as a failed run in the registry
                    outcome = f"failed: {exc}"
                else:
                    outcome, note = done.status, done.text
                    cost = {
                        "train_s": done.duration_s or 0.0,
                        "energy_kwh": done.energy_kwh or 0.0,
                        "emissions_kg": done.emissions_kg or 0.0,
                    }
                champion = reg.champion()
                if champion is not None and champion.version != v.version:
                    v = champion
                    model = adapter.loads(reg.get_artifact(champion.artifact_sha256))
                    learnt.setdefault(champion.version, since.drop(columns=PREDICTION))
                    served = _Served(adapter, model, learnt[champion.version])
                    pending = []
            steps.append(
                ReplayStep(
                    batch=label,
                    rows=len(batch),
                    accuracy=acc,
                    action=action,
                    outcome=outcome,
                    note=note,
                    **cost,
                )
            )
            progress(f"  driftwise {label}: {action}{' (' + outcome + ')' if outcome else ''}")
    return steps


def _fpr_gap(log: list[pd.DataFrame], min_rows: int) -> tuple[float | None, str]:
    """The largest difference in false-positive rate between groups over all served rows
    (Fairlearn's ``MetricFrame``; groups with fewer than ``min_rows`` negatives are left out)."""
    if not log:
        return None, ""
    from fairlearn.metrics import MetricFrame, false_positive_rate

    rows = pd.concat(log, ignore_index=True)
    positive = max(rows["y"].unique().tolist())
    y = (rows["y"] == positive).astype(int)
    pred = (pd.Series(rows["pred"]) == positive).astype(int)
    negatives = rows[y == 0].groupby("group").size()
    keep = rows["group"].isin(negatives[negatives >= min_rows].index).to_numpy()
    if keep.sum() == 0 or len(negatives[negatives >= min_rows]) < 2:
        return None, ""
    frame = MetricFrame(
        metrics=false_positive_rate,
        y_true=y[keep],
        y_pred=pred[keep],
        sensitive_features=rows["group"][keep],
    )
    by = frame.by_group
    return float(
        by.max() - by.min()
    ), f"{by.idxmax()} {by.max():.3f} vs {by.idxmin()} {by.min():.3f}"


def _summarise(
    name: str, steps: list[ReplayStep], log: list[pd.DataFrame], min_rows: int = 30
) -> StrategyResult:
    served = [s for s in steps if not np.isnan(s.accuracy)]
    rows = sum(s.rows for s in served)
    acc = sum(s.accuracy * s.rows for s in served) / rows if rows else float("nan")
    done = [s for s in steps if s.outcome in ("", "promoted", "rolled_back")]
    failed = sum(s.outcome.startswith("failed") for s in steps)
    gap, between = _fpr_gap(log, min_rows)
    return StrategyResult(
        name=name,
        steps=tuple(steps),
        accuracy=acc,
        fine_tunes=sum(s.action == "fine_tune" for s in done),
        retrains=sum(s.action == "retrain" for s in done),
        rollbacks=sum(s.action == "rollback" for s in done),
        escalations=sum(s.action == "escalate" for s in steps),
        rejected=sum(s.outcome == "rejected" for s in steps),
        failed=failed,
        train_s=sum(s.train_s for s in steps),
        energy_kwh=sum(s.energy_kwh for s in steps),
        emissions_kg=sum(s.emissions_kg for s in steps),
        fpr_gap=gap,
        fpr_gap_between=between,
    )


def replay(
    batches: Sequence[tuple[str, pd.DataFrame]],
    *,
    target: str,
    policy: Policy,
    policy_name: str = "",
    adapter: str = "sklearn",
    params: dict[str, Any] | None = None,
    features: Sequence[str] | None = None,
    warmup: int = 1,
    period: int = 4,
    segments: Sequence[str] = (),
    sensitive: Sequence[str] = (),
    strategies: Sequence[str] = STRATEGIES,
    progress: Progress | None = None,
) -> ReplayResult:
    """Replay ``batches`` (``(name, frame)`` in time order) under each strategy."""
    from driftwise.act.adapters import make_adapter

    say = progress or (lambda _line: None)
    start = time.perf_counter()
    items = list(batches)
    if len(items) <= warmup:
        raise DriftwiseError.for_field(
            "batches",
            where="replay",
            found=f"{len(items)} batches",
            expected=f"more than the {warmup} warm-up batch(es)",
        )
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise DriftwiseError.for_field(
            "strategies",
            where="replay",
            found=", ".join(unknown),
            expected="some of " + ", ".join(STRATEGIES),
        )
    for name, frame in items:
        if target not in frame.columns:
            raise DriftwiseError.for_column(
                target,
                where=f"batch {name}",
                found="no such column",
                expected="the label column in every batch",
                options=[str(c) for c in frame.columns],
            )
    cols = (
        list(features)
        if features
        else [str(c) for c in items[0][1].columns if c != target and c not in sensitive]
    )
    model_adapter = make_adapter(adapter, {"features": cols, "target": target, **(params or {})})
    warm = pd.concat([f for _, f in items[:warmup]], ignore_index=True)
    first = _Served(model_adapter, model_adapter.fit(warm), warm)
    results = []
    for name in strategies:
        log: list[pd.DataFrame] = []
        say(f"replaying {name} over {len(items) - warmup} batches")
        if name == "driftwise":
            steps = _driftwise(
                items,
                first,
                warmup=warmup,
                policy=policy,
                segments=segments,
                sensitive=sensitive,
                progress=say,
                log=log,
            )
        else:
            steps = _fixed(
                name,
                items,
                first,
                warmup=warmup,
                period=period,
                policy=policy,
                segments=segments,
                sensitive=sensitive,
                log=log,
            )
        results.append(_summarise(name, steps, log, policy.validation.min_group_rows))
    return ReplayResult(
        target=target,
        batches=tuple(n for n, _ in items),
        warmup=warmup,
        period=period,
        policy=policy_name or policy.name,
        strategies=tuple(results),
        seconds=time.perf_counter() - start,
    )


def format_replay(result: ReplayResult) -> str:
    """The comparison table, best accuracy first, then driftwise's decisions batch by batch."""
    from driftwise.report.textkit import ascii_table

    head = ["strategy", "accuracy", "fine-tunes", "retrains", "rollbacks", "rejected", "failed"]
    head += ["train s"]
    head += ["Wh", "g CO2e"]
    rows = [
        [
            s.name,
            f"{s.accuracy:.4f}",
            str(s.fine_tunes),
            str(s.retrains),
            str(s.rollbacks),
            str(s.rejected),
            str(s.failed),
            f"{s.train_s:.1f}",
            f"{s.energy_kwh * 1000:.3g}",
            f"{s.emissions_kg * 1000:.3g}",
        ]
        for s in sorted(result.strategies, key=lambda s: -s.accuracy)
    ]
    if any(s.fpr_gap is not None for s in result.strategies):
        head.append("FPR gap")
        by_name = {s.name: s for s in result.strategies}
        for row in rows:
            gap = by_name[row[0]].fpr_gap
            row.append("-" if gap is None else f"{gap:.3f}")
    served = len(result.batches) - result.warmup
    lines = [
        f"Replay of {served} batches after {result.warmup} warm-up batch(es), policy "
        f"{result.policy}; accuracy is that of the model in service on each batch before any "
        "update (test, then train), weighted by rows.",
        *ascii_table(head, rows, right=list(range(1, len(head))), width=130),
    ]
    dw = next((s for s in result.strategies if s.name == "driftwise"), None)
    if dw is not None:
        acted = [s for s in dw.steps if s.action not in ("no_action", "monitor")]
        counts: dict[str, int] = {}
        for s in dw.steps:
            counts[s.action] = counts.get(s.action, 0) + 1
        lines += [
            "",
            "driftwise decisions: "
            + ", ".join(f"{a} {n}" for a, n in sorted(counts.items(), key=lambda x: -x[1])),
        ]
        lines += [
            f"  {s.batch}: {s.action} ({s.outcome}), accuracy before {s.accuracy:.3f}"
            for s in acted
        ]
    return "\n".join(lines)
