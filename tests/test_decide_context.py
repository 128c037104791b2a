"""Decisions that use the model's context from the registry: debt limits, budgets, rollback.

The criteria are exercised on hand-built evidence and context (one test per rule), then end to
end: ``driftwise.check(..., registry=...)`` on a real registry recommends a rollback after a bad
promotion, a retrain once the debt limit is reached, and never an action over budget.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import driftwise
from driftwise.costs.estimate import CostEstimate, priced
from driftwise.decide.context import ModelContext, MonthSpend, PreviousProbe, Promotion
from driftwise.decide.engine import decide
from driftwise.decide.types import Decision
from driftwise.demo.scenario import TARGET, simulate
from driftwise.policy import Policy, default_policy
from driftwise.registry import Registry
from evidence_factory import feature, labels, performance, scope, summary
from test_adapters import OLD, PROMO, _make

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


def _localized() -> tuple[Any, ...]:
    return (
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )


def _global() -> tuple[Any, ...]:
    return (
        feature("temperature", drifted=True),
        performance(0.9, 0.6, degraded=True),
        scope("global"),
        labels(3000),
    )


def _ctx(**kw: Any) -> ModelContext:
    base: dict[str, Any] = {"registry": "reg", "champion_version": 4, "champion_action": "retrain"}
    return ModelContext(**{**base, **kw})


def _decide(
    evidence: tuple[Any, ...], context: ModelContext, policy: Policy | None = None
) -> Decision:
    return decide(evidence, policy or default_policy(), summary(3000), context=context)


def _texts(d: Decision) -> str:
    return " ".join(r.text for r in d.reasons)


# -- debt ----------------------------------------------------------------------------------------


def test_below_the_debt_limit_a_localized_change_is_still_fine_tuned() -> None:
    d = _decide(_localized(), _ctx(debt=2, champion_action="fine_tune"))
    assert d.action == "fine_tune"
    retrain = next(a for a in d.alternatives if a.action == "retrain")
    assert "debt (+0.4)" in retrain.rationale


def test_at_the_debt_limit_a_fine_tune_is_ruled_out_for_a_retrain() -> None:
    d = _decide(_localized(), _ctx(debt=3, champion_action="fine_tune"))
    assert d.action == "retrain"
    assert "at the policy's limit of 3: another patch is ruled out" in _texts(d)
    assert any("context:debt" in r.evidence for r in d.reasons)
    ft = next(a for a in d.alternatives if a.action == "fine_tune")
    assert ft.score == 0 and ft.rationale.startswith("ruled out; ")
    assert d.alternatives[-1].action == "fine_tune"


def test_the_debt_limit_comes_from_the_policy() -> None:
    lenient = Policy.model_validate({"debt": {"max_fine_tunes": 10}})
    assert _decide(_localized(), _ctx(debt=3), lenient).action == "fine_tune"


def test_an_old_model_leans_to_retrain() -> None:
    policy = Policy.model_validate({"debt": {"max_age_days": 90}})
    young = _decide(_localized(), _ctx(age_days=10.0), policy)
    old = _decide(_localized(), _ctx(age_days=400.0), policy)
    assert young.action == "fine_tune"
    shown = _texts(old) + " ".join(a.rationale for a in old.alternatives)
    assert "model too old (+1.0)" in shown or "400 days ago, beyond the policy's 90 days" in shown
    share = {a.action: a.score for a in young.alternatives}
    share_old = {a.action: a.score for a in old.alternatives}
    assert share_old.get("retrain", old.confidence) > share["retrain"]


def test_no_debt_votes_when_nothing_needs_doing() -> None:
    quiet = (feature("x", drifted=False), performance(0.9, 0.9, degraded=False), scope("none"))
    d = _decide(quiet, _ctx(debt=9))
    assert d.action == "no_action"
    assert "debt" not in " ".join(a.rationale for a in d.alternatives)


# -- budgets -------------------------------------------------------------------------------------


def _estimate(action: str, kwh: float, high: float | None = None) -> CostEstimate:
    e = CostEstimate(
        action=action,
        rows=100_000,
        duration_s=600.0,
        energy_kwh=kwh,
        energy_low_kwh=None if high is None else kwh * 0.8,
        energy_high_kwh=high,
        emissions_kg=kwh * 0.4,
        basis="fitted",
        n_runs=4,
    )
    return priced(e, price_per_kwh=0.2)


def test_a_retrain_over_its_energy_budget_is_ruled_out() -> None:
    policy = Policy.model_validate({"budgets": {"per_action": {"kwh": 1.0}}})
    ctx = _ctx(estimates=(_estimate("fine_tune", 0.1), _estimate("retrain", 2.5)))
    d = _decide(_global(), ctx, policy)
    assert d.action != "retrain"
    assert "A retrain is estimated at 2.5 kWh, over the policy's budget of 1 kWh per action" in (
        _texts(d)
    )
    assert any("context:estimate:retrain" in r.evidence for r in d.reasons)
    # Without the budget the same evidence retrains.
    assert _decide(_global(), ctx).action == "retrain"


def test_the_high_end_of_the_range_and_the_pue_count() -> None:
    policy = Policy.model_validate({"budgets": {"per_action": {"kwh": 1.0}, "pue": 1.0}})
    within = _ctx(estimates=(_estimate("retrain", 0.9),))
    assert _decide(_global(), within, policy).action == "retrain"
    ranged = _ctx(estimates=(_estimate("retrain", 0.9, high=1.2),))
    assert _decide(_global(), ranged, policy).action != "retrain"
    pue = Policy.model_validate({"budgets": {"per_action": {"kwh": 1.0}, "pue": 1.2}})
    assert _decide(_global(), within, pue).action != "retrain"  # 0.9 x 1.2 = 1.08


def test_a_monthly_budget_counts_what_was_spent() -> None:
    policy = Policy.model_validate(
        {"budgets": {"per_month": {"money": 10.0}, "price_per_kwh": 0.2}}
    )
    est = _estimate("retrain", 5.0)  # 1.0 USD
    spent = MonthSpend(month="2026-12", runs=12, kwh=46.0, kg_co2e=18.0, hours=3.0)  # 9.2 USD
    d = _decide(_global(), _ctx(estimates=(est,), month=spent), policy)
    assert d.action != "retrain"
    assert "1 USD on top of 9.2 USD spent this month, over the policy's budget of 10 USD" in (
        _texts(d)
    )
    light = MonthSpend(month="2026-12", runs=1, kwh=1.0, kg_co2e=0.4, hours=0.1)
    assert _decide(_global(), _ctx(estimates=(est,), month=light), policy).action == "retrain"


def test_money_golden_values() -> None:
    e = CostEstimate(
        action="retrain",
        rows=1,
        duration_s=1800.0,
        duration_low_s=900.0,
        duration_high_s=3600.0,
        energy_kwh=3.0,
        energy_low_kwh=2.0,
        energy_high_kwh=4.0,
        basis="b",
        n_runs=3,
    )
    p = priced(e, price_per_kwh=0.25, price_per_compute_hour=2.0, pue=1.4, currency="EUR")
    assert (p.money, p.money_low, p.money_high, p.currency) == (
        pytest.approx(3.0 * 1.4 * 0.25 + 1.0),
        pytest.approx(2.0 * 1.4 * 0.25 + 0.5),
        pytest.approx(4.0 * 1.4 * 0.25 + 2.0),
        "EUR",
    )


# -- rollback ------------------------------------------------------------------------------------


def _promotion(days: float) -> Promotion:
    return Promotion(
        version=4,
        from_version=3,
        kind="promote",
        actor="ana",
        reason="fine-tune",
        at=NOW - timedelta(days=days),
        days_ago=days,
    )


def _probe(low: float) -> PreviousProbe:
    return PreviousProbe(
        version=3,
        n_rows=1800,
        accuracy=0.88,
        champion_accuracy=0.80,
        difference=low + 0.02,
        low=low,
        high=low + 0.04,
        level=0.95,
    )


def test_a_recent_promotion_that_made_things_worse_is_rolled_back() -> None:
    d = _decide(_localized(), _ctx(last_promotion=_promotion(2.0), previous=_probe(0.05)))
    assert d.action == "rollback"
    assert "The last promotion (2.0 days ago) made things worse: version 3 scores 0.880" in (
        _texts(d)
    )
    assert d.reasons[0].evidence == ("context:previous",) or any(
        "context:previous" in r.evidence for r in d.reasons
    )


def test_no_rollback_when_the_previous_version_barely_repairs_the_drop() -> None:
    # The data moved away from both versions (global change): 0.80 -> 0.82 of a drop from 0.90.
    probe = _probe(0.01).model_copy(update={"accuracy": 0.82})
    d = _decide(_global(), _ctx(last_promotion=_promotion(2.0), previous=probe))
    assert d.action == "retrain"
    rb = next(a for a in d.alternatives if a.action == "rollback")
    assert "partial repair (+0.5)" in rb.rationale


def test_no_rollback_when_the_previous_version_is_not_better() -> None:
    d = _decide(_localized(), _ctx(last_promotion=_promotion(2.0), previous=_probe(-0.01)))
    assert d.action == "fine_tune"
    rb = next(a for a in d.alternatives if a.action == "rollback")
    assert "previous not better" in rb.rationale


def test_no_rollback_outside_the_window() -> None:
    d = _decide(_localized(), _ctx(last_promotion=_promotion(45.0), previous=_probe(0.05)))
    assert d.action == "fine_tune"
    wide = Policy.model_validate({"rollback": {"window_days": 60}})
    assert (
        _decide(
            _localized(), _ctx(last_promotion=_promotion(45.0), previous=_probe(0.05)), wide
        ).action
        == "rollback"
    )


# -- end to end on a real registry ----------------------------------------------------------------


def _rows(n: int, regime: Any, seed: int) -> pd.DataFrame:
    return simulate(n, regime, np.random.default_rng(seed))


def _register(reg: Registry, adapter: Any, model: Any, action: str, parent: int | None) -> int:
    v = reg.register(
        blob=adapter.dumps(model),
        adapter=adapter.kind,
        adapter_config=adapter.config(),
        action=action,
        parent=parent,
    )
    return int(v.version)


def _served(adapter: Any, model: Any, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(prediction=adapter.predict(model, frame))


def test_check_recommends_rolling_back_a_bad_promotion(tmp_path: Path) -> None:
    adapter = _make("sklearn")
    train, ref, cur = _rows(3000, OLD, 1), _rows(2000, OLD, 2), _rows(2000, OLD, 3)
    good = adapter.fit(train)
    # A version trained on mislabelled rows (a broken join) got promoted.
    broken = train.assign(
        **{TARGET: np.random.default_rng(4).permutation(train[TARGET].to_numpy())}
    )
    bad = adapter.fit(broken)
    with Registry(tmp_path / "reg") as reg:
        reg.promote(_register(reg, adapter, good, "initial", None), actor="ci", reason="first")
        reg.promote(_register(reg, adapter, bad, "retrain", 1), actor="bo", reason="weekly")
        d = driftwise.check(
            _served(adapter, good, ref),
            _served(adapter, bad, cur),
            target=TARGET,
            prediction="prediction",
            registry=reg,
        )
    assert d.action == "rollback", d.reasons
    assert d.context is not None and d.context.previous is not None
    assert d.context.previous.version == 1 and d.context.previous.low > 0.05
    assert "made things worse: version 1 scores" in _texts(d)


def test_check_with_a_registry_at_the_debt_limit_retrains(tmp_path: Path) -> None:
    adapter = _make("sklearn")
    train, ref, cur = _rows(3000, OLD, 5), _rows(2000, OLD, 6), _rows(2000, PROMO, 7)
    model = adapter.fit(train)
    served_ref, served_cur = _served(adapter, model, ref), _served(adapter, model, cur)
    kwargs: dict[str, Any] = {"target": TARGET, "prediction": "prediction", "segments": ("region",)}
    with Registry(tmp_path / "reg") as reg:
        v = _register(reg, adapter, model, "initial", None)
        reg.promote(v, actor="ci", reason="first")
        fresh = driftwise.check(served_ref, served_cur, registry=reg, **kwargs)
        for _ in range(3):  # three patches stacked on it (the same weights, for the test)
            v2 = _register(reg, adapter, model, "fine_tune", v)
            reg.promote(v2, actor="ci", reason="patch")
            v = v2
        at_limit = driftwise.check(served_ref, served_cur, registry=reg, **kwargs)
    assert fresh.context is not None and fresh.context.debt == 0
    assert fresh.action == "fine_tune", fresh.reasons
    assert at_limit.context is not None and at_limit.context.debt == 3
    assert at_limit.action == "retrain", at_limit.reasons
    assert "another patch is ruled out" in _texts(at_limit)


def test_check_refuses_a_folder_without_a_registry(tmp_path: Path) -> None:
    ref = _rows(500, OLD, 8)
    with pytest.raises(driftwise.DriftwiseError) as err:
        driftwise.check(ref, ref, target=TARGET, registry=tmp_path)
    assert str(err.value) == (
        f"check: field 'registry': found no model registry in {tmp_path}; expected a folder "
        "made by `driftwise train`."
    )


def test_without_measured_runs_the_probes_give_the_cost_estimates(tmp_path: Path) -> None:
    from driftwise.costs.intensity import grid_intensity

    adapter = _make("sklearn")
    train, ref, cur = _rows(3000, OLD, 11), _rows(2000, OLD, 12), _rows(2000, PROMO, 13)
    model = adapter.fit(train)
    with Registry(tmp_path / "reg") as reg:  # registered by hand: no measured run at all
        reg.promote(_register(reg, adapter, model, "initial", None), actor="ci", reason="first")
        d = driftwise.check(
            _served(adapter, model, ref),
            _served(adapter, model, cur),
            target=TARGET,
            prediction="prediction",
            segments=("region",),
            registry=reg,
        )
    assert d.context is not None and d.context.history == ()
    g, source = grid_intensity("USA")
    for e in d.context.estimates:
        assert e.n_runs == 0 and e.basis.startswith("no measured runs: a probe trained on")
        assert source in e.basis and "50 W (policy runs.power_watts)" in e.basis
        assert e.duration_s is not None and e.energy_kwh is not None
        assert e.energy_kwh == pytest.approx(e.duration_s / 3600 * 50 / 1000)
        assert e.emissions_kg == pytest.approx(e.energy_kwh * g / 1000)
        assert e.duration_high_s == pytest.approx(4 * (e.duration_low_s or 0))
        assert e.money is not None and e.money > 0
    assert {p.action for p in d.probes} == {"fine_tune", "retrain"}
    assert all(p.train_s and p.train_s > 0 for p in d.probes)
