"""Transfer: the model is taken to a new but similar domain (a new region, market or site).

Asked for with ``check --transfer`` (the current data come from the new domain, the reference
from the one the model was built for). The distance between the domains is the domain
classifier's AUC rescaled to 0-1 (``2 * (AUC - 0.5)``: 0 when a classifier cannot tell the two
apart, 1 when it always can), shown with the share of inputs that drifted. Close domains
(distance below ``transfer.close_below``) favour a fine-tune: the model's knowledge carries
over and the new domain's labels adjust it. Far ones favour a retrain on the new domain's data.
When the model's performance on the new domain was measured and holds, nothing is needed.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> transfer_votes(facts_from((), default_policy()), default_policy())
[]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["domain_distance", "transfer_votes"]


def domain_distance(f: Facts) -> tuple[float, str] | None:
    """(distance 0-1, evidence id) from the domain classifier; ``None`` without one."""
    dc = next((m for m in f.multivariate if m.method == "domain_classifier"), None)
    if dc is None:
        return None
    return max(0.0, min(1.0, 2 * (dc.statistic - 0.5))), dc.id


def transfer_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote fine-tune for a close domain, retrain for a far one."""
    if not f.transfer:
        return []
    measured = domain_distance(f)
    if f.measured and not f.degraded:
        text = (
            "The model was taken to a new domain, and its measured performance there holds: "
            "no adaptation is needed yet."
        )
        ev = ("performance:accuracy",)
        return [Vote("transfer", "no_action", 0.5, text, ev, "transfer holds")]
    if measured is None:
        text = (
            "The model was taken to a new domain, but no domain classifier measured how far it "
            "is (multivariate tests are off or the data are too small): a person should judge."
        )
        return [Vote("transfer", "escalate", 1.0, text, (), "transfer distance unknown")]
    distance, dc_id = measured
    limit = policy.transfer.close_below
    what = (
        f"The model was taken to a new domain at distance {distance:.2f} (domain-classifier AUC "
        f"rescaled to 0-1; {len(f.drifted)} input(s) drifted)"
    )
    if distance < limit:
        text = (
            f"{what}, below the policy's {limit:g} for close domains: its knowledge carries "
            "over, a fine-tune on the new domain's labels adapts it."
        )
        return [
            Vote("transfer", "fine_tune", 2.0, text, (dc_id,), "close domain"),
            Vote("transfer", "retrain", 0.3, text, (dc_id,), "close domain"),
            Vote("transfer", "no_action", -1.0, text, (dc_id,), "new domain"),
        ]
    text = (
        f"{what}, beyond the policy's {limit:g}: too far for the model's knowledge to carry "
        "over, a retrain on the new domain's data is needed."
    )
    return [
        Vote("transfer", "retrain", 2.0, text, (dc_id,), "far domain"),
        Vote("transfer", "fine_tune", -1.0, text, (dc_id,), "far domain"),
        Vote("transfer", "no_action", -1.0, text, (dc_id,), "new domain"),
    ]
