"""Histograms and category counts: mergeable, grouped rows add up, exact moments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from driftwise.errors import DriftwiseError
from driftwise.profile import CategoricalCounts, NumericHistogram, encode_pair, reference_bins
from driftwise.profile.histogram import Groups
from driftwise.profile.pair import Key, categorical_pair, numeric_pair


def test_numeric_profile_of_two_chunks_merged_is_the_profile_of_the_whole() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, 50_000)
    x[rng.random(x.size) < 0.01] = np.nan
    bins = reference_bins(x, bins=256, seed=0)
    whole = NumericHistogram.of(bins, x)
    merged = NumericHistogram.of(bins, x[:17_000]).merge(NumericHistogram.of(bins, x[17_000:]))
    np.testing.assert_array_equal(merged.counts, whole.counts)
    assert merged.sums is not None and whole.sums is not None
    assert merged.squares is not None and whole.squares is not None
    np.testing.assert_allclose(merged.sums, whole.sums, rtol=1e-12)
    np.testing.assert_allclose(merged.squares, whole.squares, rtol=1e-12)
    # Moments are exact, not from bin midpoints.
    finite = x[np.isfinite(x)]
    assert merged.std()[0] / bins.scale == pytest.approx(float(np.std(finite)), rel=1e-9)
    assert int(merged.counts[0, -1]) == int(np.isnan(x).sum())


def test_grouped_rows_add_up_to_the_whole_and_match_masks() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=20_000)
    g = rng.integers(0, 4, x.size)  # 3 = "missing key"
    bins = reference_bins(x, bins=128, seed=0)
    whole, grouped = NumericHistogram.profile(bins, x, (Groups(g, 4),), stride=131)
    np.testing.assert_array_equal(grouped.counts.sum(axis=0), whole.counts[0])
    for k in range(4):
        np.testing.assert_array_equal(
            grouped.counts[k], NumericHistogram.of(bins, x[g == k]).counts[0]
        )
    # Grouped std from counts alone, each bin at its mean, is close to the exact one.
    assert whole.sums is not None
    means = whole.sums[0, :-1] / np.maximum(whole.counts[0, :-1], 1)
    exact = np.std(x[g == 2])
    assert grouped.std(means)[2] / bins.scale == pytest.approx(float(exact), rel=2e-3)
    assert grouped.std()[2] / bins.scale == pytest.approx(float(exact), rel=0.05)


def test_merging_histograms_of_different_bins_is_refused() -> None:
    x = np.arange(100.0)
    a = NumericHistogram.of(reference_bins(x, bins=8, seed=0), x)
    b = NumericHistogram.of(reference_bins(x, bins=8, seed=0), x)
    with pytest.raises(DriftwiseError) as err:
        a.merge(b)
    assert str(err.value) == (
        "profile.NumericHistogram.merge: field 'bins': found histograms counted on different "
        "bins or groups; expected histograms of the same column, bins and groups."
    )


def test_categorical_counts_merge_over_the_union_of_categories() -> None:
    first = encode_pair(pd.Series(["a", "b", "b", None]), pd.Series(["a"]))
    second = encode_pair(pd.Series(["c", "b", "c"]), pd.Series(["c"]))
    a = CategoricalCounts.of(first.reference, first.labels)
    b = CategoricalCounts.of(second.reference, second.labels)
    merged = a.merge(b)
    assert merged.labels == ("a", "b", "c")
    assert merged.counts.tolist() == [[1, 3, 2, 1]]
    whole = encode_pair(pd.Series(["a", "b", "b", None, "c", "b", "c"]), pd.Series(["a"]))
    assert CategoricalCounts.of(whole.reference, whole.labels).counts.tolist() == [[1, 3, 2, 1]]
    with pytest.raises(DriftwiseError, match="found 2 groups against 1"):
        a.merge(CategoricalCounts(("a",), np.zeros((2, 2), dtype=np.int64)))


def test_pairs_count_every_key_at_once() -> None:
    rng = np.random.default_rng(2)
    ref, cur = rng.normal(size=3000), rng.normal(size=2000)
    region = encode_pair(
        pd.Series(rng.choice(["n", "s"], 3000)), pd.Series(rng.choice(["n", "s", None], 2000))
    )
    key = Key("region", region.labels, Groups(region.reference, 3), Groups(region.current, 3))
    p = numeric_pair("x", ref, cur, bins=64, seed=0, exact=False, keys=(key,))
    by_ref, by_cur = p.by_key["region"]
    np.testing.assert_array_equal(by_ref.counts.sum(axis=0), p.reference.counts[0])
    assert by_cur.counts[2].sum() == int((region.current == 2).sum())  # the missing-key row
    assert p.exact is None
    c = categorical_pair("region", region, (key,))
    assert "region" not in c.by_key  # a key is not tested inside itself


def test_counting_all_keys_at_once_equals_counting_each() -> None:
    from driftwise.profile.pair import KeySet

    rng = np.random.default_rng(3)
    n = 5000

    def key(name: str, k: int) -> Key:
        enc = encode_pair(
            pd.Series(rng.choice([f"v{i}" for i in range(k)] + [None], n)),
            pd.Series(rng.choice([f"v{i}" for i in range(k)], n)),
        )
        size = len(enc.labels) + 1
        return Key(name, enc.labels, Groups(enc.reference, size), Groups(enc.current, size))

    keys = (key("a", 3), key("b", 5), key("c", 2))
    joint = KeySet.of(keys)
    assert joint is not None and joint.reference.size == 4 * 6 * 3
    col = encode_pair(pd.Series(rng.choice(list("pqrs"), n)), pd.Series(rng.choice(list("pqr"), n)))
    together = categorical_pair("x", col, keys, joint=joint)
    apart = categorical_pair("x", col, keys)
    for name in "abc":
        for side in (0, 1):
            np.testing.assert_array_equal(
                together.by_key[name][side].counts, apart.by_key[name][side].counts
            )
    assert KeySet.of(keys[:1]) is None and KeySet.of(keys, max_groups=10) is None
