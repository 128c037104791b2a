"""Profiles of one column on both sides, whole and grouped by segment keys.

:func:`numeric_pair` cuts bins at the reference's quantiles, codes every value of both sides
once and counts it into the whole-data histogram and into one grouped histogram per segment
key (``bincount(group * bins + bin)``: all values of a key at once). :func:`categorical_pair`
does the same with category codes. The complement of a set of segments is the whole minus
their rows: no new pass over the data.

For columns small enough for exact tests (``exact=True``), the sorted finite values of each
side are kept as well.

>>> import numpy as np
>>> from driftwise.profile.histogram import Groups
>>> rng = np.random.default_rng(0)
>>> ref, cur = rng.normal(size=1000), rng.normal(size=800)
>>> key = Key("g", ("a", "b"), Groups(rng.integers(0, 2, 1000), 3), Groups(np.zeros(800, int), 3))
>>> p = numeric_pair("x", ref, cur, bins=64, seed=0, exact=True, keys=(key,))
>>> int(p.reference.n[0]), int(p.by_key["g"][1].counts[0].sum()), p.exact is not None
(1000, 800, True)
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from driftwise.profile.bins import reference_bins
from driftwise.profile.encode import Encoded
from driftwise.profile.histogram import CategoricalCounts, Groups, NumericHistogram

__all__ = [
    "CategoricalPair",
    "Key",
    "KeySet",
    "NumericPair",
    "categorical_pair",
    "column_seed",
    "numeric_pair",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Key:
    """A segment key: its value labels and each side's rows sorted into groups.

    Group ``i < len(labels)`` holds the rows whose key is ``labels[i]``; the last group holds
    the rows whose key is missing.
    """

    name: str
    labels: tuple[str, ...]
    reference: Groups
    current: Groups


@dataclass(frozen=True, eq=False)
class NumericPair:
    """A numeric column of both sides: whole-data histograms (with sums), grouped histograms
    per key, and for exact tests the sorted finite values."""

    column: str
    reference: NumericHistogram
    current: NumericHistogram
    by_key: Mapping[str, tuple[NumericHistogram, NumericHistogram]] = field(default_factory=dict)
    exact: tuple[FloatArray, FloatArray] | None = None

    @cached_property
    def locations(self) -> FloatArray:
        """Mean grid coordinate of each value bin, both sides pooled (the middle if empty).

        Tests on part of the rows (counts only) place each bin's values there.
        """
        r, c = self.reference, self.current
        counts = (r.counts[0, :-1] + c.counts[0, :-1]).astype(np.float64)
        g = r.bins.grid_edges
        mid = np.concatenate([[g[0] - 0.5], (g[1:] + g[:-1]) / 2, [g[-1] + 0.5]])
        if r.sums is None or c.sums is None:
            return mid
        sums = r.sums[0, :-1] + c.sums[0, :-1]
        out: FloatArray = np.where(counts > 0, sums / np.maximum(counts, 1.0), mid)
        return out


@dataclass(frozen=True, eq=False)
class CategoricalPair:
    """A categorical column of both sides: category counts, whole and per key."""

    column: str
    reference: CategoricalCounts
    current: CategoricalCounts
    by_key: Mapping[str, tuple[CategoricalCounts, CategoricalCounts]] = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        """The categories (both sides share them)."""
        return self.reference.labels


def column_seed(seed: int, column: str) -> int:
    """A seed for one column: the same whatever the order columns are processed in.

    >>> column_seed(0, "price") == column_seed(0, "price") != column_seed(1, "price")
    True
    """
    state = np.random.SeedSequence([seed, zlib.crc32(column.encode("utf-8"))]).generate_state(1)
    return int(state[0])


def numeric_pair(
    column: str,
    reference: FloatArray,
    current: FloatArray,
    *,
    bins: int,
    seed: int,
    exact: bool,
    keys: Sequence[Key] = (),
) -> NumericPair:
    """Profile a numeric column of both sides (see the module docstring).

    ``seed`` is the policy's seed; the column's own is derived with :func:`column_seed`.
    """
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    b = reference_bins(ref, bins=bins, seed=column_seed(seed, column))
    keys = [k for k in keys if k.name != column]
    stride = bins + 3  # the most bins any column can have, plus the missing code
    ref_hists = NumericHistogram.profile(b, ref, tuple(k.reference for k in keys), stride)
    cur_hists = NumericHistogram.profile(b, cur, tuple(k.current for k in keys), stride)
    by_key = {k.name: (r, c) for k, r, c in zip(keys, ref_hists[1:], cur_hists[1:], strict=True)}
    sorted_values = None
    if exact:
        sorted_values = (np.sort(ref[np.isfinite(ref)]), np.sort(cur[np.isfinite(cur)]))
    return NumericPair(column, ref_hists[0], cur_hists[0], by_key, sorted_values)


@dataclass(frozen=True, eq=False)
class KeySet:
    """Several keys at once: each side's rows coded by their combination of groups
    (``code_1 + size_1 * (code_2 + size_2 * ...)``), so that a column with few categories is
    counted by all keys in one pass and each key's counts are sums over the others."""

    keys: tuple[Key, ...]
    reference: Groups
    current: Groups

    @classmethod
    def of(cls, keys: Sequence[Key], max_groups: int = 4096) -> KeySet | None:
        """The combination of ``keys``, or ``None`` when there are more than ``max_groups``
        combinations (or fewer than two keys)."""
        sizes = [k.reference.size for k in keys]
        if len(keys) < 2 or int(np.prod(sizes)) > max_groups:
            return None

        def joint(side: Sequence[Groups]) -> Groups:
            out = np.zeros(side[0].codes.size, dtype=np.intp)
            mult = 1
            for g in side:
                out += g.codes.astype(np.intp) * mult
                mult *= g.size
            return Groups(out, mult)

        return cls(
            tuple(keys), joint([k.reference for k in keys]), joint([k.current for k in keys])
        )

    def marginals(self, counts: NDArray[np.int64]) -> list[NDArray[np.int64]]:
        """Each key's ``(groups, width)`` counts from the joint ``(combinations, width)`` ones."""
        sizes = [k.reference.size for k in self.keys]
        cube = counts.reshape(*reversed(sizes), counts.shape[1])
        axes = range(len(sizes))
        return [
            cube.sum(axis=tuple(a for a in axes if a != len(sizes) - 1 - i))
            for i in range(len(sizes))
        ]


