"""Rollback needs the model's history (a recent promotion followed by a drop), which a one-off
check does not have; the registry will supply it.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> [v.weight for v in rollback_votes(facts_from((), default_policy()), default_policy())]
[-1.0]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["rollback_votes"]


def rollback_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote against a rollback while no earlier version is known."""
    text = "No earlier model version is known to this check."
    return [Vote("rollback", "rollback", -1.0, text, (), "no earlier version known")]
