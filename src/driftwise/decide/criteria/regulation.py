"""Regulation packs in the vote: what each included pack rules out, favours, or requires.

The packs' texts and citations are data (:mod:`driftwise.policy.packs`); the rules are these
small functions. Besides votes, a pack may add approvals (:func:`pack_approvals`) and gates a
challenger must pass (:func:`pack_gates`), both written into the decision.

An erasure request (evidence ``erasure``) counts even without the GDPR pack, as a soft vote: a
fine-tune cannot unlearn the erased records. With the pack it is a hard constraint.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import Policy
>>> policy = Policy.model_validate({"regulation": {"packs": ["eu_ai_act_high_risk"]}})
>>> print(*pack_approvals("retrain", facts_from((), policy), policy))
EU AI Act, high-risk AI systems (human_oversight): a person approves the retrain before it goes
live
>>> pack_gates("fine_tune", facts_from((), policy), policy)
('gain', 'forgetting', 'fairness')
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Action, Policy
from driftwise.policy.packs import load_pack

__all__ = ["erasure_votes", "pack_approvals", "pack_gates", "pccp_outside", "regulation_votes"]

_CHANGES: tuple[Action, ...] = ("fine_tune", "retrain", "rollback")
_TRAINING: tuple[Action, ...] = ("fine_tune", "retrain")


def _label(pack: str, rule: str) -> str:
    return f"{load_pack(pack).title} ({rule})"


def erasure_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Retrain without the erased records; under the GDPR pack nothing else is allowed."""
    e = f.training_erasure
    if e is None:
        return []
    hard = "gdpr_erasure" in policy.regulation.packs
    what = (
        f"{e.n_reference_rows:,} reference rows (the champion's training data) match the "
        f"erasure request in {e.source} (key {e.key!r})"
    )
    ev = (e.id,)
    if hard:
        text = (
            f"{what}. {_label('gdpr_erasure', 'erasure')}: the model must be retrained without "
            "them; a fine-tune cannot unlearn them and keeping the model keeps them."
        )
        return [
            Vote("erasure", "fine_tune", -3.0, text, ev, "erasure: cannot unlearn", hard=True),
            Vote("erasure", "no_action", -3.0, text, ev, "erasure pending", hard=True),
            Vote("erasure", "monitor", -3.0, text, ev, "erasure pending", hard=True),
            Vote("erasure", "retrain", 2.0, text, ev, "erasure: retrain without them"),
        ]
    text = (
        f"{what}: a fine-tune cannot unlearn them; a retrain without them can (include the "
        "gdpr_erasure pack to make this binding)."
    )
    return [
        Vote("erasure", "fine_tune", -1.5, text, ev, "erasure: cannot unlearn"),
        Vote("erasure", "retrain", 1.5, text, ev, "erasure: retrain without them"),
    ]


def pccp_outside(action: Action, f: Facts, policy: Policy) -> list[str]:
    """Why ``action`` falls outside the FDA PCCP envelope (empty when it is inside)."""
    env = policy.regulation.pccp
    out: list[str] = []
    if action not in env.actions:
        out.append(f"the plan covers {', '.join(env.actions) or 'no change'}, not {action}")
    if (
        f.schema_change is not None
        and f.schema_change.architecture_change_suggested
        and not (env.allow_schema_change)
    ):
        out.append("the inputs' schema changed")
    p = f.performance
    if p is not None and p.reference.value - p.current.value > env.max_performance_drop:
        drop = p.reference.value - p.current.value
        out.append(
            f"the {p.metric} drop of {drop:.3f} exceeds the {env.max_performance_drop:.3f} the "
            "plan anticipates"
        )
    if env.features is not None:
        extra = [d.column for d in f.drifted if d.column not in env.features]
        if extra:
            out.append("drift in inputs the plan does not anticipate: " + ", ".join(extra[:5]))
    return out


def regulation_votes(f: Facts, policy: Policy) -> list[Vote]:
    """The packs' votes (approvals and gates are added by the engine)."""
    packs = policy.regulation.packs
    votes: list[Vote] = []
    if "fda_pccp" in packs and (f.degraded or f.inputs_moved):
        for action in _TRAINING:
            why = pccp_outside(action, f, policy)
            if why and action in policy.regulation.pccp.actions:
                text = (
                    f"{_label('fda_pccp', 'outside_the_plan')}: a {action.replace('_', '-')} "
                    f"here is outside the change control plan ({'; '.join(why)}); it needs "
                    "regulatory review."
                )
                votes.append(Vote("regulation", "escalate", 1.0, text, (), "outside the PCCP"))
                break
    if "nyc_ll144" in packs and (f.degraded or f.inputs_moved) and not f.fairness:
        text = (
            f"{_label('nyc_ll144', 'bias_audit')}: no sensitive attributes were checked, so the "
            "bias audit a changed tool needs (selection rates and impact ratios by group) cannot "
            "be shown; give --sensitive COL."
        )
        votes += [
            Vote("regulation", "escalate", 1.0, text, (), "bias audit impossible"),
            Vote("regulation", "fine_tune", -0.5, text, (), "bias audit impossible"),
            Vote("regulation", "retrain", -0.5, text, (), "bias audit impossible"),
        ]
    return votes


def pack_approvals(action: Action, f: Facts, policy: Policy) -> tuple[str, ...]:
    """Approvals the included packs require before ``action`` ships."""
    packs = policy.regulation.packs
    out: list[str] = []
    verb = action.replace("_", "-")
    if "eu_ai_act_high_risk" in packs and action in _CHANGES:
        out.append(
            f"{_label('eu_ai_act_high_risk', 'human_oversight')}: a person approves the {verb} "
            "before it goes live"
        )
    if "fda_pccp" in packs and action in _TRAINING:
        why = pccp_outside(action, f, policy)
        if why:
            out.append(
                f"{_label('fda_pccp', 'outside_the_plan')}: regulatory review of the {verb} "
                f"({'; '.join(why)})"
            )
    if "nyc_ll144" in packs and action in _TRAINING:
        out.append(
            f"{_label('nyc_ll144', 'bias_audit')}: an independent bias audit of the changed "
            "model (selection rates and impact ratios by sex and race/ethnicity) before it is used"
        )
    return tuple(out)


def pack_gates(action: Action, f: Facts, policy: Policy) -> tuple[str, ...]:
    """Gates the included packs require of a challenger made by ``action``.

    ``fairness:selection_rate`` asks the fairness gate to compare selection rates by group.
    """
    if action not in _TRAINING:
        return ()
    packs = policy.regulation.packs
    gates: list[str] = []
    if "eu_ai_act_high_risk" in packs:
        gates += ["gain", "forgetting", "fairness"]
    if "nyc_ll144" in packs:
        gates += ["fairness", "fairness:selection_rate"]
    return tuple(dict.fromkeys(gates))
