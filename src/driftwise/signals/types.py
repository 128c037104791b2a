"""Typed evidence: the results of signals, each with an id that decisions cite.

Every piece of evidence is a frozen pydantic model with a ``kind`` tag, so that a list of mixed
evidence serialises to stable JSON and reads back to the same types.

>>> from driftwise.signals.types import FeatureDrift, Distribution
>>> d = FeatureDrift(id="drift:numeric:price", column="price", role="numeric", test="ks",
...                  statistic=0.04, p_value=1e-9, p_adjusted=2e-8, effect_size=0.1,
...                  effect_measure="wasserstein_normed", min_effect=0.05,
...                  n_reference=5000, n_current=5000, significant=True, practical=True,
...                  drifted=True)
>>> d.drifted, d.kind
(True, 'feature_drift')
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Distribution",
    "Evidence",
    "FeatureDrift",
    "Interval",
    "LabelAvailability",
    "NotTested",
    "Performance",
    "Scope",
    "SegmentDrift",
]


class _Frozen(BaseModel):
    # Non-finite numbers have no JSON form: refuse them where they are made, not when read back.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Distribution(_Frozen):
    """A compact picture of one column on both sides, for plots.

    Numeric: ``edges`` holds ``len(reference) + 1`` bin edges. Categorical: ``labels`` names each
    bin. ``reference`` and ``current`` are shares (each sums to 1).
    """

    edges: tuple[float, ...] | None = None
    labels: tuple[str, ...] | None = None
    reference: tuple[float, ...]
    current: tuple[float, ...]


class Interval(_Frozen):
    """A point estimate with a confidence interval."""

    value: float
    low: float
    high: float
    n: int
    level: float = 0.95
    method: str


class FeatureDrift(_Frozen):
    """One univariate comparison of a column between reference and current.

    ``drifted`` is ``significant and practical``: the difference is unlikely under no change
    (after correction for many tests) *and* at least the policy's minimum effect size.
    """

    kind: Literal["feature_drift"] = "feature_drift"
    id: str
    column: str
    role: str
    segment: str | None = None  # "region=coast" when the test ran inside one segment
    test: str  # "ks", "chi2"
    statistic: float
    p_value: float
    p_adjusted: float
    correction: Literal["bh", "bonferroni", "none"] = "bh"  # how p_adjusted was obtained
    effect_size: float
    effect_measure: str  # "wasserstein_normed", "total_variation"
    min_effect: float
    n_reference: int
    n_current: int
    significant: bool
    practical: bool
    drifted: bool
    missing_reference: float = 0.0  # share of missing values
    missing_current: float = 0.0
    new_categories: dict[str, float] = Field(default_factory=dict)  # category -> current share
    new_categories_share: float = 0.0  # current share of all unseen categories (uncapped)
    distribution: Distribution | None = None


class Performance(_Frozen):
    """A model metric on labelled rows, reference against current, with a degradation test."""

    kind: Literal["performance"] = "performance"
    id: str
    metric: str  # "accuracy", "mae", ...
    higher_is_better: bool
    segment: str | None = None
    reference: Interval
    current: Interval
    change: float  # current - reference
    p_value: float  # one-sided test that current is worse by more than the tolerance
    tolerance: float  # drop below which a change is not counted as degradation
    degraded: bool


class SegmentDrift(_Frozen):
    """Drift inside one value of one segment key."""

    kind: Literal["segment_drift"] = "segment_drift"
    id: str
    key: str
    value: str
    share_reference: float
    share_current: float
    n_reference: int
    n_current: int
    drifted_features: tuple[str, ...]
    max_effect: float
    performance_change: float | None = None
    performance_p_value: float | None = None
    degraded: bool = False
    drifted: bool


class Scope(_Frozen):
    """Is the change confined to some segments (``localized``) or systemic (``global``)?"""

    kind: Literal["scope"] = "scope"
    id: str = "scope"
    verdict: Literal["none", "localized", "global"]
    drifted_feature_share: float
    drifted_features: tuple[str, ...]
    drifted_segments: tuple[str, ...]
    drifted_traffic_share: float
    explanation: str


class LabelAvailability(_Frozen):
    """How many current rows have labels."""

    kind: Literal["labels"] = "labels"
    id: str = "labels"
    n_current: int
    n_labelled: int
    share_labelled: float
    sufficient_for_fine_tune: bool
    sufficient_for_retrain: bool


class NotTested(_Frozen):
    """Something that could not be tested (too few rows, too many segment values), and why."""

    kind: Literal["not_tested"] = "not_tested"
    id: str
    reason: str


Evidence = Annotated[
    FeatureDrift | Performance | SegmentDrift | Scope | LabelAvailability | NotTested,
    Field(discriminator="kind"),
]
