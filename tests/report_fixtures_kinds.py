"""Hand-built evidence of the later kinds for the report tests, and a decision with all of them.

``make_full_decision`` is ``report_fixtures.make_decision`` with every later kind (multivariate,
concept, label-free estimate, schema change, text, feedback, fairness, timeline), the new fields of
feature drift (threshold, method, statistics) and labels (by segment, representativeness), and
reasons citing them. The items include degenerate values (empty tuples, None fields, zero counts)
and hostile strings (``NASTY``) in column names, groups, tokens and ids.
"""

from __future__ import annotations

from pydantic import BaseModel

from driftwise.decide.types import Decision, Reason
from driftwise.signals.types import (
    ColumnRetype,
    ConceptDrift,
    EstimatedPerformance,
    Fairness,
    FeatureContribution,
    FeatureDrift,
    FeedbackRate,
    GroupMetric,
    Interval,
    LabelAvailability,
    MultivariateDrift,
    NotTested,
    PerformanceTimeline,
    Rescaling,
    SchemaChange,
    TextDrift,
    TimePoint,
)
from report_fixtures import NASTY, feature_drifts, make_decision

#: Extra statistics and calibrated thresholds recorded on some feature tests.
_STATISTICS = {
    "income": {"psi": 0.521, "js": 0.108, "hellinger": 0.187, "cvm": 12.43, "ks": 0.329},
    "region": {"psi": 0.094, "js": 0.021, "hellinger": 0.073},
}
_THRESHOLDS = {"income": 0.08, "region": 0.01, "utilization": 0.05}


def feature_drifts_with_calibration() -> list[FeatureDrift]:
    """The feature tests with calibrated thresholds, a binned test and extra statistics.

    income: threshold 0.08 above the 0.05 minimum (calibrated); region: binned, threshold at the
    minimum; utilization: threshold at the minimum; the others: not calibrated (threshold 0).
    """
    out = []
    for d in feature_drifts():
        update: dict[str, object] = {"threshold": _THRESHOLDS.get(d.column, 0.0)}
        update["statistics"] = _STATISTICS.get(d.column, {})
        if d.column == "region":
            update["method"] = "binned"
        out.append(FeatureDrift.model_validate({**d.model_dump(), **update}))
    return out


def multivariate() -> list[MultivariateDrift]:
    """A domain classifier with its drivers, and an MMD test with nothing optional filled in."""
    importances = (("income", 0.412), ("region", 0.205), ("utilization", 0.118), (NASTY, 0.031))
    classifier = MultivariateDrift(
        id="multivariate:domain_classifier",
        method="domain_classifier",
        statistic=0.731,
        low=0.709,
        high=0.752,
        p_value=1e-4,
        threshold=0.55,
        n_reference=2000,
        n_current=2000,
        drifted=True,
        top_features=tuple(FeatureContribution(column=c, importance=v) for c, v in importances)
        + (FeatureContribution(column="age", importance=0.0),),
        top_rows=(17, 4, 903, 1288, 56, 311, 7, 1999, 640, 1024),
        concentration=0.53,
    )
    mmd = MultivariateDrift(
        id="multivariate:mmd",
        method="mmd",
        statistic=0.0123,
        p_value=0.002,
        threshold=0.01,
        n_reference=1000,
        n_current=1000,
        drifted=True,
    )
    return [classifier, mmd]


def concept() -> ConceptDrift:
    return ConceptDrift(
        metric="accuracy",
        observed=Interval(value=0.871, low=0.86, high=0.882, n=1200, method="wilson"),
        expected=Interval(value=0.905, low=0.893, high=0.916, n=5000, method="bootstrap"),
        gap=-0.034,
        p_value=3.1e-4,
        detected=True,
        explained_by_covariate_shift=False,
        method="importance_weighting",
        effective_sample_size=1843.6,
        label_drift_p_value=0.21,
        explanation=(
            "Accuracy on labelled current rows (0.871) is 0.034 below what covariate shift alone "
            "predicts (0.905): the relation between inputs and <label> changed."
        ),
    )


