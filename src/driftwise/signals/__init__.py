"""Signals: statistical evidence that a model's world has changed.

The evidence types are imported eagerly; the computations (which load scipy) lazily, so that
code reading decisions does not pay for them.

>>> from driftwise.signals import adjust
>>> adjust([0.01, 0.04], "bonferroni").tolist()
[0.02, 0.08]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftwise.signals.types import (
    ColumnRetype,
    ConceptDrift,
    Distribution,
    EstimatedPerformance,
    Evidence,
    Fairness,
    FeatureContribution,
    FeatureDrift,
    FeedbackRate,
    GroupMetric,
    Interval,
    LabelAvailability,
    MultivariateDrift,
    NotTested,
    Performance,
    PerformanceTimeline,
    Rescaling,
    SchemaChange,
    Scope,
    SegmentDrift,
    TextDrift,
    TimePoint,
)

if TYPE_CHECKING:
    from driftwise.signals.collect import EvidenceSet, collect, compute_evidence
    from driftwise.signals.multitest import adjust, finish
    from driftwise.signals.performance import Outcomes, compare_performance, outcomes
    from driftwise.signals.segments import SegmentReport, SegmentResult, segment_evidence
    from driftwise.signals.univariate import RawTest, Skipped, compare_column

__all__ = [
    "ColumnRetype",
    "ConceptDrift",
    "Distribution",
    "EstimatedPerformance",
    "Evidence",
    "EvidenceSet",
    "Fairness",
    "FeatureContribution",
    "FeatureDrift",
    "FeedbackRate",
    "GroupMetric",
    "Interval",
    "LabelAvailability",
    "MultivariateDrift",
    "NotTested",
    "Outcomes",
    "Performance",
    "PerformanceTimeline",
    "RawTest",
    "Rescaling",
    "SchemaChange",
    "Scope",
    "SegmentDrift",
    "SegmentReport",
    "SegmentResult",
    "Skipped",
    "TextDrift",
    "TimePoint",
    "adjust",
    "collect",
    "compare_column",
    "compare_performance",
    "compute_evidence",
    "finish",
    "outcomes",
    "segment_evidence",
]

_LAZY = {
    "EvidenceSet": "driftwise.signals.collect",
    "collect": "driftwise.signals.collect",
    "compute_evidence": "driftwise.signals.collect",
    "adjust": "driftwise.signals.multitest",
    "Outcomes": "driftwise.signals.performance",
    "compare_performance": "driftwise.signals.performance",
    "outcomes": "driftwise.signals.performance",
    "SegmentReport": "driftwise.signals.segments",
    "SegmentResult": "driftwise.signals.segments",
    "segment_evidence": "driftwise.signals.segments",
    "RawTest": "driftwise.signals.univariate",
    "Skipped": "driftwise.signals.univariate",
    "compare_column": "driftwise.signals.univariate",
    "finish": "driftwise.signals.multitest",
}


def __getattr__(name: str) -> Any:
    """Import the computations lazily (see the module docstring)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'driftwise.signals' has no attribute {name!r}")
