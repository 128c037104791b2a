"""Mergeable histograms: numeric counts on reference bins, categorical counts.

Both hold a 2-D array of counts: one row per group (a single row for the whole data; one row
per value of a segment key, plus a last row for rows whose key is missing), one column per bin
or category plus a last column for missing values. Histograms of chunks of the same data add
up to the histogram of the whole (:meth:`NumericHistogram.merge`,
:meth:`CategoricalCounts.merge`); the rows of a grouped histogram add up to the ungrouped one.

A numeric histogram of the whole data also keeps, per bin, the sum of the values (in the grid
coordinates of :mod:`driftwise.profile.bins`) and the sum of squares of all finite values: the
Wasserstein distance and the standard deviation then come out exactly, not from bin midpoints.

>>> import numpy as np
>>> from driftwise.profile.bins import reference_bins
>>> x = np.array([0.0, 1.0, 2.0, 3.0, np.nan])
>>> h = NumericHistogram.of(reference_bins(x, bins=2, seed=0), x)
>>> h.counts.tolist(), h.n.tolist(), round(float(h.std()[0] / h.bins.scale), 6)
([[0, 2, 1, 1, 1]], [4], 1.118034)
>>> c = CategoricalCounts.of(np.array([0, 1, 1, 2]), ("a", "b"))
>>> c.counts.tolist(), c.merge(CategoricalCounts.of(np.array([0]), ("c",))).labels
([[1, 2, 1]], ('a', 'b', 'c'))
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from driftwise.errors import DriftwiseError
from driftwise.profile.bins import Bins

__all__ = ["CategoricalCounts", "Groups", "NumericHistogram"]

CountArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Groups:
    """Rows of one side sorted into groups: ``codes`` in ``[0, size)`` per row.

    :meth:`offsets` caches ``codes * stride`` so that counting another column of the same
    width by group costs one addition and one ``bincount``.
    """

    codes: NDArray[np.integer]
    size: int
    _offsets: dict[int, IntArray] = field(default_factory=dict, repr=False)

    def offsets(self, stride: int) -> IntArray:
        """``codes * stride`` (cached for a few strides)."""
        found = self._offsets.get(stride)
        if found is None:
            found = self.codes.astype(np.intp) * stride
            if len(self._offsets) < 4:
                self._offsets[stride] = found
        return found


_local = threading.local()


def _scratch(n: int) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
    """Per-thread work arrays of length ``n`` (two float, two integer), reused from column to
    column: fresh large arrays cost page faults, about a third of the time of coding them."""
    found: tuple[FloatArray, FloatArray, IntArray, IntArray] | None = getattr(
        _local, "arrays", None
    )
    if found is None or found[0].size != n:
        found = (np.empty(n), np.empty(n), np.empty(n, dtype=np.intp), np.empty(n, dtype=np.intp))
        _local.arrays = found
    return found


def _bincount2(
    codes: NDArray[np.integer],
    width: int,
    groups: Groups | None,
    stride: int = 0,
    out: IntArray | None = None,
) -> CountArray:
    """``(groups, width)`` counts of ``codes`` (one row without groups); ``out`` may lend an
    integer array of the codes' length for the group indexes."""
    if groups is None:
        flat = np.bincount(codes, minlength=width)
        return np.asarray(flat, dtype=np.int64).reshape(1, width)
    stride = max(stride, width)
    index = np.add(groups.offsets(stride), codes, out=out)
    flat = np.bincount(index, minlength=stride * groups.size)
    return np.asarray(flat, dtype=np.int64).reshape(groups.size, stride)[:, :width].copy()


