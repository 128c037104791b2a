"""What to do next when evidence is thin: which labels to collect, how many, and what would tip
the decision each way.

Made for a ``monitor`` or ``escalate`` decision when the inputs moved or a degradation is
suspected. The sample is sized to detect a drop in accuracy of ``d`` with the one-sided test the
performance signal runs (level ``performance.alpha``, power ``labels.power``):

    n = ((z(1 - alpha) * sqrt(p0 (1 - p0)) + z(power) * sqrt(p1 (1 - p1))) / d) ** 2,
    p1 = p0 - d,

at least ``labels.min_for_fine_tune``, where ``p0`` is the reference accuracy (0.5, the
largest variance, when unknown) and ``d`` the drop the label-free estimate predicts, or the
policy's ``labels.detect_drop`` when there is no reliable estimate. The sample is asked for in
each segment the change is confined to (a localized change), or across current traffic.

With that many labels, an accuracy below ``p0 - tolerance - z(1 - alpha) * sqrt(p0 (1 - p0) / n)``
would be a significant degradation (an update: a fine-tune for a localized change, a retrain
otherwise) and one above ``p0 - tolerance`` would clear the model.

>>> round(sample_size(0.9, 0.05, alpha=0.05, power=0.8))
252
"""

from __future__ import annotations

import math

from driftwise.decide.criteria.base import Facts
from driftwise.decide.types import LabelPlan, SegmentNeed
from driftwise.policy.model import Action, Policy

__all__ = ["label_plan", "sample_size"]


def _z(q: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(q))


def sample_size(p0: float, drop: float, *, alpha: float, power: float) -> float:
    """Rows needed to detect a fall of accuracy from ``p0`` to ``p0 - drop`` (one-sided)."""
    p1 = min(max(p0 - drop, 1e-6), 1 - 1e-6)
    a = _z(1 - alpha) * math.sqrt(p0 * (1 - p0)) + _z(power) * math.sqrt(p1 * (1 - p1))
    return (a / drop) ** 2


def label_plan(action: Action, f: Facts, policy: Policy) -> LabelPlan | None:
    """The plan for ``action``; ``None`` unless it waits (monitor, escalate) on thin evidence."""
    if action not in ("monitor", "escalate") or not (f.inputs_moved or f.degraded):
        return None
    p0 = None
    if f.performance is not None:
        p0 = f.performance.reference.value
    elif f.estimate is not None:
        p0 = f.estimate.reference.value
    est = f.estimate
    if est is not None and est.reliable and est.change < -0.005:
        drop, source = -est.change, "the label-free estimate"
    else:
        drop, source = policy.labels.detect_drop, "the policy's labels.detect_drop"
    alpha, tol = policy.performance.alpha, policy.performance.tolerance
    base = 0.5 if p0 is None else p0
    need = max(
        math.ceil(sample_size(base, drop, alpha=alpha, power=policy.labels.power)),
        policy.labels.min_for_fine_tune,
    )
    scope = f.scope_evidence
    localized = scope is not None and scope.verdict == "localized" and scope.drifted_segments
    by_segment = f.labels.by_segment if f.labels is not None else {}
    if localized and scope is not None:
        needs = tuple(
            SegmentNeed(
                segment=s, have=by_segment.get(s, 0), more=max(0, need - by_segment.get(s, 0))
            )
            for s in scope.drifted_segments
        )
    else:
        needs = (SegmentNeed(segment="all", have=f.n_labelled, more=max(0, need - f.n_labelled)),)
    if not any(n.more for n in needs):
        return None
    if_below: Action = "fine_tune" if localized else "retrain"
    below = above = None
    where = ", ".join(
        f"{n.more:,} more in {n.segment}" if n.segment != "all" else f"{n.more:,} more"
        for n in needs
        if n.more
    )
    text = (
        f"Collect labelled rows: {where} ({need:,} {'per segment' if localized else 'in all'}), "
        f"enough to detect a {drop:.3f} drop in accuracy ({source}) with power "
        f"{policy.labels.power:.0%} at level {alpha:g}."
    )
    if p0 is not None:
        below = p0 - tol - _z(1 - alpha) * math.sqrt(p0 * (1 - p0) / need)
        above = p0 - tol
        text += (
            f" If accuracy on them is below {below:.3f}, {if_below.replace('_', '-')}; if it "
            f"stays above {above:.3f} (the reference's {p0:.3f} less the {tol:g} tolerance), no "
            "action."
        )
    return LabelPlan(
        needs=needs,
        detect_drop=drop,
        drop_source=source,
        reference_accuracy=p0,
        below=below,
        above=above,
        if_below=if_below,
        text=text,
    )
