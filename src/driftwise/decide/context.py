"""What the model registry tells a decision: the champion's lineage, debt, age, last promotion,
how the previous version does on the current rows, and what acting would cost.

:class:`ModelContext` is filled by :func:`driftwise.act.context.gather_context` when a check is
given a registry (``driftwise check --registry DIR``) and is read by the criteria on debt, cost
and rollback. Reasons that rest on it cite these ids, which are not evidence items but parts of
the document's ``context`` section:

* ``context:debt``: ``debt`` and ``age_days``;
* ``context:previous``: ``previous`` (and ``last_promotion``);
* ``context:estimate:<action>``: the estimate for ``fine_tune`` or ``retrain``;
* ``context:month``: ``month``, what training has cost so far this calendar month.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from driftwise.costs.estimate import CostEstimate, RunCost

__all__ = ["ModelContext", "MonthSpend", "PreviousProbe", "Promotion"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Promotion(_Frozen):
    """The latest move of the ``champion`` alias."""

    version: int
    from_version: int | None = None
    kind: Literal["promote", "rollback"]
    actor: str
    reason: str
    at: datetime
    days_ago: float = Field(ge=0)


class PreviousProbe(_Frozen):
    """The ``previous`` version against the champion on the labelled current rows.

    ``difference`` is the previous version's accuracy minus the champion's, with a paired
    bootstrap interval at ``level``.
    """

    version: int
    n_rows: int = Field(ge=1)
    accuracy: float = Field(ge=0, le=1)
    champion_accuracy: float = Field(ge=0, le=1)
    difference: float
    low: float
    high: float
    level: float = Field(gt=0, lt=1)


class MonthSpend(_Frozen):
    """What the measured training runs of this calendar month (UTC) cost so far."""

    month: str  # "2026-12"
    runs: int = Field(ge=0)
    kwh: float = Field(ge=0)
    kg_co2e: float = Field(ge=0)
    hours: float = Field(ge=0)


class ModelContext(_Frozen):
    """Facts about the model in service, from the registry (see the module docstring).

    >>> ModelContext(registry="reg").debt
    0
    """

    registry: str
    champion_version: int | None = None
    champion_action: str | None = None
    debt: int = Field(0, ge=0)  # fine-tunes since the champion's last full training
    age_days: float | None = Field(None, ge=0)  # since that full training
    last_promotion: Promotion | None = None
    previous: PreviousProbe | None = None
    month: MonthSpend | None = None
    estimates: tuple[CostEstimate, ...] = ()
    history: tuple[RunCost, ...] = ()

    def estimate(self, action: str) -> CostEstimate | None:
        """The cost estimate of ``action``, if there is one."""
        return next((e for e in self.estimates if e.action == action), None)
