"""The vocabulary of criteria: a :class:`Vote`, the :class:`Facts` they read, and how facts are
distilled from evidence.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> facts_from((), default_policy()).degraded
False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from driftwise.decide.context import ModelContext
from driftwise.policy.model import Action, Policy
from driftwise.signals.types import (
    ConceptDrift,
    ErasureRequest,
    EstimatedPerformance,
    Evidence,
    Fairness,
    FeatureDrift,
    FeedbackRate,
    LabelAvailability,
    MultivariateDrift,
    Performance,
    SchemaChange,
    Scope,
    SegmentDrift,
    TextDrift,
)

__all__ = ["UNIT", "Facts", "Vote", "facts_from"]

T = TypeVar("T")

#: Short units of effect measures, for reasons.
UNIT = {"wasserstein_normed": "sd", "total_variation": "TV"}


@dataclass(frozen=True)
class Vote:
    """One criterion's vote for (weight > 0) or against (weight < 0) an action."""

    criterion: str
    action: Action
    weight: float
    text: str
    evidence: tuple[str, ...] = ()
    short: str = ""  # a few words for the alternatives table: "performance degraded"
    hard: bool = False  # a hard vote against rules the action out (a budget, a regulation)


@dataclass(frozen=True)
class Facts:
    """What the criteria need to know, distilled from the evidence."""

    degraded: bool  # measured degradation, or a reliable label-free estimate of one
    measured: bool
    drifted: tuple[FeatureDrift, ...]
    scope: str
    n_labelled: int
    performance: Performance | None = None
    degraded_segments: tuple[SegmentDrift, ...] = ()
    scope_evidence: Scope | None = None
    prediction_drift: tuple[FeatureDrift, ...] = ()
    label_drift: tuple[FeatureDrift, ...] = ()
    labels: LabelAvailability | None = None
    estimate: EstimatedPerformance | None = None
    concept: ConceptDrift | None = None
    schema_change: SchemaChange | None = None
    multivariate: tuple[MultivariateDrift, ...] = ()
    text: tuple[TextDrift, ...] = ()
    feedback: tuple[FeedbackRate, ...] = ()
    fairness: tuple[Fairness, ...] = ()
    context: ModelContext | None = None  # from the model registry, when the check had one
    erasure: ErasureRequest | None = None
    transfer: bool = False  # the model was taken to a new domain (check --transfer)

    @property
    def estimated_only(self) -> bool:
        """Degradation known from the label-free estimate only."""
        return self.degraded and not self.measured

    @property
    def inputs_moved(self) -> bool:
        """Any univariate, joint or text drift of the inputs."""
        return bool(
            self.drifted
            or any(m.drifted for m in self.multivariate)
            or any(t.drifted for t in self.text)
        )


def _first(evidence: tuple[Evidence, ...], kind: type[T]) -> T | None:
    return next((e for e in evidence if isinstance(e, kind)), None)


def _all(evidence: tuple[Evidence, ...], kind: type[T]) -> tuple[T, ...]:
    return tuple(e for e in evidence if isinstance(e, kind))


def facts_from(
    evidence: tuple[Evidence, ...],
    policy: Policy,
    context: ModelContext | None = None,
    transfer: bool = False,
) -> Facts:
    """Distil the evidence into :class:`Facts`.

    A segment's ``degraded`` flag is already corrected for the number of segments tested (see
    :mod:`driftwise.signals.segments`). Without labelled performance, a *reliable* label-free
    estimate of a drop counts as degradation.
    """
    features = [e for e in evidence if isinstance(e, FeatureDrift) and e.segment is None]
    inputs = tuple(f for f in features if f.role in ("numeric", "categorical", "text"))
    drifted = tuple(sorted((f for f in inputs if f.drifted), key=lambda f: -f.effect_size))
    perf = next((e for e in evidence if isinstance(e, Performance) and e.segment is None), None)
    degraded_segments = tuple(s for s in _all(evidence, SegmentDrift) if s.degraded)
    scope = _first(evidence, Scope)
    labels = _first(evidence, LabelAvailability)
    estimate = _first(evidence, EstimatedPerformance)
    measured_drop = bool(perf is not None and perf.degraded) or bool(degraded_segments)
    estimated_drop = (
        perf is None and estimate is not None and estimate.reliable and estimate.degraded
    )
    return Facts(
        degraded=measured_drop or estimated_drop,
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
        labels=labels,
        estimate=estimate,
        concept=_first(evidence, ConceptDrift),
        schema_change=_first(evidence, SchemaChange),
        multivariate=_all(evidence, MultivariateDrift),
        text=_all(evidence, TextDrift),
        feedback=_all(evidence, FeedbackRate),
        fairness=_all(evidence, Fairness),
        context=context,
        erasure=_first(evidence, ErasureRequest),
        transfer=transfer,
    )
