"""Technical debt: a model patched again and again, or never refreshed, is due a full retrain.

Needs the model's context from the registry (``check --registry``). The policy's
``debt.max_fine_tunes`` is a limit: at or beyond it a fine-tune is ruled out (a hard vote) and
a retrain is favoured. ``debt.max_age_days`` favours a retrain of an old model.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.decide.context import ModelContext
>>> from driftwise.policy import default_policy
>>> from dataclasses import replace
>>> f = replace(facts_from((), default_policy()), degraded=True,
...             context=ModelContext(registry="reg", champion_version=5, debt=3))
>>> [(v.action, v.weight, v.hard) for v in debt_votes(f, default_policy())]
[('fine_tune', -3.0, True), ('retrain', 1.0, False)]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["debt_votes"]


def debt_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote for a retrain when the debt or the age limit is reached and the model needs work."""
    c = f.context
    if c is None or c.champion_version is None or not (f.degraded or f.inputs_moved):
        return []
    limits = policy.debt
    ev = ("context:debt",)
    votes: list[Vote] = []
    if c.debt >= limits.max_fine_tunes:
        text = (
            f"Version {c.champion_version} carries {c.debt} fine-tune"
            f"{'' if c.debt == 1 else 's'} since its last full retrain, at the policy's limit of "
            f"{limits.max_fine_tunes}: another patch is ruled out, the pipeline is due a retrain."
        )
        votes += [
            Vote("debt", "fine_tune", -3.0, text, ev, "debt limit reached", hard=True),
            Vote("debt", "retrain", 1.0, text, ev, "debt limit reached"),
        ]
    elif c.debt:
        text = (
            f"Version {c.champion_version} already carries {c.debt} fine-tune"
            f"{'' if c.debt == 1 else 's'} since its last full retrain (limit "
            f"{limits.max_fine_tunes})."
        )
        votes.append(Vote("debt", "retrain", 0.2 * c.debt, text, ev, "debt"))
    age, most = c.age_days, limits.max_age_days
    if most is not None and age is not None and age > most:
        text = (
            f"The model's last full training was {age:.0f} days ago, beyond the policy's "
            f"{most:g} days."
        )
        votes.append(Vote("debt", "retrain", 1.0, text, ev, "model too old"))
    return votes
