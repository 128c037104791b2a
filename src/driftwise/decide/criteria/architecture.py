"""Architecture: new, missing or retyped inputs need a model with a different input layer (a
retrain); a unit change on one input across every segment is a global cause.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> architecture_votes(facts_from((), default_policy()), default_policy())
[]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["architecture_votes"]


def architecture_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on the schema-change evidence."""
    sc = f.schema_change
    if sc is None:
        return []
    ev = (sc.id,)
    votes: list[Vote] = []
    if sc.removed or sc.retyped:
        lost = [*sc.removed, *(r.column for r in sc.retyped)]
        text = (
            f"Inputs the model was built on are gone or changed type ({', '.join(lost)}): the "
            "model's input layer must change, which only a retrain can do."
        )
        why = "inputs removed or retyped"
        votes += [
            Vote("architecture", "retrain", 2.5, text, ev, why),
            Vote("architecture", "fine_tune", -2.5, text, ev, why),
            Vote("architecture", "no_action", -2.0, text, ev, why),
        ]
    elif sc.added:
        text = (
            f"New columns are available ({', '.join(sc.added[:5])}): the current model cannot "
            "use them; a retrain could."
        )
        votes += [
            Vote("architecture", "retrain", 0.5, text, ev, "new inputs"),
            Vote("architecture", "monitor", 0.3, text, ev, "new inputs"),
        ]
    global_rescale = [r for r in sc.rescaled if r.consistent_across_segments]
    if global_rescale and f.degraded:
        r = global_rescale[0]
        text = (
            f"{r.column} looks rescaled for everyone (current = {r.slope:.3g} x reference "
            f"{'+' if r.intercept >= 0 else '-'} {abs(r.intercept):.3g}, R^2 {r.r_squared:.3f}): "
            "a systemic cause such as new sensor hardware or units. Retrain on the new regime, "
            "or convert the input upstream."
        )
        votes += [Vote("architecture", "retrain", 1.0, text, ev, "input rescaled everywhere")]
    return votes
