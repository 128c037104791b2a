"""The registry on MLflow: versions of an MLflow registered model, with MLflow aliases.

:class:`MlflowRegistry` has the verbs of the embedded :class:`~driftwise.registry.Registry`
(``register``, ``version``, ``versions``, ``alias``, ``champion``, ``promote``, ``rollback``,
``history``, ``lineage``, ``debt``, ``get_artifact``, ``check``) and returns the same types.
Runs (``start_run``, ...) stay in the embedded registry.

How driftwise's records map onto MLflow:

* ``register`` logs the artifact (the adapter's bytes) as the file ``driftwise/<sha256>`` of a
  new MLflow run in the experiment ``experiment``, with the adapter, action and parent as run
  params and the metrics (and energy, emissions, duration) as run metrics; then it creates a
  version of the registered model ``name`` whose source is that folder. Every field of
  :class:`~driftwise.registry.types.ModelVersion` is a model-version tag ``driftwise.<field>``
  (``driftwise.sha256`` for the hash; mappings as JSON).
* ``champion`` and ``previous`` are MLflow registered-model aliases.
* The alias history is kept in registered-model tags, one per move:
  ``driftwise.alias_move.00000001`` = the move as JSON. One tag per move keeps each value small
  however long the history grows.
* ``get_artifact`` downloads the file and checks its SHA-256 against ``driftwise.sha256``.

MLflow has no transactions: ``promote`` moves ``previous``, then ``champion``, then records the
moves, as separate calls. A process killed in between can leave ``previous`` moved without
``champion``; the embedded registry does not have this gap. MLflow is imported only when an
:class:`MlflowRegistry` is made (the ``mlflow`` extra), and its usage telemetry is switched off
unless ``MLFLOW_DISABLE_TELEMETRY`` is already set: driftwise makes no network calls of its own.

Typical use (the tests run this against a real local MLflow store)::

    reg = MlflowRegistry("sqlite:///mlflow.db", "churn", artifact_location=Path("art").as_uri())
    v = reg.register(blob=adapter.dumps(model), adapter="sklearn", adapter_config={...},
                     action="initial")
    reg.promote(v.version, actor="ana", reason="first model")
    model = adapter.loads(reg.get_artifact(reg.champion().artifact_sha256))

>>> from driftwise.registry.mlflow import MlflowRegistry
>>> MlflowRegistry("sqlite:///mlflow.db", "")  # checked before MLflow is imported
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: MlflowRegistry: field 'name': found an empty text; expected the
name of a registered model.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from driftwise._strict import parse_model
from driftwise.errors import DriftwiseError
from driftwise.registry import _db
from driftwise.registry._base import (
    draft_version,
    refuse_current,
    required,
    rollback_target,
)
from driftwise.registry._mlflow_tags import FOLDER, MOVE, TAG, fields_of, tags_of
from driftwise.registry.artifacts import check_sha, verify_bytes
from driftwise.registry.types import AliasMove, ModelVersion, MoveKind, fine_tune_debt

__all__ = ["MlflowRegistry"]

_MISSING = "RESOURCE_DOES_NOT_EXIST"


class MlflowRegistry:
    """Model versions, aliases and alias history kept in an MLflow model registry.

    Parameters
    ----------
    tracking_uri : str
        Where MLflow keeps runs and the registry, such as ``"sqlite:///mlflow.db"`` or an
        ``http(s)://`` tracking server.
    name : str
        The registered model (created when missing).
    experiment : str
        The MLflow experiment that receives the runs logging the artifacts (created when
        missing, with ``artifact_location``).
    artifact_location : str or None
        Where a new experiment stores artifacts (a URI, such as ``Path(...).as_uri()``);
        ``None`` lets MLflow choose.

    >>> MlflowRegistry("sqlite:///x.db", "it's")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: MlflowRegistry: field 'name': found "it's"; ...
    """

    def __init__(
        self,
        tracking_uri: str,
        name: str,
        *,
        experiment: str = "driftwise",
        artifact_location: str | None = None,
    ) -> None:
        where = "MlflowRegistry"
        required("name", name, where=where, expected="the name of a registered model")
        if not re.fullmatch(r"[\w .\-/]+", name):
            raise DriftwiseError.for_field(
                "name",
                where=where,
                found=repr(name),
                expected="letters, digits, spaces and . _ - / only",
            )
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient

        self.name = name
        self.experiment = experiment
        self.artifact_location = artifact_location
        self._where = f"MLflow model {name!r}"
        self._client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
        try:
            self._client.get_registered_model(name)
        except MlflowException as exc:
            if exc.error_code != _MISSING:
                raise
            self._client.create_registered_model(
                name, description="Model versions registered by driftwise."
            )

    @property
    def client(self) -> Any:
        """The ``mlflow.tracking.MlflowClient`` in use (for what driftwise does not wrap)."""
        return self._client

    def close(self) -> None:
        """Nothing to release (MLflow manages its own connections); kept for symmetry."""

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
        return f"MlflowRegistry(name={self.name!r})"

    # -- reading ----------------------------------------------------------------------------------

    def _experiment_id(self) -> str:
        found = self._client.get_experiment_by_name(self.experiment)
        if found is not None:
            return str(found.experiment_id)
        return str(
            self._client.create_experiment(
                self.experiment, artifact_location=self.artifact_location
            )
        )

    def _search(self, extra: str = "") -> list[Any]:
        query = f"name='{self.name}'" + extra
        found: list[Any] = []
        token = None
        while True:
            page = self._client.search_model_versions(query, page_token=token)
            found.extend(page)
            token = page.token
            if not token:
                return found

    def _aliases(self) -> dict[str, int]:
        aliases = self._client.get_registered_model(self.name).aliases or {}
        return {str(k): int(v) for k, v in aliases.items()}

    def _model_version(self, mv: Any, aliases: dict[str, int]) -> ModelVersion:
        # Aliases come from the registered model: search results do not carry them.
        number = int(mv.version)
        tags = {str(k): str(v) for k, v in (mv.tags or {}).items()}
        names = tuple(sorted(a for a, v in aliases.items() if v == number))
        raw = {**fields_of(tags), "version": number, "aliases": names}
        return parse_model(ModelVersion, raw, where=f"{self._where} version {number}")

    def _ours(self, mv: Any) -> bool:
        return TAG + "sha256" in (mv.tags or {})

    def versions(self) -> list[ModelVersion]:
        """Every version registered through driftwise, oldest first."""
        aliases = self._aliases()
        found = [self._model_version(mv, aliases) for mv in self._search() if self._ours(mv)]
        return sorted(found, key=lambda v: v.version)

    def version(self, v: int) -> ModelVersion:
        """Version ``v``; unknown versions (or ones not made by driftwise) raise."""
        from mlflow.exceptions import MlflowException

        try:
            mv = self._client.get_model_version(self.name, str(v))
        except MlflowException as exc:
            if exc.error_code not in (_MISSING, "INVALID_PARAMETER_VALUE"):
                raise
            mv = None
        if mv is None or not self._ours(mv):
            known = [str(x.version) for x in self.versions()]
            raise DriftwiseError.for_field(
                "version",
                where=self._where,
                found=str(v),
                expected=(
                    "one of the versions registered by driftwise: " + ", ".join(known)
                    if known
                    else "a version registered by driftwise (there are none yet)"
                ),
            )
        return self._model_version(mv, self._aliases())

    def _alias_version(self, name: str) -> int | None:
        return self._aliases().get(name)

    def alias(self, name: str) -> ModelVersion | None:
        """The version the alias ``name`` points to, or ``None`` when it is not set."""
        version = self._alias_version(name)
        return None if version is None else self.version(version)

    def champion(self) -> ModelVersion | None:
        """The version serving now (alias ``champion``), or ``None`` before any promotion."""
        return self.alias("champion")

    def history(self, alias: str | None = None) -> list[AliasMove]:
        """Every alias move recorded by driftwise (or those of one alias), oldest first."""
        tags = self._client.get_registered_model(self.name).tags or {}
        moves = [
            AliasMove.model_validate_json(str(text))
            for key, text in tags.items()
            if str(key).startswith(MOVE)
        ]
        return sorted((m for m in moves if alias in (None, m.alias)), key=lambda m: m.id)

    def lineage(self, version: int) -> list[ModelVersion]:
        """``version``, its parent, its parent's parent, ... up to the first model."""
        chain = [self.version(version)]
        while chain[-1].parent is not None:
            chain.append(self.version(chain[-1].parent))
        return chain

    def debt(self, version: int | None = None) -> int:
        """Consecutive fine-tunes behind ``version`` (default: the champion); 0 without one."""
        if version is None:
            champion = self._alias_version("champion")
            if champion is None:
                return 0
            version = champion
        return fine_tune_debt(self.lineage(version))

    def get_artifact(self, sha256: str) -> bytes:
        """Download the artifact with this hash and verify it (``TamperedArtifactError``)."""
        check_sha(sha256, where=f"{self._where}: get_artifact")
        matches = self._search(f" and tag.`{TAG}sha256` = '{sha256}'")
        if not matches:
            raise DriftwiseError.for_field(
                "sha256",
                where=self._where,
                found=f"no version with artifact {sha256}",
                expected="the hash of a registered version's artifact",
            )
        mv = matches[0]
        with tempfile.TemporaryDirectory() as tmp:
            local = self._client.download_artifacts(mv.run_id, f"{FOLDER}/{sha256}", dst_path=tmp)
            blob = Path(local).read_bytes()
        return verify_bytes(blob, sha256, where=f"{mv.source}/{sha256}")

    def check(self) -> list[str]:
        """Problems found (artifacts missing or changed, dangling parents); empty = consistent."""
        problems: list[str] = []
        versions = self.versions()
        known = {v.version for v in versions}
        for v in versions:
            if v.parent is not None and v.parent not in known:
                problems.append(f"version {v.version}: parent {v.parent} is not a version")
            try:
                self.get_artifact(v.artifact_sha256)
            except Exception as exc:  # every failure is a problem to report
                problems.append(f"version {v.version}: {exc}")
        for alias, target in self._aliases().items():
            if target not in known:
                problems.append(f"alias {alias!r}: points to version {target}, not driftwise's")
        return problems

    # -- writing ----------------------------------------------------------------------------------

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
        """Log the artifact in an MLflow run and create a model version that records it."""
        where = "MlflowRegistry.register"
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
        if parent is not None:
            self.version(parent)
        mlflow_run = self._log_run(draft, blob)
        mv = self._client.create_model_version(
            self.name,
            source=f"{mlflow_run.info.artifact_uri}/{FOLDER}",
            run_id=mlflow_run.info.run_id,
            tags=tags_of(draft),
        )
        made: ModelVersion = draft.model_copy(update={"version": int(mv.version)})
        return made

    def _log_run(self, draft: ModelVersion, blob: bytes) -> Any:
        from mlflow.entities import Metric, Param

        run = self._client.create_run(
            self._experiment_id(), tags={TAG + "action": draft.action}, run_name=draft.action
        )
        run_id = run.info.run_id
        try:
            stamp = int(draft.created_at.timestamp() * 1000)
            values = {
                **draft.metrics,
                **{
                    k: v
                    for k, v in (
                        ("energy_kwh", draft.energy_kwh),
                        ("emissions_kg", draft.emissions_kg),
                        ("duration_s", draft.duration_s),
                    )
                    if v is not None
                },
            }
            params = {"adapter": draft.adapter, "action": draft.action}
            if draft.parent is not None:
                params["parent"] = str(draft.parent)
            params.update({f"config.{k}": _db.dumps(v) for k, v in draft.adapter_config.items()})
            self._client.log_batch(
                run_id,
                metrics=[Metric(k, float(v), stamp, 0) for k, v in values.items()],
                params=[Param(k, v) for k, v in params.items()],
            )
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / draft.artifact_sha256
                path.write_bytes(blob)
                self._client.log_artifact(run_id, str(path), artifact_path=FOLDER)
        except BaseException:
            self._client.set_terminated(run_id, status="FAILED")
            raise
        self._client.set_terminated(run_id)
        return run

    def _move(self, alias: str, to: int, actor: str, reason: str, kind: MoveKind) -> AliasMove:
        before = self._alias_version(alias)
        self._client.set_registered_model_alias(self.name, alias, str(to))
        ids = [m.id for m in self.history()]
        move = AliasMove(
            id=max(ids, default=0) + 1,
            alias=alias,
            from_version=before,
            to_version=to,
            actor=actor,
            reason=reason,
            at=_db.now(),
            kind=kind,
        )
        key = f"{MOVE}{move.id:08d}"
        self._client.set_registered_model_tag(self.name, key, move.model_dump_json())
        return move

    def promote(self, version: int, *, actor: str, reason: str) -> AliasMove:
        """Make ``version`` the champion; the replaced champion becomes ``previous``."""
        where = "MlflowRegistry.promote"
        required("actor", actor, where=where, expected="who promotes: a user name or a service")
        self.version(version)
        current = self._alias_version("champion")
        refuse_current(version, current, field="version", where=where)
        if current is not None:
            self._move("previous", current, actor, reason, "promote")
        return self._move("champion", version, actor, reason, "promote")

    def rollback(self, to: int | None = None, *, actor: str, reason: str) -> AliasMove:
        """Make ``to`` (default: ``previous``) the champion; the replaced one becomes previous."""
        where = "MlflowRegistry.rollback"
        required("actor", actor, where=where, expected="who rolls back: a user name or a service")
        champion, previous = self._alias_version("champion"), self._alias_version("previous")
        current, target = rollback_target(champion, previous, to, where=where)
        self.version(target)
        refuse_current(target, current, field="to", where=where)
        self._move("previous", current, actor, reason, "rollback")
        return self._move("champion", target, actor, reason, "rollback")
