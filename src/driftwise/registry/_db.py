"""The registry's SQLite file: connection settings, the ordered migrations, JSON and time columns.

The schema changes only through :data:`MIGRATIONS`, applied in order inside one write
transaction; ``PRAGMA user_version`` records how many have been applied. A file written by a
newer driftwise (more migrations than this one knows) is refused rather than guessed at.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     conn = connect(pathlib.Path(tmp) / "r.sqlite3")
...     version = conn.execute("PRAGMA user_version").fetchone()[0]
...     mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
...     conn.close()
>>> version == len(MIGRATIONS), mode
(True, 'wal')
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from driftwise.errors import DriftwiseError

__all__ = ["MIGRATIONS", "connect", "dumps", "loads", "now", "stamp", "transaction"]

BUSY_TIMEOUT_S = 10.0

_ACTIONS = "('initial', 'fine_tune', 'retrain', 'import')"

#: Ordered schema changes. Append, never edit: migration ``i`` takes ``user_version`` i -> i+1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"""CREATE TABLE versions (
            version INTEGER PRIMARY KEY,
            parent INTEGER REFERENCES versions(version),
            action TEXT NOT NULL CHECK (action IN {_ACTIONS}),
            adapter TEXT NOT NULL,
            adapter_config TEXT NOT NULL,
            artifact_sha256 TEXT NOT NULL,
            artifact_bytes INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            windows TEXT NOT NULL,
            metrics TEXT NOT NULL,
            energy_kwh REAL,
            emissions_kg REAL,
            duration_s REAL,
            run_id TEXT,
            note TEXT NOT NULL,
            CHECK (parent IS NULL OR parent < version)
        )""",
        """CREATE TABLE aliases (
            alias TEXT PRIMARY KEY,
            version INTEGER NOT NULL REFERENCES versions(version)
        )""",
        """CREATE TABLE alias_moves (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alias TEXT NOT NULL,
            from_version INTEGER REFERENCES versions(version),
            to_version INTEGER NOT NULL REFERENCES versions(version),
            actor TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('promote', 'rollback', 'set'))
        )""",
        f"""CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            action TEXT NOT NULL CHECK (action IN {_ACTIONS}),
            status TEXT NOT NULL
                CHECK (status IN ('running', 'succeeded', 'rejected', 'failed')),
            decision_id TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            proc_start INTEGER,
            params TEXT NOT NULL,
            windows TEXT NOT NULL,
            duration_s REAL,
            energy_kwh REAL,
            emissions_kg REAL,
            measurement TEXT NOT NULL,
            version INTEGER REFERENCES versions(version),
            outcome TEXT NOT NULL,
            error TEXT
        )""",
        "CREATE INDEX runs_status ON runs(status)",
        "CREATE INDEX alias_moves_alias ON alias_moves(alias, id)",
    ),
)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the registry database and bring its schema up to date.

    The connection is in autocommit mode: callers group writes with :func:`transaction`.
    """
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        _migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    with transaction(conn):
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current > len(MIGRATIONS):
            raise DriftwiseError.for_field(
                "user_version",
                where=str(path),
                found=f"schema version {current}",
                expected=f"at most {len(MIGRATIONS)}, the newest this driftwise knows",
                hint="The registry was written by a newer driftwise; upgrade driftwise.",
            )
        for number, statements in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")


@contextmanager
def transaction(conn: sqlite3.Connection, *, write: bool = True) -> Iterator[sqlite3.Connection]:
    """One transaction: ``BEGIN IMMEDIATE`` for writes (``BEGIN`` for a consistent read).

    Commits when the block ends normally, rolls back on any exception.
    """
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def dumps(value: Any) -> str:
    """JSON text of ``value`` with sorted keys (stable on disk).

    >>> dumps({"b": 1, "a": [1.5]})
    '{"a":[1.5],"b":1}'
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def loads(text: str | None) -> Any:
    """Parse JSON text; ``None`` stays ``None``."""
    return None if text is None else json.loads(text)


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def stamp(at: datetime) -> str:
    """Fixed-width ISO text in UTC, so that text order is time order.

    >>> stamp(datetime(2026, 1, 1, tzinfo=UTC))
    '2026-01-01T00:00:00.000000Z'
    """
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
