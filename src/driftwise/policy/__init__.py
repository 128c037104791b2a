"""Policy: thresholds, risk tier and approvals that turn evidence into a decision."""

from driftwise.policy.load import load_policy
from driftwise.policy.model import (
    Action,
    DriftThresholds,
    LabelThresholds,
    PerformanceThresholds,
    Policy,
    RiskTier,
    ScopeThresholds,
    default_policy,
)

__all__ = [
    "Action",
    "DriftThresholds",
    "LabelThresholds",
    "PerformanceThresholds",
    "Policy",
    "RiskTier",
    "ScopeThresholds",
    "default_policy",
    "load_policy",
]
