"""Hand-built evidence for decision tests: one knob per fact the criteria read."""

from __future__ import annotations

from typing import Literal

from driftwise.decide.types import CheckSummary
from driftwise.signals.types import (
    ConceptDrift,
    EstimatedPerformance,
    Fairness,
    FeatureDrift,
    FeedbackRate,
    GroupMetric,
    Interval,
    LabelAvailability,
    MultivariateDrift,
    Performance,
    Rescaling,
    SchemaChange,
    Scope,
    SegmentDrift,
)


def feature(
    column: str, *, drifted: bool, effect: float = 0.2, role: str = "numeric"
) -> FeatureDrift:
    return FeatureDrift(
        id=f"drift:{role}:{column}",
        column=column,
        role=role,
        test="ks",
        statistic=0.1,
        p_value=1e-6 if drifted else 0.4,
        p_adjusted=1e-5 if drifted else 0.6,
        effect_size=effect if drifted else 0.01,
        effect_measure="wasserstein_normed",
        min_effect=0.05,
        n_reference=5000,
        n_current=5000,
        significant=drifted,
        practical=drifted,
        drifted=drifted,
    )


def performance(ref: float, cur: float, *, degraded: bool, n: int = 2000) -> Performance:
    return Performance(
        id="performance:accuracy",
        metric="accuracy",
        higher_is_better=True,
        reference=Interval(value=ref, low=ref - 0.01, high=ref + 0.01, n=n, method="wilson"),
        current=Interval(value=cur, low=cur - 0.02, high=cur + 0.02, n=n, method="wilson"),
        change=cur - ref,
        p_value=1e-8 if degraded else 0.5,
        tolerance=0.01,
        degraded=degraded,
    )


def scope(verdict: Literal["none", "localized", "global"], segments: tuple[str, ...] = ()) -> Scope:
    return Scope(
        verdict=verdict,
        drifted_feature_share=0.0 if verdict == "none" else 0.3,
        drifted_features=(),
        drifted_segments=segments,
        drifted_traffic_share=0.25
        if verdict == "localized"
        else (1.0 if verdict == "global" else 0),
        explanation=f"scope is {verdict}.",
    )


def labels(n: int, of: int = 5000) -> LabelAvailability:
    return LabelAvailability(
        n_current=of,
        n_labelled=n,
        share_labelled=n / of,
        sufficient_for_fine_tune=n >= 200,
        sufficient_for_retrain=n >= 1000,
    )


def segment(value: str, *, degraded: bool, p: float = 1e-6) -> SegmentDrift:
    return SegmentDrift(
        id=f"segment:region={value}",
        key="region",
        value=value,
        share_reference=0.125,
        share_current=0.25,
        n_reference=600,
        n_current=1200,
        drifted_features=("discount",),
        max_effect=0.4,
        performance_change=-0.2 if degraded else 0.0,
        performance_p_value=p if degraded else 0.5,
        degraded=degraded,
        drifted=True,
    )


def summary(n_labelled: int = 2000) -> CheckSummary:
    return CheckSummary(
        n_reference=5000, n_current=5000, n_features=6, n_labelled_current=n_labelled
    )


def concept(*, detected: bool, explained: bool = False) -> ConceptDrift:
    return ConceptDrift(
        metric="accuracy",
        observed=Interval(value=0.7, low=0.68, high=0.72, n=2000, method="wilson"),
        expected=Interval(
            value=0.88 if detected else 0.71, low=0.86, high=0.9, n=2000, method="weighted"
        ),
        gap=-0.18 if detected else -0.01,
        p_value=1e-9 if detected else 0.4,
        detected=detected,
        explained_by_covariate_shift=explained,
        method="importance_weighted_reference",
        effective_sample_size=1500.0,
        explanation="observed 0.70 against 0.88 expected from covariate shift alone."
        if detected
        else "observed 0.70 against 0.71 expected from covariate shift alone.",
    )


def estimate(*, degraded: bool, reliable: bool = True) -> EstimatedPerformance:
    return EstimatedPerformance(
        id="estimate:accuracy",
        metric="accuracy",
        method="cbpe",
        reference=Interval(value=0.9, low=0.89, high=0.91, n=5000, method="wilson"),
        estimate=Interval(
            value=0.8 if degraded else 0.9, low=0.78, high=0.82, n=5000, method="cbpe"
        ),
        change=-0.1 if degraded else 0.0,
        degraded=degraded,
        reliable=reliable,
        warnings=() if reliable else ("current scores fall outside the reference's range",),
    )


def schema_change(
    *, removed: tuple[str, ...] = (), added: tuple[str, ...] = (), rescaled: bool = False
) -> SchemaChange:
    return SchemaChange(
        added=added,
        removed=removed,
        rescaled=(
            Rescaling(
                column="temperature",
                slope=1.8,
                intercept=32.0,
                r_squared=0.999,
                consistent_across_segments=True,
            ),
        )
        if rescaled
        else (),
        architecture_change_suggested=bool(removed or added),
        explanation="schema changed.",
    )


def fairness(*, worsened: bool, biased: bool = False) -> Fairness:
    return Fairness(
        id="fairness:race:false_positive_rate",
        attribute="race",
        metric="false_positive_rate",
        groups=(
            GroupMetric(group="a", value=0.45, low=0.4, high=0.5, n=800, reference=0.4),
            GroupMetric(group="b", value=0.2, low=0.15, high=0.25, n=600, reference=0.25),
        ),
        disparity=0.25 if worsened else 0.15,
        disparity_low=0.2,
        disparity_high=0.3,
        disparity_reference=0.15,
        change=0.1 if worsened else 0.0,
        tolerance=0.05,
        worsened=worsened,
        biased_reference=biased,
    )


def feedback(*, surged: bool) -> FeedbackRate:
    return FeedbackRate(
        id="feedback:complaints",
        name="complaints",
        baseline_rate=10.0,
        current_rate=25.0 if surged else 10.5,
        rate_ratio=2.5 if surged else 1.05,
        low=1.8 if surged else 0.7,
        high=3.4 if surged else 1.5,
        p_value=1e-6 if surged else 0.4,
        surged=surged,
        periods_baseline=10,
        periods_current=1,
    )


def multivariate(*, drifted: bool) -> MultivariateDrift:
    return MultivariateDrift(
        id="multivariate:domain_classifier",
        method="domain_classifier",
        statistic=0.7 if drifted else 0.5,
        low=0.68,
        high=0.72,
        p_value=1e-12 if drifted else 0.5,
        threshold=0.55,
        n_reference=5000,
        n_current=5000,
        drifted=drifted,
    )
