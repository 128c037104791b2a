"""The policy: a strict document that says how evidence turns into a decision.

Unknown keys are rejected with the key named, so a misspelt field never silently falls back to a
default.

>>> from driftwise.policy import Policy, default_policy
>>> p = default_policy()
>>> p.name, p.risk_tier, p.drift.alpha
('baseline', 'medium', 0.05)
>>> Policy.model_validate({"name": "x", "drift": {"alpha": 0.01}}).drift.alpha
0.01
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from driftwise.policy.packs import PackName

__all__ = [
    "HIGH_STAKES_DOMAINS",
    "Action",
    "Budget",
    "BudgetPolicy",
    "CarbonPolicy",
    "ConceptThresholds",
    "DebtPolicy",
    "EstimateThresholds",
    "FairnessThresholds",
    "FeedbackThresholds",
    "MultivariateThresholds",
    "SchemaChangeThresholds",
    "TextThresholds",
    "DriftThresholds",
    "LabelThresholds",
    "PerformanceThresholds",
    "Policy",
    "PccpEnvelope",
    "RegulationPolicy",
    "RiskTier",
    "RollbackPolicy",
    "RunsPolicy",
    "ScopeThresholds",
    "TransferPolicy",
    "UtilityPolicy",
    "ValidationPolicy",
    "Weights",
    "default_policy",
]

RiskTier = Literal["low", "medium", "high", "regulated"]
#: Domains the brief names as high-stakes: treated as tier high at least.
HIGH_STAKES_DOMAINS = (
    "healthcare",
    "criminal_justice",
    "employment",
    "credit",
    "education",
    "insurance",
)
FairnessMetric = Literal[
    "accuracy",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "true_negative_rate",
    "false_negative_rate",
]
Action = Literal["no_action", "monitor", "fine_tune", "retrain", "rollback", "escalate"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DriftThresholds(_Strict):
    """When is a feature's change drift that matters?"""

    alpha: float = Field(0.05, gt=0, lt=1, description="false-discovery (or family-wise) level")
    correction: Literal["bh", "bonferroni", "none"] = Field(
        "bh", description="multiple-testing correction across features"
    )
    min_effect_numeric: float = Field(
        0.05, ge=0, description="minimum Wasserstein distance in reference standard deviations"
    )
    min_effect_categorical: float = Field(
        0.01, ge=0, description="minimum total variation distance between category shares"
    )
    min_rows: int = Field(30, ge=2, description="fewest non-missing rows per side to run a test")
    calibrate: bool = Field(
        True,
        description=(
            "raise each column's effect threshold to the null distribution's upper quantile at "
            "this sample size (reference resampling), so small samples do not alarm on noise"
        ),
    )
    binned_above: int = Field(
        100_000,
        ge=1000,
        description="rows per side above which numeric tests use histograms on reference bins",
    )
    bins: int = Field(
        2048, ge=16, le=65536, description="reference-quantile bins of the histogram engine"
    )


class PerformanceThresholds(_Strict):
    """When is a metric's change a degradation?"""

    alpha: float = Field(0.05, gt=0, lt=1, description="level of the one-sided degradation test")
    tolerance: float = Field(
        0.01, ge=0, description="drop in the metric (absolute) that is accepted as noise"
    )
    confidence: float = Field(0.95, gt=0, lt=1, description="level of reported intervals")


class ScopeThresholds(_Strict):
    """Localized or global?"""

    global_traffic_share: float = Field(
        0.5, gt=0, le=1, description="drifted segments carrying at least this traffic: global"
    )
    min_segment_rows: int = Field(100, ge=10, description="fewest rows per side to test a segment")
    max_segment_values: int = Field(
        50, ge=2, description="segment keys with more values are skipped"
    )
    max_auto_keys: int = Field(
        3,
        ge=0,
        description=(
            "with no declared segment key, how many categorical features to try as keys "
            "(those whose own mix shifted most first); 0 disables the search"
        ),
    )


class LabelThresholds(_Strict):
    """How many labelled current rows each action needs, and are they representative?"""

    min_for_fine_tune: int = Field(200, ge=0)
    min_for_retrain: int = Field(1000, ge=0)
    representativeness_alpha: float = Field(
        0.05, gt=0, lt=1, description="level of the labelled-vs-all-current drift test"
    )
    detect_drop: float = Field(
        0.05,
        gt=0,
        lt=1,
        description="the drop in accuracy a label plan sizes the sample to detect (when no "
        "label-free estimate of the drop is available)",
    )
    power: float = Field(0.8, gt=0, lt=1, description="the power a label plan is sized for")


