"""Decide: turn evidence and a policy into a decision document."""

from driftwise.decide.types import (
    ACTIONS,
    SCHEMA_VERSION,
    Alternative,
    CheckSummary,
    Decision,
    PolicyRef,
    Reason,
)

__all__ = [
    "ACTIONS",
    "SCHEMA_VERSION",
    "Alternative",
    "CheckSummary",
    "Decision",
    "PolicyRef",
    "Reason",
]