def categorical_pair(
    column: str,
    encoded: Encoded,
    keys: Sequence[Key] = (),
    whole: tuple[CategoricalCounts, CategoricalCounts] | None = None,
    joint: KeySet | None = None,
) -> CategoricalPair:
    """Count a categorical column of both sides, whole and per key.

    ``whole`` may pass the whole-data counts when the caller has them already; ``joint`` (the
    combination of ``keys``) counts all keys in one pass when the column has few categories.

    >>> import numpy as np
    >>> from driftwise.profile.encode import encode_pair
    >>> p = categorical_pair("c", encode_pair(["a", "b", "b"], ["b", None]))
    >>> p.labels, p.reference.counts.tolist(), p.current.counts.tolist()
    (('a', 'b'), [[1, 2, 0]], [[0, 1, 1]])
    """
    labels = encoded.labels
    width = len(labels) + 1
    if joint is not None and joint.keys == tuple(keys) and joint.reference.size * width <= 1 << 18:
        ref = joint.marginals(
            CategoricalCounts.of(encoded.reference, labels, joint.reference).counts
        )
        cur = joint.marginals(CategoricalCounts.of(encoded.current, labels, joint.current).counts)
        by_key = {
            k.name: (CategoricalCounts(labels, r), CategoricalCounts(labels, c))
            for k, r, c in zip(keys, ref, cur, strict=True)
            if k.name != column
        }
    else:
        by_key = {
            k.name: (
                CategoricalCounts.of(encoded.reference, labels, k.reference),
                CategoricalCounts.of(encoded.current, labels, k.current),
            )
            for k in keys
            if k.name != column
        }
    if whole is None:
        whole = (
            CategoricalCounts.of(encoded.reference, labels),
            CategoricalCounts.of(encoded.current, labels),
        )
    return CategoricalPair(column, whole[0], whole[1], by_key)