@dataclass(frozen=True, eq=False)
class NumericHistogram:
    """Counts of one numeric column per bin and group.

    Attributes
    ----------
    bins
        The bins counted on.
    counts
        ``(groups, bins.size + 1)`` counts; the last column counts missing values.
    sums
        Same shape: the sum of the grid coordinates of the values in each bin (whole-data
        histograms only; the missing column is 0).
    squares
        ``(groups,)``: the sum of squared grid coordinates of the finite values (whole data only).
    """

    bins: Bins
    counts: CountArray
    sums: FloatArray | None = None
    squares: FloatArray | None = None

    @classmethod
    def of(cls, bins: Bins, values: FloatArray) -> NumericHistogram:
        """The whole-data histogram of ``values`` (with sums and squares)."""
        return cls.profile(bins, values)[0]

    @classmethod
    def profile(
        cls, bins: Bins, values: FloatArray, groups: tuple[Groups, ...] = (), stride: int = 0
    ) -> tuple[NumericHistogram, ...]:
        """The whole-data histogram, then one grouped histogram (counts only) per ``groups``.

        The values are coded once for all of them. ``stride`` (at least the number of bins plus
        one) may be shared by all columns so that each key's row offsets are computed once.

        >>> import numpy as np
        >>> from driftwise.profile.bins import reference_bins
        >>> x = np.arange(6.0)
        >>> key = Groups(np.array([0, 0, 1, 1, 1, 2]), 3)
        >>> whole, by_key = NumericHistogram.profile(reference_bins(x, bins=2, seed=0), x, (key,))
        >>> by_key.counts.tolist()
        [[0, 2, 0, 0, 0], [0, 0, 3, 0, 0], [0, 0, 0, 1, 0]]
        """
        values = np.asarray(values, dtype=np.float64)
        t, fbuf, ibuf, cbuf = _scratch(values.size)
        np.multiply(values, bins.scale, out=t)
        t += 1.0 - bins.lo * bins.scale
        codes = bins.codes(values, t, (fbuf, ibuf, cbuf))
        width = bins.size + 1
        grouped = [_bincount2(codes, width, g, stride, ibuf) for g in groups]
        # With groups, the whole is the sum of a grouped histogram's rows: no extra pass.
        counts = (
            grouped[0].sum(axis=0, keepdims=True) if grouped else _bincount2(codes, width, None)
        )
        sums = np.asarray(np.bincount(codes, weights=t, minlength=width), dtype=np.float64)
        sums = sums.reshape(1, width)
        sums[0, -1] = 0.0
        if counts[0, -1]:
            finite = t[np.isfinite(values)]
            squares = np.array([np.einsum("i,i->", finite, finite)])
        else:
            squares = np.array([np.einsum("i,i->", t, t)])
        whole = cls(bins, counts, sums, squares)
        return (whole, *(cls(bins, g) for g in grouped))

    @property
    def n(self) -> CountArray:
        """Non-missing values per group."""
        out: CountArray = self.counts[:, :-1].sum(axis=1)
        return out

    def total(self) -> NumericHistogram:
        """All groups added into one row (sums and squares kept when present)."""
        return NumericHistogram(
            self.bins,
            self.counts.sum(axis=0, keepdims=True),
            None if self.sums is None else self.sums.sum(axis=0, keepdims=True),
            None if self.squares is None else self.squares.sum(keepdims=True),
        )

    def std(self, locations: FloatArray | None = None) -> FloatArray:
        """Standard deviation (``ddof=0``) of the finite values per group, in grid units.

        Exact from the sums of squares; for grouped histograms (no sums) it is computed from
        the counts, each bin's values placed at ``locations`` (grid coordinates, one per value
        bin; by default the bin's middle, outer bins one bin width outside).
        """
        n = np.maximum(self.n, 1).astype(np.float64)
        if self.sums is not None and self.squares is not None:
            mean = self.sums[:, :-1].sum(axis=1) / n
            var = self.squares / n - mean**2
        else:
            mid = _midpoints(self.bins) if locations is None else locations
            w = self.counts[:, :-1]
            mean = w @ mid / n
            var = w @ mid**2 / n - mean**2
        out: FloatArray = np.sqrt(np.maximum(var, 0.0))
        return out

    def merge(self, other: NumericHistogram) -> NumericHistogram:
        """The histogram of both chunks (same bins, same groups).

        Raises
        ------
        DriftwiseError
            When the two were counted on different bins or groups.
        """
        if other.bins is not self.bins or other.counts.shape != self.counts.shape:
            raise DriftwiseError.for_field(
                "bins",
                where="profile.NumericHistogram.merge",
                found="histograms counted on different bins or groups",
                expected="histograms of the same column, bins and groups",
            )
        sums = None
        if self.sums is not None and other.sums is not None:
            sums = self.sums + other.sums
        squares = None
        if self.squares is not None and other.squares is not None:
            squares = self.squares + other.squares
        return NumericHistogram(self.bins, self.counts + other.counts, sums, squares)


def _midpoints(bins: Bins) -> FloatArray:
    """A representative grid coordinate per value bin (outer bins: one bin width outside)."""
    g = bins.grid_edges
    if g.size == 1:
        return np.array([g[0] - 1.0, g[0]])
    inner = (g[1:] + g[:-1]) / 2
    return np.concatenate([[g[0] - (g[1] - g[0]) / 2], inner, [g[-1] + (g[-1] - g[-2]) / 2]])


@dataclass(frozen=True, eq=False)
class CategoricalCounts:
    """Counts of one categorical column per category and group.

    ``counts`` is ``(groups, len(labels) + 1)``; the last column counts missing values.
    """

    labels: tuple[str, ...]
    counts: CountArray

    @classmethod
    def of(
        cls, codes: NDArray[np.integer], labels: tuple[str, ...], groups: Groups | None = None
    ) -> CategoricalCounts:
        """Count ``codes`` (``len(labels)`` marks a missing value), optionally by group."""
        return cls(labels, _bincount2(codes, len(labels) + 1, groups))

    @property
    def n(self) -> CountArray:
        """Non-missing values per group."""
        out: CountArray = self.counts[:, :-1].sum(axis=1)
        return out

    @property
    def n_values(self) -> CountArray:
        """Counts of each category, all groups added (missing excluded)."""
        out: CountArray = self.counts[:, :-1].sum(axis=0)
        return out

    def total(self) -> CategoricalCounts:
        """All groups added into one row."""
        return CategoricalCounts(self.labels, self.counts.sum(axis=0, keepdims=True))

    def merge(self, other: CategoricalCounts) -> CategoricalCounts:
        """The counts of both chunks, over the union of their categories (same groups).

        Raises
        ------
        DriftwiseError
            When the two have different numbers of groups.
        """
        if other.counts.shape[0] != self.counts.shape[0]:
            raise DriftwiseError.for_field(
                "counts",
                where="profile.CategoricalCounts.merge",
                found=f"{other.counts.shape[0]} groups against {self.counts.shape[0]}",
                expected="counts of the same groups",
            )
        index = {label: i for i, label in enumerate(self.labels)}
        labels = list(self.labels)
        for label in other.labels:
            if label not in index:
                index[label] = len(labels)
                labels.append(label)
        k = len(labels)
        out = np.zeros((self.counts.shape[0], k + 1), dtype=np.int64)
        out[:, : len(self.labels)] = self.counts[:, :-1]
        out[:, -1] = self.counts[:, -1] + other.counts[:, -1]
        where = np.array([index[label] for label in other.labels], dtype=np.intp)
        out[:, where] += other.counts[:, :-1]  # labels are distinct: no index repeats
        return CategoricalCounts(tuple(labels), out)
