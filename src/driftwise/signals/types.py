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
    "ColumnRetype",
    "ConceptDrift",
    "Distribution",
    "EstimatedPerformance",
    "ErasureRequest",
    "Evidence",
    "Fairness",
    "FeatureContribution",
    "FeatureDrift",
    "FeedbackRate",
    "GroupMetric",
    "Interval",
    "LabelAvailability",
    "MultivariateDrift",
    "NotTested",
    "Performance",
    "PerformanceTimeline",
    "Rescaling",
    "SchemaChange",
    "Scope",
    "SegmentDrift",
    "TextDrift",
    "TimePoint",
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
    # The effect size actually required: max(min_effect, the null distribution's upper quantile
    # at this sample size, from reference resampling). 0 when not calibrated.
    threshold: float = 0.0
    method: Literal["exact", "binned"] = "exact"  # binned: from histograms on reference bins
    statistics: dict[str, float] = Field(default_factory=dict)  # psi, js, hellinger, cvm, ...
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
    """How many current rows have labels, where, and whether they look like current traffic."""

    kind: Literal["labels"] = "labels"
    id: str = "labels"
    n_current: int
    n_labelled: int
    share_labelled: float
    sufficient_for_fine_tune: bool
    sufficient_for_retrain: bool
    by_segment: dict[str, int] = Field(default_factory=dict)  # "region=coast" -> labelled rows
    # Labelled rows against all current rows: the largest input drift between them.
    representative: bool | None = None  # None: not tested (too few labels or none)
    representativeness_p_value: float | None = None
    representativeness_effect: float | None = None
    unrepresentative_features: tuple[str, ...] = ()


class FeatureContribution(_Frozen):
    """How much one column drives a multivariate signal."""

    column: str
    importance: float


class MultivariateDrift(_Frozen):
    """A joint test of all inputs: a domain classifier (AUC) or MMD with a permutation test."""

    kind: Literal["multivariate_drift"] = "multivariate_drift"
    id: str  # "multivariate:domain_classifier", "multivariate:mmd"
    method: Literal["domain_classifier", "mmd"]
    statistic: float  # AUC, or MMD^2
    low: float | None = None  # confidence interval of the statistic, when there is one
    high: float | None = None
    p_value: float
    threshold: float  # AUC (or MMD^2) above which the drift counts as practically large
    n_reference: int  # rows used on each side (a subsample on big data)
    n_current: int
    drifted: bool
    top_features: tuple[FeatureContribution, ...] = ()
    top_rows: tuple[int, ...] = ()  # positions of current rows least like the reference
    concentration: float | None = None  # share of importance in the top feature (scope)


class ConceptDrift(_Frozen):
    """Did P(y | x) change? Observed current performance against what covariate shift alone
    predicts (the reference's errors reweighted to look like the current inputs)."""

    kind: Literal["concept_drift"] = "concept_drift"
    id: str = "concept"
    metric: str
    observed: Interval  # current metric on labelled rows
    expected: Interval  # expected under covariate shift alone
    gap: float  # observed - expected, in the metric's direction (negative: worse than expected)
    p_value: float  # one-sided: worse than covariate shift explains
    detected: bool
    explained_by_covariate_shift: bool
    method: str
    effective_sample_size: float  # of the reweighted reference
    label_drift_p_value: float | None = None  # P(y) change among labelled rows
    explanation: str


class EstimatedPerformance(_Frozen):
    """Performance estimated without labels (confidence-based, from calibrated scores)."""

    kind: Literal["estimated_performance"] = "estimated_performance"
    id: str  # "estimate:accuracy"
    metric: str
    method: str  # "cbpe"
    reference: Interval  # realized on the reference
    estimate: Interval  # estimated on the current rows
    change: float
    degraded: bool
    reliable: bool
    warnings: tuple[str, ...] = ()
    realized: float | None = None  # on the labelled current rows, when some exist (a check)


class ColumnRetype(_Frozen):
    """A column whose value type changed."""

    column: str
    reference: str
    current: str


class Rescaling(_Frozen):
    """A numeric input that looks linearly transformed: current ~ slope * reference + intercept."""

    column: str
    slope: float
    intercept: float
    r_squared: float  # of the quantile-quantile fit
    consistent_across_segments: bool  # the same transform in every segment: a global cause
    segments: tuple[str, ...] = ()  # where a local rescaling holds ("region=coast")