class MultivariateThresholds(_Strict):
    """Joint tests of all inputs: domain classifier and MMD."""

    enabled: bool = True
    max_rows: int = Field(20_000, ge=100, description="rows per side for the domain classifier")
    auc_threshold: float = Field(
        0.55, gt=0.5, lt=1, description="domain-classifier AUC that counts as practical drift"
    )
    mmd_rows: int = Field(1_000, ge=50, description="rows per side for MMD")
    permutations: int = Field(200, ge=20, description="permutations of the MMD test")
    alpha: float = Field(0.05, gt=0, lt=1)


class ConceptThresholds(_Strict):
    """Concept drift: is the current performance worse than covariate shift alone explains?"""

    alpha: float = Field(0.05, gt=0, lt=1)
    tolerance: float = Field(0.02, ge=0, description="gap in the metric accepted as noise")
    min_effective_sample_size: float = Field(
        100, ge=10, description="fewest effective reweighted reference rows for a verdict"
    )
    min_coverage: float = Field(
        0.75,
        ge=0,
        le=1,
        description="least share of current inputs inside the reference's support (the mean "
        "importance weight of the reference rows) for a verdict",
    )


class EstimateThresholds(_Strict):
    """Performance estimated without labels."""

    enabled: bool = True
    tolerance: float = Field(0.02, ge=0, description="estimated drop accepted as noise")
    max_unseen_share: float = Field(
        0.05,
        ge=0,
        le=1,
        description="share of current rows outside the reference's support "
        "above which the estimate is flagged unreliable",
    )
    max_calibration_error: float = Field(
        0.05,
        ge=0,
        le=1,
        description="cross-validated expected calibration error on the reference "
        "above which the estimate is flagged unreliable",
    )


class FairnessThresholds(_Strict):
    """Fairness by sensitive group."""

    metrics: tuple[FairnessMetric, ...] = ("accuracy", "selection_rate", "true_positive_rate")
    tolerance: float = Field(
        0.05, ge=0, description="growth of the between-group gap accepted as noise"
    )
    max_disparity: float = Field(
        0.1, ge=0, description="a gap above this on the reference marks the base model as biased"
    )
    min_group_rows: int = Field(30, ge=2)
    bootstrap: int = Field(200, ge=20, description="resamples for the intervals")
    positive_label: str | None = Field(
        None,
        description=(
            "the class counted as positive by the rate metrics; None: the greater of the two "
            "sorted labels (e.g. '1', 'yes', 'True')"
        ),
    )
    alpha: float = Field(
        0.05, gt=0, lt=1, description="level of the one-sided test that the gap grew"
    )


class FeedbackThresholds(_Strict):
    """User complaints or feedback counts."""

    alpha: float = Field(0.05, gt=0, lt=1)
    min_ratio: float = Field(1.2, ge=1, description="rate ratio below which a rise is noise")
    baseline_periods: int = Field(
        0, ge=0, description="periods before the current window; 0: all but the last period"
    )


class TextThresholds(_Strict):
    """Free-text columns."""

    min_token_share: float = Field(
        0.01, gt=0, le=1, description="a new token must appear in this share of current rows"
    )
    auc_threshold: float = Field(0.6, gt=0.5, lt=1)
    max_rows: int = Field(20_000, ge=100)


class SchemaChangeThresholds(_Strict):
    """Columns, ranges and units."""

    out_of_range_share: float = Field(
        0.01, ge=0, le=1, description="share of values outside the reference range that counts"
    )
    rescale_r_squared: float = Field(
        0.995, gt=0, le=1, description="Q-Q fit needed to call a change a linear rescaling"
    )


