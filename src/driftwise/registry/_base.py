"""The registry's plumbing: the folder, the connection, transactions and argument checks.

:class:`~driftwise.registry.store.Registry` builds on :class:`Connected`; nothing here is public.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp, Connected(tmp) as base:
...     (base.root / "registry.sqlite3").is_file()
True
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from driftwise._strict import parse_model
from driftwise.errors import DriftwiseError
from driftwise.registry import _db
from driftwise.registry._rows import version_from_row
from driftwise.registry.artifacts import ArtifactStore, sha256_hex
from driftwise.registry.types import ACTIONS, ModelVersion

__all__ = [
    "Connected",
    "check_json",
    "draft_version",
    "one_of",
    "refuse_current",
    "required",
    "rollback_target",
]


def check_json(value: Any, *, field: str, where: str) -> None:
    """Raise a :class:`DriftwiseError` naming ``field`` when ``value`` has no JSON form.

    >>> check_json({"rows": [0, 10]}, field="windows", where="here")
    >>> check_json({"t": float("nan")}, field="windows", where="here")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: here: field 'windows': found a value JSON cannot hold ...
    """
    try:
        _db.dumps(value)
    except (TypeError, ValueError) as exc:
        raise DriftwiseError.for_field(
            field,
            where=where,
            found=f"a value JSON cannot hold ({exc})",
            expected="strings, finite numbers, booleans, None, lists and dicts with string keys",
        ) from None


def one_of(field: str, value: str, options: tuple[str, ...], *, where: str) -> None:
    """Raise when ``value`` is not among ``options`` (suggesting the closest).

    >>> one_of("action", "retrian", ("initial", "retrain"), where="here")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: here: field 'action': found 'retrian'; expected one of
    initial, retrain (did you mean 'retrain'?).
    """
    if value not in options:
        raise DriftwiseError.for_field(
            field, where=where, found=repr(value), expected="one of " + ", ".join(options)
        ).with_near(value, options)


def required(field: str, value: str, *, where: str, expected: str) -> None:
    """Raise when the text ``value`` is empty or blank.

    >>> required("actor", " ", where="here", expected="who did it")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: here: field 'actor': found an empty text; expected who did it.
    """
    if not value.strip():
        raise DriftwiseError.for_field(field, where=where, found="an empty text", expected=expected)


def draft_version(
    blob: bytes,
    *,
    where: str,
    adapter: str,
    adapter_config: dict[str, Any],
    action: str,
    parent: int | None,
    windows: dict[str, Any] | None,
    metrics: dict[str, float] | None,
    energy_kwh: float | None,
    emissions_kg: float | None,
    duration_s: float | None,
    run_id: str | None,
    note: str,
) -> ModelVersion:
    """Check a registration completely, before anything is written; ``version`` is a stand-in.

    A ``fine_tune`` needs the ``parent`` it was tuned from; metrics must be finite numbers and
    the mappings JSON-able.

    >>> v = draft_version(b"m", where="here", adapter="sklearn", adapter_config={},
    ...                   action="initial", parent=None, windows=None, metrics={"acc": 1},
    ...                   energy_kwh=None, emissions_kg=None, duration_s=None, run_id=None, note="")
    >>> v.version, v.artifact_bytes, v.metrics
    (1, 1, {'acc': 1.0})
    """
    one_of("action", action, ACTIONS, where=where)
    required("adapter", adapter, where=where, expected="the adapter's kind, such as 'sklearn'")
    if action == "fine_tune" and parent is None:
        raise DriftwiseError.for_field(
            "parent", where=where, found="none", expected="the version that was fine-tuned"
        )
    check_json(adapter_config, field="adapter_config", where=where)
    check_json(windows or {}, field="windows", where=where)
    check_json(metrics or {}, field="metrics", where=where)
    raw = {
        "version": 1,
        "parent": parent,
        "action": action,
        "adapter": adapter,
        "adapter_config": adapter_config,
        "windows": windows or {},
        "metrics": metrics or {},
        "artifact_sha256": sha256_hex(blob),
        "artifact_bytes": len(blob),
        "created_at": _db.now(),
        "energy_kwh": energy_kwh,
        "emissions_kg": emissions_kg,
        "duration_s": duration_s,
        "run_id": run_id,
        "note": note,
    }
    return parse_model(ModelVersion, raw, where=where)


def refuse_current(version: int, current: int | None, *, field: str, where: str) -> None:
    """Raise when ``version`` is already the champion: promoting or rolling back to it is a no-op.

    >>> refuse_current(2, 2, field="version", where="Registry.promote")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: Registry.promote: field 'version': found 2, which is already
    the champion; expected another registered version. Nothing was changed.
    """
    if version == current:
        raise DriftwiseError.for_field(
            field,
            where=where,
            found=f"{version}, which is already the champion",
            expected="another registered version",
            hint="Nothing was changed.",
        )


def rollback_target(
    current: int | None, previous: int | None, to: int | None, *, where: str
) -> tuple[int, int]:
    """``(champion replaced, new champion)`` of a rollback to ``to``, else to ``previous``.

    Raises when there is no champion or nothing to roll back to.

    >>> rollback_target(3, 2, None, where="r"), rollback_target(3, 2, 1, where="r")
    ((3, 2), (3, 1))
    >>> rollback_target(1, None, None, where="Registry.rollback")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: Registry.rollback: field 'to': found no previous champion;
    expected a version to roll back to. There is nothing to roll back to; promote a version
    instead.
    """
    target = to if to is not None else previous
    if target is None or current is None:
        raise DriftwiseError.for_field(
            "to",
            where=where,
            found="no previous champion" if current is not None else "no champion yet",
            expected="a version to roll back to",
            hint="There is nothing to roll back to; promote a version instead.",
        )
    return current, target


class Connected:
    """A registry folder with its open database: transactions and version look-ups.

    Parameters
    ----------
    root : str or Path
        The registry folder (created with its database when missing).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise DriftwiseError.for_field(
                "root", where="Registry", found=f"{self.root}, a file", expected="a folder"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        self.artifacts = ArtifactStore(self.root / "artifacts")
        self._where = f"registry {self.root}"
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = _db.connect(self.root / "registry.sqlite3")
        self._conn.row_factory = sqlite3.Row

    @classmethod
    def existing(cls, root: str | Path, *, where: str, field: str, expected: str) -> Self:
        """Open the registry at ``root``, refusing a folder that holds none (where opening
        would create an empty one); the error names ``field`` of ``where``."""
        if not (Path(root) / "registry.sqlite3").is_file():
            raise DriftwiseError.for_field(
                field, where=where, found=f"no model registry in {root}", expected=expected
            )
        return cls(root)

    def close(self) -> None:
        """Close the database connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    @contextmanager
    def _tx(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction, holding the instance lock (threads share one connection)."""
        with self._lock:
            if self._conn is None:
                raise DriftwiseError(f"{self._where}: the registry is closed; open it again.")
            with _db.transaction(self._conn, write=write) as conn:
                yield conn

    def _unknown(self, conn: sqlite3.Connection, field: str, value: int) -> DriftwiseError:
        rows = conn.execute("SELECT version FROM versions ORDER BY version").fetchall()
        known = [str(r[0]) for r in rows]
        expected = (
            "one of the registered versions: " + ", ".join(known)
            if known
            else "a registered version (there are none yet)"
        )
        where = self._where
        return DriftwiseError.for_field(field, where=where, found=str(value), expected=expected)

    def _get(self, conn: sqlite3.Connection, version: int, field: str = "version") -> ModelVersion:
        row = conn.execute("SELECT * FROM versions WHERE version = ?", (version,)).fetchone()
        if row is None:
            raise self._unknown(conn, field, version)
        names = conn.execute(
            "SELECT alias FROM aliases WHERE version = ? ORDER BY alias", (version,)
        ).fetchall()
        return version_from_row(row, tuple(str(r[0]) for r in names))

    def _alias(self, conn: sqlite3.Connection, name: str) -> int | None:
        row = conn.execute("SELECT version FROM aliases WHERE alias = ?", (name,)).fetchone()
        return None if row is None else int(row[0])
