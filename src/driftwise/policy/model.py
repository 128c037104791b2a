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

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Action",
    "DriftThresholds",
    "LabelThresholds",
    "PerformanceThresholds",
    "Policy",
    "RiskTier",
    "ScopeThresholds",
    "default_policy",
]

RiskTier = Literal["low", "medium", "high", "regulated"]
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
    """How many labelled current rows each action needs."""

    min_for_fine_tune: int = Field(200, ge=0)
    min_for_retrain: int = Field(1000, ge=0)


class Policy(_Strict):
    """How evidence turns into a decision. Later versions add budgets, packs and weights."""

    policy_version: Literal[1] = 1
    name: str = "baseline"
    description: str = ""
    risk_tier: RiskTier = "medium"
    drift: DriftThresholds = Field(default_factory=DriftThresholds)
    performance: PerformanceThresholds = Field(default_factory=PerformanceThresholds)
    scope: ScopeThresholds = Field(default_factory=ScopeThresholds)
    labels: LabelThresholds = Field(default_factory=LabelThresholds)
    approval_required: tuple[Action, ...] = Field(
        (), description="actions that wait for a person's approval before they are carried out"
    )


def default_policy() -> Policy:
    """The built-in policy used when none is given."""
    return Policy()
