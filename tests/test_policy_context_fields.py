"""The policy's domain, jurisdictions and cadence, and what they change in the decision."""

from __future__ import annotations

from typing import Any

import pytest

from driftwise.decide.engine import decide, tally
from driftwise.policy import Policy, default_policy
from evidence_factory import feature, labels, performance, scope, summary


def _localized() -> tuple[Any, ...]:
    return (
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )


def test_a_high_stakes_domain_acts_as_a_high_tier() -> None:
    health = Policy.model_validate({"domain": "healthcare"})
    assert health.risk_tier == "medium" and health.high_stakes
    d = decide(_localized(), health, summary(3000))
    assert d.approvals_required == (
        f"high-stakes domain 'healthcare': a person signs off '{d.action}' before it ships",
    )
    _, votes = tally(_localized(), health)
    assert ("retrain", 0.8) in [(v.action, v.weight) for v in votes if v.criterion == "risk"]
    assert not Policy.model_validate({"domain": "retail"}).high_stakes
    assert decide(_localized(), default_policy(), summary(3000)).approvals_required == ()


def test_stable_releases_lean_to_a_retrain() -> None:
    _, votes = tally(_localized(), Policy.model_validate({"cadence": "stable"}))
    mine = [(v.action, v.weight) for v in votes if v.criterion == "cadence"]
    assert mine == [("retrain", 0.5), ("fine_tune", -0.3)]
    _, rapid = tally(_localized(), default_policy())
    assert not [v for v in rapid if v.criterion == "cadence"]


def test_packs_must_apply_in_the_policys_jurisdictions() -> None:
    ok = {"jurisdictions": ["EU"], "regulation": {"packs": ["eu_ai_act_high_risk"]}}
    assert Policy.model_validate(ok).jurisdictions == ("EU",)
    nyc = {"jurisdictions": ["US"], "regulation": {"packs": ["nyc_ll144"]}}
    assert Policy.model_validate(nyc).regulation.packs == ("nyc_ll144",)
    wrong = {"jurisdictions": ["EU"], "regulation": {"packs": ["nyc_ll144", "gdpr_erasure"]}}
    with pytest.raises(ValueError, match="regulation pack 'nyc_ll144' applies in US-NY-NYC"):
        Policy.model_validate(wrong)
    # Without jurisdictions, any pack may be included.
    assert Policy.model_validate({"regulation": {"packs": ["nyc_ll144"]}}).jurisdictions == ()
