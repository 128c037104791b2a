"""The record of carrying out a decision: what was done, the gates, the measured cost.

An :class:`Execution` is written into the decision document (its ``execution`` field) by
``driftwise act``, so the decision and what became of it are kept together. It holds no model and
no data, only figures and plain-language reasons, and its JSON form is part of the decision's
public contract (see ``docs/decision.md``).

>>> from driftwise.act.record import Execution, GateResult
>>> e = Execution(action="fine_tune", status="rejected", text="The challenger forgets.",
...               gates=(GateResult(name="forgetting", passed=False, text="Forgets."),))
>>> e.failed_gates
('Forgets.',)
>>> Execution.model_validate_json(e.model_dump_json()) == e
True
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["EXECUTION_STATUSES", "Execution", "ExecutionStatus", "GateResult"]

ExecutionStatus = Literal[
    "promoted",  # a challenger was trained, passed every gate and is now the champion
    "rejected",  # a challenger was trained but failed a gate; the champion was kept
    "refused",  # nothing was trained: an approval is missing or a pre-check failed
    "failed",  # the run crashed; the champion was kept
    "rolled_back",  # the champion was replaced by an earlier version
    "nothing_to_do",  # the decision asks for no model change
]
EXECUTION_STATUSES: tuple[str, ...] = (
    "promoted",
    "rejected",
    "refused",
    "failed",
    "rolled_back",
    "nothing_to_do",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class GateResult(_Frozen):
    """One validation gate as recorded: its name, the verdict and why.

    >>> GateResult(name="gain", passed=True, text="Better.").passed
    True
    """

    name: str
    passed: bool
    text: str


class Execution(_Frozen):
    """What ``driftwise act`` did with a decision.

    ``version`` is the model version the run produced (kept in the registry even when rejected,
    for the record); ``champion_before`` and ``champion_after`` show whether the serving model
    changed. ``duration_s``, ``energy_kwh`` and ``emissions_kg`` are measured for the training
    only (``measurement`` says how).
    """

    action: str
    status: ExecutionStatus
    text: str
    run_id: str | None = None
    version: int | None = None
    champion_before: int | None = None
    champion_after: int | None = None
    actor: str | None = None
    approved_by: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    rows_trained: int = 0
    method: str = ""
    gates: tuple[GateResult, ...] = ()
    duration_s: float | None = None
    energy_kwh: float | None = None
    emissions_kg: float | None = None
    measurement: str = ""
    registry: str | None = None

    @property
    def failed_gates(self) -> tuple[str, ...]:
        """The explanations of the gates that failed."""
        return tuple(g.text for g in self.gates if not g.passed)