def estimates() -> list[EstimatedPerformance]:
    """An unreliable, degraded accuracy estimate with warnings; a reliable AUC one without."""
    accuracy = EstimatedPerformance(
        id="estimate:accuracy",
        metric="accuracy",
        method="cbpe",
        reference=Interval(value=0.912, low=0.905, high=0.919, n=5000, method="realized"),
        estimate=Interval(value=0.884, low=0.871, high=0.896, n=4000, method="cbpe"),
        change=-0.028,
        degraded=True,
        reliable=False,
        warnings=(
            "concept drift detected: CBPE assumes P(y|x) is unchanged",
            "12.0% of current rows score outside the reference's range & calibration",
        ),
        realized=0.871,
    )
    auc = EstimatedPerformance(
        id="estimate:roc_auc",
        metric="roc_auc",
        method="cbpe",
        reference=Interval(value=0.941, low=0.935, high=0.947, n=5000, method="realized"),
        estimate=Interval(value=0.936, low=0.927, high=0.944, n=4000, method="cbpe"),
        change=-0.005,
        degraded=False,
        reliable=True,
    )
    return [accuracy, auc]


def schema_change() -> SchemaChange:
    return SchemaChange(
        added=("sensor_v2", f"{NASTY}_new"),
        removed=("legacy_flag",),
        retyped=(ColumnRetype(column="zip", reference="float64", current="str"),),
        out_of_range={"temperature": 0.62, "pressure": 0.004, NASTY: 0.0},
        rescaled=(
            Rescaling(
                column="temperature",
                slope=1.8,
                intercept=32.0,
                r_squared=0.9991,
                consistent_across_segments=True,
            ),
        ),
        architecture_change_suggested=True,
        explanation=(
            "temperature now reads like Fahrenheit in every region: a new sensor, not a new "
            "world. Map it back or retrain with the new unit."
        ),
    )


def text_drifts() -> list[TextDrift]:
    """New slang in comments, and a quiet text column with a hostile name and nothing new."""
    comment = TextDrift(
        id="text:comment",
        column="comment",
        oov_rate=0.082,
        reference_oov_rate=0.011,
        new_tokens={"rizz": 0.061, "skibidi": 0.032, "<script>": 0.004, "a&b": 0.002, '"q"': 0.001},
        new_token_traffic_share=0.14,
        classifier_auc=0.69,
        p_value=2e-8,
        drifted=True,
        segments={"channel=app": 0.21, "channel=web": 0.03, f"channel={NASTY}": 0.0},
    )
    quiet = TextDrift(
        id=f"text:{NASTY}",
        column=NASTY,
        oov_rate=0.0,
        reference_oov_rate=0.0,
        new_token_traffic_share=0.0,
        p_value=1.0,
        drifted=False,
    )
    return [comment, quiet]


_COMPLAINTS = (3, 5, 4, 4, 6, 3, 5, 4, 2, 5, 4, 6, 3, 4, 9, 11, 8, 10, 9, 12, 6)


def feedback() -> list[FeedbackRate]:
    """Complaints that doubled over the last week, and a feedback stream with no events at all."""
    complaints = FeedbackRate(
        id="feedback:complaints",
        name="complaints",
        baseline_rate=4.14,
        current_rate=9.29,
        rate_ratio=2.24,
        low=1.78,
        high=2.83,
        p_value=1.2e-7,
        surged=True,
        periods_baseline=14,
        periods_current=7,
        series=tuple(float(v) for v in _COMPLAINTS),
    )
    silent = FeedbackRate(
        id="feedback:thumbs_down",
        name="thumbs_down",
        baseline_rate=0.0,
        current_rate=0.0,
        rate_ratio=1.0,
        low=0.0,
        high=0.0,
        p_value=1.0,
        surged=False,
        periods_baseline=0,
        periods_current=0,
    )
    return [complaints, silent]


def fairness() -> list[Fairness]:
    """Selection rate by sex, worse than on an already biased reference; accuracy by age band
    with no reference, a hostile group name and an empty group."""
    sex = Fairness(
        id="fairness:sex:selection_rate",
        attribute="sex",
        metric="selection_rate",
        groups=(
            GroupMetric(group="female", value=0.32, low=0.298, high=0.342, n=1800, reference=0.38),
            GroupMetric(group="male", value=0.5, low=0.479, high=0.521, n=2200, reference=0.44),
        ),
        disparity=0.18,
        disparity_low=0.149,
        disparity_high=0.211,
        disparity_reference=0.06,
        change=0.12,
        tolerance=0.05,
        worsened=True,
        biased_reference=True,
    )
    age = Fairness(
        id=f"fairness:age_band:{NASTY}",
        attribute="age_band",
        metric=NASTY,
        groups=(
            GroupMetric(group="18-30", value=0.862, low=0.84, high=0.882, n=1100),
            GroupMetric(group=NASTY, value=0.874, low=0.85, high=0.896, n=900),
            GroupMetric(group="empty", value=0.0, low=0.0, high=0.0, n=0),
        ),
        disparity=0.012,
        disparity_low=0.0,
        disparity_high=0.044,
        tolerance=0.05,
        worsened=False,
        biased_reference=False,
    )
    return [sex, age]