class ValidationPolicy(_Strict):
    """How a challenger is validated before it replaces the champion (see docs/validation.md).

    >>> v = ValidationPolicy(fairness_metrics=("true_positive_rate",))
    >>> v.holdout_share, v.fairness_metrics, v.fairness_tolerance
    (0.3, ('true_positive_rate',), 0.05)
    """

    holdout_share: float = Field(
        0.3,
        gt=0,
        lt=1,
        description="share of the labelled new-regime rows, and of the reference rows, held out "
        "from training to validate on",
    )
    resamples: int = Field(
        1000, ge=100, description="paired bootstrap resamples of the accuracy difference"
    )
    level: float = Field(0.95, gt=0, lt=1, description="level of the bootstrap interval")
    gain_tolerance: float = Field(
        0.0,
        ge=0,
        description="the gain gate needs the interval's lower bound above minus this; 0 asks "
        "for an interval that excludes zero",
    )
    max_reference_drop: float = Field(
        0.02,
        ge=0,
        le=1,
        description="largest accepted fall of accuracy on held-out reference rows (forgetting)",
    )
    fairness_metrics: tuple[FairnessMetric, ...] = Field(
        ("accuracy", "true_positive_rate"),
        description="metrics compared per sensitive group by the fairness gate",
    )
    fairness_tolerance: float = Field(
        0.05,
        ge=0,
        le=1,
        description="largest accepted worsening of a group's metric, or growth of the "
        "between-group gap, from champion to challenger",
    )
    min_group_rows: int = Field(
        30, ge=2, description="fewest rows a group needs for its metric to be assessed"
    )
    base_bias_max_disparity: float = Field(
        0.10,
        ge=0,
        le=1,
        description="largest between-group gap of the champion's metric accepted before a "
        "fine-tune (a fine-tune keeps the champion's bias)",
    )
    check_base_bias: bool = Field(
        True, description="check the champion's own between-group gap before a fine-tune"
    )


class RunsPolicy(_Strict):
    """How training runs are measured (energy and emissions, offline).

    >>> RunsPolicy().country_iso_code, RunsPolicy(country_iso_code="FRA").measure_power_secs
    ('USA', 1.0)
    >>> RunsPolicy(country_iso_code="fr")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for RunsPolicy
    ...
    """

    country_iso_code: str = Field(
        "USA",
        description="ISO 3166-1 alpha-3 code of the country whose average carbon intensity "
        "CodeCarbon applies offline (e.g. USA, FRA, DEU)",
    )
    region: str | None = Field(
        None, description="a US state or Canadian province for a finer carbon intensity"
    )
    measure_power_secs: float = Field(
        1.0, gt=0, description="seconds between CodeCarbon's power readings"
    )

    power_watts: float = Field(
        50.0,
        gt=0,
        description="the machine's draw while training, for estimates before any run was "
        "measured (CodeCarbon's measurements replace it once runs are recorded)",
    )

    def meter(self) -> dict[str, Any]:
        """The keyword arguments of :func:`driftwise.costs.measure.measure` for a run.

        >>> RunsPolicy().meter()["country_iso_code"]
        'USA'
        """
        return {
            "country_iso_code": self.country_iso_code,
            "region": self.region,
            "measure_power_secs": self.measure_power_secs,
        }

    @field_validator("country_iso_code")
    @classmethod
    def _iso3(cls, value: str) -> str:
        if len(value) != 3 or not value.isascii() or not value.isalpha() or not value.isupper():
            raise ValueError("three upper-case letters, an ISO 3166-1 alpha-3 code such as 'USA'")
        return value


class Budget(_Strict):
    """Ceilings on what one action, or one calendar month of actions, may cost (``None``: none).

    >>> Budget(kwh=2.0).kg_co2e is None
    True
    """

    kwh: float | None = Field(None, ge=0, description="energy, kWh (after PUE)")
    kg_co2e: float | None = Field(None, ge=0, description="emissions, kg CO2e (after PUE)")
    money: float | None = Field(None, ge=0, description="money, in the budgets' currency")
    hours: float | None = Field(None, ge=0, description="wall-clock hours of training")


class BudgetPolicy(_Strict):
    """Budgets and the prices that turn measured energy and time into money.

    A training action whose estimated cost (the high end of its range when past runs give one)
    exceeds ``per_action``, or would take this month's spending past ``per_month``, is not
    chosen: budgets are hard constraints.

    >>> BudgetPolicy().price_per_kwh, BudgetPolicy().pue
    (0.15, 1.0)
    """

    per_action: Budget = Field(default_factory=Budget)
    per_month: Budget = Field(default_factory=Budget)
    currency: str = Field("USD", min_length=1, description="the currency of money figures")
    price_per_kwh: float = Field(
        0.15, ge=0, description="price of a kWh (default: a typical commercial tariff)"
    )
    price_per_compute_hour: float = Field(
        0.0, ge=0, description="price of an hour of the training machine (0: owned hardware)"
    )
    pue: float = Field(
        1.0,
        ge=1,
        description="power usage effectiveness of the site: measured energy is multiplied by it",
    )


