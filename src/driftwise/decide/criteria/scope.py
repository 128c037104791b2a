"""Scope and concept, when the model must change: a localized change favours a fine-tune, a
global one or a changed relation between inputs and labels (concept drift) a retrain.

After a localized change a retrain learns from the current rows plus the labelled reference
rows outside the changed segments (as ``driftwise act`` carries it out), so it keeps the old
regime where it still holds; the scope's preference for a fine-tune then does not count when
the engine judges whether the vote between the two was close enough for the probes to settle
(see :func:`driftwise.decide.engine.decide`).

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> scope_votes(facts_from((), default_policy()), default_policy())
[]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["SCOPE_LOCALIZED", "concept_votes", "scope_votes"]

#: The scope votes after a localized change: (fine-tune, retrain). The margin stands for the
#: fine-tune's lighter touch on what the change left alone.
SCOPE_LOCALIZED = (1.5, 0.2)


def scope_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on the scope verdict (only when the model must change)."""
    if not f.degraded:
        return []
    ev: tuple[str, ...] = (f.scope_evidence.id,) if f.scope_evidence is not None else ()
    expl = f.scope_evidence.explanation if f.scope_evidence is not None else ""
    if f.scope == "localized":
        text = f"Scope: localized. {expl} A targeted fine-tune can repair it."
        if f.n_reference_outside:
            # As `driftwise act` retrains after a localized change: on the current rows plus the
            # old ones the change left alone, so the retrain keeps the old regime as well.
            text += (
                f" So can a retrain on the current rows plus the {f.n_reference_outside:,} "
                "labelled reference rows outside the changed segments, which keeps what still "
                "holds there; the fine-tune is quicker and cheaper."
            )
        return [
            Vote("scope", "fine_tune", SCOPE_LOCALIZED[0], text, ev, "localized change"),
            Vote("scope", "retrain", SCOPE_LOCALIZED[1], text, ev, "localized change"),
        ]
    if f.scope == "global":
        text = f"Scope: global. {expl} A systemic shift calls for a full retrain."
        return [
            Vote("scope", "retrain", 1.5, text, ev, "global change"),
            Vote("scope", "fine_tune", 0.3, text, ev, "global change"),
        ]
    if f.concept is not None:
        return []  # the concept criterion speaks with the direct test
    text = (
        "Performance fell while the inputs did not drift: the relation between inputs and "
        "labels changed (concept drift), which a fine-tune on few labels may not capture."
    )
    concept_ev = ev + tuple(d.id for d in f.label_drift)
    return [
        Vote("scope", "retrain", 1.0, text, concept_ev, "concept drift"),
        Vote("scope", "fine_tune", 0.5, text, ev, "concept drift"),
    ]


def concept_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on the direct concept-drift test: is the drop more than covariate shift explains?"""
    c = f.concept
    if c is None or not f.degraded:
        return []
    if c.detected:
        text = (
            f"Concept drift: {c.explanation} The relation between inputs and labels changed; "
            "the model must relearn it, which calls for a retrain on the new regime."
        )
        return [
            Vote("concept", "retrain", 1.0, text, (c.id,), "concept drift"),
            Vote("concept", "fine_tune", 0.3, text, (c.id,), "concept drift"),
        ]
    if c.explained_by_covariate_shift:
        text = (
            f"Covariate shift explains the drop: {c.explanation} The relation still holds; the "
            "model needs more of the newly common inputs, which a fine-tune can give it."
        )
        return [Vote("concept", "fine_tune", 0.5, text, (c.id,), "covariate shift only")]
    return []
