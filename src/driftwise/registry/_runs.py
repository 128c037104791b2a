"""The run log of a registry: who is training what, how it ended, what it cost.

A run is recorded when it starts, with the process id, the host and (where ``/proc`` tells)
the process start time. If that process dies without finishing, the next time the registry is
opened :meth:`RunLog.reconcile` marks the run ``failed``. Nothing else is touched: a run never
moves an alias by itself, so a killed run leaves the champion where it was.

>>> import tempfile
>>> from driftwise.registry import Registry
>>> with tempfile.TemporaryDirectory() as tmp, Registry(tmp) as reg:
...     run = reg.start_run(action="retrain", params={"seed": 0})
...     done = reg.finish_run(run.run_id, status="rejected", energy_kwh=0.002,
...                           outcome={"gates": {"gain": False}})
...     [r.status for r in reg.cost_history()], done.outcome["gates"]
(['rejected'], {'gain': False})
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
from typing import Any

from driftwise._strict import parse_model
from driftwise.errors import DriftwiseError
from driftwise.registry import _db
from driftwise.registry._base import Connected, check_json, one_of
from driftwise.registry._process import is_alive, start_time
from driftwise.registry._rows import insert, run_from_row, to_row
from driftwise.registry.types import ACTIONS, RUN_STATUSES, Run

__all__ = ["KILLED_AFTER_PROMOTION", "KILLED_RUN_ERROR", "RunLog"]

#: The error recorded on a run whose process died before it finished.
KILLED_RUN_ERROR = (
    "the run stopped without finishing (killed or crashed); the champion was not changed"
)
#: The error recorded when the dead run's version had already been promoted.
KILLED_AFTER_PROMOTION = (
    "the run stopped without finishing (killed or crashed) after its version {version} was "
    "promoted; version {version} is the champion"
)
_FINAL = tuple(s for s in RUN_STATUSES if s != "running")


class RunLog(Connected):
    """Start, finish, list and reconcile runs (a base of :class:`Registry`)."""

    def start_run(
        self,
        *,
        action: str,
        decision_id: str | None = None,
        params: dict[str, Any] | None = None,
        windows: dict[str, Any] | None = None,
    ) -> Run:
        """Record a run as ``running`` in this process; its id is a fresh uuid4 hex."""
        where = "Registry.start_run"
        one_of("action", action, ACTIONS, where=where)
        check_json(params or {}, field="params", where=where)
        check_json(windows or {}, field="windows", where=where)
        pid = os.getpid()
        raw = {
            "run_id": uuid.uuid4().hex,
            "action": action,
            "status": "running",
            "decision_id": decision_id,
            "started_at": _db.now(),
            "pid": pid,
            "host": socket.gethostname(),
            "params": params or {},
            "windows": windows or {},
        }
        run = parse_model(Run, raw, where=where)
        with self._tx() as conn:
            insert(conn, "runs", {**to_row(run), "proc_start": start_time(pid)})
        return run

    def finish_run(
        self,
        run_id: str,
        *,
        status: str,
        version: int | None = None,
        outcome: dict[str, Any] | None = None,
        duration_s: float | None = None,
        energy_kwh: float | None = None,
        emissions_kg: float | None = None,
        measurement: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> Run:
        """Record how a running run ended; ``duration_s`` defaults to the time since it started.

        ``version`` (the version it produced, if any) must be registered.
        """
        where = "Registry.finish_run"
        one_of("status", status, _FINAL, where=where)
        check_json(outcome or {}, field="outcome", where=where)
        check_json(measurement or {}, field="measurement", where=where)
        with self._tx() as conn:
            run = self._run(conn, run_id)
            if run.finished:
                raise DriftwiseError.for_field(
                    "run_id",
                    where=where,
                    found=f"{run_id}, which already ended as {run.status!r}",
                    expected="a running run",
                )
            if version is not None:
                self._get(conn, version)
            ended = _db.now()
            update = {
                "status": status,
                "ended_at": ended,
                "version": version,
                "outcome": outcome or {},
                "duration_s": (
                    duration_s
                    if duration_s is not None
                    else (ended - run.started_at).total_seconds()
                ),
                "energy_kwh": energy_kwh,
                "emissions_kg": emissions_kg,
                "measurement": measurement or {},
                "error": error,
            }
            done = parse_model(Run, {**run.model_dump(), **update}, where=where)
            row = {k: v for k, v in to_row(done).items() if k in update}
            sets = ", ".join(f"{k} = ?" for k in row)
            conn.execute(f"UPDATE runs SET {sets} WHERE run_id = ?", (*row.values(), run_id))
        return done

    def _run(self, conn: sqlite3.Connection, run_id: str) -> Run:
        row = conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise DriftwiseError.for_field(
                "run_id", where=self._where, found=repr(run_id), expected="the id of a recorded run"
            )
        return run_from_row(row)

    def run(self, run_id: str) -> Run:
        """The run with this id."""
        with self._tx(write=False) as conn:
            return self._run(conn, run_id)

    def runs(self) -> list[Run]:
        """Every run, in the order they started."""
        with self._tx(write=False) as conn:
            rows = conn.execute("SELECT * FROM runs ORDER BY started_at, rowid").fetchall()
        return [run_from_row(r) for r in rows]

    def cost_history(self, action: str | None = None) -> list[Run]:
        """Finished runs with measured energy (of one ``action`` if given), newest last."""
        if action is not None:
            one_of("action", action, ACTIONS, where="Registry.cost_history")
        sql = "SELECT * FROM runs WHERE status != 'running' AND energy_kwh IS NOT NULL"
        args: tuple[str, ...] = ()
        if action is not None:
            sql, args = sql + " AND action = ?", (action,)
        with self._tx(write=False) as conn:
            rows = conn.execute(sql + " ORDER BY ended_at, rowid", args).fetchall()
        return [run_from_row(r) for r in rows]

    def reconcile(self) -> list[Run]:
        """Mark ``failed`` every running run of this host whose process is gone; return them.

        The error is :data:`KILLED_RUN_ERROR`, or :data:`KILLED_AFTER_PROMOTION` (with the
        run's version recorded) when the version the run registered is the champion.

        A process counts as gone when its id is unused, is a zombie, or (where ``/proc``
        tells) belongs to a process that started at another time. Runs of other hosts are left
        alone: their processes cannot be seen from here. Also removes the temporary files of
        artifact writers that died.
        """
        host = socket.gethostname()
        marked = []
        with self._tx() as conn:
            rows = conn.execute(
                "SELECT run_id, pid, proc_start FROM runs WHERE status = 'running' AND host = ?",
                (host,),
            ).fetchall()
            for run_id, pid, started in rows:
                if is_alive(int(pid), None if started is None else int(started)):
                    continue
                # Killed after promoting its version but before finishing: say so, not "unchanged".
                promoted = conn.execute(
                    "SELECT v.version FROM versions v JOIN aliases a ON a.version = v.version "
                    "WHERE a.alias = 'champion' AND v.run_id = ?",
                    (run_id,),
                ).fetchone()
                error, version = KILLED_RUN_ERROR, None
                if promoted is not None:
                    version = int(promoted[0])
                    error = KILLED_AFTER_PROMOTION.format(version=version)
                conn.execute(
                    "UPDATE runs SET status = 'failed', ended_at = ?, error = ?, version = ? "
                    "WHERE run_id = ?",
                    (_db.stamp(_db.now()), error, version, run_id),
                )
                marked.append(self._run(conn, run_id))
        self.artifacts.sweep()
        return marked