class DebtPolicy(_Strict):
    """Limits to patching: fine-tunes stacked since the last full retrain, and model age.

    >>> DebtPolicy().max_fine_tunes
    3
    """

    max_fine_tunes: int = Field(
        3, ge=0, description="fine-tunes since the last full retrain before a retrain is due"
    )
    max_age_days: float | None = Field(
        None, gt=0, description="days since the last full training before a retrain is due"
    )


class RollbackPolicy(_Strict):
    """When rolling back to the previous version is an option.

    >>> RollbackPolicy().window_days
    30.0
    """

    window_days: float = Field(30.0, gt=0, description="a promotion this recent may be rolled back")


class PccpEnvelope(_Strict):
    """What an FDA predetermined change control plan authorises (pack ``fda_pccp``).

    >>> PccpEnvelope().actions
    ('fine_tune',)
    """

    actions: tuple[Action, ...] = Field(
        ("fine_tune",), description="kinds of change the plan's modification protocol covers"
    )
    max_performance_drop: float = Field(
        0.05, ge=0, le=1, description="largest drop in the metric the plan anticipates"
    )
    features: tuple[str, ...] | None = Field(
        None, description="inputs whose drift the plan anticipates (null: any)"
    )
    allow_schema_change: bool = Field(
        False, description="whether the plan covers a change of the inputs' schema"
    )


class RegulationPolicy(_Strict):
    """Regulation packs the policy includes (see docs/regulation.md), and their settings.

    >>> RegulationPolicy(packs=("gdpr_erasure",)).packs
    ('gdpr_erasure',)
    """

    packs: tuple[PackName, ...] = Field(
        (), description="regulation packs whose rules apply to every decision"
    )
    pccp: PccpEnvelope = Field(default_factory=PccpEnvelope)


class Deadlines(_Strict):
    """The latest start of a training action after the decision, in hours, by urgency."""

    urgent: float = Field(0.0, ge=0, description="complaints surged, a large drop, high stakes")
    soon: float = Field(24.0, ge=0, description="the model degraded")
    relaxed: float = Field(72.0, ge=0, description="drift or debt without degradation")


