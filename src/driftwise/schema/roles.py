"""Column roles: what each column of a batch *is* to driftwise.

>>> from driftwise.schema import Role, Schema, ColumnSpec
>>> s = Schema(columns=(ColumnSpec(name="age", role=Role.NUMERIC),
...                     ColumnSpec(name="region", role=Role.CATEGORICAL, segment=True),
...                     ColumnSpec(name="y", role=Role.TARGET, dtype="categorical")))
>>> s.features
('age', 'region')
>>> s.target, s.segments
('y', ('region',))
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["ColumnSpec", "Role", "Schema", "ValueType"]

ValueType = Literal["numeric", "categorical", "text", "datetime"]


class Role(StrEnum):
    """The role of a column."""

    NUMERIC = "numeric"  # numeric model input
    CATEGORICAL = "categorical"  # categorical model input
    TEXT = "text"  # free text model input (queries, reviews)
    TARGET = "target"  # ground truth, may be partly missing (labels arrive late)
    PREDICTION = "prediction"  # the model's output (class or value)
    SCORE = "score"  # score / class probability
    TIMESTAMP = "timestamp"
    WEIGHT = "weight"
    ID = "id"  # identifier: ignored by every test
    IGNORED = "ignored"


FEATURE_ROLES = frozenset({Role.NUMERIC, Role.CATEGORICAL, Role.TEXT})


class ColumnSpec(BaseModel):
    """One column: its name, its role and the type of its values."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    role: Role
    dtype: ValueType | None = None  # for target / prediction columns: numeric or categorical
    segment: bool = False  # a segment key (region, channel, device): drift is also tested per value
    sensitive: bool = False  # a sensitive attribute: fairness is reported per group

    @property
    def value_type(self) -> ValueType:
        """The value type, derived from the role when not given."""
        if self.dtype is not None:
            return self.dtype
        if self.role in (Role.NUMERIC, Role.SCORE, Role.WEIGHT):
            return "numeric"
        if self.role is Role.TEXT:
            return "text"
        if self.role is Role.TIMESTAMP:
            return "datetime"
        return "categorical"


class Schema(BaseModel):
    """The roles of all columns of a batch. Frozen; build a new one to change it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: tuple[ColumnSpec, ...]

    def names(self, *roles: Role) -> tuple[str, ...]:
        """Names of the columns having any of ``roles``, in column order."""
        return tuple(c.name for c in self.columns if c.role in roles)

    def spec(self, name: str) -> ColumnSpec:
        """The spec of column ``name`` (``KeyError`` when absent)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def _one(self, role: Role) -> str | None:
        found = self.names(role)
        return found[0] if found else None

    @property
    def features(self) -> tuple[str, ...]:
        """Model inputs: numeric, categorical and text columns."""
        return tuple(c.name for c in self.columns if c.role in FEATURE_ROLES)

    @property
    def numeric(self) -> tuple[str, ...]:
        return self.names(Role.NUMERIC)

    @property
    def categorical(self) -> tuple[str, ...]:
        return self.names(Role.CATEGORICAL)

    @property
    def text(self) -> tuple[str, ...]:
        return self.names(Role.TEXT)

    @property
    def target(self) -> str | None:
        return self._one(Role.TARGET)

    @property
    def prediction(self) -> str | None:
        return self._one(Role.PREDICTION)

    @property
    def scores(self) -> tuple[str, ...]:
        return self.names(Role.SCORE)

    @property
    def segments(self) -> tuple[str, ...]:
        """Segment keys (any role)."""
        return tuple(c.name for c in self.columns if c.segment)

    @property
    def sensitive(self) -> tuple[str, ...]:
        """Sensitive attributes (any role)."""
        return tuple(c.name for c in self.columns if c.sensitive)

    @property
    def timestamp(self) -> str | None:
        return self._one(Role.TIMESTAMP)

    @property
    def weight(self) -> str | None:
        return self._one(Role.WEIGHT)
