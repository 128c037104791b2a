"""Hand-built evidence for decision tests: one knob per fact the criteria read."""

from __future__ import annotations

from typing import Literal

from driftwise.decide.types import CheckSummary
from driftwise.signals.types import (
    FeatureDrift,
    Interval,
    LabelAvailability,
    Performance,
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
