"""Counterfactuals: the nearest change of each kind that flips the decision, checked by deciding
again on the changed inputs."""

from __future__ import annotations

from typing import Any

from driftwise.decide.context import ModelContext
from driftwise.decide.engine import decide
from driftwise.decide.types import Decision
from driftwise.policy import Policy, default_policy
from driftwise.report import render_html, render_text
from evidence_factory import feature, labels, performance, scope, summary


def _decide(*evidence: Any, n: int = 3000, policy: Policy | None = None, **kw: Any) -> Decision:
    return decide(tuple(evidence), policy or default_policy(), summary(n), **kw)


def _texts(d: Decision) -> list[str]:
    return [c.text for c in d.counterfactuals]


def test_localized_fine_tune_flips_with_the_tier_the_scope_or_noise() -> None:
    d = _decide(
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )
    assert d.action == "fine_tune"
    assert _texts(d) == [
        "retrain if the risk tier were 'high' (not 'medium')",
        "retrain if the change were global rather than localized",
        "monitor if the accuracy drop were within noise",
    ]
    assert [c.kind for c in d.counterfactuals] == ["risk_tier", "scope", "performance"]


def test_scarce_labels_name_the_smallest_step_that_allows_a_retrain() -> None:
    d = _decide(
        feature("t", drifted=True),
        performance(0.9, 0.6, degraded=True),
        scope("global"),
        labels(500),
        n=500,
    )
    assert d.action == "fine_tune"
    first = d.counterfactuals[0]
    assert (first.kind, first.action) == ("labels", "retrain")
    assert first.change == "the new regime had 500 more labelled rows (1,000 instead of 500)"
    # The step is the smallest: with 499 more, the policy minimum of 1,000 is not reached.
    strict = Policy.model_validate({"labels": {"min_for_retrain": 1200}})
    d2 = _decide(
        feature("t", drifted=True),
        performance(0.9, 0.6, degraded=True),
        scope("global"),
        labels(500),
        n=500,
        policy=strict,
    )
    assert d2.counterfactuals[0].change.startswith("the new regime had 1,000 more labelled rows")


def test_every_counterfactual_really_flips_the_decision() -> None:
    base = (
        feature("t", drifted=True),
        performance(0.9, 0.6, degraded=True),
        scope("global"),
        labels(3000),
    )
    d = _decide(*base)
    assert d.action == "retrain"
    assert _texts(d) == [
        "fine_tune if the change were localized rather than global",
        "monitor if the accuracy drop were within noise",
    ]
    for cf in d.counterfactuals:
        assert cf.action != d.action


def test_the_debt_limit_is_a_counterfactual_with_a_registry() -> None:
    ctx = ModelContext(registry="r", champion_version=3, champion_action="fine_tune", debt=1)
    d = _decide(
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
        context=ctx,
    )
    assert d.action == "fine_tune"
    debt = next(c for c in d.counterfactuals if c.kind == "debt")
    assert debt.text == (
        "retrain if the champion carried 3 fine-tunes since its last full retrain (the policy's "
        "limit; it carries 1)"
    )


def test_the_reports_show_them() -> None:
    d = _decide(
        feature("x", drifted=True),
        performance(0.9, 0.895, degraded=False),
        scope("global"),
        labels(2000),
    )
    assert _texts(d) == ["retrain if the accuracy had degraded beyond noise"]
    assert "What would change it: retrain if the accuracy had degraded beyond noise." in (
        render_text(d)
    )
    assert "<li>retrain if the accuracy had degraded beyond noise</li>" in render_html(d)
