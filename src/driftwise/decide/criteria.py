"""Criteria: small rules that read the evidence and vote for actions.

Each criterion returns :class:`Vote` items: an action, a weight (positive for, negative against),
a plain-language sentence and the evidence ids it rests on. The engine adds the weights up; the
action with the largest total wins. Keeping each criterion small makes every decision explainable
as "these votes, from this evidence".

>>> from driftwise.decide.criteria import Facts, performance_votes
>>> facts = Facts(degraded=False, measured=False, drifted=(), scope="none", n_labelled=0)
>>> [v.action for v in performance_votes(facts)]
['monitor']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from driftwise.policy.model import Action, Policy
from driftwise.signals.types import (
    FeatureDrift,
    LabelAvailability,
    Performance,
    Scope,
    SegmentDrift,
)

__all__ = [
    "Facts",
    "Vote",
    "drift_votes",
    "facts_from",
    "label_votes",
    "performance_votes",
    "risk_votes",
    "rollback_votes",
    "scope_votes",
]


@dataclass(frozen=True)
class Vote:
    """One criterion's vote for (weight > 0) or against (weight < 0) an action."""

    criterion: str
    action: Action
    weight: float
    text: str
    evidence: tuple[str, ...] = ()
    short: str = ""  # a few words for the alternatives table: "performance degraded"


@dataclass(frozen=True)
class Facts:
    """What the criteria need to know, distilled from the evidence."""

    degraded: bool
    measured: bool
    drifted: tuple[FeatureDrift, ...]
    scope: str
    n_labelled: int
    performance: Performance | None = None
    degraded_segments: tuple[SegmentDrift, ...] = ()
    scope_evidence: Scope | None = None
    prediction_drift: tuple[FeatureDrift, ...] = ()
    label_drift: tuple[FeatureDrift, ...] = ()
    ids: dict[str, tuple[str, ...]] = field(default_factory=dict)


def facts_from(evidence: tuple[object, ...], policy: Policy) -> Facts:
    """Distil the evidence into :class:`Facts`.

    A segment's ``degraded`` flag is already corrected for the number of segments tested (see
    :mod:`driftwise.signals.segments`).
    """
    features = [e for e in evidence if isinstance(e, FeatureDrift) and e.segment is None]
    inputs = tuple(f for f in features if f.role in ("numeric", "categorical", "text"))
    drifted = tuple(sorted((f for f in inputs if f.drifted), key=lambda f: -f.effect_size))
    perf = next(
        (e for e in evidence if isinstance(e, Performance) and e.segment is None),
        None,
    )
    segments = [e for e in evidence if isinstance(e, SegmentDrift)]
    degraded_segments = tuple(s for s in segments if s.degraded)
    scope = next((e for e in evidence if isinstance(e, Scope)), None)
    labels = next((e for e in evidence if isinstance(e, LabelAvailability)), None)
    return Facts(
        degraded=bool(perf is not None and perf.degraded) or bool(degraded_segments),
        measured=perf is not None,
        drifted=drifted,
        scope=scope.verdict if scope is not None else "none",
        n_labelled=labels.n_labelled if labels is not None else 0,
        performance=perf,
        degraded_segments=degraded_segments,
        scope_evidence=scope,
        prediction_drift=tuple(
            f for f in features if f.role in ("prediction", "score") and f.drifted
        ),
        label_drift=tuple(f for f in features if f.role == "target" and f.drifted),
    )


_UNIT = {"wasserstein_normed": "sd", "total_variation": "TV"}


