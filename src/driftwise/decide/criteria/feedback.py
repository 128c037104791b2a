"""User feedback: a surge in complaints is evidence that something is wrong even before labels
arrive; it adds urgency to acting, and without other evidence it asks for a closer look.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> feedback_votes(facts_from((), default_policy()), default_policy())
[]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["feedback_votes"]


def feedback_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on feedback-rate surges."""
    surged = [x for x in f.feedback if x.surged]
    if not surged:
        return []
    parts = [
        f"{x.name} rose {x.rate_ratio:.2f}x ({x.baseline_rate:.3g} -> {x.current_rate:.3g} per "
        f"period, p={x.p_value:.2g})"
        for x in surged
    ]
    text = "User feedback surged: " + "; ".join(parts) + "."
    ev = tuple(x.id for x in surged)
    why = "complaints surged"
    votes = [Vote("feedback", "no_action", -1.5, text, ev, why)]
    if f.degraded:
        votes += [
            Vote("feedback", "fine_tune", 0.3, text, ev, why),
            Vote("feedback", "retrain", 0.3, text, ev, why),
        ]
    else:
        votes += [
            Vote("feedback", "escalate", 1.5, text, ev, why),
            Vote("feedback", "monitor", 0.5, text, ev, why),
        ]
    return votes
