"""Cost estimates from measured runs: golden numbers for the fit, the per-row median, borrowing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from driftwise.costs.estimate import CostEstimate, RunCost, estimate_cost
from driftwise.errors import DriftwiseError

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def run(
    action: str,
    rows: int,
    duration: float,
    energy: float | None = None,
    emissions: float | None = None,
    day: int = 0,
) -> RunCost:
    return RunCost(
        action=action,
        rows=rows,
        duration_s=duration,
        energy_kwh=energy,
        emissions_kg=emissions,
        at=T0 + timedelta(days=day),
    )


def test_an_exact_linear_history_is_recovered() -> None:
    history = [
        run("retrain", r, 2 + 0.001 * r, 1e-4 + 2e-8 * r, 0.4 * (1e-4 + 2e-8 * r), day=i)
        for i, r in enumerate((1000, 2000, 4000))
    ]
    e = estimate_cost(history, "retrain", 10_000)
    assert e.duration_s == pytest.approx(12.0, rel=1e-9)
    assert e.energy_kwh == pytest.approx(3e-4, rel=1e-9)
    assert e.emissions_kg == pytest.approx(1.2e-4, rel=1e-9)
    assert (e.duration_low_s, e.duration_high_s) == pytest.approx((12.0, 12.0), rel=1e-9)
    assert e.n_runs == 3
    assert e.basis == (
        "fitted to 3 measured retrain runs of 1000 to 4000 rows: 2 s + 0.001 s per row"
    )
    assert CostEstimate.model_validate_json(e.model_dump_json()) == e


def test_a_noisy_history_matches_ordinary_least_squares_and_its_spread() -> None:
    rows = np.array([1000, 2000, 4000, 8000])
    secs = np.array([3.1, 3.9, 6.2, 10.1])
    history = [
        run("fine_tune", int(r), float(s), day=i)
        for i, (r, s) in enumerate(zip(rows, secs, strict=True))
    ]
    slope, intercept = np.polyfit(rows, secs, 1)  # both positive: the constraint is idle
    assert slope > 0 and intercept > 0
    e = estimate_cost(history, "fine_tune", 5000)
    expected = intercept + slope * 5000
    assert e.duration_s == pytest.approx(expected, rel=1e-9)
    ratios = secs / (intercept + slope * rows)
    assert e.duration_low_s == pytest.approx(expected * ratios.min(), rel=1e-9)
    assert e.duration_high_s == pytest.approx(expected * ratios.max(), rel=1e-9)
    assert e.energy_kwh is None and e.energy_low_kwh is None


def test_a_negative_fixed_cost_is_clamped_to_zero() -> None:
    # Ordinary least squares: -1.0 s + 0.0015 s per row. The constrained fit is a line through
    # the origin, slope sum(n*y) / sum(n^2) = 15000 / 14e6.
    history = [
        run("retrain", r, s, day=i)
        for i, (r, s) in enumerate([(1000, 0.5), (2000, 2.0), (3000, 3.5)])
    ]
    e = estimate_cost(history, "retrain", 4000)
    assert e.duration_s == pytest.approx(4000 * 15000 / 14e6, rel=1e-9)
    assert e.basis.endswith(": 0 s + 0.00107 s per row")


def test_one_or_two_runs_or_one_size_use_the_median_cost_per_row() -> None:
    two = [run("retrain", 1000, 2.0, 1e-5, day=0), run("retrain", 3000, 3.0, 3e-5, day=1)]
    e = estimate_cost(two, "retrain", 2000)
    # Per row: 0.002 and 0.001 s, median 0.0015 s; the runs are 4/3 and 2/3 of that model.
    assert e.duration_s == pytest.approx(3.0)
    assert (e.duration_low_s, e.duration_high_s) == pytest.approx((2.0, 4.0))
    assert e.energy_kwh == pytest.approx(2e-5)
    assert e.basis == "0.0015 s per row (median of 2 runs)"
    same = [run("retrain", 500, s, day=i) for i, s in enumerate([1.0, 1.5, 4.0])]
    e = estimate_cost(same, "retrain", 1000)
    assert e.duration_s == pytest.approx(3.0)
    assert (e.duration_low_s, e.duration_high_s) == pytest.approx((2.0, 8.0))
    one = estimate_cost([run("retrain", 100, 1.0)], "retrain", 300)
    assert one.duration_s == pytest.approx(3.0)
    assert one.duration_low_s is None and one.duration_high_s is None


def test_the_other_action_is_borrowed_at_the_same_cost_per_row() -> None:
    history = [run("retrain", 1000, 2.0, 4e-5, 1.5e-5)]
    e = estimate_cost(history, "fine_tune", 250)
    assert (e.duration_s, e.n_runs) == (pytest.approx(0.5), 1)
    assert e.energy_kwh == pytest.approx(1e-5) and e.emissions_kg == pytest.approx(3.75e-6)
    assert e.basis == (
        "no measured fine_tune runs; borrowed from 1 retrain run at the same cost per row: "
        "0.002 s per row (median of 1 run)"
    )
    # Runs of the action itself win over the other action's.
    history.append(run("fine_tune", 100, 1.0))
    assert estimate_cost(history, "fine_tune", 250).duration_s == pytest.approx(2.5)


def test_no_history_gives_no_figures() -> None:
    for history, action in (([], "retrain"), ([run("retrain", 10, 1.0)], "rollback")):
        e = estimate_cost(history, action, 1000)
        assert e.basis == "no measured runs yet" and e.n_runs == 0
        assert (e.duration_s, e.energy_kwh, e.emissions_kg) == (None, None, None)


def test_only_the_latest_runs_count_and_energy_uses_the_runs_that_measured_it() -> None:
    old = [run("retrain", 1000, 100.0, 1.0, day=i) for i in range(5)]  # before an upgrade
    new = [
        run("retrain", 1000, 2.0, 2e-5, day=10),
        run("retrain", 1000, 2.0, None, day=11),
        run("retrain", 1000, 2.0, None, day=12),
    ]
    e = estimate_cost(old + new, "retrain", 2000, max_runs=3)
    assert e.n_runs == 3
    assert e.duration_s == pytest.approx(4.0)
    assert e.energy_kwh == pytest.approx(4e-5)
    assert e.energy_low_kwh is None  # a single run measured energy
    assert e.basis == (
        "0.002 s per row (median of 3 runs) (energy and emissions measured in 1 of the 3 runs)"
    )


def test_errors_name_the_field() -> None:
    with pytest.raises(DriftwiseError) as err:
        estimate_cost([], "retrain", 0)
    assert str(err.value) == "estimate_cost: field 'rows': found 0; expected an integer >= 1."
    with pytest.raises(ValueError, match="rows"):
        run("retrain", 0, 1.0)
