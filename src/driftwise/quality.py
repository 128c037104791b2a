"""The decision-quality suite: does driftwise pick what actually turns out best?

A seeded generator builds scenarios from the demo's retail stream, one family per situation
the brief names: no change, a localized shift, a global one, each with plentiful or scarce
labels, a tight budget, a biased base model, an erasure request, a model at its debt limit,
and the tiers. For each scenario the **oracle** carries out every alternative for real (keep
the champion, fine-tune, retrain, escalate), scores each outcome on large held-out samples of
the new regime (and of the old one where it still holds) with the policy's own utility, and
takes the best action the policy allows. driftwise decides from what it would see in
production (``driftwise.check`` on the labelled current rows, with the model's context), and is
scored by the utility of the action it picks.

The utility (policy ``utility:``), in money, of an outcome model ``M`` against the champion
``C``::

    value_per_point * (w_freshness * 100 * (acc_new(M) - acc_new(C))
                       + w_fidelity * 100 * (acc_old(M) - acc_old(C)))
    - w_social_responsibility * unfairness_per_point * 100 * (gap(M) - gap(C))
    - w_cost * (training money + review_cost for an escalation)

where ``gap`` is the largest difference in accuracy between the groups of the sensitive column.
``no_action`` and ``monitor`` keep the champion (one outcome); an escalation keeps it too and
costs a person's review. Hard constraints (budgets, the debt limit, the GDPR erasure pack) rule
actions out for the oracle as for driftwise; a fixed policy that picks a ruled-out action is
counted as a violation and scored as keeping the champion (the constraint stops it).

The oracle measures on samples too: two outcomes whose utilities differ by less than twice the
standard error of their difference (paired over the same held-out rows) cannot be told apart,
and driftwise picking either counts as agreeing (reported as a tie; exact agreement is reported
as well).

Reported: agreement with the oracle, total
regret (utility lost against the oracle) next to fixed policies (never update, always
fine-tune, always retrain, retrain on any drift alarm), and violations of hard constraints.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from driftwise.policy.model import Policy

__all__ = [
    "FAMILIES",
    "FIXED_POLICIES",
    "Outcome",
    "Scenario",
    "ScenarioResult",
    "SuiteResult",
    "format_suite",
    "make_scenarios",
    "run_scenario",
    "run_suite",
]

FAMILIES = (
    "stable",
    "localized",
    "localized_scarce",
    "global",
    "global_scarce",
    "global_tight_budget",
    "biased_base",
    "erasure",
    "debt_limit",
    "localized_high_tier",
)
FIXED_POLICIES = ("never", "always_fine_tune", "always_retrain", "retrain_on_drift")
_OUTCOMES = ("keep", "fine_tune", "retrain", "escalate")
KWH_PER_ROW = {"fine_tune": 2e-6, "retrain": 5e-6}  # the suite's synthetic cost history
PREDICTION = "prediction"
Progress = Callable[[str], object]


@dataclass
class Scenario:
    """One situation: the champion's data, the new regime, and the policy that judges."""

    name: str
    family: str
    seed: int
    policy: Policy
    train: pd.DataFrame
    reference: pd.DataFrame
    current: pd.DataFrame  # labels partly missing
    future_new: pd.DataFrame
    future_old: pd.DataFrame | None
    features: list[str]
    sensitive: tuple[str, ...] = ()
    debt: int = 0
    erased: set[str] = field(default_factory=set)
    unaffected: str | None = None  # "region!=coast": the old regime still holds outside it


class Outcome(BaseModel):
    """One alternative carried out and scored on the four axes (points and money)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    action: str
    allowed: bool
    freshness: float  # points of accuracy on the new regime, against the champion
    fidelity: float  # points on the old regime where it still holds
    social: float  # points of growth of the between-group accuracy gap (negative: better)
    cost: float  # money
    utility: float


class ScenarioResult(BaseModel):
    """A scenario: the oracle, driftwise's pick and the fixed policies' picks."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str
    family: str
    outcomes: tuple[Outcome, ...]
    oracle: str
    driftwise: str  # the decided action
    driftwise_outcome: str  # the outcome it maps to (keep, fine_tune, retrain, escalate)
    exact: bool  # the same outcome as the oracle's
    agree: bool  # the same, or one the oracle cannot tell from its own (within 2 SE)
    regret: float
    violation: bool
    fixed: dict[str, str]  # fixed policy -> outcome
    fixed_regret: dict[str, float]
    fixed_violation: dict[str, bool]


