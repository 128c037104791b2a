"""Model versions in MLflow, runs in the embedded registry: what the commands use with
``--mlflow URI``.

MLflow has no notion of a driftwise run (a fine-tune or retrain in progress, killed or
finished, with its measured energy), so :class:`HybridRegistry` keeps those in the embedded
registry (``--registry DIR``) and everything about versions (register, aliases, their history,
lineage, debt, artifacts with their sha256 checked) in the MLflow model registry.

>>> from driftwise.registry.hybrid import HybridRegistry
>>> sorted(HybridRegistry.RUN_VERBS)
['cost_history', 'reconcile', 'start_run']
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, ClassVar, Self

__all__ = ["HybridRegistry"]


class HybridRegistry:
    """Runs from ``runs`` (a :class:`~driftwise.registry.Registry`), the rest from ``models``
    (a :class:`~driftwise.registry.mlflow.MlflowRegistry`)."""

    RUN_VERBS: ClassVar[frozenset[str]] = frozenset({"start_run", "cost_history", "reconcile"})

    def __init__(self, runs: Any, models: Any, *, tracking_uri: str) -> None:
        self.runs_registry, self.models = runs, models
        self.root = f"{tracking_uri}#{models.name}"

    def __getattr__(self, name: str) -> Any:
        owner = self.runs_registry if name in self.RUN_VERBS else self.models
        return getattr(owner, name)

    def finish_run(self, run_id: str, *, version: int | None = None, **more: Any) -> Any:
        """Close a run; the MLflow version it produced is kept in its outcome (the embedded
        registry only knows its own versions)."""
        outcome = dict(more.pop("outcome", None) or {})
        if version is not None:
            outcome["model_version"] = version
        return self._with_version(self.runs_registry.finish_run(run_id, outcome=outcome, **more))

    def run(self, run_id: str) -> Any:
        """One run, with the MLflow version it produced."""
        return self._with_version(self.runs_registry.run(run_id))

    def runs(self) -> list[Any]:
        """Every run, with the MLflow version each produced."""
        return [self._with_version(r) for r in self.runs_registry.runs()]

    @staticmethod
    def _with_version(run: Any) -> Any:
        if run is None or run.version is not None:
            return run
        version = run.outcome.get("model_version")
        return run if version is None else run.model_copy(update={"version": int(version)})

    def close(self) -> None:
        """Close both registries."""
        self.runs_registry.close()
        self.models.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
