"""The published JSON Schema is current, and decision documents validate against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from driftwise.decide.engine import decide
from driftwise.decide.jsonschema import decision_json_schema, render
from driftwise.decide.types import Decision
from driftwise.policy import default_policy
from evidence_factory import feature, labels, performance, scope, segment, summary

PUBLISHED = Path(__file__).resolve().parents[1] / "schemas" / "decision.schema.json"


def test_published_schema_is_up_to_date() -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == render(), (
        "schemas/decision.schema.json is stale: run `make schema` after a deliberate change "
        "of the decision document, and bump SCHEMA_VERSION if the change is not additive."
    )


def _decision() -> Decision:
    ev = (
        feature("temperature", drifted=True),
        feature("price", drifted=False),
        segment("coast", degraded=True),
        performance(0.9, 0.7, degraded=True),
        scope("global"),
        labels(3000),
    )
    return decide(ev, default_policy(), summary())


def test_decision_validates_against_published_schema() -> None:
    doc = json.loads(_decision().model_dump_json())
    jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text())).validate(doc)


def test_schema_rejects_unknown_action_and_extra_keys() -> None:
    validator = jsonschema.Draft202012Validator(decision_json_schema())
    doc = json.loads(_decision().model_dump_json())
    bad = dict(doc, action="panic")
    with pytest.raises(jsonschema.ValidationError, match="'panic' is not one of"):
        validator.validate(bad)
    extra = dict(doc, surprise=1)
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        validator.validate(extra)


def test_json_round_trip_keeps_evidence_types() -> None:
    d = _decision()
    back = Decision.model_validate_json(d.model_dump_json())
    assert back == d
    assert [type(e).__name__ for e in back.evidence] == [type(e).__name__ for e in d.evidence]


def test_a_decision_with_every_optional_section_validates() -> None:
    """Context, probes, scorecards, schedule, counterfactuals, gates, approvals and an
    execution record all fit the published schema."""
    from datetime import UTC, datetime

    from driftwise.act.record import Execution, GateResult
    from driftwise.costs.estimate import CostEstimate
    from driftwise.decide.context import ModelContext
    from driftwise.decide.types import ProbeOutcome
    from driftwise.policy import Policy

    policy = Policy.model_validate(
        {
            "carbon": {"profile": [400.0] * 10 + [150.0] * 6 + [400.0] * 8},
            "regulation": {"packs": ["eu_ai_act_high_risk"]},
        }
    )
    ev = (
        feature("discount", drifted=True),
        performance(0.9, 0.8, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )
    context = ModelContext(
        registry="reg",
        champion_version=2,
        debt=1,
        estimates=(
            CostEstimate(
                action="fine_tune", rows=2000, duration_s=60.0, energy_kwh=0.01, basis="b", n_runs=2
            ),
        ),
    )
    probes = (
        ProbeOutcome(
            action="fine_tune",
            n_train=1400,
            n_holdout=600,
            freshness=5.0,
            freshness_low=2.0,
            freshness_high=8.0,
            train_s=0.5,
        ),
        ProbeOutcome(
            action="retrain",
            n_train=1400,
            n_holdout=600,
            freshness=4.0,
            freshness_low=1.0,
            freshness_high=7.0,
            fidelity=-0.5,
            train_s=0.9,
        ),
    )
    d = decide(
        ev,
        policy,
        summary(3000),
        context=context,
        probes=probes,
        now=datetime(2026, 12, 2, 18, tzinfo=UTC),
    )
    assert d.schedule is not None and d.scorecards and d.counterfactuals and d.gates_required
    at = datetime(2026, 12, 2, 19, tzinfo=UTC)
    done = d.model_copy(
        update={
            "execution": Execution(
                action="fine_tune",
                status="promoted",
                text="Version 3 passed every gate.",
                started_at=at,
                ended_at=at,
                gates=(GateResult(name="gain", passed=True, text="Better."),),
            )
        }
    )
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(done.model_dump_json()), schema)
    assert Decision.model_validate_json(done.model_dump_json()) == done