class SuiteResult(BaseModel):
    """The whole suite."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    scenarios: tuple[ScenarioResult, ...]
    agreement: float
    agreement_exact: float
    regret: float
    fixed_regret: dict[str, float]
    violations: int
    fixed_violations: dict[str, int]
    seconds: float


# -- scenarios -----------------------------------------------------------------------------------


def _policy(family: str) -> Policy:
    raw: dict[str, Any] = {"name": f"suite-{family}"}
    if family == "global_tight_budget":
        # A retrain on ~2,000 rows is estimated at 0.01 kWh; a fine-tune at 0.004.
        raw["budgets"] = {"per_action": {"kwh": 0.006}}
    if family == "erasure":
        raw["regulation"] = {"packs": ["gdpr_erasure"]}
    if family in ("biased_base", "localized_high_tier"):
        raw["risk_tier"] = "high"
        raw["utility"] = {"weights": {"social_responsibility": 3.0}}
    return Policy.model_validate(raw)


def make_scenarios(seeds: Sequence[int], families: Sequence[str] = FAMILIES) -> list[Scenario]:
    """One scenario per family and seed (deterministic)."""
    from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate

    out = []
    for seed in seeds:
        for family in families:
            rng = np.random.default_rng([seed, FAMILIES.index(family)])
            old = Regime()
            new = {
                "stable": old,
                "erasure": old,
                "biased_base": old,
                "global": Regime(fahrenheit=True),
                "global_scarce": Regime(fahrenheit=True),
                "global_tight_budget": Regime(fahrenheit=True),
            }.get(family, Regime(promotion="coast"))
            train = simulate(4000, old, rng)
            reference = simulate(2000, old, rng)
            current = simulate(3000, new, rng)
            future_new = simulate(6000, new, rng)
            future_old = simulate(6000, old, rng)
            features = list(FEATURES)
            sensitive: tuple[str, ...] = ()
            if family == "biased_base":
                # Group "b" was recorded as never buying in the training period: the champion
                # learnt to refuse it. Later data record it truthfully.
                for frame in (train, reference, current, future_new, future_old):
                    frame["group"] = rng.choice(["a", "b"], size=len(frame), p=[0.7, 0.3])
                train.loc[train["group"] == "b", TARGET] = 0.0
                reference.loc[reference["group"] == "b", TARGET] = 0.0
                features.append("group")
                sensitive = ("group",)
            scarce = family in ("localized_scarce", "global_scarce")
            share = 0.08 if scarce else 0.7
            current[TARGET] = current[TARGET].where(rng.random(len(current)) < share)
            erased: set[str] = set()
            if family == "erasure":
                reference.insert(0, "customer_id", [f"r{i}" for i in range(len(reference))])
                current.insert(0, "customer_id", [f"c{i}" for i in range(len(current))])
                erased = {f"r{i}" for i in range(0, len(reference), 10)}
            localized = new.promotion is not None
            out.append(
                Scenario(
                    name=f"{family}-{seed}",
                    family=family,
                    seed=seed,
                    policy=_policy(family),
                    train=train,
                    reference=reference,
                    current=current,
                    future_new=future_new,
                    future_old=(
                        future_old[future_old["region"] != "coast"]
                        if localized
                        else (future_old if new == old else None)
                    ),
                    features=features,
                    sensitive=sensitive,
                    debt=3 if family == "debt_limit" else 0,
                    erased=erased,
                    unaffected="coast" if localized else None,
                )
            )
    return out


# -- the oracle ----------------------------------------------------------------------------------


def _context(s: Scenario, rows: dict[str, int]) -> Any:
    from driftwise.costs.estimate import CostEstimate, priced
    from driftwise.decide.context import ModelContext

    b = s.policy.budgets
    estimates = tuple(
        priced(
            CostEstimate(
                action=a,
                rows=n,
                duration_s=n * 1e-3,
                energy_kwh=n * KWH_PER_ROW[a],
                emissions_kg=n * KWH_PER_ROW[a] * 0.4,
                basis="the suite's cost model",
                n_runs=3,
            ),
            price_per_kwh=b.price_per_kwh,
            price_per_compute_hour=b.price_per_compute_hour,
            pue=b.pue,
            currency=b.currency,
        )
        for a, n in rows.items()
    )
    return ModelContext(
        registry="suite",
        champion_version=1 + s.debt,
        champion_action="fine_tune" if s.debt else "initial",
        debt=s.debt,
        estimates=estimates,
    )


def _forbidden(s: Scenario, context: Any) -> set[str]:
    """Actions the policy's hard constraints rule out in this scenario."""
    out: set[str] = set()
    per_action = s.policy.budgets.per_action
    for e in context.estimates:
        if per_action.kwh is not None and (e.energy_kwh or 0.0) * s.policy.budgets.pue > (
            per_action.kwh
        ):
            out.add(e.action)
    if s.debt >= s.policy.debt.max_fine_tunes:
        out.add("fine_tune")
    if s.erased and "gdpr_erasure" in s.policy.regulation.packs:
        out |= {"keep", "fine_tune", "escalate"}  # a person cannot keep the data either
    return out


