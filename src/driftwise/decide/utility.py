"""Expected utility: the probes' measured gains, the policy's values and weights, one score each.

With probes (:mod:`driftwise.act.probe`: a quick fine-tune and retrain on part of the labelled
current rows, scored on the rest), every alternative gets a :class:`Scorecard` in money on the
four axes, using the policy's ``utility:`` section:

* freshness: ``value_per_point * w_freshness *`` points gained on the new regime;
* fidelity: ``value_per_point * w_fidelity *`` points gained on the old regime where it still
  holds;
* social responsibility: ``- unfairness_per_point * w_social_responsibility *`` points the
  between-group accuracy gap grows;
* cost: ``- w_cost *`` the estimated money of the run (registry context), plus ``review_cost``
  for an escalation.

Keeping the champion (``no_action``, ``monitor``) scores 0 on every axis. An update is
*credible* when its gain on the new regime is beyond noise (the low end of its bootstrap
interval above zero).

:func:`reconcile` then sets the rule-based vote against the utility: when the vote picks an
update, the credible update with the larger utility is carried out; when it keeps the model but
a credible update has a positive utility, that update is; when it picks an update but no
update is credible, the model is kept and watched (``monitor``: the validation gate would refuse
a challenger without a gain), unless it must change anyway (an erasure request, inputs
removed, a fairness problem); the vote's update gives way to the
other (credible, with a larger utility) when its gain is clearly larger (its interval's low
end above the vote's point estimate), when the vote's update shows no gain beyond noise, or
when the vote between the two updates was close (within one unit of weight); a ruled-out
action is never chosen.
The decision says when the two disagree, and why.
"""

from __future__ import annotations

from driftwise.decide.context import ModelContext
from driftwise.decide.types import ProbeOutcome, Scorecard
from driftwise.policy.model import Action, Policy

__all__ = ["reconcile", "scorecards"]

_KEEP: tuple[Action, ...] = ("no_action", "monitor")


def scorecards(
    probes: tuple[ProbeOutcome, ...], policy: Policy, context: ModelContext | None
) -> tuple[Scorecard, ...]:
    """One scorecard per alternative with a measured or obvious outcome."""
    u = policy.utility
    w = u.weights
    money = {}
    if context is not None:
        money = {e.action: e.money or 0.0 for e in context.estimates}
    cards = [
        Scorecard(
            action=a,
            freshness=0.0,
            fidelity=0.0,
            cost=0.0,
            social_responsibility=0.0,
            utility=0.0,
            credible=True,
        )
        for a in _KEEP
    ]
    cards.append(
        Scorecard(
            action="escalate",
            freshness=0.0,
            fidelity=0.0,
            cost=-w.cost * u.review_cost,
            social_responsibility=0.0,
            utility=-w.cost * u.review_cost,
            credible=True,
        )
    )
    for p in probes:
        fresh = u.value_per_point * w.freshness * p.freshness
        fid = u.value_per_point * w.fidelity * (p.fidelity or 0.0)
        social = -u.unfairness_per_point * w.social_responsibility * (p.social or 0.0)
        cost = -w.cost * money.get(p.action, 0.0)
        cards.append(
            Scorecard(
                action=p.action,
                freshness=round(fresh, 6),
                fidelity=round(fid, 6),
                cost=round(cost, 9),
                social_responsibility=round(social, 6),
                utility=round(fresh + fid + social + cost, 6),
                credible=p.freshness_low > 0,
            )
        )
    return tuple(cards)


def reconcile(
    voted: Action,
    cards: tuple[Scorecard, ...],
    ruled_out: set[Action],
    probe_outcomes: tuple[ProbeOutcome, ...] = (),
    close: bool = False,
    must_change: bool = False,
) -> tuple[Action, str | None]:
    """The action after weighing the vote with the utility, and a sentence when they differ.

    ``must_change``: the model must change whatever the probes measure (an erasure request,
    inputs removed, a fairness problem), so an update is not given up for lack of a gain.
    """
    by = {c.action: c for c in cards}
    probes: dict[str, ProbeOutcome] = {p.action: p for p in probe_outcomes}
    updates = [
        c for c in cards if c.action in ("fine_tune", "retrain") and c.action not in ruled_out
    ]
    credible = [c for c in updates if c.credible]
    if not updates:
        return voted, None
    giving_up = voted in ("fine_tune", "retrain") and not credible and not must_change
    if giving_up and "monitor" not in ruled_out:
        measured = "; ".join(
            f"{p.action} {p.freshness:+.1f} points [{p.freshness_low:+.1f}, "
            f"{p.freshness_high:+.1f}]"
            for p in probe_outcomes
            if p.action not in ruled_out
        )
        return "monitor", (
            f"The rule-based vote favoured {voted}, but no update beat the champion on the "
            f"new regime beyond noise in the probes ({measured}); the validation gate would "
            "refuse it, so keep the model and collect labels."
        )
    best = max(credible, key=lambda c: c.utility, default=None)
    if voted in ("fine_tune", "retrain"):
        mine = by.get(voted)
        if best is None or best.action == voted:
            return voted, None
        # Overrule the vote only when the other update is better beyond noise (its gain's low
        # end above this one's point estimate), or when the vote itself was close.
        other, this = probes.get(str(best.action)), probes.get(str(voted))
        clear = other is not None and (
            this is None
            or close
            or other.freshness_low > this.freshness
            or this.freshness_low <= 0  # the vote's update shows no gain beyond noise
        )
        if mine is None or (clear and best.utility > mine.utility):
            was = "" if mine is None else f" against {mine.utility:,.0f}"
            return best.action, (
                f"The rule-based vote favoured {voted}; the probes measured {best.action} "
                f"better (utility {best.utility:,.0f}{was}), so {best.action}."
            )
        return voted, None
    if voted in _KEEP and best is not None and best.utility > 0:
        return best.action, (
            f"The rule-based vote favoured {voted}; the probes measured a {best.action} that "
            f"beats the champion beyond noise (utility {best.utility:,.0f}), so {best.action}."
        )
    return voted, None
