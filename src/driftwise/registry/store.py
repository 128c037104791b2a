"""The embedded model registry: versions, aliases, alias history and runs in one SQLite file.

Layout of the registry folder::

    ROOT/registry.sqlite3             versions, aliases, alias moves, runs (WAL mode)
    ROOT/artifacts/<sha[:2]>/<sha>    one file per distinct artifact, named by its SHA-256

Every write is one ``BEGIN IMMEDIATE`` transaction, so a process killed at any moment leaves
either the old state or the new one: a promotion moves ``champion`` and ``previous`` together
or not at all. The artifact is written (atomically) before the row that refers to it, so a
registered version always has its file; a file without a row is harmless. Opening a registry
marks runs whose process died as failed (:meth:`Registry.reconcile`).

>>> import tempfile
>>> from driftwise.registry import Registry
>>> with tempfile.TemporaryDirectory() as tmp, Registry(tmp) as reg:
...     v1 = reg.register(blob=b"model one", adapter="sklearn", adapter_config={}, action="initial")
...     v2 = reg.register(blob=b"model two", adapter="sklearn", adapter_config={},
...                       action="fine_tune", parent=1)
...     _ = reg.promote(1, actor="ana", reason="first model")
...     _ = reg.promote(2, actor="ana", reason="fine-tuned on March")
...     before = reg.champion().version, reg.alias("previous").version, reg.debt()
...     move = reg.rollback(actor="bo", reason="complaints")
...     after = reg.champion().version, reg.alias("previous").version
>>> before, after, move.kind
((2, 1, 1), (1, 2), 'rollback')
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from driftwise.errors import DriftwiseError
from driftwise.registry import _db
from driftwise.registry._base import (
    draft_version,
    refuse_current,
    required,
    rollback_target,
)
from driftwise.registry._rows import insert, move_from_row, to_row, version_from_row
from driftwise.registry._runs import KILLED_AFTER_PROMOTION, KILLED_RUN_ERROR, RunLog
from driftwise.registry.types import AliasMove, ModelVersion, MoveKind, fine_tune_debt

__all__ = ["KILLED_AFTER_PROMOTION", "KILLED_RUN_ERROR", "Registry"]

_GUARDED = ("champion", "previous")


class Registry(RunLog):
    """A model registry kept in a folder: SQLite for records, content-addressed artifact files.

    Parameters
    ----------
    root : str or Path
        The registry folder (created with its database when missing). Opening it marks the
        runs whose process died as failed (:meth:`reconcile`).

    Use it as a context manager, or call :meth:`close`. One instance may be shared by threads;
    several processes may open the same folder (SQLite serialises their writes, each waiting up
    to 10 s for the lock). Runs are recorded with :meth:`start_run` / :meth:`finish_run`.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, Registry(tmp) as reg:
    ...     reg.version(1)
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: registry ...: field 'version': found 1; expected a
    registered version (there are none yet).
    """

    def __init__(self, root: str | Path) -> None:
        super().__init__(root)
        try:
            self.reconcile()
        except BaseException:
            self.close()
            raise

    # -- artifacts --------------------------------------------------------------------------------

    def put_artifact(self, blob: bytes) -> str:
        """Store ``blob`` (atomically, once) and return its SHA-256 hex digest."""
        return self.artifacts.put(blob)

    def get_artifact(self, sha256: str) -> bytes:
        """The artifact's bytes, verified: raises ``TamperedArtifactError`` if they changed."""
        return self.artifacts.get(sha256)

    # -- versions ---------------------------------------------------------------------------------

    def register(
        self,
        *,
        blob: bytes,
        adapter: str,
        adapter_config: dict[str, Any],
        action: str,
        parent: int | None = None,
        windows: dict[str, Any] | None = None,
        metrics: dict[str, float] | None = None,
        energy_kwh: float | None = None,
        emissions_kg: float | None = None,
        duration_s: float | None = None,
        run_id: str | None = None,
        note: str = "",
    ) -> ModelVersion:
        """Store the artifact, then record a new version (numbered 1, 2, 3, ...) in one step.

        A ``fine_tune`` needs the ``parent`` it was tuned from; any parent must be registered.
        Metrics must be finite numbers; the mappings must be JSON-able. Everything is checked
        before the artifact is written.
        """
        where = "Registry.register"
        draft = draft_version(
            blob,
            where=where,
            adapter=adapter,
            adapter_config=adapter_config,
            action=action,
            parent=parent,
            windows=windows,
            metrics=metrics,
            energy_kwh=energy_kwh,
            emissions_kg=emissions_kg,
            duration_s=duration_s,
            run_id=run_id,
            note=note,
        )
        if parent is not None:  # refuse a typo before writing the file; checked again below
            with self._tx(write=False) as conn:
                self._get(conn, parent, "parent")
        self.put_artifact(blob)  # the file exists before any row refers to it
        with self._tx() as conn:
            if parent is not None:
                self._get(conn, parent, "parent")
            number = conn.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM versions")
            made: ModelVersion = draft.model_copy(
                update={"version": int(number.fetchone()[0]), "created_at": _db.now()}
            )
            insert(conn, "versions", to_row(made))
        return made

    def version(self, v: int) -> ModelVersion:
        """The registered version ``v``; unknown versions raise, listing the known ones."""
        with self._tx(write=False) as conn:
            return self._get(conn, v)

    def versions(self) -> list[ModelVersion]:
        """Every registered version, oldest first."""
        with self._tx(write=False) as conn:
            names: dict[int, list[str]] = {}
            for alias, version in conn.execute("SELECT alias, version FROM aliases ORDER BY alias"):
                names.setdefault(int(version), []).append(str(alias))
            rows = conn.execute("SELECT * FROM versions ORDER BY version").fetchall()
        return [version_from_row(r, tuple(names.get(int(r["version"]), ()))) for r in rows]

    def alias(self, name: str) -> ModelVersion | None:
        """The version the alias ``name`` points to, or ``None`` when it is not set."""
        with self._tx(write=False) as conn:
            version = self._alias(conn, name)
            return None if version is None else self._get(conn, version)

    def champion(self) -> ModelVersion | None:
        """The version serving now (the ``champion`` alias), or ``None`` before any promotion."""
        return self.alias("champion")

    # -- aliases ----------------------------------------------------------------------------------

    def _move(
        self,
        conn: sqlite3.Connection,
        alias: str,
        to: int,
        *,
        actor: str,
        reason: str,
        kind: MoveKind,
    ) -> AliasMove:
        before = self._alias(conn, alias)
        at = _db.stamp(_db.now())
        conn.execute(
            "INSERT INTO aliases (alias, version) VALUES (?, ?) "
            "ON CONFLICT(alias) DO UPDATE SET version = excluded.version",
            (alias, to),
        )
        cur = conn.execute(
            "INSERT INTO alias_moves (alias, from_version, to_version, actor, reason, at, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (alias, before, to, actor, reason, at, kind),
        )
        row = conn.execute("SELECT * FROM alias_moves WHERE id = ?", (cur.lastrowid,)).fetchone()
        return move_from_row(row)

    def promote(self, version: int, *, actor: str, reason: str) -> AliasMove:
        """Make ``version`` the champion; the replaced champion becomes ``previous``.

        Both aliases move in one transaction. Returns the move of ``champion``.
        """
        where = "Registry.promote"
        required("actor", actor, where=where, expected="who promotes: a user name or a service")
        with self._tx() as conn:
            self._get(conn, version)
            current = self._alias(conn, "champion")
            refuse_current(version, current, field="version", where=where)
            if current is not None:
                self._move(conn, "previous", current, actor=actor, reason=reason, kind="promote")
            return self._move(conn, "champion", version, actor=actor, reason=reason, kind="promote")

    def rollback(self, to: int | None = None, *, actor: str, reason: str) -> AliasMove:
        """Make ``to`` (default: the ``previous`` alias) the champion again, in one transaction.

        The replaced champion becomes ``previous``, so a second rollback undoes the first.
        Returns the move of ``champion``.
        """
        where = "Registry.rollback"
        required("actor", actor, where=where, expected="who rolls back: a user name or a service")
        with self._tx() as conn:
            champion, previous = self._alias(conn, "champion"), self._alias(conn, "previous")
            current, target = rollback_target(champion, previous, to, where=where)
            self._get(conn, target, "to")
            refuse_current(target, current, field="to", where=where)
            self._move(conn, "previous", current, actor=actor, reason=reason, kind="rollback")
            return self._move(conn, "champion", target, actor=actor, reason=reason, kind="rollback")

    def set_alias(self, name: str, version: int, *, actor: str, reason: str) -> AliasMove:
        """Point any other alias (``"staging"``, ``"shadow"``, ...) at ``version``.

        ``champion`` and ``previous`` move only through :meth:`promote` and :meth:`rollback`.
        """
        where = "Registry.set_alias"
        required("name", name, where=where, expected="an alias name")
        required("actor", actor, where=where, expected="who moves the alias")
        if name in _GUARDED:
            raise DriftwiseError.for_field(
                "name",
                where=where,
                found=repr(name),
                expected="an alias other than 'champion' and 'previous'",
                hint="Use promote() or rollback() to move those.",
            )
        with self._tx() as conn:
            self._get(conn, version)
            return self._move(conn, name, version, actor=actor, reason=reason, kind="set")

    def history(self, alias: str | None = None) -> list[AliasMove]:
        """Every alias move (or those of one alias), oldest first."""
        with self._tx(write=False) as conn:
            if alias is None:
                rows = conn.execute("SELECT * FROM alias_moves ORDER BY id").fetchall()
            else:
                sql = "SELECT * FROM alias_moves WHERE alias = ? ORDER BY id"
                rows = conn.execute(sql, (alias,)).fetchall()
        return [move_from_row(r) for r in rows]

    def lineage(self, version: int) -> list[ModelVersion]:
        """``version``, its parent, its parent's parent, ... up to the first model."""
        with self._tx(write=False) as conn:
            chain = [self._get(conn, version)]
            while chain[-1].parent is not None:
                chain.append(self._get(conn, chain[-1].parent, "parent"))
        return chain

    def debt(self, version: int | None = None) -> int:
        """Fine-tunes in a row behind ``version`` (default: the champion) since a fresh model.

        0 for a model that was trained, retrained or imported, and when there is no champion.
        """
        if version is None:
            champion = self.champion()
            if champion is None:
                return 0
            version = champion.version
        return fine_tune_debt(self.lineage(version))

    # -- integrity --------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems found in the registry, one sentence each; an empty list means consistent.

        Checks SQLite's own integrity and foreign keys, that every version's artifact exists
        and still has its hash, that aliases and parents point to registered versions.
        Artifact files no version refers to (left by a writer killed before it registered)
        are not problems.
        """
        problems: list[str] = []
        with self._tx(write=False) as conn:
            for (line,) in conn.execute("PRAGMA quick_check"):
                if line != "ok":
                    problems.append(f"database: {line}")
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
                problems.append(f"database: row {rowid} of {table} refers to a missing {parent}")
            known = {int(r[0]) for r in conn.execute("SELECT version FROM versions")}
            rows = conn.execute(
                "SELECT version, parent, artifact_sha256 FROM versions ORDER BY version"
            ).fetchall()
            aliases = conn.execute("SELECT alias, version FROM aliases ORDER BY alias").fetchall()
        for version, parent, sha in rows:
            if parent is not None and int(parent) not in known:
                problems.append(f"version {version}: parent {parent} is not a registered version")
            issue = self.artifacts.verify(str(sha))
            if issue is not None:
                problems.append(f"version {version}: {issue}")
        for alias, version in aliases:
            if int(version) not in known:
                problems.append(
                    f"alias {alias!r}: points to version {version}, which is not registered"
                )
        return problems
