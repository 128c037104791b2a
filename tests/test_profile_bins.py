"""Reference-quantile bins: edges, codes on the grid against a binary search, missing values."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray

from driftwise.profile.bins import SAMPLE_PER_BIN, reference_bins


@pytest.mark.parametrize(
    "draw",
    [
        lambda rng: rng.normal(size=200_000),
        lambda rng: rng.exponential(size=200_000),
        lambda rng: rng.lognormal(0.0, 1.0, 200_000),
        lambda rng: rng.integers(0, 12, 200_000).astype(float),
        lambda rng: np.where(rng.random(200_000) < 0.6, 0.0, rng.normal(size=200_000)),
    ],
    ids=["normal", "exponential", "lognormal", "integers", "point-mass"],
)
def test_grid_codes_equal_a_binary_search_over_the_edges(
    draw: Callable[[np.random.Generator], NDArray[np.float64]],
) -> None:
    rng = np.random.default_rng(1)
    x = draw(rng)
    bins = reference_bins(x, bins=1024, seed=0)
    assert bins.cells > 0
    codes = bins.codes(x)
    exact = np.searchsorted(bins.grid_edges, bins.to_grid(x), side="right")
    # Only a value within a rounding error of an edge may land on the other side.
    assert np.mean(codes != exact) < 1e-5
    # Each value bin holds about 1/1024 of the reference, except a value repeated that often,
    # which gets a bin of its own.
    counts = np.bincount(codes, minlength=bins.size + 1)[:-1] / x.size
    values, repeats = np.unique(x, return_counts=True)
    heavy = values[repeats / x.size > 1 / 1024]
    own = bins.codes(heavy)
    assert np.unique(own).size == heavy.size
    assert np.delete(counts, own).max() < 4 / 1024


def test_heavy_tails_keep_exact_edges_and_search() -> None:
    x = np.random.default_rng(2).standard_cauchy(200_000)
    bins = reference_bins(x, bins=1024, seed=0)
    assert bins.cells == 0
    np.testing.assert_array_equal(bins.codes(x), np.searchsorted(bins.edges, x, side="right"))
    counts = np.bincount(bins.codes(x), minlength=bins.size + 1)[:-1] / x.size
    assert counts.max() < 2 / 1024


def test_missing_and_infinite_values_get_the_missing_code() -> None:
    x = np.random.default_rng(3).normal(size=1000)
    bins = reference_bins(x, bins=64, seed=0)
    odd = np.array([np.nan, np.inf, -np.inf, 0.0, 1e300, -1e300])
    codes = bins.codes(odd)
    assert codes[:3].tolist() == [bins.missing] * 3
    assert codes[3] not in (0, bins.missing, bins.size - 1)
    assert (codes[4], codes[5]) == (bins.size - 1, 0)
    # Non-finite reference values do not move the edges.
    assert np.array_equal(reference_bins(np.r_[x, odd[:3]], bins=64, seed=0).edges, bins.edges)


def test_edges_follow_reference_quantiles_and_collapse_duplicates() -> None:
    x = np.random.default_rng(4).normal(size=6000)  # below 64 x 100: every value is used
    bins = reference_bins(x, bins=100, seed=0)
    q = np.sort(x)[np.rint(np.linspace(0, 1, 101) * 5999).astype(int)]
    # Snapped to the grid: within one cell of the sample quantile, never above it.
    cell = 1.0 / bins.scale
    assert np.all(bins.edges <= q + 1e-9) and np.all(q - bins.edges < cell + 1e-9)
    constant = reference_bins(np.full(10, 2.5), bins=100, seed=0)
    assert constant.edges.tolist() == [2.5] and constant.codes(
        np.array([2.0, 2.5, 3.0])
    ).tolist() == [0, 1, 1]


def test_big_references_are_subsampled_with_the_seed() -> None:
    x = np.random.default_rng(5).normal(size=SAMPLE_PER_BIN * 64 * 3)
    a = reference_bins(x, bins=64, seed=1)
    assert np.array_equal(a.edges, reference_bins(x, bins=64, seed=1).edges)
    assert not np.array_equal(a.edges, reference_bins(x, bins=64, seed=2).edges)
