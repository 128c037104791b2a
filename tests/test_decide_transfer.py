"""Transfer to a new domain: fine-tune when close, retrain when far, the distance shown."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

import driftwise
from driftwise.decide.criteria import facts_from, transfer_votes
from driftwise.decide.engine import decide
from driftwise.demo.scenario import TARGET, simulate
from driftwise.policy import Policy, default_policy
from evidence_factory import feature, labels, multivariate, performance, scope, summary
from test_adapters import OLD, SENSOR, _make


def _dc(auc: float) -> Any:
    m = multivariate(drifted=True)
    return m.model_copy(update={"id": "multivariate:domain_classifier", "statistic": auc})


def _votes(*evidence: Any, policy: Policy | None = None) -> list[tuple[str, float]]:
    pol = policy or default_policy()
    f = replace(facts_from(tuple(evidence), pol), transfer=True)
    return [(v.action, v.weight) for v in transfer_votes(f, pol)]


def test_close_domains_fine_tune_and_far_ones_retrain() -> None:
    assert _votes(_dc(0.6)) == [("fine_tune", 2.0), ("retrain", 0.3), ("no_action", -1.0)]
    assert _votes(_dc(0.9)) == [("retrain", 2.0), ("fine_tune", -1.0), ("no_action", -1.0)]
    lenient = Policy.model_validate({"transfer": {"close_below": 0.9}})
    assert _votes(_dc(0.9), policy=lenient)[0] == ("fine_tune", 2.0)


def test_no_distance_asks_a_person_and_holding_performance_needs_nothing() -> None:
    assert _votes() == [("escalate", 1.0)]
    holds = performance(0.9, 0.9, degraded=False)
    assert _votes(_dc(0.9), holds) == [("no_action", 0.5)]
    f = facts_from((_dc(0.9),), default_policy())
    assert transfer_votes(f, default_policy()) == []  # not asked for


def test_the_reason_shows_the_distance() -> None:
    evidence = (
        feature("temperature", drifted=True),
        _dc(0.95),
        performance(0.9, 0.7, degraded=True),
        scope("global"),
        labels(3000),
    )
    s = summary(3000).model_copy(update={"transfer": True})
    d = decide(evidence, default_policy(), s)
    assert d.action == "retrain"
    text = " ".join(r.text for r in d.reasons)
    assert "taken to a new domain at distance 0.90 (domain-classifier AUC rescaled" in text


def test_check_transfer_end_to_end() -> None:
    rng = np.random.default_rng(2)
    adapter = _make("sklearn")
    model = adapter.fit(simulate(3000, OLD, rng))
    reference = simulate(2000, OLD, rng)
    site = simulate(1500, SENSOR, rng)  # a new site whose sensor reads Fahrenheit
    served = {
        k: f.assign(prediction=adapter.predict(model, f))
        for k, f in (("reference", reference), ("site", site))
    }
    d = driftwise.check(
        served["reference"], served["site"], target=TARGET, prediction="prediction", transfer=True
    )
    assert d.summary.transfer is True
    assert d.action == "retrain"
    assert any("taken to a new domain at distance" in r.text for r in d.reasons)
    plain = driftwise.check(
        served["reference"], served["site"], target=TARGET, prediction="prediction"
    )
    assert plain.summary.transfer is False
    assert not any("new domain" in r.text for r in plain.reasons)
