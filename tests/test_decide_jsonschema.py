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