class CarbonPolicy(_Strict):
    """When to run a training job: the site's daily grid-intensity profile and the deadlines.

    With a ``profile`` (24 hourly values, g CO2e/kWh, hour 0 first, in the site's local time at
    ``utc_offset_hours``), a decided fine-tune or retrain gets a proposed start: the hour within
    the deadline whose run would see the lowest average intensity. The deadline follows the
    urgency of the decision (see docs/decision.md).

    >>> CarbonPolicy().deadline_hours.soon
    24.0
    """

    profile: tuple[float, ...] | None = Field(
        None, description="24 hourly grid intensities, g CO2e/kWh (null: no scheduling)"
    )
    utc_offset_hours: float = Field(0.0, ge=-12, le=14, description="the profile's time zone")
    deadline_hours: Deadlines = Field(default_factory=lambda: Deadlines())

    @field_validator("profile")
    @classmethod
    def _day(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is not None and (len(value) != 24 or min(value) < 0):
            raise ValueError(f"expected 24 non-negative hourly values, found {len(value)} values")
        return value


class Weights(_Strict):
    """Weights on the four axes every alternative is scored on.

    >>> Weights().social_responsibility
    1.0
    """

    freshness: float = Field(1.0, ge=0, description="accuracy on the new regime")
    fidelity: float = Field(1.0, ge=0, description="accuracy kept on the old regime")
    cost: float = Field(1.0, ge=0, description="money, energy and people's time spent")
    social_responsibility: float = Field(
        1.0, ge=0, description="fairness between groups, compliance"
    )


class UtilityPolicy(_Strict):
    """What outcomes are worth: the value of accuracy and the price of unfairness and of a
    person's time, weighted on the four axes (see docs/quality.md).

    >>> UtilityPolicy().value_per_point
    100.0
    """

    value_per_point: float = Field(
        100.0, ge=0, description="money one point of accuracy (1%) is worth until the next check"
    )
    unfairness_per_point: float = Field(
        100.0, ge=0, description="money one point of growth of a between-group gap costs"
    )
    review_cost: float = Field(
        50.0, ge=0, description="money a person's review costs (escalate, approvals)"
    )
    weights: Weights = Field(default_factory=Weights)
    probes: bool = Field(
        True, description="with a registry, probe a fine-tune and a retrain of the champion"
    )
    probe_rows: int = Field(5000, ge=100, description="most labelled rows a probe trains on")


class TransferPolicy(_Strict):
    """When the model is taken to a new domain (``check --transfer``), what counts as close.

    >>> TransferPolicy().close_below
    0.4
    """

    close_below: float = Field(
        0.4,
        gt=0,
        le=1,
        description="domain distance (2 x (domain-classifier AUC - 0.5)) below which a fine-tune "
        "adapts the model; at or above it a retrain is needed",
    )


class Policy(_Strict):
    """How evidence turns into a decision. Later versions add budgets, packs and weights."""

    policy_version: Literal[1] = 1
    name: str = "baseline"
    description: str = ""
    risk_tier: RiskTier = "medium"
    domain: str = Field(
        "",
        description="what the model decides about; a high-stakes domain (healthcare, "
        "criminal_justice, employment, credit, education, insurance) is treated as tier high at "
        "least",
    )
    jurisdictions: tuple[str, ...] = Field(
        (),
        description="where the model is used (EU, US, US-NY-NYC, ...); when given, every "
        "included regulation pack must apply to one of them",
    )
    cadence: Literal["rapid", "stable"] = Field(
        "rapid",
        description="what the model's users expect: rapid incremental updates, or rare, stable "
        "releases (which favour a full, fully validated retrain over a stream of patches)",
    )
    drift: DriftThresholds = Field(default_factory=DriftThresholds)
    performance: PerformanceThresholds = Field(default_factory=PerformanceThresholds)
    scope: ScopeThresholds = Field(default_factory=ScopeThresholds)
    labels: LabelThresholds = Field(default_factory=LabelThresholds)
    multivariate: MultivariateThresholds = Field(default_factory=MultivariateThresholds)
    concept: ConceptThresholds = Field(default_factory=ConceptThresholds)
    estimate: EstimateThresholds = Field(default_factory=EstimateThresholds)
    fairness: FairnessThresholds = Field(default_factory=FairnessThresholds)
    feedback: FeedbackThresholds = Field(default_factory=FeedbackThresholds)
    text: TextThresholds = Field(default_factory=TextThresholds)
    schema_change: SchemaChangeThresholds = Field(default_factory=SchemaChangeThresholds)
    validation: ValidationPolicy = Field(default_factory=ValidationPolicy)
    runs: RunsPolicy = Field(default_factory=RunsPolicy)
    budgets: BudgetPolicy = Field(default_factory=BudgetPolicy)
    debt: DebtPolicy = Field(default_factory=DebtPolicy)
    rollback: RollbackPolicy = Field(default_factory=RollbackPolicy)
    regulation: RegulationPolicy = Field(default_factory=RegulationPolicy)
    carbon: CarbonPolicy = Field(default_factory=CarbonPolicy)
    utility: UtilityPolicy = Field(default_factory=UtilityPolicy)
    transfer: TransferPolicy = Field(default_factory=TransferPolicy)

    @model_validator(mode="after")
    def _packs_apply_here(self) -> Policy:
        if not self.jurisdictions:
            return self
        from driftwise.policy.packs import load_pack

        for name in self.regulation.packs:
            where = load_pack(name).jurisdiction
            if not any(where.startswith(j) or j.startswith(where) for j in self.jurisdictions):
                raise ValueError(
                    f"regulation pack {name!r} applies in {where}, which is not among the "
                    f"policy's jurisdictions ({', '.join(self.jurisdictions)})"
                )
        return self

    @property
    def high_stakes(self) -> bool:
        """Tier high or regulated, or a high-stakes domain."""
        return self.risk_tier in ("high", "regulated") or self.domain in HIGH_STAKES_DOMAINS

    seed: int = Field(0, ge=0, description="seed of every subsample and resample")
    approval_required: tuple[Action, ...] = Field(
        (), description="actions that wait for a person's approval before they are carried out"
    )


def default_policy() -> Policy:
    """The built-in policy used when none is given."""
    return Policy()
