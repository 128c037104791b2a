"""Budgets: an action whose estimated cost breaks the policy's budget is ruled out.

Needs the model's context from the registry (``check --registry``), whose estimates come from
the measured past runs. The high end of an estimate's range is used when there is one (the
budget is a hard constraint, so the check is cautious); energy and emissions are multiplied by
the site's PUE. Monthly budgets add what this month's runs already spent.

>>> from dataclasses import replace
>>> from driftwise.costs.estimate import CostEstimate
>>> from driftwise.decide.context import ModelContext
>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import Policy
>>> policy = Policy.model_validate({"budgets": {"per_action": {"kwh": 0.5}}})
>>> est = CostEstimate(action="retrain", rows=10**6, energy_kwh=0.8, basis="b", n_runs=3)
>>> f = replace(facts_from((), policy), context=ModelContext(registry="r", estimates=(est,)))
>>> [(v.action, v.hard) for v in budget_votes(f, policy)]
[('retrain', True)]
>>> print(budget_votes(f, policy)[0].text)
A retrain is estimated at 0.8 kWh, over the policy's budget of 0.5 kWh per action: it is ruled
out.
"""

from __future__ import annotations

from driftwise.costs.estimate import CostEstimate
from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Action, Budget, Policy

__all__ = ["budget_votes"]

_NAMES: dict[Action, str] = {"fine_tune": "A fine-tune", "retrain": "A retrain"}


def _figures(e: CostEstimate, pue: float) -> dict[str, float | None]:
    def top(value: float | None, high: float | None) -> float | None:
        return high if high is not None else value

    energy = top(e.energy_kwh, e.energy_high_kwh)
    co2 = top(e.emissions_kg, e.emissions_high_kg)
    seconds = top(e.duration_s, e.duration_high_s)
    return {
        "kwh": None if energy is None else energy * pue,
        "kg_co2e": None if co2 is None else co2 * pue,
        "money": top(e.money, e.money_high),
        "hours": None if seconds is None else seconds / 3600,
    }


_UNITS = {"kwh": "kWh", "kg_co2e": "kg CO2e", "money": "", "hours": "hours"}


def _over(
    figures: dict[str, float | None], budget: Budget, spent: dict[str, float], currency: str
) -> list[str]:
    out = []
    for key, unit in _UNITS.items():
        limit, value = getattr(budget, key), figures[key]
        if limit is None or value is None:
            continue
        total = value + spent.get(key, 0.0)
        if total > limit:
            u = unit or currency
            already = f" on top of {spent[key]:.3g} {u} spent this month" if spent.get(key) else ""
            out.append(f"{value:.3g} {u}{already}, over the policy's budget of {limit:g} {u}")
    return out


def budget_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Rule out a training action whose estimate breaks a per-action or a monthly budget."""
    c = f.context
    if c is None:
        return []
    b = policy.budgets
    month = c.month
    spent = (
        {}
        if month is None
        else {
            "kwh": month.kwh * b.pue,
            "kg_co2e": month.kg_co2e * b.pue,
            "money": month.kwh * b.pue * b.price_per_kwh + month.hours * b.price_per_compute_hour,
            "hours": month.hours,
        }
    )
    votes: list[Vote] = []
    for action, name in _NAMES.items():
        e = c.estimate(action)
        if e is None:
            continue
        figures = _figures(e, b.pue)
        problems = [p + " per action" for p in _over(figures, b.per_action, {}, b.currency)]
        problems += [p + " per month" for p in _over(figures, b.per_month, spent, b.currency)]
        if problems:
            text = f"{name} is estimated at " + "; ".join(problems) + ": it is ruled out."
            ev = (f"context:estimate:{action}",) + (("context:month",) if month else ())
            votes.append(Vote("budget", action, -3.0, text, ev, "over budget", hard=True))
    return votes
