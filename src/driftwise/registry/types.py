"""The registry's records: model versions, alias moves and training runs.

Each is a frozen pydantic model with a stable JSON form, read back to the same value.

>>> from datetime import datetime, timezone
>>> from driftwise.registry.types import ModelVersion, fine_tune_debt
>>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> base = ModelVersion(version=1, action="initial", adapter="sklearn", artifact_sha256="ab" * 32,
...                     artifact_bytes=10, created_at=at)
>>> tuned = base.model_copy(update={"version": 2, "parent": 1, "action": "fine_tune"})
>>> ModelVersion.model_validate_json(tuned.model_dump_json()) == tuned
True
>>> fine_tune_debt([tuned, base])
1
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ACTIONS",
    "RUN_STATUSES",
    "Action",
    "AliasMove",
    "ModelVersion",
    "MoveKind",
    "Run",
    "RunStatus",
    "fine_tune_debt",
]

Action = Literal["initial", "fine_tune", "retrain", "import"]
RunStatus = Literal["running", "succeeded", "rejected", "failed"]
MoveKind = Literal["promote", "rollback", "set"]

#: How a version came to be, in the order they usually happen.
ACTIONS: tuple[Action, ...] = ("initial", "fine_tune", "retrain", "import")
#: The states of a run; every status but ``running`` is final.
RUN_STATUSES: tuple[RunStatus, ...] = ("running", "succeeded", "rejected", "failed")


class _Frozen(BaseModel):
    # Non-finite numbers have no JSON form: refuse them where they are made.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class ModelVersion(_Frozen):
    """One registered model: its artifact's hash, where it came from and what it cost.

    ``version`` is assigned by the registry (1, 2, 3, ...). ``parent`` is the version it was
    fine-tuned or retrained from (``None`` for an initial or imported model). ``aliases`` is
    filled when the version is read (``("champion",)``, ``("previous",)`` or empty).

    >>> from datetime import datetime, timezone
    >>> v = ModelVersion(version=3, parent=2, action="fine_tune", adapter="sklearn",
    ...                  artifact_sha256="0" * 64, artifact_bytes=1,
    ...                  created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    ...                  metrics={"accuracy": 0.91}, aliases=("champion",))
    >>> v.is_champion, v.metrics["accuracy"]
    (True, 0.91)
    """

    version: int = Field(ge=1)
    parent: int | None = None
    action: Action
    adapter: str
    adapter_config: dict[str, Any] = Field(default_factory=dict)
    artifact_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    artifact_bytes: int = Field(ge=0)
    created_at: datetime
    windows: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict)
    energy_kwh: float | None = Field(default=None, ge=0)
    emissions_kg: float | None = Field(default=None, ge=0)
    duration_s: float | None = Field(default=None, ge=0)
    run_id: str | None = None
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def is_champion(self) -> bool:
        """Whether the ``champion`` alias points to this version."""
        return "champion" in self.aliases


class AliasMove(_Frozen):
    """One change of an alias: which version it left, which it reached, who did it and why.

    ``from_version`` is ``None`` the first time the alias is set.

    >>> from datetime import datetime, timezone
    >>> m = AliasMove(id=1, alias="champion", from_version=None, to_version=1, actor="ana",
    ...               reason="first model", at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    ...               kind="promote")
    >>> m.kind, m.to_version
    ('promote', 1)
    """

    id: int = Field(ge=1)
    alias: str
    from_version: int | None
    to_version: int
    actor: str
    reason: str
    at: datetime
    kind: MoveKind


class Run(_Frozen):
    """One attempt to produce a model version (a fine-tune, a retrain, ...) and its outcome.

    A run starts as ``running`` with the process id and host that carry it out; it ends as
    ``succeeded`` (a version was produced and accepted), ``rejected`` (the validation gates
    refused the challenger) or ``failed`` (an error, or the process died).
    ``measurement`` says how energy was measured (tool, version, country, ...).

    >>> from datetime import datetime, timezone
    >>> r = Run(run_id="a" * 32, action="retrain", status="running",
    ...         started_at=datetime(2026, 1, 1, tzinfo=timezone.utc), pid=42, host="box")
    >>> r.finished
    False
    """

    run_id: str
    action: Action
    status: RunStatus
    decision_id: str | None = None
    started_at: datetime
    ended_at: datetime | None = None
    pid: int
    host: str
    params: dict[str, Any] = Field(default_factory=dict)
    windows: dict[str, Any] = Field(default_factory=dict)
    duration_s: float | None = Field(default=None, ge=0)
    energy_kwh: float | None = Field(default=None, ge=0)
    emissions_kg: float | None = Field(default=None, ge=0)
    measurement: dict[str, Any] = Field(default_factory=dict)
    version: int | None = None
    outcome: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the run has reached a final status."""
        return self.status != "running"


def fine_tune_debt(lineage: Sequence[ModelVersion]) -> int:
    """Consecutive fine-tunes at the head of ``lineage`` (a version, its parent, ... the root).

    Counting stops at the first ``initial``, ``retrain`` or ``import``: those start afresh.

    >>> from datetime import datetime, timezone
    >>> def v(n, action):
    ...     return ModelVersion(version=n, action=action, adapter="x", artifact_sha256="0" * 64,
    ...                         artifact_bytes=0, created_at=datetime(2026, 1, 1,
    ...                         tzinfo=timezone.utc))
    >>> fine_tune_debt([v(4, "fine_tune"), v(3, "fine_tune"), v(2, "retrain"), v(1, "fine_tune")])
    2
    >>> fine_tune_debt([])
    0
    """
    debt = 0
    for version in lineage:
        if version.action != "fine_tune":
            break
        debt += 1
    return debt
