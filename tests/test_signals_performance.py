"""Performance evidence: golden intervals and tests against scipy, degradation rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.policy.model import PerformanceThresholds
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.performance import (
    Outcomes,
    compare_performance,
    mean_interval,
    outcomes,
    proportion_worse_p,
    welch_greater_p,
    wilson_interval,
)
from driftwise.signals.types import Performance
from driftwise.signals.univariate import Rows, Skipped

THRESHOLDS = PerformanceThresholds()


def perf(
    out: Outcomes,
    reference_rows: Rows = None,
    current_rows: Rows = None,
    segment: str | None = None,
) -> Performance:
    found = compare_performance(
        out,
        THRESHOLDS,
        min_rows=30,
        reference_rows=reference_rows,
        current_rows=current_rows,
        segment=segment,
    )
    assert isinstance(found, Performance)
    return found


# --- golden values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "level"),
    [(0, 50, 0.95), (50, 50, 0.95), (1, 7, 0.9), (873, 1000, 0.95), (17, 40, 0.99)],
)
def test_wilson_matches_binomtest(k: int, n: int, level: float) -> None:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    low, high = wilson_interval(k, n, level)
    assert low == pytest.approx(float(ci.low), rel=1e-12, abs=1e-15)
    assert high == pytest.approx(float(ci.high), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(900, 1000, 860, 1000), (45, 60, 50, 55), (1800, 2000, 1620, 2100)]
)
def test_two_proportion_test_doubles_to_pearson_chi2(k1: int, n1: int, k2: int, n2: int) -> None:
    one_sided = proportion_worse_p(k1, n1, k2, n2)
    table = np.array([[k1, n1 - k1], [k2, n2 - k2]])
    chi = stats.chi2_contingency(table, correction=False)
    assert 2 * min(one_sided, 1 - one_sided) == pytest.approx(float(chi.pvalue), rel=1e-9)
    worse = k2 / n2 < k1 / n1
    assert (one_sided < 0.5) == worse


def test_welch_matches_ttest_ind() -> None:
    rng = np.random.default_rng(0)
    ref, cur = np.abs(rng.normal(0, 1.0, 400)), np.abs(rng.normal(0, 1.3, 250))
    expected = stats.ttest_ind(cur, ref, equal_var=False, alternative="greater")
    assert welch_greater_p(ref, cur) == pytest.approx(float(expected.pvalue), rel=1e-9)
    reverse = stats.ttest_ind(ref, cur, equal_var=False, alternative="greater")
    assert welch_greater_p(cur, ref) == pytest.approx(float(reverse.pvalue), rel=1e-9)


def test_mean_interval_matches_scipy_t_interval() -> None:
    x = np.abs(np.random.default_rng(1).normal(size=123))
    low, high = stats.t.interval(0.9, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    assert list(mean_interval(x, 0.9)) == pytest.approx([low, high], rel=1e-12)


# --- classification -------------------------------------------------------------------------


def accuracy_outcomes(seed: int, ref_acc: float, cur_acc: float, n: int = 2000) -> Outcomes:
    rng = np.random.default_rng(seed)
    return Outcomes(
        "accuracy", (rng.random(n) < ref_acc).astype(float), (rng.random(n) < cur_acc).astype(float)
    )


def test_ten_point_accuracy_drop_on_2000_labels_is_degradation() -> None:
    p = perf(accuracy_outcomes(0, 0.90, 0.80))
    assert p.id == "performance:accuracy" and p.metric == "accuracy" and p.higher_is_better
    assert p.degraded
    assert p.p_value < 1e-10
    assert p.change == pytest.approx(p.current.value - p.reference.value)
    assert p.current.method == "wilson" and p.current.n == 2000
    assert p.current.low < p.current.value < p.current.high


def test_noise_is_not_degradation() -> None:
    assert not perf(accuracy_outcomes(100, 0.85, 0.85)).degraded
    # Under no change the false-alarm rate is about the test's level, 0.05 (binomial sd 0.011).
    alarms = [perf(accuracy_outcomes(1000 + s, 0.85, 0.85)).degraded for s in range(400)]
    assert np.mean(alarms) < 0.075


def test_significant_drop_within_tolerance_is_not_degradation() -> None:
    # A 0.5-point drop on 400k rows is real (significant against no change) but harmless: the
    # test is shifted by the tolerance, so it is not evidence of a drop beyond 2 points.
    out = accuracy_outcomes(3, 0.900, 0.895, n=400_000)
    strict = compare_performance(out, PerformanceThresholds(tolerance=0.0), min_rows=30)
    p = compare_performance(out, PerformanceThresholds(tolerance=0.02), min_rows=30)
    assert isinstance(strict, Performance) and isinstance(p, Performance)
    assert strict.p_value < 0.05 and strict.degraded
    assert p.p_value > 0.5 and not p.degraded and p.tolerance == 0.02


def test_identical_perfect_accuracy_gives_p_one() -> None:
    p = perf(Outcomes("accuracy", np.ones(100), np.ones(100)))
    assert (p.p_value, p.degraded, p.reference.high) == (1.0, False, 1.0)


# --- regression -----------------------------------------------------------------------------


def test_mae_increase_is_degradation_with_relative_tolerance() -> None:
    rng = np.random.default_rng(4)
    ref, cur = np.abs(rng.normal(0, 1.0, 3000)), np.abs(rng.normal(0, 1.25, 3000))
    p = perf(Outcomes("mae", ref, cur))
    assert (p.id, p.metric, p.higher_is_better) == ("performance:mae", "mae", False)
    assert p.tolerance == pytest.approx(0.01 * ref.mean())
    assert p.degraded and p.change > 0
    assert p.p_value == pytest.approx(
        float(stats.ttest_ind(cur, ref, equal_var=False, alternative="greater").pvalue), rel=1e-9
    )
    assert p.reference.method == "t" and p.reference.low >= 0


def test_mae_decrease_is_not_degradation() -> None:
    rng = np.random.default_rng(5)
    p = perf(Outcomes("mae", np.abs(rng.normal(0, 1.2, 800)), np.abs(rng.normal(0, 1.0, 800))))
    assert not p.degraded and p.p_value > 0.5


# --- outcomes from frames, selection, skipping ----------------------------------------------


def test_outcomes_use_rows_with_label_and_prediction() -> None:
    schema = Schema(
        columns=(
            ColumnSpec(name="y", role=Role.TARGET),
            ColumnSpec(name="p", role=Role.PREDICTION),
        )
    )
    ref = pd.DataFrame({"y": ["a", "b", None, "a"], "p": ["a", "a", "b", None]}, dtype=object)
    cur = pd.DataFrame({"y": ["b", np.nan], "p": ["b", "b"]}, dtype=object)
    out = outcomes(ref, cur, schema)
    assert out is not None and out.metric == "accuracy"
    np.testing.assert_array_equal(out.reference, [1.0, 0.0, np.nan, np.nan])
    np.testing.assert_array_equal(out.current, [1.0, np.nan])


def test_numeric_outcomes_are_absolute_errors() -> None:
    schema = Schema(
        columns=(
            ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
            ColumnSpec(name="p", role=Role.PREDICTION, dtype="numeric"),
        )
    )
    frame = pd.DataFrame({"y": [1.0, np.nan, 3.0], "p": [1.5, 2.0, 1.0]})
    out = outcomes(frame, frame, schema)
    assert out is not None and out.metric == "mae"
    np.testing.assert_array_equal(out.current, [0.5, np.nan, 2.0])


def test_outcomes_need_target_and_prediction() -> None:
    schema = Schema(columns=(ColumnSpec(name="y", role=Role.TARGET),))
    frame = pd.DataFrame({"y": ["a"]}, dtype=object)
    assert outcomes(frame, frame, schema) is None


def test_mismatched_prediction_type_message() -> None:
    schema = Schema(
        columns=(
            ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
            ColumnSpec(name="p", role=Role.PREDICTION, dtype="categorical"),
        )
    )
    frame = pd.DataFrame({"y": [1.0], "p": ["a"]})
    with pytest.raises(DriftwiseError) as err:
        outcomes(frame, frame, schema)
    assert str(err.value) == (
        "signals.performance: column 'p': found categorical predictions for the numeric "
        "target 'y'; expected numeric predictions."
    )


def test_segment_rows_and_ids() -> None:
    out = accuracy_outcomes(6, 0.9, 0.9, n=1000)
    rows = np.arange(0, 1000, 2)
    p = perf(out, reference_rows=rows, current_rows=rows, segment="region=coast")
    assert p.id == "performance:accuracy@region=coast" and p.segment == "region=coast"
    assert p.reference.value == pytest.approx(out.reference[rows].mean())
    assert p.reference.n == 500


def test_too_few_labels_are_skipped_with_the_reason() -> None:
    out = Outcomes("accuracy", np.ones(100), np.r_[np.ones(10), np.full(90, np.nan)])
    assert compare_performance(out, THRESHOLDS, min_rows=30) == Skipped(
        "performance:accuracy",
        "100 labelled reference and 10 current rows; at least 30 needed on each side",
    )
