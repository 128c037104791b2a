"""The JSON Schema of the decision document, published as ``schemas/decision.schema.json``.

Run ``python -m driftwise.decide.jsonschema`` (or ``make schema``) to regenerate the file after a
deliberate change of the document; a test fails while the published file is out of date.

>>> schema = decision_json_schema()
>>> schema["title"], schema["properties"]["schema_version"]["enum"]
('Decision', ['1.0', '1.1'])
"""

from __future__ import annotations

import json
from typing import Any

from driftwise.decide.types import SCHEMA_VERSION, Decision

__all__ = ["decision_json_schema", "render"]

SCHEMA_ID = f"urn:driftwise:schema:decision:{SCHEMA_VERSION}"


def decision_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every ``decision.json`` validates against."""
    schema = Decision.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render() -> str:
    """The schema as stable, indented JSON text with a trailing newline."""
    return json.dumps(decision_json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # pragma: no cover - exercised through `make schema`
    print(render(), end="")
