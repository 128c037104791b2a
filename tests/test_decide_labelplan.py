"""Label plans: which labels a wait-and-see decision asks for, how many, and what tips it."""

from __future__ import annotations

import numpy as np
import pytest

from driftwise.decide.engine import decide
from driftwise.decide.labelplan import sample_size
from driftwise.policy import Policy, default_policy
from evidence_factory import estimate, feature, labels, performance, scope, summary


def test_sample_size_golden_and_its_power_by_simulation() -> None:
    # Fleiss' one-sample formula: 0.90 -> 0.85 at alpha 0.05, power 0.8.
    n = sample_size(0.9, 0.05, alpha=0.05, power=0.8)
    assert n == pytest.approx(252.2, abs=0.1)
    # The one-sided test at that size rejects a true 0.85 about 80% of the time (the formula is
    # a normal approximation; the binomial's discreteness costs a few points at this size).
    rng = np.random.default_rng(0)
    rows = round(n)
    observed = rng.binomial(rows, 0.85, size=20_000) / rows
    critical = 0.9 - 1.6448536 * np.sqrt(0.9 * 0.1 / rows)
    assert np.mean(observed < critical) == pytest.approx(0.80, abs=0.04)
    # And holds its level under the null.
    null = rng.binomial(rows, 0.9, size=20_000) / rows
    assert np.mean(null < critical) < 0.06


def test_a_monitor_decision_on_few_labels_says_how_many_more() -> None:
    d = decide(
        (
            feature("x", drifted=True),
            performance(0.9, 0.895, degraded=False),
            scope("global"),
            labels(100),
        ),
        default_policy(),
        summary(100),
    )
    plan = d.label_plan
    assert d.action == "monitor" and plan is not None
    assert [(n.segment, n.have, n.more) for n in plan.needs] == [("all", 100, 153)]
    assert plan.if_below == "retrain"
    assert plan.below == pytest.approx(0.9 - 0.01 - 1.6448536 * (0.09 / 253) ** 0.5)
    assert plan.above == pytest.approx(0.89)
    assert plan.text == (
        "Collect labelled rows: 153 more (253 in all), enough to detect a 0.050 drop in accuracy "
        "(the policy's labels.detect_drop) with power 80% at level 0.05. If accuracy on them is "
        "below 0.859, retrain; if it stays above 0.890 (the reference's 0.900 less the 0.01 "
        "tolerance), no action."
    )


def test_a_localized_change_asks_for_labels_in_its_segments() -> None:
    d = decide(
        (feature("x", drifted=True), scope("localized", ("region=coast",)), labels(0)),
        default_policy(),
        summary(0),
    )
    plan = d.label_plan
    assert plan is not None and plan.if_below == "fine_tune"
    assert [(n.segment, n.more) for n in plan.needs] == [("region=coast", 617)]
    assert plan.reference_accuracy is None and plan.below is None  # no reference accuracy


def test_the_estimated_drop_sizes_the_sample() -> None:
    est = estimate(degraded=True)
    d = decide(
        (feature("x", drifted=True), scope("global"), labels(0), est), default_policy(), summary(0)
    )
    plan = d.label_plan
    assert d.action == "escalate" and plan is not None  # no labels at all: a person decides
    assert plan.drop_source == "the label-free estimate"
    assert plan.detect_drop == pytest.approx(-est.change)
    # A 0.10 drop needs fewer rows than the policy's minimum for a fine-tune: that minimum.
    assert plan.needs[0].more == 200


def test_no_plan_when_the_decision_acts_or_labels_suffice() -> None:
    acting = decide(
        (
            feature("t", drifted=True),
            performance(0.9, 0.6, degraded=True),
            scope("global"),
            labels(3000),
        ),
        default_policy(),
        summary(3000),
    )
    assert acting.action == "retrain" and acting.label_plan is None
    plenty = decide(
        (
            feature("x", drifted=True),
            performance(0.9, 0.895, degraded=False),
            scope("global"),
            labels(3000),
        ),
        default_policy(),
        summary(3000),
    )
    assert plenty.action == "monitor" and plenty.label_plan is None


def test_the_policy_sets_the_drop_and_the_power() -> None:
    strict = Policy.model_validate({"labels": {"detect_drop": 0.02, "power": 0.9}})
    d = decide(
        (
            feature("x", drifted=True),
            performance(0.9, 0.895, degraded=False),
            scope("global"),
            labels(100),
        ),
        strict,
        summary(100),
    )
    assert d.label_plan is not None
    assert (
        d.label_plan.needs[0].more
        == round(sample_size(0.9, 0.02, alpha=0.05, power=0.9) + 0.5) - 100
    )
