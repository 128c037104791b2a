"""Gather the :class:`~driftwise.decide.context.ModelContext` of a check from the model registry.

:func:`gather_context` reads the champion's lineage (debt, age), the latest move of the
``champion`` alias, this month's measured training runs, and projects the cost of a fine-tune
and of a retrain from the measured runs. When the registry has a ``previous`` version and the
current data has at least :data:`MIN_PROBE_ROWS` labelled rows, both versions are loaded (their
artifacts' sha256 checked) and compared on those rows with a paired bootstrap: the evidence a
rollback needs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from driftwise.costs.estimate import estimate_cost, priced, run_costs
from driftwise.decide.context import ModelContext, MonthSpend, PreviousProbe, Promotion
from driftwise.policy.model import BudgetPolicy

__all__ = ["MIN_PROBE_ROWS", "BoundModel", "BoundPredictor", "gather_context"]

#: Fewest labelled current rows on which the previous version is compared with the champion.
MIN_PROBE_ROWS = 30
_FULL = ("initial", "retrain", "import")


class BoundModel:
    """A model with its own adapter, so that versions of different adapters can be compared."""

    def __init__(self, adapter: Any, model: Any) -> None:
        self.adapter, self.model = adapter, model


class BoundPredictor:
    """The :class:`~driftwise.act.validate.Predictor` of :class:`BoundModel` objects."""

    def __init__(self, target: str) -> None:
        self.target = target

    def predict(self, model: BoundModel, frame: pd.DataFrame) -> Any:
        return model.adapter.predict(model.model, frame)


def load_version(registry: Any, version: Any) -> BoundModel:
    """Load a registered version (hash checked) with its adapter."""
    from driftwise.act.adapters import make_adapter

    adapter = make_adapter(version.adapter, version.adapter_config)
    return BoundModel(adapter, adapter.loads(registry.get_artifact(version.artifact_sha256)))


def _age_and_debt(registry: Any, champion: Any, now: datetime) -> tuple[int, float | None]:
    debt = int(registry.debt())
    base = next((v for v in registry.lineage(champion.version) if v.action in _FULL), None)
    age = None if base is None else max((now - base.created_at).total_seconds() / 86400, 0.0)
    return debt, age


def _promotion(registry: Any, now: datetime) -> Promotion | None:
    moves = registry.history("champion")
    if not moves:
        return None
    m = moves[-1]
    return Promotion(
        version=m.to_version,
        from_version=m.from_version,
        kind=m.kind,
        actor=m.actor,
        reason=m.reason,
        at=m.at,
        days_ago=max((now - m.at).total_seconds() / 86400, 0.0),
    )


def _month(registry: Any, now: datetime) -> MonthSpend:
    runs = [
        r
        for r in registry.cost_history()
        if (r.ended_at or r.started_at).strftime("%Y-%m") == now.strftime("%Y-%m")
    ]
    return MonthSpend(
        month=now.strftime("%Y-%m"),
        runs=len(runs),
        kwh=sum(r.energy_kwh or 0.0 for r in runs),
        kg_co2e=sum(r.emissions_kg or 0.0 for r in runs),
        hours=sum(r.duration_s or 0.0 for r in runs) / 3600,
    )


def _probe(
    registry: Any,
    champion: Any,
    current: pd.DataFrame | None,
    seed: int,
    loaded: BoundModel | None = None,
) -> PreviousProbe | None:
    previous = registry.alias("previous")
    if previous is None or current is None or previous.version == champion.version:
        return None
    from driftwise.act.validate import validate

    champ = loaded or load_version(registry, champion)
    target = champ.adapter.target
    if target not in current.columns:
        return None
    rows = current[current[target].notna()]
    if len(rows) < MIN_PROBE_ROWS:
        return None
    prev = load_version(registry, previous)
    v = validate(champ, prev, rows, None, adapter=BoundPredictor(target), seed=seed)
    d = v.difference
    return PreviousProbe(
        version=previous.version,
        n_rows=v.n_recent,
        accuracy=v.challenger_recent,
        champion_accuracy=v.champion_recent,
        difference=d.value,
        low=d.low,
        high=d.high,
        level=d.level,
    )


def gather_context(
    registry: Any,
    *,
    current: pd.DataFrame | None,
    rows: dict[str, int],
    budgets: BudgetPolicy | None = None,
    seed: int = 0,
    now: datetime | None = None,
    champion_model: BoundModel | None = None,
) -> ModelContext:
    """The :class:`ModelContext` of ``registry`` for a check of ``current``.

    ``rows`` maps ``"fine_tune"`` and ``"retrain"`` to the rows each would train on (actions
    with fewer than one row get no estimate); ``budgets`` supplies the prices that turn the
    estimates into money. ``champion_model`` is the champion already loaded by the caller
    (otherwise it is loaded here when needed).
    """
    when = now or datetime.now(UTC)
    b = budgets or BudgetPolicy()
    history = run_costs(registry)
    estimates = tuple(
        priced(
            estimate_cost(history, action, n),
            price_per_kwh=b.price_per_kwh,
            price_per_compute_hour=b.price_per_compute_hour,
            pue=b.pue,
            currency=b.currency,
        )
        for action, n in rows.items()
        if n >= 1
    )
    champion = registry.champion()
    where = str(getattr(registry, "root", "") or getattr(registry, "name", ""))
    if champion is None:
        return ModelContext(registry=where, estimates=estimates, history=tuple(history))
    debt, age = _age_and_debt(registry, champion, when)
    return ModelContext(
        registry=where,
        champion_version=champion.version,
        champion_action=champion.action,
        debt=debt,
        age_days=age,
        last_promotion=_promotion(registry, when),
        previous=_probe(registry, champion, current, seed, champion_model),
        month=_month(registry, when),
        estimates=estimates,
        history=tuple(history),
    )