def _hits(adapter: Any, model: Any, frame: pd.DataFrame | None) -> Any:
    if frame is None or frame.empty:
        return None
    return (adapter.predict(model, frame) == frame[adapter.target].to_numpy()).astype(float)


def _margin(s: Scenario, hits: dict[str, Any], a: str, b: str) -> float:
    """Twice the standard error of the utility difference between outcomes ``a`` and ``b``
    (paired over the same held-out rows): the oracle cannot tell them apart within it."""
    u = s.policy.utility
    var = 0.0
    for i, weight in ((0, u.weights.freshness), (1, u.weights.fidelity)):
        x, y = hits[a][i], hits[b][i]
        if x is None or y is None:
            continue
        d = x - y
        var += (u.value_per_point * weight * 100) ** 2 * float(d.var(ddof=1)) / len(d)
    return float(2 * var**0.5)


def _outcomes(
    s: Scenario, adapter: Any, champion: Any, context: Any
) -> tuple[list[Outcome], dict[str, Any]]:
    target = adapter.target
    labelled = s.current[s.current[target].notna()]
    # As driftwise act does: a fine-tune replays the old rows the change left alone (none after
    # a global change); a retrain adds them only after a localized change.
    if s.unaffected is not None:
        old_rows: pd.DataFrame | None = s.reference[s.reference["region"] != s.unaffected]
    elif s.future_old is None:
        old_rows = None
    else:
        old_rows = s.reference
    if old_rows is not None and s.erased and "customer_id" in old_rows.columns:
        old_rows = old_rows[~old_rows["customer_id"].isin(s.erased)]
    models: dict[str, Any] = {"keep": champion, "escalate": champion}
    models["fine_tune"] = adapter.fine_tune(champion, labelled, replay=old_rows)
    localized = s.unaffected is not None and old_rows is not None
    retrain_rows = pd.concat([labelled, old_rows], ignore_index=True) if localized else labelled
    models["retrain"] = adapter.fit(retrain_rows)
    forbidden = _forbidden(s, context)
    u = s.policy.utility
    w = u.weights
    money = {e.action: e.money or 0.0 for e in context.estimates}
    # Each model predicts each held-out sample once; accuracies and gaps come from the hits.
    hits = {
        a: (_hits(adapter, models[a], s.future_new), _hits(adapter, models[a], s.future_old))
        for a in ("keep", "fine_tune", "retrain")
    }
    hits["escalate"] = hits["keep"]
    groups = s.future_new[s.sensitive[0]].to_numpy() if s.sensitive else None

    def acc(h: Any) -> float:
        return 0.0 if h is None else float(h.mean())

    def gap(h: Any) -> float:
        if groups is None:
            return 0.0
        by = pd.Series(h).groupby(groups).mean()
        return float(by.max() - by.min())

    base_new, base_old = acc(hits["keep"][0]), acc(hits["keep"][1])
    base_gap = gap(hits["keep"][0])
    out = []
    for action in _OUTCOMES:
        new, old = hits[action]
        fresh = 100 * (acc(new) - base_new)
        fid = 100 * (acc(old) - base_old) if s.future_old is not None else 0.0
        social = 100 * (gap(new) - base_gap)
        cost = money.get(action, 0.0) + (u.review_cost if action == "escalate" else 0.0)
        utility = (
            u.value_per_point * (w.freshness * fresh + w.fidelity * fid)
            - w.social_responsibility * u.unfairness_per_point * social
            - w.cost * cost
        )
        out.append(
            Outcome(
                action=action,
                allowed=action not in forbidden,
                freshness=round(fresh, 6),
                fidelity=round(fid, 6),
                social=round(social, 6),
                cost=round(cost, 9),
                utility=round(utility, 6),
            )
        )
    return out, hits


# -- running -------------------------------------------------------------------------------------

_TO_OUTCOME = {
    "no_action": "keep",
    "monitor": "keep",
    "rollback": "keep",  # no earlier version in these scenarios
    "fine_tune": "fine_tune",
    "retrain": "retrain",
    "escalate": "escalate",
}


