"""Compact pictures of one column on both sides, for plots (:class:`Distribution`).

Numeric columns: 30 equal-width bins between the pooled 0.5% and 99.5% quantiles; values
outside fall in the first or last bin. On the binned path the quantiles and shares are read
off the fine reference-quantile histograms (interpolated inside a fine bin). Categorical
columns: the 12 most common categories (both sides pooled), the rest pooled as ``"other"``.

>>> import numpy as np
>>> d = categorical_distribution(np.array([5, 3, 2]), np.array([4, 4, 2]), ("a", "b", "c"))
>>> d.labels, d.reference
(('a', 'b', 'c'), (0.5, 0.3, 0.2))
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from driftwise.profile.histogram import NumericHistogram
from driftwise.signals.types import Distribution

__all__ = ["binned_distribution", "categorical_distribution", "numeric_distribution"]

FloatArray = NDArray[np.float64]
N_BINS = 30
MAX_LABELS = 12


def _edges(lo: float, hi: float) -> FloatArray:
    if not hi > lo:
        lo, hi = lo - 0.5, lo + 0.5
    return np.linspace(lo, hi, N_BINS + 1)


def numeric_distribution(
    ref: FloatArray, cur: FloatArray, bounds: FloatArray | None = None
) -> Distribution:
    """From the two *sorted* samples; ``bounds`` may pass their pooled 0.5% and 99.5%
    quantiles when the caller has them.

    >>> import numpy as np
    >>> d = numeric_distribution(np.arange(100.0), np.arange(50.0, 150.0))
    >>> len(d.edges), round(sum(d.reference), 6), d.current[0]
    (31, 1.0, 0.0)
    """
    if bounds is None:
        bounds = np.quantile(np.concatenate([ref, cur]), [0.005, 0.995])
    edges = _edges(float(bounds[0]), float(bounds[1]))

    def shares(x: FloatArray) -> tuple[float, ...]:
        below = np.searchsorted(x, edges[1:-1], side="left")
        counts = np.diff(np.concatenate([[0], below, [x.size]]))
        return tuple(float(c) for c in counts / x.size)

    return Distribution(
        edges=tuple(float(e) for e in edges), reference=shares(ref), current=shares(cur)
    )


def binned_distribution(reference: NumericHistogram, current: NumericHistogram) -> Distribution:
    """From the whole-data histograms of both sides (same bins).

    >>> import numpy as np
    >>> from driftwise.profile import NumericHistogram, reference_bins
    >>> x = np.random.default_rng(0).normal(size=5000)
    >>> b = reference_bins(x, bins=256, seed=0)
    >>> d = binned_distribution(NumericHistogram.of(b, x), NumericHistogram.of(b, x + 1))
    >>> round(d.edges[0], 1), round(d.edges[-1], 1), round(sum(d.current), 6)
    (-2.3, 3.3, 1.0)
    """
    bins = reference.bins
    g = bins.grid_edges
    ref = reference.counts[0, :-1].astype(np.float64)
    cur = current.counts[0, :-1].astype(np.float64)
    # CDF just below each edge: the values of all bins before it.
    cdf_ref = np.cumsum(ref)[:-1] / max(ref.sum(), 1.0)
    cdf_cur = np.cumsum(cur)[:-1] / max(cur.sum(), 1.0)
    pooled = np.cumsum(ref + cur)[:-1] / max(ref.sum() + cur.sum(), 1.0)
    lo_t, hi_t = np.interp([0.005, 0.995], pooled, g)
    edges_t = _edges(float(lo_t), float(hi_t))
    inner = edges_t[1:-1]

    def shares(cdf: FloatArray) -> tuple[float, ...]:
        at = np.interp(inner, g, cdf)
        return tuple(float(s) for s in np.diff(np.concatenate([[0.0], at, [1.0]])))

    edges = bins.lo + (edges_t - 1.0) / bins.scale
    return Distribution(
        edges=tuple(float(e) for e in edges), reference=shares(cdf_ref), current=shares(cdf_cur)
    )


def _ranked(
    counts: NDArray[np.integer], labels: tuple[str, ...], idx: NDArray[np.intp]
) -> NDArray[np.intp]:
    names = np.array([labels[i] for i in idx], dtype=str)
    return idx[np.lexsort((names, -counts[idx]))]


def categorical_distribution(
    counts_ref: NDArray[np.integer], counts_cur: NDArray[np.integer], labels: tuple[str, ...]
) -> Distribution:
    """From category counts (missing excluded)."""
    pooled = counts_ref + counts_cur
    present = _ranked(pooled, labels, np.flatnonzero(pooled > 0))
    top, rest = present[:MAX_LABELS], present[MAX_LABELS:]
    names = [labels[i] for i in top]
    ref = [float(counts_ref[i]) for i in top]
    cur = [float(counts_cur[i]) for i in top]
    if rest.size:
        names.append("other" if "other" not in names else "other (pooled)")
        ref.append(float(counts_ref[rest].sum()))
        cur.append(float(counts_cur[rest].sum()))
    n1, n2 = sum(ref), sum(cur)
    return Distribution(
        labels=tuple(names),
        reference=tuple(x / n1 for x in ref),
        current=tuple(x / n2 for x in cur),
    )
