"""Estimate what a fine-tune or retrain will cost from the measured runs before it.

A run's duration, energy and emissions grow with the rows it trains on, on top of a fixed cost
(loading, preparing, the tracker itself). :func:`estimate_cost` projects each figure for a
planned number of rows from the latest ``max_runs`` measured runs of the same action:

* **fit** (at least three runs, at least two different sizes): ``figure = a + b * rows`` by
  least squares with ``a, b >= 0`` (a fixed cost and a cost per row cannot be negative;
  :func:`scipy.optimize.nnls`). It carries the fixed cost over correctly, which a per-row
  figure does not: with a 2-second start-up and 1 ms per row, a run of 1,000 rows costs 3 ms
  per row, and the per-row figure would put a 100,000-row run at 300 s instead of 102 s.
* **per row** (one or two runs, or all of one size): the median over runs of
  ``figure / rows``, times the planned rows.

``low`` and ``high`` are the range the past runs imply: the estimate scaled by the smallest
and largest ratio of a run's measured figure to the model's figure at that run's size. It is not
a confidence interval; with a single run there is none (``None``). Energy and emissions use
only the runs where they were measured.

With no measured run of the action, the runs of the other action (``fine_tune`` for
``retrain`` and back) are used at the same cost per row (ratio ``OTHER_ACTION_RATIO`` = 1): both
pass each training row through the same model a comparable number of times (a fine-tune makes
a few passes over the new rows plus a replay sample; a retrain makes passes, usually stopped
early, over its rows). The ``basis`` says when an estimate is borrowed. With no run at all the
figures are ``None`` and the basis is "no measured runs yet".

>>> from datetime import datetime, timezone
>>> at = datetime(2025, 1, 1, tzinfo=timezone.utc)
>>> runs = [RunCost(action="retrain", rows=r, duration_s=2 + r / 1000, energy_kwh=None,
...                 emissions_kg=None, at=at) for r in (1000, 2000, 4000)]
>>> e = estimate_cost(runs, "retrain", 10_000)
>>> round(e.duration_s, 3), e.n_runs, e.energy_kwh
(12.0, 3, None)
>>> print(e.basis)
fitted to 3 measured retrain runs of 1000 to 4000 rows: 2 s + 0.001 s per row
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from driftwise.errors import DriftwiseError

__all__ = [
    "OTHER_ACTION_RATIO",
    "CostEstimate",
    "RunCost",
    "estimate_cost",
    "estimate_from_probe",
    "priced",
    "run_costs",
]

OTHER_ACTION_RATIO = 1.0
FloatArray = NDArray[np.float64]
_OTHER = {"fine_tune": "retrain", "retrain": "fine_tune"}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class RunCost(_Frozen):
    """One measured training run: what it did, on how many rows, and what it cost.

    >>> from datetime import datetime, timezone
    >>> RunCost(action="fine_tune", rows=500, duration_s=1.2, energy_kwh=3e-6,
    ...         emissions_kg=1e-6, at=datetime(2025, 1, 1, tzinfo=timezone.utc)).rows
    500
    """

    action: str
    rows: int = Field(ge=1)
    duration_s: float = Field(ge=0)
    energy_kwh: float | None = Field(default=None, ge=0)
    emissions_kg: float | None = Field(default=None, ge=0)
    at: datetime


class CostEstimate(_Frozen):
    """The projected cost of a planned run, the range past runs imply, and how it was made.

    >>> CostEstimate(action="retrain", rows=10, basis="no measured runs yet", n_runs=0).energy_kwh
    """

    action: str
    rows: int
    duration_s: float | None = None
    duration_low_s: float | None = None
    duration_high_s: float | None = None
    energy_kwh: float | None = None
    energy_low_kwh: float | None = None
    energy_high_kwh: float | None = None
    emissions_kg: float | None = None
    emissions_low_kg: float | None = None
    emissions_high_kg: float | None = None
    basis: str
    n_runs: int  # runs the estimate is made from
    money: float | None = None  # energy x PUE x price per kWh + hours x price per compute hour
    money_low: float | None = None
    money_high: float | None = None
    currency: str | None = None


def estimate_cost(
    history: Sequence[RunCost], action: str, rows: int, *, max_runs: int = 20
) -> CostEstimate:
    """Project duration, energy and emissions of ``action`` on ``rows`` training rows.

    Parameters
    ----------
    history : sequence of RunCost
        Measured runs, any actions, any order.
    action : str
        The planned action (runs of the same action are used; see the module docstring).
    rows : int
        Rows the planned run trains on.
    max_runs : int
        Only the latest runs (by ``at``) are used: hardware and software change.

    >>> from datetime import datetime, timezone
    >>> at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    >>> past = [RunCost(action="fine_tune", rows=400, duration_s=0.8, energy_kwh=4e-6,
    ...                 emissions_kg=1.5e-6, at=at)]
    >>> e = estimate_cost(past, "retrain", 2000)
    >>> round(e.duration_s, 3), round(e.energy_kwh * 1e6, 3), e.duration_low_s
    (4.0, 20.0, None)
    >>> print(e.basis)
    no measured retrain runs; borrowed from 1 fine_tune run at the same cost per row: 0.002 s
    per row (median of 1 run)
    """
    for name, given in (("rows", rows), ("max_runs", max_runs)):
        if given < 1:
            raise DriftwiseError.for_field(
                name, where="estimate_cost", found=str(given), expected="an integer >= 1"
            )
    basis_action = action
    runs = _latest(history, action, max_runs)
    borrowed = ""
    if not runs and action in _OTHER:
        basis_action = _OTHER[action]
        runs = _latest(history, basis_action, max_runs)
        borrowed = (
            f"no measured {action} runs; borrowed from {_count(len(runs), basis_action)} "
            "at the same cost per row: "
        )
    if not runs:
        return CostEstimate(action=action, rows=rows, basis="no measured runs yet", n_runs=0)
    scale = OTHER_ACTION_RATIO if borrowed else 1.0
    out: dict[str, float | None] = {}
    basis = ""
    for key, unit in (("duration", "s"), ("energy", "kWh"), ("emissions", "kg")):
        pairs = [(r.rows, _figure(r, key)) for r in runs]
        known = [(n, v) for n, v in pairs if v is not None]
        if not known:
            continue
        n = np.array([p[0] for p in known], dtype=np.float64)
        y = np.array([p[1] for p in known], dtype=np.float64) * scale
        fixed, per_row, how = _model(n, y)
        value = fixed + per_row * rows
        fitted = fixed + per_row * n
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(fitted > 0, y / np.where(fitted > 0, fitted, 1), 1.0)
        suffix = {"duration": "_s", "energy": "_kwh", "emissions": "_kg"}[key]
        out[f"{key}{suffix}"] = float(value)
        if len(known) >= 2:
            out[f"{key}_low{suffix}"] = float(value * ratio.min())
            out[f"{key}_high{suffix}"] = float(value * ratio.max())
        if key == "duration":
            basis = _words(how, fixed, per_row, unit, len(known), basis_action, n)
        elif key == "energy" and len(known) < len(runs):
            basis += f" (energy and emissions measured in {len(known)} of the {len(runs)} runs)"
    return CostEstimate(action=action, rows=rows, basis=borrowed + basis, n_runs=len(runs), **out)


def _latest(history: Sequence[RunCost], action: str, max_runs: int) -> list[RunCost]:
    same = sorted((r for r in history if r.action == action), key=lambda r: r.at)
    return same[-max_runs:]


def _figure(run: RunCost, key: str) -> float | None:
    return {"duration": run.duration_s, "energy": run.energy_kwh, "emissions": run.emissions_kg}[
        key
    ]


def _model(n: FloatArray, y: FloatArray) -> tuple[float, float, str]:
    """(fixed cost, cost per row, "fit" or "per row") for figures ``y`` at sizes ``n``."""
    if len(n) >= 3 and np.unique(n).size >= 2:
        from scipy.optimize import nnls

        top = float(n.max())  # scale the rows column so both columns are of order 1
        design = np.column_stack([np.ones_like(n), n / top])
        (fixed, slope), _ = nnls(design, y)
        return float(fixed), float(slope) / top, "fit"
    return 0.0, float(np.median(y / n)), "per row"


def _count(k: int, action: str) -> str:
    return f"{k} {action} run" + ("" if k == 1 else "s")


def _words(
    how: str, fixed: float, per_row: float, unit: str, k: int, action: str, n: FloatArray
) -> str:
    if how == "fit":
        return (
            f"fitted to {k} measured {action} runs of {int(n.min())} to {int(n.max())} rows: "
            f"{fixed:.3g} {unit} + {per_row:.3g} {unit} per row"
        )
    return f"{per_row:.3g} {unit} per row (median of {k} run{'' if k == 1 else 's'})"


def run_costs(registry: Any) -> list[RunCost]:
    """The measured runs of ``registry`` (finished, with energy), as :class:`RunCost`, oldest first.

    The rows a run trained on are those its parameters recorded (``params["rows"]``); runs
    without them are skipped. The first training of a model (``initial``) is a full training
    from scratch and counts as a ``retrain``.
    """
    out = []
    for run in registry.cost_history():
        rows = run.params.get("rows")
        if not isinstance(rows, int) or rows < 1 or run.duration_s is None:
            continue
        out.append(
            RunCost(
                action="retrain" if run.action == "initial" else run.action,
                rows=rows,
                duration_s=run.duration_s,
                energy_kwh=run.energy_kwh,
                emissions_kg=run.emissions_kg,
                at=run.ended_at or run.started_at,
            )
        )
    return out


def priced(
    estimate: CostEstimate,
    *,
    price_per_kwh: float,
    price_per_compute_hour: float = 0.0,
    pue: float = 1.0,
    currency: str = "USD",
) -> CostEstimate:
    """``estimate`` with its money figures: energy x PUE x price per kWh, plus hours x price
    per compute hour (each end of the range from the same end of energy and duration).

    >>> e = CostEstimate(action="retrain", rows=10, duration_s=3600.0, energy_kwh=2.0,
    ...                  basis="b", n_runs=1)
    >>> priced(e, price_per_kwh=0.2, price_per_compute_hour=1.0, pue=1.5).money
    1.6
    >>> priced(CostEstimate(action="retrain", rows=1, basis="none", n_runs=0),
    ...        price_per_kwh=0.2).money is None
    True
    """

    def money(kwh: float | None, seconds: float | None) -> float | None:
        if kwh is None and seconds is None:
            return None
        return round(
            (kwh or 0.0) * pue * price_per_kwh + (seconds or 0.0) / 3600 * price_per_compute_hour,
            12,
        )

    return estimate.model_copy(
        update={
            "money": money(estimate.energy_kwh, estimate.duration_s),
            "money_low": money(estimate.energy_low_kwh, estimate.duration_low_s),
            "money_high": money(estimate.energy_high_kwh, estimate.duration_high_s),
            "currency": currency,
        }
    )


#: How far the scaled figure of an estimate made from a probe may be off, each way.
PROBE_RANGE = (0.5, 2.0)


def estimate_from_probe(
    action: str,
    rows: int,
    *,
    probe_rows: int,
    probe_seconds: float,
    watts: float,
    g_per_kwh: float,
    intensity_source: str,
) -> CostEstimate:
    """A cost estimate for a model with no measured runs: the probe's training time scaled by
    rows, at the policy's power draw and the grid's intensity; the range is half to twice it.

    >>> e = estimate_from_probe("retrain", 10_000, probe_rows=1_000, probe_seconds=2.0,
    ...                         watts=50.0, g_per_kwh=400.0, intensity_source="test")
    >>> e.duration_s, e.duration_high_s, round(e.energy_kwh * 1e6, 1)
    (20.0, 40.0, 277.8)
    >>> round(e.emissions_kg * 1e6, 2)
    111.11
    """
    low, high = PROBE_RANGE
    duration = probe_seconds * rows / max(probe_rows, 1)
    energy = duration / 3600 * watts / 1000
    emissions = energy * g_per_kwh / 1000
    return CostEstimate(
        action=action,
        rows=rows,
        duration_s=duration,
        duration_low_s=duration * low,
        duration_high_s=duration * high,
        energy_kwh=energy,
        energy_low_kwh=energy * low,
        energy_high_kwh=energy * high,
        emissions_kg=emissions,
        emissions_low_kg=emissions * low,
        emissions_high_kg=emissions * high,
        basis=(
            f"no measured runs: a probe trained on {probe_rows} rows in {probe_seconds:.3g} s, "
            f"scaled by rows, at {watts:g} W (policy runs.power_watts) and {intensity_source}"
        ),
        n_runs=0,
    )
