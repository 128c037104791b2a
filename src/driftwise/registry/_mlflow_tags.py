"""How a driftwise model version is written as MLflow model-version tags, and read back.

Every field of :class:`~driftwise.registry.types.ModelVersion` but ``version`` and ``aliases``
becomes the tag ``driftwise.<field>`` (``driftwise.sha256`` for the artifact hash); mappings
are JSON, times fixed-width UTC text, ``None`` fields are left out.

>>> from datetime import datetime, timezone
>>> v = ModelVersion(version=1, action="initial", adapter="sklearn", artifact_sha256="0" * 64,
...                  artifact_bytes=3, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
>>> ModelVersion.model_validate({**fields_of(tags_of(v)), "version": 1}) == v
True
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from driftwise.registry import _db
from driftwise.registry.types import ModelVersion

__all__ = ["FOLDER", "JSON_FIELDS", "MOVE", "TAG", "fields_of", "tags_of"]

TAG = "driftwise."
MOVE = "driftwise.alias_move."
JSON_FIELDS = frozenset({"adapter_config", "windows", "metrics"})
FOLDER = "driftwise"  # the artifact folder inside each MLflow run


def tags_of(version: ModelVersion) -> dict[str, str]:
    """The model-version tags that record ``version`` (``None`` fields are left out).

    >>> from datetime import datetime, timezone
    >>> v = ModelVersion(version=1, action="initial", adapter="sklearn",
    ...                  artifact_sha256="0" * 64, artifact_bytes=3, metrics={"acc": 0.5},
    ...                  created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> tags = tags_of(v)
    >>> tags["driftwise.sha256"][:4], tags["driftwise.metrics"], "driftwise.parent" in tags
    ('0000', '{"acc":0.5}', False)
    """
    tags: dict[str, str] = {}
    for field, value in version.model_dump(exclude={"version", "aliases"}).items():
        if value is None:
            continue
        key = TAG + ("sha256" if field == "artifact_sha256" else field)
        if field in JSON_FIELDS:
            tags[key] = _db.dumps(value)
        elif isinstance(value, datetime):
            tags[key] = _db.stamp(value)
        else:
            tags[key] = str(value)
    return tags


def fields_of(tags: dict[str, str]) -> dict[str, Any]:
    """The inverse of :func:`tags_of` (strings; pydantic converts numbers and times)."""
    fields: dict[str, Any] = {}
    for key, text in tags.items():
        if not key.startswith(TAG) or key.startswith(MOVE):
            continue
        field = key[len(TAG) :]
        field = "artifact_sha256" if field == "sha256" else field
        fields[field] = json.loads(text) if field in JSON_FIELDS else text
    return fields
