"""Criteria: small rules that read the evidence and vote for actions.

Each criterion is a function ``(facts, policy) -> list[Vote]``: an action, a weight (positive for,
negative against), a plain-language sentence and the evidence ids it rests on. The engine adds
the weights up; the action with the largest total wins. Keeping each criterion small makes every
decision explainable as "these votes, from this evidence". :data:`CRITERIA` lists them in the
order their reasons are shown.

>>> from driftwise.decide.criteria import CRITERIA, facts_from
>>> from driftwise.policy import default_policy
>>> facts = facts_from((), default_policy())
>>> sorted({v.action for c in CRITERIA for v in c(facts, default_policy())})
['monitor', 'no_action', 'rollback']
"""

from __future__ import annotations

from collections.abc import Callable

from driftwise.decide.criteria.architecture import architecture_votes
from driftwise.decide.criteria.base import UNIT, Facts, Vote, facts_from
from driftwise.decide.criteria.budget import budget_votes
from driftwise.decide.criteria.debt import debt_votes
from driftwise.decide.criteria.drift import drift_votes
from driftwise.decide.criteria.feedback import feedback_votes
from driftwise.decide.criteria.labels import label_votes
from driftwise.decide.criteria.performance import performance_votes
from driftwise.decide.criteria.regulation import erasure_votes, regulation_votes
from driftwise.decide.criteria.risk import fairness_votes, risk_votes
from driftwise.decide.criteria.rollback import rollback_votes
from driftwise.decide.criteria.scope import concept_votes, scope_votes
from driftwise.decide.criteria.transfer import transfer_votes
from driftwise.policy.model import Policy

__all__ = [
    "CRITERIA",
    "UNIT",
    "Criterion",
    "Facts",
    "Vote",
    "architecture_votes",
    "budget_votes",
    "concept_votes",
    "debt_votes",
    "drift_votes",
    "erasure_votes",
    "facts_from",
    "fairness_votes",
    "feedback_votes",
    "label_votes",
    "performance_votes",
    "regulation_votes",
    "risk_votes",
    "rollback_votes",
    "scope_votes",
    "transfer_votes",
]

Criterion = Callable[[Facts, Policy], list[Vote]]

CRITERIA: tuple[Criterion, ...] = (
    performance_votes,
    drift_votes,
    scope_votes,
    concept_votes,
    label_votes,
    architecture_votes,
    fairness_votes,
    risk_votes,
    feedback_votes,
    debt_votes,
    rollback_votes,
    budget_votes,
    erasure_votes,
    regulation_votes,
    transfer_votes,
)
