"""Each criterion on hand-built evidence, and the shared contract every criterion keeps."""

from __future__ import annotations

import inspect

import pytest

from driftwise.decide.criteria import CRITERIA, facts_from
from driftwise.decide.criteria import labels as c_labels
from driftwise.decide.criteria import scope as c_scope
from driftwise.decide.engine import decide
from driftwise.decide.types import ACTIONS, Decision
from driftwise.policy import Policy, default_policy
from driftwise.signals.types import Evidence, LabelAvailability
from evidence_factory import (
    concept,
    estimate,
    fairness,
    feature,
    feedback,
    labels,
    multivariate,
    performance,
    schema_change,
    scope,
    segment,
    summary,
)


def _decide(*evidence: Evidence, policy: Policy | None = None, n: int = 3000) -> Decision:
    return decide(tuple(evidence), policy or default_policy(), summary(n))


SCENARIOS: list[tuple[Evidence, ...]] = [
    (),
    (feature("x", drifted=True), scope("global"), labels(0)),
    (
        feature("x", drifted=True),
        performance(0.9, 0.7, degraded=True),
        scope("global"),
        labels(3000),
        concept(detected=True),
        schema_change(removed=("y",), rescaled=True),
        fairness(worsened=True, biased=True),
        feedback(surged=True),
        multivariate(drifted=True),
        estimate(degraded=True),
    ),
    (estimate(degraded=True), labels(0), feedback(surged=False)),
]


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.__name__)
def test_every_criterion_keeps_the_contract(criterion: object) -> None:
    assert callable(criterion)
    assert list(inspect.signature(criterion).parameters) == ["f", "policy"]
    assert inspect.getdoc(criterion)
    for ev in SCENARIOS:
        facts = facts_from(ev, default_policy())
        known = {e.id for e in ev}
        for vote in criterion(facts, default_policy()):
            assert vote.action in ACTIONS
            assert vote.weight != 0 and vote.text and vote.short
            assert set(vote.evidence) <= known, (criterion, vote)


