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

__all__ = ["UNIT", "Facts", "Vote", "facts_from", "reference_outside"]

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
    # After a localized change: labelled reference rows outside the changed segments (at least
    # this many; segments too small to test are not counted). A retrain learns from them too.
    n_reference_outside: int = 0

    @property
    def estimated_only(self) -> bool:
        """Degradation known from the label-free estimate only."""
        return self.degraded and not self.measured

    @property
    def training_erasure(self) -> ErasureRequest | None:
        """The erasure request, when it covers rows the champion learnt from."""
        e = self.erasure
        return e if e is not None and e.n_reference_rows > 0 else None

    @property
    def must_change(self) -> bool:
        """Whether the model must change whatever an update would gain: an erasure request
        covering its training rows, inputs removed or retyped, or a fairness problem."""
        sc = self.schema_change
        return bool(
            self.training_erasure is not None
            or (sc is not None and (sc.removed or sc.retyped))
            or any(x.worsened or x.biased_reference for x in self.fairness)
        )

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


def reference_outside(
    scope: Scope | None, segments: tuple[SegmentDrift, ...], labelled: bool
) -> int:
    """Labelled reference rows outside the segments a localized change is confined to.

    A lower bound from the per-segment counts: for each segment key named by the scope, the
    reference rows of that key's other values, less the rows of the changed segments of other
    keys. 0 unless the scope is localized and the reference is labelled.

    >>> from driftwise.signals.types import Scope, SegmentDrift
    >>> def seg(value, n, drifted):
    ...     return SegmentDrift(id=f"segment:region={value}", key="region", value=value,
    ...         share_reference=0.0, share_current=0.0, n_reference=n, n_current=n,
    ...         drifted_features=(), max_effect=0.0, drifted=drifted)
    >>> scope = Scope(verdict="localized", drifted_feature_share=0.1, drifted_features=(),
    ...     drifted_segments=("region=coast",), drifted_traffic_share=0.2, explanation="")
    >>> reference_outside(scope, (seg("coast", 400, True), seg("north", 900, False),
    ...     seg("south", 700, False)), labelled=True)
    1600
    """
    if scope is None or scope.verdict != "localized" or not labelled:
        return 0
    changed = {tuple(s.partition("=")[::2]) for s in scope.drifted_segments}
    keys = {k for k, _ in changed}
    if not keys:
        return 0
    size = {(s.key, s.value): s.n_reference for s in segments}
    counts = []
    for key in keys:
        others = sum(n for (k, v), n in size.items() if k == key and (k, v) not in changed)
        elsewhere = sum(size.get((k, v), 0) for k, v in changed if k != key)
        counts.append(others - elsewhere)
    return max(0, min(counts))


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
        n_reference_outside=reference_outside(
            scope, _all(evidence, SegmentDrift), perf is not None
        ),
    )
