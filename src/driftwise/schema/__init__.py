"""Column roles, schema inference and validation.

``infer_schema`` (which needs pandas) is imported on first use, so that importing the roles stays
light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftwise.schema.config import SchemaOverrides, load_config, save_config
from driftwise.schema.roles import FEATURE_ROLES, ColumnSpec, Role, Schema, ValueType

if TYPE_CHECKING:
    from driftwise.schema.infer import infer_schema

__all__ = [
    "FEATURE_ROLES",
    "ColumnSpec",
    "Role",
    "Schema",
    "SchemaOverrides",
    "ValueType",
    "infer_schema",
    "load_config",
    "save_config",
]


def __getattr__(name: str) -> Any:
    """Import :func:`infer_schema` lazily."""
    if name == "infer_schema":
        from driftwise.schema.infer import infer_schema

        return infer_schema
    raise AttributeError(f"module 'driftwise.schema' has no attribute {name!r}")
