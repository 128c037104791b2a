"""Severity: a drop in the model's metric (measured, or reliably estimated without labels) argues
for changing the model; a metric that holds argues against.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> [v.action for v in performance_votes(facts_from((), default_policy()), default_policy())]
['monitor']
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["performance_votes"]


def _degraded_text(f: Facts) -> tuple[str, tuple[str, ...]]:
    ids: list[str] = []
    parts: list[str] = []
    p = f.performance
    if p is not None and p.degraded:
        ids.append(p.id)
        parts.append(
            f"{p.metric} fell from {p.reference.value:.3f} to {p.current.value:.3f} "
            f"(change {p.change:+.3f}, one-sided p={p.p_value:.2g})"
        )
    for s in f.degraded_segments:
        ids.append(s.id)
        change = s.performance_change if s.performance_change is not None else float("nan")
        parts.append(f"in {s.key}={s.value} the metric changed by {change:+.3f}")
    e = f.estimate
    if f.estimated_only and e is not None:
        ids.append(e.id)
        parts.append(
            f"without labels, {e.metric} is estimated to have fallen from "
            f"{e.reference.value:.3f} to {e.estimate.value:.3f} "
            f"[{e.estimate.low:.3f}, {e.estimate.high:.3f}] ({e.method})"
        )
    return "Model performance degraded: " + "; ".join(parts) + ".", tuple(ids)


def performance_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on the model's measured or estimated performance."""
    if f.degraded:
        text, ev = _degraded_text(f)
        # An estimate is weaker evidence than labels: it moves the vote less.
        w = 1.2 if f.estimated_only else 2.0
        why = "performance estimated to drop" if f.estimated_only else "performance degraded"
        return [
            Vote("performance", "fine_tune", w, text, ev, why),
            Vote("performance", "retrain", w, text, ev, why),
            Vote("performance", "no_action", -w, text, ev, why),
            Vote("performance", "monitor", -w / 2, text, ev, why),
        ]
    if f.measured and f.performance is not None:
        p = f.performance
        text = (
            f"{p.metric} holds: {p.reference.value:.3f} on the reference, "
            f"{p.current.value:.3f} [{p.current.low:.3f}, {p.current.high:.3f}] now."
        )
        return [
            Vote("performance", "no_action", 1.0, text, (p.id,), "performance holds"),
            Vote("performance", "monitor", 0.5, text, (p.id,), "performance holds"),
        ]
    e = f.estimate
    if e is not None and e.reliable:
        text = (
            f"No labels yet; {e.metric} is estimated at {e.estimate.value:.3f} "
            f"[{e.estimate.low:.3f}, {e.estimate.high:.3f}] against {e.reference.value:.3f} "
            "on the reference: no drop beyond the tolerance."
        )
        return [
            Vote("performance", "no_action", 0.5, text, (e.id,), "estimate holds"),
            Vote("performance", "monitor", 0.5, text, (e.id,), "estimate holds"),
        ]
    text = "Performance could not be measured: no labelled rows with predictions."
    ev = tuple(x.id for x in (f.labels, e) if x is not None)
    if e is not None:
        text += " The label-free estimate is unreliable: " + "; ".join(e.warnings) + "."
    return [Vote("performance", "monitor", 0.5, text, ev, "performance not measurable")]
