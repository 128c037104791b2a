"""Labels: plentiful ones make a retrain possible; scarce ones limit us to a fine-tune (unless
the change is localized and the reference rows outside it make up the difference: a retrain
after a localized change learns from them too); labels that do not look like current traffic
make any update on them less trustworthy.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> label_votes(facts_from((), default_policy()), default_policy())
[]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["label_votes"]


def label_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on how many labels there are and whether they are representative."""
    if not f.degraded:
        return []
    n = f.n_labelled
    lt = policy.labels
    ev: tuple[str, ...] = (f.labels.id,) if f.labels is not None else ()
    votes: list[Vote] = []
    if n >= lt.min_for_retrain:
        text = (
            f"{n} labelled current rows: enough to retrain (policy minimum {lt.min_for_retrain})."
        )
        votes.append(Vote("labels", "retrain", 0.5, text, ev, "labels plentiful"))
    elif n >= lt.min_for_fine_tune and n + f.n_reference_outside >= lt.min_for_retrain:
        text = (
            f"Only {n} labelled current rows, but the change is localized: a retrain learns "
            f"from them plus the {f.n_reference_outside:,} labelled reference rows outside the "
            f"changed segments, enough to retrain (policy minimum {lt.min_for_retrain})."
        )
        votes.append(Vote("labels", "retrain", 0.5, text, ev, "labels enough with old rows"))
    elif n >= lt.min_for_fine_tune:
        text = (
            f"Only {n} labelled current rows: enough to fine-tune (minimum "
            f"{lt.min_for_fine_tune}) but not to retrain (minimum {lt.min_for_retrain})."
        )
        votes += [
            Vote("labels", "fine_tune", 0.5, text, ev, "labels scarce"),
            Vote("labels", "retrain", -1.5, text, ev, "labels scarce"),
        ]
    else:
        text = (
            f"Only {n} labelled current rows, fewer than the {lt.min_for_fine_tune} a fine-tune "
            "needs: a person should decide, and more labels should be collected."
        )
        why = "too few labels"
        votes += [
            Vote("labels", "fine_tune", -3.0, text, ev, why),
            Vote("labels", "retrain", -3.0, text, ev, why),
            Vote("labels", "escalate", 2.5, text, ev, why),
            Vote("labels", "monitor", 1.0, text, ev, why),
        ]
    lab = f.labels
    if lab is not None and lab.representative is False and n >= lt.min_for_fine_tune:
        cols = ", ".join(lab.unrepresentative_features[:5]) or "some inputs"
        text = (
            f"The labelled rows do not look like current traffic (they differ in {cols}): a "
            "model updated on them learns a skewed picture; collect labels across the traffic."
        )
        why = "labels unrepresentative"
        votes += [
            Vote("labels", "retrain", -0.7, text, ev, why),
            Vote("labels", "fine_tune", -0.3, text, ev, why),
            Vote("labels", "monitor", 0.5, text, ev, why),
        ]
    return votes