class SchemaChange(_Frozen):
    """Columns added, removed or retyped; values outside the reference range; unit changes."""

    kind: Literal["schema_change"] = "schema_change"
    id: str = "schema"
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    retyped: tuple[ColumnRetype, ...] = ()
    out_of_range: dict[str, float] = Field(default_factory=dict)  # column -> share outside
    rescaled: tuple[Rescaling, ...] = ()
    architecture_change_suggested: bool
    explanation: str


class TextDrift(_Frozen):
    """A free-text column: new vocabulary ("new slang") and a classifier on the text."""

    kind: Literal["text_drift"] = "text_drift"
    id: str  # "text:<column>"
    column: str
    oov_rate: float  # share of current tokens not in the reference vocabulary
    reference_oov_rate: float  # the same, reference half against reference half (baseline)
    new_tokens: dict[str, float] = Field(default_factory=dict)  # token -> share of current rows
    new_token_traffic_share: float  # current rows holding at least one new frequent token
    reference_new_token_share: float = 0.0  # the same, reference half against reference half
    classifier_auc: float | None = None
    p_value: float
    drifted: bool
    segments: dict[str, float] = Field(default_factory=dict)  # segment -> its new-token share


class FeedbackRate(_Frozen):
    """User complaints or feedback counts: has the rate changed?"""

    kind: Literal["feedback"] = "feedback"
    id: str  # "feedback:<name>"
    name: str
    baseline_rate: float  # events per period (or per row) before
    current_rate: float
    rate_ratio: float
    low: float  # confidence interval of the ratio
    high: float
    p_value: float  # one-sided: the rate rose
    surged: bool
    periods_baseline: int
    periods_current: int
    # The counts, baseline periods first then the current window:
    # len(series) == periods_baseline + periods_current.
    series: tuple[float, ...] = ()


class GroupMetric(_Frozen):
    """One group's metric, with its interval and its value on the reference."""

    group: str
    value: float
    low: float
    high: float
    n: int
    reference: float | None = None
    level: float = 0.95


class Fairness(_Frozen):
    """A metric by sensitive group, its disparity, and the disparity's change."""

    kind: Literal["fairness"] = "fairness"
    id: str  # "fairness:<attribute>:<metric>"
    attribute: str
    metric: str  # "accuracy", "selection_rate", "true_positive_rate", ...
    groups: tuple[GroupMetric, ...]
    disparity: float  # largest difference between groups, current
    disparity_low: float
    disparity_high: float
    disparity_reference: float | None = None
    change: float | None = None  # disparity now - disparity on the reference
    tolerance: float
    p_value: float | None = None  # one-sided: the gap grew by more than the tolerance
    worsened: bool  # disparity grew by more than the tolerance
    biased_reference: bool  # the base model was already beyond the tolerance on the reference


class TimePoint(_Frozen):
    """One period of a timeline."""

    period: str
    value: float
    low: float
    high: float
    n: int
    level: float = 0.95


class PerformanceTimeline(_Frozen):
    """The metric per period (by the timestamp column), reference then current."""

    kind: Literal["performance_timeline"] = "performance_timeline"
    id: str  # "timeline:<metric>"
    metric: str
    reference: tuple[TimePoint, ...]
    current: tuple[TimePoint, ...]
    unit_reference: str | None = None  # "day", "week", ...: periods may differ per side
    unit_current: str | None = None


class NotTested(_Frozen):
    """Something that could not be tested (too few rows, too many segment values), and why."""

    kind: Literal["not_tested"] = "not_tested"
    id: str
    reason: str


class ErasureRequest(_Frozen):
    """Records whose data must be erased (GDPR Article 17), matched against the data by a key.

    Only counts are kept: the keys themselves stay in the request file.
    """

    kind: Literal["erasure"] = "erasure"
    id: str = "erasure"
    key: str  # the column the request's keys are matched on
    source: str  # the request file
    n_requested: int
    n_reference_rows: int  # reference rows (training data of the champion) under the request
    n_current_rows: int


Evidence = Annotated[
    FeatureDrift
    | Performance
    | SegmentDrift
    | Scope
    | LabelAvailability
    | NotTested
    | MultivariateDrift
    | ConceptDrift
    | EstimatedPerformance
    | SchemaChange
    | TextDrift
    | FeedbackRate
    | Fairness
    | PerformanceTimeline
    | ErasureRequest,
    Field(discriminator="kind"),
]
