"""Signals: statistical evidence that a model's world has changed."""

from driftwise.signals.types import (
    Distribution,
    Evidence,
    FeatureDrift,
    Interval,
    LabelAvailability,
    Performance,
    Scope,
    SegmentDrift,
)

__all__ = [
    "Distribution",
    "Evidence",
    "FeatureDrift",
    "Interval",
    "LabelAvailability",
    "Performance",
    "Scope",
    "SegmentDrift",
]
