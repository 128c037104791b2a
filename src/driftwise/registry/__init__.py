"""The model registry: versions with lineage, ``champion``/``previous`` aliases, runs, artifacts.

Two back ends with the same verbs:

* :class:`Registry`, embedded: one SQLite file plus content-addressed artifact files in a
  folder (the default, ``.driftwise/registry``), nothing to install;
* :class:`~driftwise.registry.mlflow.MlflowRegistry`, on an MLflow tracking server or store
  (the ``mlflow`` extra, imported only when used).

Artifacts are verified against their SHA-256 every time they are read, so a model file changed
after it was registered is never loaded (:class:`TamperedArtifactError`).

>>> import tempfile
>>> from driftwise.registry import Registry
>>> with tempfile.TemporaryDirectory() as tmp, Registry(tmp) as reg:
...     v = reg.register(blob=b"\\x00model", adapter="sklearn", adapter_config={"seed": 0},
...                      action="initial", metrics={"accuracy": 0.9})
...     _ = reg.promote(v.version, actor="ana", reason="first model")
...     reg.champion().version, reg.get_artifact(v.artifact_sha256)
(1, b'\\x00model')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftwise.registry.artifacts import TamperedArtifactError
from driftwise.registry.store import KILLED_AFTER_PROMOTION, KILLED_RUN_ERROR, Registry
from driftwise.registry.types import ACTIONS, AliasMove, ModelVersion, Run, fine_tune_debt

if TYPE_CHECKING:
    from driftwise.registry.mlflow import MlflowRegistry

__all__ = [
    "ACTIONS",
    "KILLED_AFTER_PROMOTION",
    "KILLED_RUN_ERROR",
    "AliasMove",
    "MlflowRegistry",
    "ModelVersion",
    "Registry",
    "Run",
    "TamperedArtifactError",
    "fine_tune_debt",
]


def __getattr__(name: str) -> Any:
    """Import the MLflow adapter only when asked for (it is an optional extra)."""
    if name == "MlflowRegistry":
        from driftwise.registry.mlflow import MlflowRegistry

        return MlflowRegistry
    raise AttributeError(f"module 'driftwise.registry' has no attribute {name!r}")
