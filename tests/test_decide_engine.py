"""The decision engine on hand-built evidence: one test per situation the brief names."""

from __future__ import annotations

import pytest

from driftwise.decide.engine import decide
from driftwise.decide.types import Decision
from driftwise.policy import Policy, default_policy
from driftwise.signals.types import Evidence
from evidence_factory import feature, labels, performance, scope, segment, summary


def _decide(*evidence: Evidence, policy: Policy | None = None, n_labelled: int = 2000) -> Decision:
    return decide(tuple(evidence), policy or default_policy(), summary(n_labelled))


def test_nothing_changed_means_no_action() -> None:
    d = _decide(
        feature("x", drifted=False),
        performance(0.9, 0.9, degraded=False),
        scope("none"),
        labels(2000),
    )
    assert d.action == "no_action"
    assert not d.needs_action
    assert d.confidence > 0.5


def test_drift_without_degradation_is_monitor() -> None:
    d = _decide(
        feature("x", drifted=True),
        performance(0.9, 0.895, degraded=False),
        scope("global"),
        labels(2000),
    )
    assert d.action == "monitor"
    assert any("drift:numeric:x" in r.evidence for r in d.reasons)


def test_drift_without_labels_is_monitor() -> None:
    d = _decide(feature("x", drifted=True), scope("global"), labels(0), n_labelled=0)
    assert d.action == "monitor"
    assert "Performance could not be measured" in " ".join(r.text for r in d.reasons)


def test_localized_degradation_is_fine_tune() -> None:
    d = _decide(
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )
    assert d.action == "fine_tune"
    assert d.needs_action
    cited = {e for r in d.reasons for e in r.evidence}
    assert {"performance:accuracy", "scope"} <= cited


def test_global_degradation_with_plentiful_labels_is_retrain() -> None:
    d = _decide(
        feature("temperature", drifted=True),
        performance(0.9, 0.7, degraded=True),
        scope("global"),
        labels(3000),
    )
    assert d.action == "retrain"
    assert [a.action for a in d.alternatives][0] == "fine_tune"


def test_global_degradation_with_scarce_labels_is_fine_tune() -> None:
    d = _decide(
        feature("temperature", drifted=True),
        performance(0.9, 0.7, degraded=True),
        scope("global"),
        labels(500),
        n_labelled=500,
    )
    assert d.action == "fine_tune"
    assert any("not to retrain" in r.text for r in d.reasons)


def test_degradation_with_too_few_labels_escalates() -> None:
    d = _decide(
        feature("x", drifted=True),
        performance(0.9, 0.6, degraded=True, n=150),
        scope("global"),
        labels(150),
        n_labelled=150,
    )
    assert d.action == "escalate"


def test_degradation_without_input_drift_is_concept_drift_retrain() -> None:
    d = _decide(
        feature("x", drifted=False),
        performance(0.9, 0.75, degraded=True),
        scope("none"),
        labels(3000),
    )
    assert d.action == "retrain"
    assert any("concept drift" in r.text for r in d.reasons)


def test_regulated_tier_prefers_retrain_and_requires_approval() -> None:
    pol = Policy(name="court", risk_tier="regulated")
    d = _decide(
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
        policy=pol,
    )
    assert d.action == "retrain"
    assert d.approvals_required
    assert d.policy.risk_tier == "regulated"


def test_a_degraded_segment_is_enough_to_act() -> None:
    # The segment's flag is already corrected for the number of segments (see signals).
    segs = [segment(v, degraded=False) for v in "abcdefg"]
    calm = _decide(
        *segs,
        segment("h", degraded=False),
        feature("d", drifted=True),
        performance(0.9, 0.9, degraded=False),
        scope("localized"),
        labels(3000),
    )
    hit = _decide(
        *segs,
        segment("h", degraded=True),
        feature("d", drifted=True),
        performance(0.9, 0.9, degraded=False),
        scope("localized"),
        labels(3000),
    )
    assert calm.action == "monitor"
    assert hit.action == "fine_tune"
    assert any("segment:region=h" in r.evidence for r in hit.reasons)


@pytest.mark.parametrize("seed_order", [False, True])
def test_decision_is_deterministic_and_order_of_alternatives_is_stable(seed_order: bool) -> None:
    ev = [
        feature("a", drifted=True),
        feature("b", drifted=True),
        performance(0.9, 0.7, degraded=True),
        scope("global"),
        labels(3000),
    ]
    if seed_order:
        ev = ev[::-1]
    first = _decide(*ev)
    again = _decide(*ev)
    assert first.model_dump_json() == again.model_dump_json()
    assert first.action == "retrain"
    scores = [first.confidence] + [a.score for a in first.alternatives]
    assert scores == sorted(scores, reverse=True)
    assert abs(sum(scores) - 1) < 1e-3


def test_every_reason_cites_known_evidence() -> None:
    d = _decide(
        feature("t", drifted=True),
        performance(0.9, 0.7, degraded=True),
        scope("global"),
        labels(3000),
    )
    known = {e.id for e in d.evidence}
    for r in d.reasons:
        assert set(r.evidence) <= known, r
