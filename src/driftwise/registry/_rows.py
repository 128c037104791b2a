"""Between the registry's records and SQLite rows: JSON columns in, typed models out.

>>> from datetime import datetime, timezone
>>> from driftwise.registry.types import AliasMove
>>> move = AliasMove(id=1, alias="champion", from_version=None, to_version=1, actor="ana",
...                  reason="first", at=datetime(2026, 1, 1, tzinfo=timezone.utc), kind="set")
>>> row = to_row(move)
>>> row["at"], move_from_row(row) == move
('2026-01-01T00:00:00.000000Z', True)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from driftwise.registry import _db
from driftwise.registry.types import AliasMove, ModelVersion, Run

__all__ = ["insert", "move_from_row", "run_from_row", "to_row", "version_from_row"]

_JSON_COLUMNS = frozenset(
    {"adapter_config", "windows", "metrics", "params", "measurement", "outcome"}
)


def to_row(record: BaseModel) -> dict[str, Any]:
    """The column values of ``record``: JSON text for mappings, fixed-width UTC text for times."""
    row = record.model_dump(exclude={"aliases"})  # aliases live in their own table
    return {k: _column(k, v) for k, v in row.items()}


def _column(name: str, value: Any) -> Any:
    if name in _JSON_COLUMNS:
        return _db.dumps(value)
    if isinstance(value, datetime):
        return _db.stamp(value)
    return value


def insert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    """``INSERT`` one row given as column -> value (table and columns are ours, never input)."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))


Row = sqlite3.Row | Mapping[str, Any]


def _fields(row: Row, model: type[BaseModel]) -> dict[str, Any]:
    keys = row.keys()
    return {
        name: (_db.loads(row[name]) if name in _JSON_COLUMNS else row[name])
        for name in model.model_fields
        if name in keys
    }


def version_from_row(row: Row, aliases: tuple[str, ...] = ()) -> ModelVersion:
    """A :class:`ModelVersion` from a ``versions`` row and the aliases pointing to it."""
    return ModelVersion.model_validate({**_fields(row, ModelVersion), "aliases": aliases})


def move_from_row(row: Row) -> AliasMove:
    """An :class:`AliasMove` from an ``alias_moves`` row."""
    return AliasMove.model_validate(_fields(row, AliasMove))


def run_from_row(row: Row) -> Run:
    """A :class:`Run` from a ``runs`` row."""
    return Run.model_validate(_fields(row, Run))