def _week(i: int, value: float, half: float, n: int) -> TimePoint:
    return TimePoint(period=f"2024-W{i:02d}", value=value, low=value - half, high=value + half, n=n)


def timelines() -> list[PerformanceTimeline]:
    """Weekly accuracy (six reference weeks, four current, falling) and an MAE timeline with no
    reference periods and a single current one."""
    ref = [0.913, 0.909, 0.916, 0.911, 0.914, 0.908]
    cur = [0.897, 0.884, 0.866, 0.852]
    accuracy = PerformanceTimeline(
        id="timeline:accuracy",
        metric="accuracy",
        reference=tuple(_week(i + 1, v, 0.012, 830) for i, v in enumerate(ref)),
        current=tuple(_week(i + 7, v, 0.02, 300) for i, v in enumerate(cur)),
    )
    mae = PerformanceTimeline(
        id="timeline:mae",
        metric="mae",
        reference=(),
        current=(TimePoint(period=NASTY, value=1234.5, low=1100.0, high=1400.0, n=12),),
    )
    return [accuracy, mae]


def labels_with_detail() -> LabelAvailability:
    return LabelAvailability(
        n_current=4000,
        n_labelled=1200,
        share_labelled=0.3,
        sufficient_for_fine_tune=True,
        sufficient_for_retrain=False,
        by_segment={"region=coast": 800, "region=inland": 400, f"region={NASTY}": 0},
        representative=False,
        representativeness_p_value=2.3e-5,
        representativeness_effect=0.21,
        unrepresentative_features=("income", NASTY),
    )


def later_evidence() -> list[
    MultivariateDrift
    | ConceptDrift
    | EstimatedPerformance
    | SchemaChange
    | TextDrift
    | FeedbackRate
    | Fairness
    | PerformanceTimeline
    | NotTested
]:
    """One or more items of every later kind, and a not-tested note."""
    return [
        *multivariate(),
        concept(),
        *estimates(),
        schema_change(),
        *text_drifts(),
        *feedback(),
        *fairness(),
        *timelines(),
        NotTested(id="fairness:race", reason="groups smaller than 30 rows: 'Other' (12)"),
    ]


def make_full_decision() -> Decision:
    """``make_decision`` with every evidence kind, the new fields set, and reasons citing them."""
    base = make_decision()
    calibrated = {d.id: d for d in feature_drifts_with_calibration()}
    evidence = [
        calibrated.get(e.id, e) if isinstance(e, FeatureDrift) else e for e in base.evidence
    ]
    evidence = [labels_with_detail() if isinstance(e, LabelAvailability) else e for e in evidence]
    reasons = (
        *base.reasons,
        Reason(
            text="Accuracy fell further than covariate shift explains: the concept changed.",
            evidence=("concept", "estimate:accuracy", "timeline:accuracy"),
        ),
        Reason(
            text="temperature changed unit: the architecture may need to change.",
            evidence=("schema", "multivariate:domain_classifier", "multivariate:mmd"),
        ),
        Reason(
            text="New slang in comments and complaints doubled.",
            evidence=("text:comment", f"text:{NASTY}", "feedback:complaints"),
        ),
        Reason(
            text="The selection-rate gap between sexes widened on an already biased model.",
            evidence=(
                "fairness:sex:selection_rate",
                f"fairness:age_band:{NASTY}",
                "feedback:thumbs_down",
                "estimate:roc_auc",
                "timeline:mae",
                "fairness:race",
            ),
        ),
    )
    fields = dict(base)
    fields.update(evidence=(*evidence, *later_evidence()), reasons=reasons)
    return Decision(**fields)


def decision_with(item: BaseModel) -> Decision:
    """The base decision with only ``item`` as evidence and no reasons (validated)."""
    fields = dict(make_decision())
    fields.update(evidence=(item,), reasons=())
    return Decision(**fields)
