"""Column roles, schema inference and validation."""

from driftwise.schema.roles import FEATURE_ROLES, ColumnSpec, Role, Schema, ValueType

__all__ = ["FEATURE_ROLES", "ColumnSpec", "Role", "Schema", "ValueType"]