def run_scenario(s: Scenario) -> ScenarioResult:
    """Decide, carry out every alternative, and compare (see the module docstring)."""
    from driftwise.act.adapters import make_adapter
    from driftwise.api import check
    from driftwise.decide.engine import decide
    from driftwise.demo.scenario import TARGET

    adapter = make_adapter("sklearn", {"features": s.features, "target": TARGET, "seed": s.seed})
    champion = adapter.fit(s.train)
    served_ref = s.reference.assign(**{PREDICTION: adapter.predict(champion, s.reference)})
    served_cur = s.current.assign(**{PREDICTION: adapter.predict(champion, s.current)})
    erasure = None
    if s.erased:
        erasure = pd.DataFrame({"customer_id": sorted(s.erased)})
    seen = check(
        served_ref,
        served_cur,
        target=TARGET,
        prediction=PREDICTION,
        segments=("region", "device"),
        sensitive=s.sensitive,
        policy=s.policy,
        erasure=erasure,
    )
    keep = 1.0 - s.policy.validation.holdout_share
    n_cur = round(seen.summary.n_labelled_current * keep)
    rows = {"fine_tune": max(n_cur, 1), "retrain": max(n_cur + round(len(s.reference) * keep), 1)}
    context = _context(s, rows)
    from driftwise.act.probe import run_probes

    probes = run_probes(
        adapter, champion, s.current, served_ref, seen.evidence, s.policy, sensitive=s.sensitive
    )
    decision = decide(seen.evidence, s.policy, seen.summary, context=context, probes=probes)
    outcomes, hits = _outcomes(s, adapter, champion, context)
    by = {o.action: o for o in outcomes}
    allowed = [o for o in outcomes if o.allowed]
    best = max(allowed, key=lambda o: (o.utility, -_OUTCOMES.index(o.action)))
    mine = _TO_OUTCOME[decision.action]
    drifted = any(
        getattr(e, "drifted", False) and getattr(e, "segment", "x") is None
        for e in seen.evidence
        if e.kind in ("feature_drift", "multivariate_drift")
    )
    fixed = {
        "never": "keep",
        "always_fine_tune": "fine_tune",
        "always_retrain": "retrain",
        "retrain_on_drift": "retrain" if drifted else "keep",
    }
    return ScenarioResult(
        name=s.name,
        family=s.family,
        outcomes=tuple(outcomes),
        oracle=best.action,
        driftwise=decision.action,
        driftwise_outcome=mine,
        exact=by[mine].utility >= best.utility - 1e-9,
        agree=by[mine].utility >= best.utility - _margin(s, hits, mine, best.action) - 1e-9,
        regret=round(best.utility - by[mine].utility, 6),
        violation=not by[mine].allowed,
        fixed=fixed,
        # A ruled-out pick is stopped by the constraint: the champion stays (and it counts as a
        # violation).
        fixed_regret={
            k: round(best.utility - by[v if by[v].allowed else "keep"].utility, 6)
            for k, v in fixed.items()
        },
        fixed_violation={k: not by[v].allowed for k, v in fixed.items()},
    )


def run_suite(
    seeds: Sequence[int],
    families: Sequence[str] = FAMILIES,
    progress: Progress | None = None,
) -> SuiteResult:
    """Every family for every seed."""
    say = progress or (lambda _line: None)
    start = time.perf_counter()
    results = []
    for s in make_scenarios(seeds, families):
        r = run_scenario(s)
        say(f"{r.name}: driftwise {r.driftwise}, oracle {r.oracle}, regret {r.regret:.1f}")
        results.append(r)
    n = len(results)
    return SuiteResult(
        scenarios=tuple(results),
        agreement=sum(r.agree for r in results) / n if n else 0.0,
        agreement_exact=sum(r.exact for r in results) / n if n else 0.0,
        regret=sum(r.regret for r in results),
        fixed_regret={k: sum(r.fixed_regret[k] for r in results) for k in FIXED_POLICIES},
        violations=sum(r.violation for r in results),
        fixed_violations={k: sum(r.fixed_violation[k] for r in results) for k in FIXED_POLICIES},
        seconds=time.perf_counter() - start,
    )


def format_suite(result: SuiteResult) -> str:
    """The summary and one line per scenario."""
    from driftwise.report.textkit import ascii_table

    n = len(result.scenarios)
    lines = [
        f"{n} scenarios: driftwise picks the oracle's action in {result.agreement:.0%} "
        f"({result.agreement_exact:.0%} exactly; the rest are within the oracle's own noise); "
        f"total regret {result.regret:,.0f}; hard-constraint violations {result.violations}.",
        "Fixed policies: "
        + "; ".join(
            f"{k} regret {result.fixed_regret[k]:,.0f} ({result.fixed_violations[k]} violations)"
            for k in FIXED_POLICIES
        )
        + ".",
    ]
    rows = [
        [
            r.name,
            r.oracle,
            r.driftwise,
            "yes" if r.exact else ("tie" if r.agree else "no"),
            f"{r.regret:,.0f}",
        ]
        for r in result.scenarios
    ]
    lines += ascii_table(["scenario", "oracle", "driftwise", "agree", "regret"], rows, right=[4])
    return "\n".join(lines)