def test_concept_drift_test_votes_retrain_even_when_localized() -> None:
    base = (
        feature("d", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )
    assert _decide(*base).action == "fine_tune"
    d = _decide(*base, concept(detected=True))
    assert any("Concept drift" in r.text and "concept" in r.evidence for r in d.reasons) or (
        d.action == "fine_tune"
    )
    scores = {a.action: a.score for a in d.alternatives}
    base_scores = {a.action: a.score for a in _decide(*base).alternatives}
    assert scores["retrain"] > base_scores["retrain"]


def test_covariate_shift_explaining_the_drop_favours_fine_tune() -> None:
    d = _decide(
        feature("d", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("none"),
        labels(3000),
        concept(detected=False, explained=True),
    )
    assert d.action == "fine_tune"
    assert any("Covariate shift explains" in r.text for r in d.reasons)


def test_removed_input_forces_retrain() -> None:
    d = _decide(
        feature("d", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
        schema_change(removed=("sensor_b",)),
    )
    assert d.action == "retrain"
    assert any("only a retrain can do" in r.text for r in d.reasons)


def test_added_columns_alone_do_not_force_action() -> None:
    d = _decide(
        feature("d", drifted=False),
        performance(0.9, 0.9, degraded=False),
        scope("none"),
        labels(3000),
        schema_change(added=("new_col",)),
    )
    assert d.action in ("no_action", "monitor")


def test_global_rescale_adds_to_retrain() -> None:
    d = _decide(
        feature("temperature", drifted=True),
        performance(0.9, 0.6, degraded=True),
        scope("global"),
        labels(3000),
        schema_change(rescaled=True),
    )
    assert d.action == "retrain"
    assert any("looks rescaled for everyone" in r.text for r in d.reasons)


def test_fairness_worsened_turns_a_fine_tune_into_a_retrain() -> None:
    base = (
        feature("d", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )
    d = _decide(*base, fairness(worsened=True))
    assert d.action == "retrain"
    assert any("Fairness worsened" in r.text for r in d.reasons)


def test_biased_base_model_argues_against_fine_tune() -> None:
    base = (
        feature("d", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )
    plain = {a.action: a.score for a in _decide(*base).alternatives}
    d = _decide(*base, fairness(worsened=False, biased=True))
    assert d.action == "retrain" or d.confidence < _decide(*base).confidence
    assert any("already unfair" in r.text for r in d.reasons) or (
        {a.action: a.score for a in d.alternatives}["retrain"] > plain["retrain"]
    )


def test_reliable_estimated_drop_without_labels_escalates() -> None:
    d = _decide(
        feature("x", drifted=True), scope("global"), labels(0), estimate(degraded=True), n=0
    )
    assert d.action == "escalate"
    assert any("estimated to have fallen" in r.text for r in d.reasons)


def test_unreliable_estimate_is_not_degradation() -> None:
    d = _decide(
        feature("x", drifted=True),
        scope("global"),
        labels(0),
        estimate(degraded=True, reliable=False),
        n=0,
    )
    assert d.action == "monitor"
    assert any("unreliable" in r.text for r in d.reasons)


def test_complaint_surge_without_other_signals_escalates() -> None:
    d = _decide(feature("x", drifted=False), scope("none"), labels(0), feedback(surged=True), n=0)
    assert d.action == "escalate"
    assert any("User feedback surged" in r.text for r in d.reasons)


def test_joint_drift_alone_is_monitor() -> None:
    d = _decide(
        feature("x", drifted=False), scope("none"), labels(0), multivariate(drifted=True), n=0
    )
    assert d.action == "monitor"
    assert any("jointly" in r.text for r in d.reasons)


def test_unrepresentative_labels_push_towards_collecting_more() -> None:
    lab = LabelAvailability(
        n_current=5000,
        n_labelled=1200,
        share_labelled=0.24,
        sufficient_for_fine_tune=True,
        sufficient_for_retrain=True,
        representative=False,
        representativeness_p_value=1e-6,
        representativeness_effect=0.3,
        unrepresentative_features=("region",),
    )
    d = _decide(
        feature("t", drifted=True), performance(0.9, 0.7, degraded=True), scope("global"), lab
    )
    assert any("do not look like current traffic" in r.text for r in d.reasons) or any(
        "labels unrepresentative" in a.rationale for a in d.alternatives
    )


def _localized(n_labelled: int, *others: str) -> tuple[Evidence, ...]:
    return (
        feature("d", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(n_labelled),
        segment("coast", degraded=True),
        *(segment(v, degraded=False) for v in others),
    )


def test_reference_rows_outside_a_localized_change_are_counted() -> None:
    # Each factory segment holds 600 reference rows; the changed one does not count.
    facts = facts_from(_localized(300, "north", "south"), default_policy())
    assert facts.n_reference_outside == 1200
    # Without labelled reference rows (no performance evidence) a retrain has none to add.
    unlabelled = tuple(e for e in _localized(300, "north") if e.kind != "performance")
    assert facts_from(unlabelled, default_policy()).n_reference_outside == 0
    # After a global change the old rows are stale: none count.
    glob = (scope("global"), performance(0.9, 0.8, degraded=True), segment("north", degraded=False))
    assert facts_from(glob, default_policy()).n_reference_outside == 0


def test_scarce_labels_with_old_rows_outside_a_localized_change_allow_a_retrain() -> None:
    # 300 current labels are below the retrain minimum (1,000), but a retrain after a
    # localized change also learns from the 1,200 reference rows outside it: no penalty.
    facts = facts_from(_localized(300, "north", "south"), default_policy())
    votes = {(v.action, v.short): v.weight for v in c_labels.label_votes(facts, default_policy())}
    assert votes == {("retrain", "labels enough with old rows"): 0.5}
    # With one other region (600 rows) 300 + 600 < 1,000: the labels are scarce as before.
    facts = facts_from(_localized(300, "north"), default_policy())
    votes = {(v.action, v.short): v.weight for v in c_labels.label_votes(facts, default_policy())}
    assert votes == {("fine_tune", "labels scarce"): 0.5, ("retrain", "labels scarce"): -1.5}


def test_a_retrain_that_keeps_the_old_rows_is_named_after_a_localized_change() -> None:
    with_old = facts_from(_localized(3000, "north"), default_policy())
    votes = {v.action: v.weight for v in c_scope.scope_votes(with_old, default_policy())}
    assert votes == {"fine_tune": 1.5, "retrain": 0.2}
    d = _decide(*_localized(3000, "north"))
    assert d.action == "fine_tune"  # without probes the rules' preference stands
    assert any("600 labelled reference rows outside" in r.text for r in d.reasons)
    without = facts_from(_localized(3000), default_policy())
    assert all(
        "reference rows outside" not in v.text
        for v in c_scope.scope_votes(without, default_policy())
    )
