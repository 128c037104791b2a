"""Univariate drift tests: golden values against scipy, effect-size gating, categories, plots."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.policy.model import DriftThresholds
from driftwise.signals.multitest import finish
from driftwise.signals.univariate import (
    RawTest,
    Skipped,
    chi2_homogeneity,
    compare_column,
)


def numeric(ref: Any, cur: Any, segment: str | None = None) -> RawTest:
    out = compare_column(
        ref,
        cur,
        column="x",
        role="numeric",
        kind="numeric",
        min_effect=0.05,
        min_rows=30,
        segment=segment,
    )
    assert isinstance(out, RawTest)
    return out


def categorical(ref: Any, cur: Any) -> RawTest:
    out = compare_column(
        ref, cur, column="c", role="categorical", kind="categorical", min_effect=0.01, min_rows=30
    )
    assert isinstance(out, RawTest)
    return out


# --- golden values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n1", "n2", "shift", "decimals"),
    [
        (40, 55, 0.0, None),
        (300, 1000, 0.2, None),
        (5000, 4000, 0.05, None),
        (20000, 20001, 0.03, None),
        (2000, 3000, 0.1, 1),  # heavy ties
        (777, 777, 0.0, 0),  # very heavy ties
    ],
)
def test_ks_matches_scipy_asymp(n1: int, n2: int, shift: float, decimals: int | None) -> None:
    rng = np.random.default_rng(n1 + n2)
    a, b = rng.normal(size=n1), rng.normal(shift, 1.0, n2)
    if decimals is not None:
        a, b = a.round(decimals), b.round(decimals)
    expected = stats.ks_2samp(a, b, method="asymp")
    raw = numeric(a, b)
    assert raw.statistic == pytest.approx(float(expected.statistic), rel=1e-12)
    assert raw.p_value == pytest.approx(float(expected.pvalue), rel=1e-9, abs=1e-300)
    assert raw.test == "ks"


def test_ks_p_value_in_the_slow_tail_regime_matches_scipy() -> None:
    rng = np.random.default_rng(11)
    a, b = rng.normal(size=30000), rng.normal(0.06, 1.0, 30000)
    expected = stats.ks_2samp(a, b, method="asymp")
    assert 1e-30 < float(expected.pvalue) < 1e-3
    assert numeric(a, b).p_value == pytest.approx(float(expected.pvalue), rel=1e-9)


@pytest.mark.parametrize("decimals", [None, 1])
def test_wasserstein_normed_matches_scipy(decimals: int | None) -> None:
    rng = np.random.default_rng(3)
    a, b = rng.gamma(2.0, 3.0, 4000), rng.gamma(2.2, 3.0, 3500)
    if decimals is not None:
        a, b = a.round(decimals), b.round(decimals)
    w = float(stats.wasserstein_distance(a, b))
    raw = numeric(a, b)
    assert raw.effect_measure == "wasserstein_normed"
    assert raw.effect_size == pytest.approx(w / float(np.std(a)), rel=1e-10)


def test_constant_reference_uses_pooled_scale_then_one() -> None:
    # A constant reference has no spread: the pooled standard deviation is the scale.
    ref, cur = np.full(100, 5.0), np.full(100, 5.02)
    raw = numeric(ref, cur)
    pooled = float(np.std(np.concatenate([ref, cur])))
    assert raw.effect_size == pytest.approx(0.02 / pooled, rel=1e-9)
    assert raw.statistic == 1.0
    # Float rounding leaves a "constant" column a tiny non-zero std; it must not blow up.
    noisy = np.full(1000, 0.003467) + np.r_[np.zeros(999), 1e-18]
    varied = np.random.default_rng(0).uniform(0, 1, 1000)
    assert numeric(noisy, varied).effect_size < 10
    # Both constant and equal: distance 0 in the column's own units.
    assert numeric(np.full(50, 2.0), np.full(50, 2.0)).effect_size == 0.0


def test_chi2_without_pooling_matches_chi2_contingency() -> None:
    ref, cur = np.array([120, 340, 55, 80]), np.array([100, 300, 90, 60])
    res = chi2_homogeneity(ref, cur)
    expected = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
    assert res.statistic == pytest.approx(float(expected.statistic), rel=1e-12)
    assert res.p_value == pytest.approx(float(expected.pvalue), rel=1e-9)
    assert res.dof == int(expected.dof) == 3


def test_chi2_pools_rare_categories_into_one_cell() -> None:
    # d, e, f have expected counts below 5; pooled they hold 4 + 6 + 3 = 13 and 2 + 9 + 1 = 12.
    ref = np.array([400, 250, 150, 4, 6, 3])
    cur = np.array([380, 300, 120, 2, 9, 1])
    pooled = np.array([[400, 250, 150, 13], [380, 300, 120, 12]])
    res = chi2_homogeneity(ref, cur)
    np.testing.assert_array_equal(res.table, pooled)
    expected = stats.chi2_contingency(pooled, correction=False)
    assert res.statistic == pytest.approx(float(expected.statistic), rel=1e-12)
    assert res.p_value == pytest.approx(float(expected.pvalue), rel=1e-9)


def test_chi2_small_pooled_cell_joins_smallest_category() -> None:
    ref, cur = np.array([500, 300, 40, 1, 0]), np.array([480, 310, 50, 0, 2])
    res = chi2_homogeneity(ref, cur)
    np.testing.assert_array_equal(res.table, [[500, 300, 41], [480, 310, 52]])
    expected = stats.chi2_contingency(res.table, correction=False)
    assert res.p_value == pytest.approx(float(expected.pvalue), rel=1e-9)
    assert res.dof == 2


def test_chi2_with_a_single_cell_has_no_degrees_of_freedom() -> None:
    res = chi2_homogeneity([50, 0], [60, 0])
    assert (res.statistic, res.p_value, res.dof) == (0.0, 1.0, 0)


def test_categorical_test_uses_pooled_table_and_total_variation() -> None:
    rng = np.random.default_rng(5)
    ref = rng.choice(["a", "b", "c", "rare1", "rare2"], 3000, p=[0.5, 0.3, 0.1998, 0.0001, 0.0001])
    cur = rng.choice(["a", "b", "c"], 2500, p=[0.45, 0.35, 0.2])
    raw = categorical(pd.Series(ref, dtype=object), pd.Series(cur, dtype=object))
    labels = ["a", "b", "c", "rare1", "rare2"]
    r = np.array([(ref == v).sum() for v in labels])
    c = np.array([(cur == v).sum() for v in labels])
    table = chi2_homogeneity(r, c).table
    assert table.shape[1] < 5  # the rare ones were pooled
    expected = stats.chi2_contingency(table, correction=False)
    assert raw.p_value == pytest.approx(float(expected.pvalue), rel=1e-9)
    tv = 0.5 * np.abs(r / r.sum() - c / c.sum()).sum()
    assert raw.effect_size == pytest.approx(tv, rel=1e-12)
    assert (raw.test, raw.effect_measure) == ("chi2", "total_variation")


# --- effect-size gating --------------------------------------------------------------------


def test_tiny_shift_on_huge_sample_is_significant_but_not_practical() -> None:
    # At 200k rows a side the KS test detects a 0.01 sd shift most of the time (seed fixed).
    rng = np.random.default_rng(2)
    raw = numeric(rng.normal(size=200_000), rng.normal(0.01, 1.0, 200_000))
    (drift,) = finish([raw], DriftThresholds())
    assert drift.significant
    assert not drift.practical
    assert not drift.drifted
    assert drift.effect_size < 0.05


def test_moderate_shift_on_moderate_sample_is_drift() -> None:
    rng = np.random.default_rng(4)
    raw = numeric(rng.normal(size=20_000), rng.normal(0.1, 1.0, 20_000))
    (drift,) = finish([raw], DriftThresholds())
    assert drift.significant and drift.practical and drift.drifted
    assert drift.effect_size == pytest.approx(0.1, abs=0.02)


def test_finish_corrects_the_family_together() -> None:
    rng = np.random.default_rng(8)
    tests = [numeric(rng.normal(size=200), rng.normal(size=200)) for _ in range(5)]
    drift = finish(tests, DriftThresholds(correction="bonferroni"))
    for raw, ev in zip(tests, drift, strict=True):
        assert ev.p_adjusted == pytest.approx(min(1.0, raw.p_value * 5))
        assert ev.significant == (ev.p_adjusted < 0.05)


# --- categories, missing values, skipping --------------------------------------------------


def test_new_categories_and_missing_shares_are_reported() -> None:
    ref = ["a"] * 500 + ["b"] * 400 + [None] * 100
    cur = ["a"] * 300 + ["b"] * 300 + ["z"] * 150 + ["y"] * 50 + [np.nan] * 200
    raw = categorical(pd.Series(ref, dtype=object), pd.Series(cur, dtype=object))
    assert raw.new_categories == (("z", 0.1875), ("y", 0.0625))
    assert raw.missing_reference == pytest.approx(0.1)
    assert raw.missing_current == pytest.approx(0.2)
    assert (raw.n_reference, raw.n_current) == (900, 800)
    ev = raw.to_evidence(raw.p_value, 0.05, "none")
    assert ev.new_categories == {"z": 0.1875, "y": 0.0625}
    assert ev.drifted


def test_numeric_missing_and_infinite_values_are_excluded() -> None:
    rng = np.random.default_rng(9)
    ref = rng.normal(size=1000)
    ref[:100] = np.nan
    cur = rng.normal(size=1000)
    cur[:50] = np.inf
    raw = numeric(ref, cur)
    assert (raw.n_reference, raw.n_current) == (900, 950)
    assert [raw.missing_reference, raw.missing_current] == pytest.approx([0.1, 0.05])
    expected = stats.ks_2samp(ref[100:], cur[50:], method="asymp")
    assert raw.p_value == pytest.approx(float(expected.pvalue), rel=1e-9)


def test_too_few_rows_are_skipped_with_the_reason() -> None:
    out = compare_column(
        np.r_[np.arange(29.0), [np.nan] * 10],
        np.arange(100.0),
        column="age",
        role="numeric",
        kind="numeric",
        min_effect=0.05,
        min_rows=30,
        segment="region=coast",
    )
    assert out == Skipped(
        id="drift:numeric:age@region=coast",
        reason="29 non-missing reference and 100 current values; at least 30 needed on each side",
    )


def test_non_numeric_values_raise_a_clear_error() -> None:
    with pytest.raises(DriftwiseError) as err:
        compare_column(
            np.array(["a", "b"], dtype=object),
            np.array([1.0, 2.0]),
            column="age",
            role="numeric",
            kind="numeric",
            min_effect=0.05,
            min_rows=1,
        )
    assert str(err.value) == (
        "signals: column 'age': found non-numeric values; "
        "expected numbers (float64, NaN for missing) for a numeric test."
    )


def test_ids_name_role_column_and_segment() -> None:
    rng = np.random.default_rng(0)
    raw = numeric(rng.normal(size=100), rng.normal(size=100), segment="region=coast")
    assert raw.id == "drift:numeric:x@region=coast"
    ev = raw.to_evidence(0.5, 0.05, "bh")
    assert (ev.id, ev.segment) == ("drift:numeric:x@region=coast", "region=coast")


# --- distributions for plots ---------------------------------------------------------------


def test_numeric_distribution_has_30_bins_over_pooled_percentiles() -> None:
    rng = np.random.default_rng(6)
    ref = np.r_[rng.normal(size=5000), [-1e6]]  # an outlier far below
    cur = np.r_[rng.normal(0.5, 1.0, 4000), [1e6]]
    dist = numeric(ref, cur).distribution
    assert dist is not None and dist.edges is not None and dist.labels is None
    assert len(dist.edges) == 31 and len(dist.reference) == len(dist.current) == 30
    pooled = np.r_[ref, cur]
    assert dist.edges[0] == pytest.approx(float(np.quantile(pooled, 0.005)))
    assert dist.edges[-1] == pytest.approx(float(np.quantile(pooled, 0.995)))
    assert np.diff(dist.edges) == pytest.approx(np.full(30, np.diff(dist.edges)[0]))
    assert sum(dist.reference) == pytest.approx(1.0) and sum(dist.current) == pytest.approx(1.0)
    counts_ref, _ = np.histogram(np.clip(ref, dist.edges[0], dist.edges[-1]), bins=dist.edges)
    assert dist.reference == pytest.approx(tuple(counts_ref / ref.size))


def test_categorical_distribution_keeps_twelve_and_pools_the_rest() -> None:
    rng = np.random.default_rng(7)
    cats = [f"k{i:02d}" for i in range(20)]
    weights = np.linspace(2.0, 1.0, 20) / np.linspace(2.0, 1.0, 20).sum()
    ref = pd.Series(rng.choice(cats, 6000, p=weights), dtype=object)
    cur = pd.Series(rng.choice(cats, 6000, p=weights), dtype=object)
    dist = categorical(ref, cur).distribution
    assert dist is not None and dist.labels is not None and dist.edges is None
    assert len(dist.labels) == 13 and dist.labels[-1] == "other"
    pooled = pd.concat([ref, cur]).value_counts()
    assert set(dist.labels[:12]) == set(pooled.index[:12])
    assert dist.reference[-1] == pytest.approx(float(ref.isin(pooled.index[12:]).mean()))
    assert sum(dist.current) == pytest.approx(1.0)


def test_small_categorical_distribution_has_no_other_bin() -> None:
    raw = categorical(["x"] * 40 + ["y"] * 20, ["x"] * 30 + ["y"] * 30)
    assert raw.distribution is not None
    assert raw.distribution.labels == ("x", "y")
    assert raw.distribution.reference == pytest.approx((2 / 3, 1 / 3))


# --- more statistics: golden values --------------------------------------------------------


def _exact(a: Any, b: Any) -> RawTest:
    out = compare_column(
        a, b, column="x", role="numeric", kind="numeric", min_effect=0.05, min_rows=30
    )
    assert isinstance(out, RawTest) and out.method == "exact"
    return out


@pytest.mark.parametrize(("n1", "n2", "decimals"), [(300, 450, None), (4000, 3000, 1), (60, 80, 0)])
def test_cramer_von_mises_matches_scipy(n1: int, n2: int, decimals: int | None) -> None:
    rng = np.random.default_rng(n1)
    a, b = rng.normal(size=n1), rng.normal(0.15, 1.1, n2)
    if decimals is not None:
        a, b = a.round(decimals), b.round(decimals)
    expected = stats.cramervonmises_2samp(a, b, method="asymptotic")
    raw = _exact(a, b)
    assert raw.statistics["cvm"] == pytest.approx(float(expected.statistic), rel=1e-9)
    assert raw.statistics["cvm_p_value"] == pytest.approx(float(expected.pvalue), rel=1e-6)


def test_anderson_darling_matches_scipy_and_only_on_small_exact_samples() -> None:
    rng = np.random.default_rng(12)
    a, b = rng.normal(size=3000), rng.normal(0.05, 1.0, 2500).round(2)
    expected = stats.anderson_ksamp([np.sort(a), np.sort(b)], variant="midrank")
    assert 0.001 < float(expected.pvalue) < 0.25  # inside scipy's table: no capping
    raw = _exact(a, b)
    assert raw.statistics["ad"] == pytest.approx(float(expected.statistic), rel=1e-12)
    assert raw.statistics["ad_p_value"] == pytest.approx(float(expected.pvalue), rel=1e-12)
    big = _exact(rng.normal(size=10_001), rng.normal(size=500))
    assert "ad" not in big.statistics and "cvm" in big.statistics


def test_distances_on_reference_deciles_match_their_formulas() -> None:
    from scipy.spatial.distance import jensenshannon

    from driftwise.signals.statistics import PSI_EPSILON

    rng = np.random.default_rng(13)
    a, b = rng.normal(size=6000), rng.normal(0.3, 1.0, 5000)
    raw = _exact(a, b)
    # Deciles of the reference (6,000 values: all used for the edges).
    edges = np.sort(a)[np.rint(np.linspace(0, 1, 11) * 5999).astype(int)][1:-1]
    p = np.bincount(np.searchsorted(edges, a, side="right"), minlength=10) / a.size
    q = np.bincount(np.searchsorted(edges, b, side="right"), minlength=10) / b.size
    pe, qe = np.maximum(p, PSI_EPSILON), np.maximum(q, PSI_EPSILON)
    s = raw.statistics
    assert s["psi"] == pytest.approx(float(np.sum((qe - pe) * np.log(qe / pe))), rel=0.02)
    assert s["js"] == pytest.approx(float(jensenshannon(p, q, base=2)), rel=0.02)
    assert s["hellinger"] == pytest.approx(float(np.sqrt(1 - np.sum(np.sqrt(p * q)))), rel=0.02)
    assert s["wasserstein"] == pytest.approx(float(stats.wasserstein_distance(a, b)), rel=1e-10)


def test_share_distances_match_scipy_and_closed_forms() -> None:
    from scipy.spatial.distance import jensenshannon

    from driftwise.signals import statistics as st

    p, q = np.array([120, 30, 50, 0]), np.array([100, 60, 35, 5])
    assert st.jensen_shannon(p, q) == pytest.approx(
        float(jensenshannon(p / p.sum(), q / q.sum(), base=2)), rel=1e-12
    )
    ps, qs = p / p.sum(), q / q.sum()
    assert st.hellinger(p, q) == pytest.approx(
        float(np.sqrt(0.5 * np.sum((np.sqrt(ps) - np.sqrt(qs)) ** 2))), rel=1e-12
    )
    assert st.total_variation(p, q) == pytest.approx(0.5 * float(np.abs(ps - qs).sum()))
    pe, qe = np.maximum(ps, 1e-4), np.maximum(qs, 1e-4)
    assert st.psi(p, q) == pytest.approx(float(np.sum((qe - pe) * np.log(qe / pe))), rel=1e-12)


@pytest.mark.parametrize(
    "table", [[[120, 340, 55, 80], [100, 300, 90, 60]], [[500, 300, 41], [480, 310, 52]]]
)
def test_g_test_matches_chi2_contingency_log_likelihood(table: list[list[int]]) -> None:
    from driftwise.signals.statistics import g_test

    t = np.array(table, dtype=float)
    expected = stats.chi2_contingency(t, correction=False, lambda_="log-likelihood")
    g, p = g_test(t)
    assert g == pytest.approx(float(expected.statistic), rel=1e-12)
    assert p == pytest.approx(float(expected.pvalue), rel=1e-9)


def test_categorical_statistics_use_the_pooled_table_and_shares() -> None:
    from scipy.spatial.distance import jensenshannon

    ref = ["a"] * 500 + ["b"] * 300 + ["c"] * 198 + ["r"] * 2
    cur = ["a"] * 450 + ["b"] * 350 + ["c"] * 150 + ["n"] * 50
    raw = categorical(pd.Series(ref, dtype=object), pd.Series(cur, dtype=object))
    pooled = chi2_homogeneity([500, 300, 198, 2, 0], [450, 350, 150, 0, 50]).table
    g = stats.chi2_contingency(pooled, correction=False, lambda_="log-likelihood")
    s = raw.statistics
    assert s["g"] == pytest.approx(float(g.statistic), rel=1e-12)
    assert s["g_p_value"] == pytest.approx(float(g.pvalue), rel=1e-9)
    assert s["chi2"] == raw.statistic and s["tvd"] == raw.effect_size
    p, q = np.array([500, 300, 198, 2, 0]) / 1000, np.array([450, 350, 150, 0, 50]) / 1000
    assert s["js"] == pytest.approx(float(jensenshannon(p, q, base=2)), rel=1e-12)
    assert s["hellinger"] == pytest.approx(float(np.sqrt(1 - np.sum(np.sqrt(p * q)))), rel=1e-12)


# --- binned path against the exact one ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shift"), [("normal", 0.0), ("normal", 0.05), ("exponential", 0.1), ("scale", 0.2)]
)
def test_binned_tests_stay_within_their_bounds_of_the_exact_ones(name: str, shift: float) -> None:
    rng = np.random.default_rng(int(shift * 100) + len(name))
    n = 150_000
    if name == "normal":
        a, b = rng.normal(size=n), rng.normal(shift, 1.0, n)
    elif name == "exponential":
        a, b = rng.exponential(size=n), rng.exponential(size=n) + shift
    else:
        a, b = rng.normal(size=n), rng.normal(0.0, 1.0 + shift, n)
    kw: dict[str, Any] = {"column": "x", "role": "numeric", "kind": "numeric"}
    exact = compare_column(a, b, min_effect=0.05, min_rows=30, binned_above=10**7, **kw)
    binned = compare_column(a, b, min_effect=0.05, min_rows=30, **kw)
    assert isinstance(exact, RawTest) and isinstance(binned, RawTest)
    assert (exact.method, binned.method) == ("exact", "binned")
    bound = binned.statistics["max_bin_mass"]
    assert bound < 0.005  # about 1/2048 a bin; more where the current spills past the edges
    # Binned D is at most the exact D and short of it by at most the largest bin share.
    assert binned.statistic <= exact.statistic + 1e-12
    assert exact.statistic - binned.statistic <= bound
    # The p-value follows: Kolmogorov's limit at the binned D, within D's bound of exact.
    lo = stats.kstwobign.sf(np.sqrt(n / 2) * (binned.statistic + bound))
    assert lo <= exact.p_value * (1 + 1e-6) or exact.p_value < 1e-300
    assert binned.p_value >= exact.p_value * (1 - 0.02)
    # Wasserstein: exact for a shift (the CDFs never cross); within 1% otherwise.
    assert binned.effect_size == pytest.approx(exact.effect_size, rel=1e-2, abs=1e-3)
    assert binned.statistics["cvm"] == pytest.approx(exact.statistics["cvm"], rel=0.01, abs=0.01)
    assert binned.statistics["psi"] == pytest.approx(exact.statistics["psi"], rel=1e-9)
    assert binned.distribution is not None and len(binned.distribution.reference) == 30


def test_kolmogorov_limit_is_slightly_conservative_at_large_sizes() -> None:
    from driftwise.signals.statistics import ks_p_exact, ks_p_limit

    for z in (0.8, 1.36, 2.0, 3.0):
        d = z / np.sqrt(50_000)
        exact, limit = ks_p_exact(d, 100_000, 100_000), ks_p_limit(d, 100_000, 100_000)
        assert exact <= limit <= exact * 1.01


# --- calibrated thresholds ------------------------------------------------------------------


def test_tiny_shift_at_a_million_rows_is_significant_but_not_practical() -> None:
    rng = np.random.default_rng(21)
    raw = numeric(rng.normal(size=1_000_000), rng.normal(0.02, 1.0, 1_000_000))
    (drift,) = finish([raw], DriftThresholds())
    assert raw.method == "binned" and drift.significant and not drift.practical
    assert drift.threshold == 0.05  # the null's quantile is far below the minimum here
    assert drift.effect_size == pytest.approx(0.02, abs=0.005)


def test_tenth_of_a_standard_deviation_is_practical_drift() -> None:
    rng = np.random.default_rng(22)
    raw = numeric(rng.normal(size=1_000_000), rng.normal(0.1, 1.0, 1_000_000))
    (drift,) = finish([raw], DriftThresholds())
    assert drift.drifted and drift.effect_size >= drift.threshold == 0.05


def test_small_samples_do_not_alarm_on_noise_above_the_fixed_minimum() -> None:
    rng = np.random.default_rng(23)
    above, practical, thresholds = 0, 0, []
    for _ in range(200):
        raw = numeric(rng.normal(size=200), rng.normal(size=200))
        above += raw.effect_size >= raw.min_effect
        practical += raw.practical
        thresholds.append(raw.threshold)
    assert above > 150  # noise alone beats the fixed 0.05 most of the time at n = 200
    assert practical <= 20  # the calibrated threshold (about 0.21 sd) holds it to ~5%
    assert min(thresholds) > 0.15
    # A real, large shift still counts at that size.
    big = numeric(rng.normal(size=200), rng.normal(0.6, 1.0, 200))
    assert big.practical


def test_calibration_can_be_switched_off_and_categorical_thresholds_scale() -> None:
    rng = np.random.default_rng(24)
    cats = ["a", "b", "c", "d"]
    ref, cur = rng.choice(cats, 300), rng.choice(cats, 300)
    on = categorical(pd.Series(ref, dtype=object), pd.Series(cur, dtype=object))
    off = compare_column(
        ref, cur, column="c", role="categorical", kind="categorical", min_effect=0.01,
        min_rows=30, calibrate=False,
    )  # fmt: skip
    assert isinstance(off, RawTest) and off.threshold == 0.0
    assert on.threshold > 0.05 > 0.01 == on.min_effect
    ev = on.to_evidence(on.p_value, 0.05, "bh")
    assert ev.threshold == on.threshold and ev.practical == (ev.effect_size >= on.threshold)


def test_exact_path_switches_to_the_kolmogorov_limit_for_large_effective_sizes() -> None:
    from driftwise.signals.statistics import ks_p_exact, ks_p_limit, ks_p_value

    assert ks_p_value(0.02, 40_000, 40_000) == ks_p_exact(0.02, 40_000, 40_000)
    assert ks_p_value(0.01, 60_000, 60_000) == ks_p_limit(0.01, 60_000, 60_000)
    rng = np.random.default_rng(25)
    a, b = rng.normal(size=80_000), rng.normal(0.01, 1.0, 80_000)
    raw = numeric(a, b)
    expected = stats.ks_2samp(a, b, method="asymp")
    assert raw.method == "exact" and raw.statistic == pytest.approx(float(expected.statistic))
    assert raw.p_value == pytest.approx(float(expected.pvalue), rel=0.01)


def test_pooled_quantiles_from_tie_groups_match_numpy() -> None:
    from driftwise.signals.statistics import pooled_quantiles, tie_groups

    rng = np.random.default_rng(26)
    a, b = np.sort(rng.integers(0, 50, 777) / 3), np.sort(rng.normal(8, 4, 500))
    q = [0.0, 0.005, 0.3, 0.5, 0.995, 1.0]
    np.testing.assert_allclose(
        pooled_quantiles(tie_groups(a, b), q), np.quantile(np.r_[a, b], q), rtol=1e-12
    )


def test_chi_square_of_many_rows_at_once_matches_one_at_a_time() -> None:
    from driftwise.signals.statistics import chi2_rows

    rng = np.random.default_rng(27)
    ref = rng.multinomial(400, [0.4, 0.3, 0.2, 0.09, 0.01], size=30)
    cur = rng.multinomial(300, [0.35, 0.35, 0.2, 0.08, 0.02], size=30)
    stat, p, done = chi2_rows(ref, cur)
    assert 0 < done.sum() < 30  # the rare fifth category forces pooling in some rows
    for i in range(30):
        one = chi2_homogeneity(ref[i], cur[i])
        if done[i]:
            assert stat[i] == pytest.approx(one.statistic, rel=1e-12)
            assert p[i] == pytest.approx(one.p_value, rel=1e-9)
        else:
            assert one.table.shape[1] < int(((ref[i] + cur[i]) > 0).sum())
