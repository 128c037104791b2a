"""Risk and social responsibility: high-stakes tiers favour a proactive retrain with full
validation; a fairness gap that grew, or a base model that was already biased, argues against a
fine-tune (which keeps the base model's biases) and for a retrain with mitigation.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> risk_votes(facts_from((), default_policy()), default_policy())
[]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["fairness_votes", "risk_votes"]


def risk_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on the risk tier or a high-stakes domain, and on the cadence users expect (only
    when the model must change)."""
    if not f.degraded:
        return []
    votes: list[Vote] = []
    if policy.high_stakes:
        what = (
            f"Risk tier '{policy.risk_tier}'"
            if policy.risk_tier in ("high", "regulated")
            else f"High-stakes domain '{policy.domain}'"
        )
        text = (
            f"{what}: prefer a full retrain with rigorous validation; a fine-tune keeps "
            "whatever biases the base model has."
        )
        why = what.lower()
        votes += [
            Vote("risk", "retrain", 0.8, text, (), why),
            Vote("risk", "fine_tune", -0.5, text, (), why),
        ]
    if policy.cadence == "stable":
        text = (
            "The model's users expect rare, stable releases: a full retrain, fully validated, "
            "rather than a stream of patches."
        )
        votes += [
            Vote("cadence", "retrain", 0.5, text, (), "stable releases"),
            Vote("cadence", "fine_tune", -0.3, text, (), "stable releases"),
        ]
    return votes


def fairness_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on group disparities: grown since the reference, or already there in the base."""
    votes: list[Vote] = []
    worse = [x for x in f.fairness if x.worsened]
    if worse:
        parts = [
            f"the {x.metric.replace('_', ' ')} gap across {x.attribute} grew from "
            f"{x.disparity_reference if x.disparity_reference is not None else float('nan'):.3f} "
            f"to {x.disparity:.3f}"
            for x in worse[:3]
        ]
        text = (
            "Fairness worsened: " + "; ".join(parts) + ". Retrain with bias mitigation and "
            "validate per group; a fine-tune would carry the gap forward."
        )
        ev = tuple(x.id for x in worse)
        why = "fairness worsened"
        votes += [
            Vote("fairness", "retrain", 1.0, text, ev, why),
            Vote("fairness", "fine_tune", -1.0, text, ev, why),
            Vote("fairness", "no_action", -1.0, text, ev, why),
        ]
        if policy.risk_tier in ("high", "regulated"):
            votes.append(Vote("fairness", "escalate", 0.5, text, ev, why))
    biased = [x for x in f.fairness if x.biased_reference and not x.worsened]
    if biased and (f.degraded or worse):
        parts = [
            f"{x.metric.replace('_', ' ')} across {x.attribute} "
            f"(gap {x.disparity_reference if x.disparity_reference is not None else 0:.3f})"
            for x in biased[:3]
        ]
        text = (
            "The base model was already unfair on the reference: " + "; ".join(parts) + ". A "
            "fine-tune would keep that bias; a retrain can address it."
        )
        ev = tuple(x.id for x in biased)
        why = "base model biased"
        votes += [
            Vote("fairness", "fine_tune", -1.0, text, ev, why),
            Vote("fairness", "retrain", 0.5, text, ev, why),
        ]
    return votes