def performance_votes(f: Facts) -> list[Vote]:
    """Severity: a measured drop in the model's metric argues for changing the model."""
    if f.degraded:
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
        text = "Model performance degraded: " + "; ".join(parts) + "."
        ev = tuple(ids)
        why = "performance degraded"
        return [
            Vote("performance", "fine_tune", 2.0, text, ev, why),
            Vote("performance", "retrain", 2.0, text, ev, why),
            Vote("performance", "no_action", -2.0, text, ev, why),
            Vote("performance", "monitor", -1.0, text, ev, why),
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
    text = "Performance could not be measured: no labelled rows with predictions."
    return [Vote("performance", "monitor", 0.5, text, ("labels",), "performance not measurable")]


def drift_votes(f: Facts) -> list[Vote]:
    """Input drift that is both significant and practically large argues against doing nothing."""
    if f.drifted:
        top = ", ".join(
            f"{d.column} (effect {d.effect_size:.3f} {_UNIT.get(d.effect_measure, '')})"
            for d in f.drifted[:5]
        )
        more = f" and {len(f.drifted) - 5} more" if len(f.drifted) > 5 else ""
        text = f"{len(f.drifted)} input feature(s) drifted: {top}{more}."
        ev = tuple(d.id for d in f.drifted)
        return [
            Vote("drift", "monitor", 1.0, text, ev, "inputs drifted"),
            Vote("drift", "no_action", -1.0, text, ev, "inputs drifted"),
        ]
    text = "No input feature drifted beyond the policy's minimum."
    return [Vote("drift", "no_action", 1.5, text, (), "no input drift")]


def scope_votes(f: Facts) -> list[Vote]:
    """Scope, when the model must change: localized favours a fine-tune, global a retrain."""
    if not f.degraded:
        return []
    ev = ("scope",)
    expl = f.scope_evidence.explanation if f.scope_evidence is not None else ""
    if f.scope == "localized":
        text = f"Scope: localized. {expl} A targeted fine-tune can repair it."
        return [
            Vote("scope", "fine_tune", 1.5, text, ev, "localized change"),
            Vote("scope", "retrain", 0.2, text, ev, "localized change"),
        ]
    if f.scope == "global":
        text = f"Scope: global. {expl} A systemic shift calls for a full retrain."
        return [
            Vote("scope", "retrain", 1.5, text, ev, "global change"),
            Vote("scope", "fine_tune", 0.3, text, ev, "global change"),
        ]
    text = (
        "Performance fell while the inputs did not drift: the relation between inputs and "
        "labels changed (concept drift), which a fine-tune on few labels may not capture."
    )
    concept_ev = ev + tuple(d.id for d in f.label_drift)
    return [
        Vote("scope", "retrain", 1.0, text, concept_ev, "concept drift"),
        Vote("scope", "fine_tune", 0.5, text, ev, "concept drift"),
    ]


def label_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Labels: plentiful ones make a retrain possible; scarce ones limit us to a fine-tune."""
    if not f.degraded:
        return []
    n = f.n_labelled
    lt = policy.labels
    ev = ("labels",)
    if n >= lt.min_for_retrain:
        text = (
            f"{n} labelled current rows: enough to retrain (policy minimum {lt.min_for_retrain})."
        )
        return [Vote("labels", "retrain", 0.5, text, ev, "labels plentiful")]
    if n >= lt.min_for_fine_tune:
        text = (
            f"Only {n} labelled current rows: enough to fine-tune (minimum "
            f"{lt.min_for_fine_tune}) but not to retrain (minimum {lt.min_for_retrain})."
        )
        return [
            Vote("labels", "fine_tune", 0.5, text, ev, "labels scarce"),
            Vote("labels", "retrain", -1.5, text, ev, "labels scarce"),
        ]
    text = (
        f"Only {n} labelled current rows, fewer than the {lt.min_for_fine_tune} a fine-tune "
        "needs: a person should decide, and more labels should be collected."
    )
    why = "too few labels"
    return [
        Vote("labels", "fine_tune", -3.0, text, ev, why),
        Vote("labels", "retrain", -3.0, text, ev, why),
        Vote("labels", "escalate", 2.5, text, ev, why),
        Vote("labels", "monitor", 1.0, text, ev, why),
    ]


def risk_votes(f: Facts, policy: Policy) -> list[Vote]:
    """High-stakes tiers favour a proactive retrain with full validation over a patch."""
    if not f.degraded or policy.risk_tier not in ("high", "regulated"):
        return []
    text = (
        f"Risk tier '{policy.risk_tier}': prefer a full retrain with rigorous validation; a "
        "fine-tune keeps whatever biases the base model has."
    )
    why = f"risk tier {policy.risk_tier}"
    return [
        Vote("risk", "retrain", 0.8, text, (), why),
        Vote("risk", "fine_tune", -0.5, text, (), why),
    ]


def rollback_votes() -> list[Vote]:
    """Rollback needs the model's history, which a one-off check does not have."""
    text = "No earlier model version is known to this check."
    return [Vote("rollback", "rollback", -1.0, text, (), "no earlier version known")]
