"""The decision-quality suite at a small size (one seed, every family), the probes and the
utility that reconcile the vote with measured outcomes. `make bench` runs five seeds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from driftwise.act.probe import run_probes
from driftwise.decide.engine import decide
from driftwise.decide.types import ProbeOutcome
from driftwise.decide.utility import reconcile, scorecards
from driftwise.demo.scenario import simulate
from driftwise.policy import Policy, default_policy
from driftwise.quality import FAMILIES, FIXED_POLICIES, SuiteResult, _margin, run_suite
from evidence_factory import feature, labels, performance, scope, summary
from test_adapters import OLD, SENSOR, _make


@pytest.fixture(scope="module")
def suite() -> SuiteResult:
    return run_suite([0])


def test_every_family_runs_and_no_hard_constraint_is_broken(suite: SuiteResult) -> None:
    assert [r.family for r in suite.scenarios] == list(FAMILIES)
    assert suite.violations == 0
    for r in suite.scenarios:
        allowed = {o.action for o in r.outcomes if o.allowed}
        assert r.oracle in allowed and r.driftwise_outcome in allowed
        assert r.regret >= 0
    by = {r.family: r for r in suite.scenarios}
    assert by["erasure"].driftwise == "retrain" and by["erasure"].oracle == "retrain"
    assert by["debt_limit"].driftwise != "fine_tune"
    assert by["global_tight_budget"].driftwise != "retrain"
    assert by["stable"].driftwise in ("no_action", "monitor")
    # The fixed policies break the constraints driftwise keeps.
    assert suite.fixed_violations["never"] >= 1 and suite.fixed_violations["always_retrain"] >= 1


def test_driftwise_regret_is_far_below_the_fixed_policies(suite: SuiteResult) -> None:
    best = min(suite.fixed_regret[k] for k in FIXED_POLICIES)
    assert suite.regret <= 0.5 * best
    assert suite.agreement >= 0.7  # measured 0.8-0.9 per seed; make bench runs 50 scenarios


def test_the_utility_is_the_weighted_sum_of_the_axes(suite: SuiteResult) -> None:
    r = next(r for r in suite.scenarios if r.family == "biased_base")
    policy = Policy.model_validate({"utility": {"weights": {"social_responsibility": 3.0}}})
    u = policy.utility
    for o in r.outcomes:
        expected = (
            u.value_per_point * (o.freshness + o.fidelity)
            - 3.0 * u.unfairness_per_point * o.social
            - o.cost
        )
        assert o.utility == pytest.approx(expected, abs=1e-3)
    retrain = next(o for o in r.outcomes if o.action == "retrain")
    assert retrain.social < -5  # learning the truthful labels closes the gap by points


def test_the_oracle_noise_margin_golden() -> None:
    class S:
        policy = default_policy()

    a = np.array([1.0, 0.0, 1.0, 1.0])
    b = np.array([1.0, 1.0, 0.0, 1.0])
    hits = {"x": (a, None), "y": (b, None)}
    d = a - b
    expected = 2 * 100 * 100 * np.sqrt(d.var(ddof=1) / len(d))
    assert _margin(S(), hits, "x", "y") == pytest.approx(expected)  # type: ignore[arg-type]


def _probe(action: str, gain: float, low: float) -> ProbeOutcome:
    return ProbeOutcome(
        action=action,  # type: ignore[arg-type]
        n_train=1000,
        n_holdout=400,
        freshness=gain,
        freshness_low=low,
        freshness_high=gain + (gain - low),
    )


def test_reconcile_follows_clear_measurements_and_keeps_close_calls() -> None:
    policy = default_policy()
    clear = (_probe("fine_tune", 2.0, 0.5), _probe("retrain", 8.0, 5.0))
    cards = scorecards(clear, policy, None)
    action, why = reconcile("fine_tune", cards, set(), clear)
    assert (
        action == "retrain"
        and why is not None
        and why.startswith(
            "The rule-based vote favoured fine_tune; the probes measured retrain better"
        )
    )
    near = (_probe("fine_tune", 5.0, 2.0), _probe("retrain", 5.5, 2.5))
    assert reconcile("fine_tune", scorecards(near, policy, None), set(), near)[0] == "fine_tune"
    # ...unless the vote itself was close.
    assert reconcile("fine_tune", scorecards(near, policy, None), set(), near, True)[0] == (
        "retrain"
    )
    # A ruled-out update is never picked; a keep vote gives way only to a credible gain.
    assert reconcile("fine_tune", cards, {"retrain"}, clear)[0] == "fine_tune"
    noise = (_probe("fine_tune", 0.5, -1.0), _probe("retrain", 0.8, -0.9))
    assert reconcile("monitor", scorecards(noise, policy, None), set(), noise)[0] == "monitor"
    assert reconcile("monitor", cards, set(), clear)[0] == "retrain"


def test_probes_on_a_global_shift_find_a_credible_retrain() -> None:
    rng = np.random.default_rng(9)
    adapter = _make("sklearn")
    model = adapter.fit(simulate(3000, OLD, rng))
    reference = simulate(2000, OLD, rng)
    current = simulate(2000, SENSOR, rng)
    ev = (scope("global"),)
    probes = run_probes(adapter, model, current, reference, ev, default_policy())
    assert [p.action for p in probes] == ["fine_tune", "retrain"]
    retrain = probes[1]
    assert retrain.n_holdout == 600 and retrain.n_train == 1400
    assert retrain.freshness_low > 5  # the Fahrenheit sensor costs the champion many points
    assert retrain.fidelity is None  # after a global change the old regime is gone
    unlabelled = current.assign(purchased=np.nan)
    assert run_probes(adapter, model, unlabelled, reference, ev, default_policy()) == ()


def test_decide_with_probes_shows_the_scorecards_and_why() -> None:
    evidence: tuple[Any, ...] = (
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )
    probes = (_probe("fine_tune", 1.0, -0.5), _probe("retrain", 6.0, 3.0))
    d = decide(evidence, default_policy(), summary(3000), probes=probes)
    assert d.action == "retrain"
    assert d.reasons[0].evidence == ("probes",)
    assert {c.action for c in d.scorecards} == {
        "no_action",
        "monitor",
        "escalate",
        "fine_tune",
        "retrain",
    }
    assert d.probes == probes
    without = decide(evidence, default_policy(), summary(3000))
    assert without.action == "fine_tune" and without.scorecards == ()
    assert isinstance(pd.DataFrame([c.model_dump() for c in d.scorecards]), pd.DataFrame)


def test_scarce_labels_are_cross_fitted() -> None:
    rng = np.random.default_rng(4)
    adapter = _make("sklearn")
    model = adapter.fit(simulate(3000, OLD, rng))
    current = simulate(1000, SENSOR, rng)
    current["purchased"] = current["purchased"].where(np.arange(1000) < 300)
    probes = run_probes(adapter, model, current, None, (scope("global"),), default_policy())
    assert [(p.n_train, p.n_holdout) for p in probes] == [(240, 300), (240, 300)]
    retrain = probes[1]
    # Every labelled row is scored by challengers that did not learn from it: the retrain's
    # gain on the Fahrenheit rows is clear even with 300 labels.
    assert retrain.freshness_low > 0


def test_an_update_without_a_measured_gain_gives_way_to_monitor() -> None:
    policy = default_policy()
    noise = (_probe("fine_tune", 0.3, -1.2), _probe("retrain", -0.2, -1.8))
    cards = scorecards(noise, policy, None)
    action, why = reconcile("fine_tune", cards, set(), noise)
    assert action == "monitor" and why is not None
    assert "fine_tune +0.3 points [-1.2, +1.8]; retrain -0.2 points [-1.8, +1.4]" in why
    # Not when the model must change anyway (an erasure, removed inputs, a fairness problem)...
    assert reconcile("fine_tune", cards, set(), noise, must_change=True)[0] == "fine_tune"
    # ...nor when keeping it is ruled out (by a regulation pack).
    assert reconcile("retrain", cards, {"monitor", "no_action"}, noise)[0] == "retrain"


def _localized_evidence(n_labelled: int) -> tuple[Any, ...]:
    from evidence_factory import concept, segment

    return (
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(n_labelled),
        concept(detected=False, explained=True),
        segment("coast", degraded=True),
        segment("north", degraded=False),
    )


def test_after_a_localized_change_the_probes_settle_a_retrain_that_keeps_the_old_rows() -> None:
    # The rules prefer a fine-tune (4.0 against 2.7): not close by one unit, but close once the
    # scope's preference (1.3) is left out, since the retrain keeps the 600 old rows outside.
    probes = (_probe("fine_tune", 5.0, 2.0), _probe("retrain", 5.6, 2.6))
    d = decide(_localized_evidence(3000), default_policy(), summary(3000), probes=probes)
    assert d.action == "retrain"
    assert d.reasons[0].text.startswith("The rule-based vote favoured fine_tune")
    # Without old rows outside the change (no segment evidence) the vote stands.
    bare = _localized_evidence(3000)[:5]
    assert decide(bare, default_policy(), summary(3000), probes=probes).action == "fine_tune"
    # Without probes the rules' preference stands.
    assert decide(_localized_evidence(3000), default_policy(), summary(3000)).action == (
        "fine_tune"
    )
