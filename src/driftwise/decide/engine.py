"""The decision engine: evidence + policy -> :class:`~driftwise.decide.types.Decision`.

Criteria (:mod:`driftwise.decide.criteria`) vote for and against each action; the totals are
turned into shares with a softmax, the largest wins, and its share is the confidence. Every
reason in the document is a vote that supports the chosen action (or argues against the
runner-up), with the evidence ids it rests on. The same evidence and policy always give the same
decision.

>>> from driftwise.decide.engine import decide
>>> from driftwise.decide.types import CheckSummary
>>> from driftwise.policy import default_policy
>>> from driftwise.signals.types import LabelAvailability, Scope
>>> ev = (Scope(verdict="none", drifted_feature_share=0.0, drifted_features=(),
...             drifted_segments=(), drifted_traffic_share=0.0, explanation="No drift."),
...       LabelAvailability(n_current=100, n_labelled=0, share_labelled=0.0,
...                         sufficient_for_fine_tune=False, sufficient_for_retrain=False))
>>> summary = CheckSummary(n_reference=100, n_current=100, n_features=3, n_labelled_current=0)
>>> decide(ev, default_policy(), summary).action
'no_action'
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime

from driftwise import __version__
from driftwise.decide import criteria as c
from driftwise.decide.context import ModelContext
from driftwise.decide.counterfactual import counterfactuals
from driftwise.decide.criteria.regulation import pack_approvals, pack_gates
from driftwise.decide.criteria.scope import SCOPE_LOCALIZED
from driftwise.decide.labelplan import label_plan
from driftwise.decide.schedule import schedule
from driftwise.decide.types import (
    ACTIONS,
    Alternative,
    CheckSummary,
    Decision,
    PolicyRef,
    ProbeOutcome,
    Reason,
)
from driftwise.decide.utility import reconcile, scorecards
from driftwise.policy.model import Action, Policy
from driftwise.signals.types import Evidence

__all__ = ["decide", "tally"]


def tally(
    evidence: tuple[Evidence, ...],
    policy: Policy,
    context: ModelContext | None = None,
    transfer: bool = False,
) -> tuple[c.Facts, list[c.Vote]]:
    """Run every criterion and return the facts and all votes."""
    facts = c.facts_from(tuple(evidence), policy, context, transfer)
    votes = [v for criterion in c.CRITERIA for v in criterion(facts, policy)]
    return facts, votes


def _softmax(scores: dict[Action, float]) -> dict[Action, float]:
    top = max(scores.values())
    exp = {a: math.exp(s - top) for a, s in scores.items()}
    total = sum(exp.values())
    return {a: v / total for a, v in exp.items()}


def _rationale(action: Action, votes: list[c.Vote]) -> str:
    """ "for: performance degraded (+2.0); against: labels scarce (-1.5)"."""
    mine = [v for v in votes if v.action == action]
    if not mine:
        return "nothing in the evidence calls for it"
    parts = []
    for label, sign in (("for", 1), ("against", -1)):
        side = [f"{v.short or v.criterion} ({v.weight:+.1f})" for v in mine if v.weight * sign > 0]
        if side:
            parts.append(f"{label}: " + ", ".join(side))
    return "; ".join(parts)


def _headline(action: Action, facts: c.Facts) -> str:
    what = {
        "no_action": "No action needed",
        "monitor": "Keep the model and keep watching",
        "fine_tune": "Fine-tune the model",
        "retrain": "Retrain the model from scratch",
        "rollback": "Roll back to the previous version",
        "escalate": "A person should decide",
    }[action]
    parts: list[str] = []
    p = facts.performance
    if facts.degraded and p is not None and p.degraded:
        parts.append(f"{p.metric} {p.reference.value:.3f} -> {p.current.value:.3f}")
    elif facts.degraded:
        where = ", ".join(f"{s.key}={s.value}" for s in facts.degraded_segments)
        parts.append(f"performance fell in {where}")
    if facts.drifted:
        parts.append(f"{len(facts.drifted)} feature(s) drifted")
    if facts.scope != "none":
        parts.append(f"{facts.scope} change")
    return what + (": " + ", ".join(parts) if parts else "") + "."


def _approvals(action: Action, policy: Policy, facts: c.Facts) -> tuple[str, ...]:
    needs: list[str] = []
    if action in policy.approval_required:
        needs.append(f"the policy requires a person's approval before '{action}'")
    if action in ("fine_tune", "retrain", "rollback") and policy.high_stakes:
        what = (
            f"risk tier '{policy.risk_tier}'"
            if policy.risk_tier in ("high", "regulated")
            else f"high-stakes domain '{policy.domain}'"
        )
        needs.append(f"{what}: a person signs off '{action}' before it ships")
    needs += pack_approvals(action, facts, policy)
    return tuple(needs)


def _rank(votes: list[c.Vote]) -> tuple[dict[Action, float], set[Action], list[Action]]:
    """Vote totals, the ruled-out actions, and the ranking (ruled-out ones last)."""
    scores: dict[Action, float] = dict.fromkeys(ACTIONS, 0.0)
    for v in votes:
        scores[v.action] += v.weight
    ruled_out = {v.action for v in votes if v.hard and v.weight < 0}
    if ruled_out >= set(ACTIONS):
        ruled_out = set()
    ranked = sorted(ACTIONS, key=lambda a: (a in ruled_out, -scores[a], ACTIONS.index(a)))
    return scores, ruled_out, ranked


def _close(scores: dict[Action, float], facts: c.Facts) -> bool:
    """Whether the vote between a fine-tune and a retrain was within one unit of weight.

    After a localized change with labelled reference rows outside it, a retrain learns from
    those rows too (as ``driftwise act`` carries it out) and keeps the old regime as a
    fine-tune does; the vote is then also close when it is within one unit once the scope
    criterion's preference for the fine-tune's lighter touch is left out, and the probes settle
    it.
    """
    margin = scores["fine_tune"] - scores["retrain"]
    if facts.scope == "localized" and facts.n_reference_outside:
        without = margin - (SCOPE_LOCALIZED[0] - SCOPE_LOCALIZED[1])
        return min(abs(margin), abs(without)) < 1.0
    return abs(margin) < 1.0


def _action(
    evidence: tuple[Evidence, ...],
    policy: Policy,
    context: ModelContext | None,
    probes: tuple[ProbeOutcome, ...] = (),
    transfer: bool = False,
) -> Action:
    """Only the chosen action (what the counterfactuals need)."""
    facts, votes = tally(evidence, policy, context, transfer)
    scores, ruled_out, ranked = _rank(votes)
    if not probes:
        return ranked[0]
    cards = scorecards(probes, policy, context)
    close = _close(scores, facts)
    return reconcile(ranked[0], cards, ruled_out, probes, close, facts.must_change)[0]


def decide(
    evidence: tuple[Evidence, ...],
    policy: Policy,
    summary: CheckSummary,
    *,
    policy_source: str | None = None,
    context: ModelContext | None = None,
    now: datetime | None = None,
    probes: tuple[ProbeOutcome, ...] = (),
) -> Decision:
    """Decide what to do about the model from the evidence under ``policy``.

    ``context`` (from the model registry) feeds the criteria on debt, budgets and rollback. An
    action with a hard vote against it (over budget, say) is ruled out: it ranks after every
    other action with a score of 0, and when it would otherwise have won, the hard vote is
    among the reasons. ``now`` (the time of the check) places the carbon-aware start of a
    training action when the policy has an intensity profile; the same inputs and the same
    ``now`` always give the same decision.
    """
    facts, votes = tally(evidence, policy, context, summary.transfer)
    scores, ruled_out, ranked = _rank(votes)
    shares = _softmax({a: x for a, x in scores.items() if a not in ruled_out})
    chosen = ranked[0]
    cards = scorecards(probes, policy, context) if probes else ()
    settled: str | None = None
    if cards:
        chosen, settled = reconcile(
            chosen, cards, ruled_out, probes, _close(scores, facts), facts.must_change
        )
        ranked = [chosen, *(a for a in ranked if a != chosen)]
    runner_up = ranked[1]
    # Ruled-out actions that would have beaten the chosen one without their hard votes.
    soft = dict.fromkeys(ACTIONS, 0.0)
    for v in votes:
        soft[v.action] += 0.0 if v.hard else v.weight
    overruled = {a for a in ruled_out if soft[a] > soft[chosen]}

    by_text: dict[str, set[str]] = defaultdict(set)
    order: list[str] = []
    for v in votes:
        supports = v.action == chosen and v.weight > 0
        opposes_rival = v.action == runner_up and v.weight < 0
        rules_out = v.hard and v.weight < 0 and v.action in overruled
        if supports or opposes_rival or rules_out:
            if v.text not in by_text:
                order.append(v.text)
            by_text[v.text].update(v.evidence)
    reasons = tuple(Reason(text=t, evidence=tuple(sorted(by_text[t]))) for t in order)
    if settled is not None:
        reasons = (Reason(text=settled, evidence=("probes",)), *reasons)
    alternatives = tuple(
        Alternative(
            action=a,
            score=round(shares.get(a, 0.0), 4),
            rationale=("ruled out; " if a in ruled_out else "") + _rationale(a, votes),
        )
        for a in ranked[1:]
    )
    return Decision(
        driftwise_version=__version__,
        action=chosen,
        confidence=round(shares[chosen], 4),
        headline=_headline(chosen, facts),
        reasons=reasons,
        alternatives=alternatives,
        approvals_required=_approvals(chosen, policy, facts),
        gates_required=pack_gates(chosen, facts, policy),
        schedule=schedule(chosen, facts, policy, now=now),
        label_plan=label_plan(chosen, facts, policy),
        probes=probes,
        scorecards=cards,
        counterfactuals=counterfactuals(
            chosen,
            tuple(evidence),
            policy,
            summary,
            context,
            lambda ev, pol, ctx: _action(ev, pol, ctx, probes, summary.transfer),
        ),
        evidence=tuple(evidence),
        summary=summary,
        policy=PolicyRef(name=policy.name, risk_tier=policy.risk_tier, source=policy_source),
        context=context,
    )
