"""Counterfactuals: the nearest change of the inputs that would flip the decision.

The engine is a pure function of the evidence, the policy and the context, so "what would it
take" is answered by deciding again on changed inputs. Each kind of change is tried from the
smallest step up, and the first that changes the action is reported:

* **labels**: more labelled rows of the new regime (500, 1,000, 2,000, 5,000, 10,000,
  20,000, 50,000 more), the label counts recomputed against the policy's minimums;
* **risk tier**: each other tier of the policy;
* **scope**: a localized change read as global, or the reverse;
* **performance**: a measured degradation that turned out to be noise, or a stable model that
  turned out to be degraded;
* **debt**: the champion at the policy's fine-tune limit (only with the registry's context).

>>> from driftwise.decide.engine import decide
>>> from driftwise.decide.types import CheckSummary
>>> from driftwise.policy import default_policy
>>> from driftwise.signals.types import LabelAvailability, Scope
>>> ev = (Scope(verdict="none", drifted_feature_share=0.0, drifted_features=(),
...             drifted_segments=(), drifted_traffic_share=0.0, explanation="No drift."),
...       LabelAvailability(n_current=100, n_labelled=0, share_labelled=0.0,
...                         sufficient_for_fine_tune=False, sufficient_for_retrain=False))
>>> summary = CheckSummary(n_reference=100, n_current=100, n_features=3, n_labelled_current=0)
>>> [c.text for c in decide(ev, default_policy(), summary).counterfactuals]
[]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from driftwise.decide.context import ModelContext
from driftwise.decide.types import CheckSummary, Counterfactual
from driftwise.policy.model import Action, Policy
from driftwise.signals.types import Evidence, LabelAvailability, Performance, Scope

__all__ = ["LABEL_STEPS", "counterfactuals"]

LABEL_STEPS = (500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
_TIERS = ("low", "medium", "high", "regulated")

Decider = Callable[[tuple[Evidence, ...], Policy, ModelContext | None], Action]
Variant = tuple[str, str, tuple[Evidence, ...], Policy, ModelContext | None]


def _replace(evidence: tuple[Evidence, ...], old: Any, new: Any) -> tuple[Evidence, ...]:
    return tuple(new if e is old else e for e in evidence)


def _labels(
    evidence: tuple[Evidence, ...], policy: Policy, context: ModelContext | None
) -> Iterator[Variant]:
    lab = next((e for e in evidence if isinstance(e, LabelAvailability)), None)
    if lab is None:
        return
    for more in LABEL_STEPS:
        n = lab.n_labelled + more
        new = lab.model_copy(
            update={
                "n_labelled": n,
                "n_current": max(lab.n_current, n),
                "share_labelled": n / max(lab.n_current, n),
                "sufficient_for_fine_tune": n >= policy.labels.min_for_fine_tune,
                "sufficient_for_retrain": n >= policy.labels.min_for_retrain,
            }
        )
        yield (
            "labels",
            f"the new regime had {more:,} more labelled rows ({n:,} instead of {lab.n_labelled:,})",
            _replace(evidence, lab, new),
            policy,
            context,
        )


def _tiers(
    evidence: tuple[Evidence, ...], policy: Policy, context: ModelContext | None
) -> Iterator[Variant]:
    here = _TIERS.index(policy.risk_tier)
    for tier in sorted(_TIERS, key=lambda t: abs(_TIERS.index(t) - here)):
        if tier != policy.risk_tier:
            yield (
                "risk_tier",
                f"the risk tier were '{tier}' (not '{policy.risk_tier}')",
                evidence,
                policy.model_copy(update={"risk_tier": tier}),
                context,
            )


def _scope(
    evidence: tuple[Evidence, ...], policy: Policy, context: ModelContext | None
) -> Iterator[Variant]:
    scope = next((e for e in evidence if isinstance(e, Scope)), None)
    if scope is None or scope.verdict == "none":
        return
    other = "global" if scope.verdict == "localized" else "localized"
    new = scope.model_copy(update={"verdict": other})
    yield (
        "scope",
        f"the change were {other} rather than {scope.verdict}",
        _replace(evidence, scope, new),
        policy,
        context,
    )


def _performance(
    evidence: tuple[Evidence, ...], policy: Policy, context: ModelContext | None
) -> Iterator[Variant]:
    perf = next((e for e in evidence if isinstance(e, Performance) and e.segment is None), None)
    if perf is None:
        return
    new = perf.model_copy(update={"degraded": not perf.degraded})
    what = (
        f"the {perf.metric} drop were within noise"
        if perf.degraded
        else f"the {perf.metric} had degraded beyond noise"
    )
    yield ("performance", what, _replace(evidence, perf, new), policy, context)


def _debt(
    evidence: tuple[Evidence, ...], policy: Policy, context: ModelContext | None
) -> Iterator[Variant]:
    limit = policy.debt.max_fine_tunes
    if context is None or context.champion_version is None or context.debt >= limit:
        return
    yield (
        "debt",
        f"the champion carried {limit} fine-tunes since its last full retrain (the policy's "
        f"limit; it carries {context.debt})",
        evidence,
        policy,
        context.model_copy(update={"debt": limit}),
    )


_KINDS = (_labels, _tiers, _scope, _performance, _debt)


def counterfactuals(
    action: Action,
    evidence: tuple[Evidence, ...],
    policy: Policy,
    summary: CheckSummary,
    context: ModelContext | None,
    decide_action: Decider,
) -> tuple[Counterfactual, ...]:
    """For each kind of change, the smallest one that flips ``action`` (if any does)."""
    del summary  # the decision does not depend on it; kept for a stable signature
    out: list[Counterfactual] = []
    for kind in _KINDS:
        for name, change, ev, pol, ctx in kind(evidence, policy, context):
            flipped = decide_action(ev, pol, ctx)
            if flipped != action:
                out.append(
                    Counterfactual(
                        kind=name,
                        action=flipped,
                        change=change,
                        text=f"{flipped} if {change}",
                    )
                )
                break
    return tuple(out)
