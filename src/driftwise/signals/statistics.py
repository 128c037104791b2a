"""Two-sample statistics, from tie groups of sorted samples or from histograms.

Most statistics here take *groups*: for the exact path, the distinct values of both samples
pooled (with how many of each sample equal each value); for the binned path, the bins of a
histogram (the values of one bin treated as tied). The same formula then serves both paths:

- Kolmogorov-Smirnov ``D``: the largest gap between the two CDFs after each group. On bins it
  is the gap at the bin edges, so it is at most the exact ``D`` and falls short of it by at most
  the largest share of either sample in one bin (between two edges each CDF moves by at most
  its bin's share).
- Cramer-von Mises ``T`` of :func:`scipy.stats.cramervonmises_2samp` (midranks for ties) and its
  asymptotic p-value (Csorgo and Faraway 1996), as scipy computes them.
- Wasserstein-1: exact from the distinct values; on bins from the per-bin sums of the values,
  exact as long as the two CDFs do not cross inside a bin (:func:`wasserstein_binned`).

Distances between two share vectors (:func:`psi`, :func:`jensen_shannon`, :func:`hellinger`,
:func:`total_variation`) and the tests of a 2 x k table (:func:`chi2_homogeneity`,
:func:`chi2_rows`, :func:`g_test`) live in :mod:`driftwise.signals.share_statistics` and are
re-exported here.

>>> import numpy as np
>>> a, b = np.array([1.0, 2.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0])
>>> g = tie_groups(a, b)
>>> g.values.tolist(), g.reference.tolist(), g.current.tolist()
([1.0, 2.0, 3.0, 4.0], [1, 2, 1, 0], [0, 1, 1, 1])
>>> round(ks_statistic(g.reference, g.current), 4), round(wasserstein_exact(g), 4)
(0.4167, 1.0)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from driftwise.signals.share_statistics import (
    MIN_EXPECTED,
    PSI_EPSILON,
    ChiSquare,
    chi2_homogeneity,
    chi2_rows,
    g_test,
    hellinger,
    jensen_shannon,
    psi,
    total_variation,
)

__all__ = [
    "MIN_EXPECTED",
    "PSI_EPSILON",
    "ChiSquare",
    "TieGroups",
    "anderson_darling",
    "exact_summary",
    "pooled_quantiles",
    "chi2_homogeneity",
    "chi2_rows",
    "cramer_von_mises",
    "g_test",
    "hellinger",
    "jensen_shannon",
    "EXACT_P_MAX_EFFECTIVE",
    "ks_p_exact",
    "ks_p_limit",
    "ks_p_value",
    "ks_statistic",
    "ks_statistic_rows",
    "psi",
    "tie_groups",
    "total_variation",
    "wasserstein_binned",
    "wasserstein_binned_rows",
    "wasserstein_exact",
]

FloatArray = NDArray[np.float64]
Counts = NDArray[np.integer] | NDArray[np.floating]


@dataclass(frozen=True, eq=False)
class TieGroups:
    """The distinct values of two sorted samples pooled, and each sample's count of each."""

    values: FloatArray
    reference: NDArray[np.intp]
    current: NDArray[np.intp]


def tie_groups(reference: FloatArray, current: FloatArray) -> TieGroups:
    """Group two *sorted* samples by distinct value (a linear merge of the two runs)."""
    both = np.concatenate([reference, current])
    order = np.argsort(both, kind="stable")
    merged = both[order]
    ends = np.flatnonzero(np.append(merged[1:] != merged[:-1], True))
    below_ref = np.cumsum(order < reference.size)[ends]
    ref_counts = np.diff(np.concatenate([[0], below_ref]))
    cur_counts = np.diff(np.concatenate([[0], ends + 1 - below_ref]))
    return TieGroups(merged[ends], ref_counts, cur_counts)


def _cdfs(reference: Counts, current: Counts) -> tuple[FloatArray, FloatArray]:
    ref = np.cumsum(reference, dtype=np.float64)
    cur = np.cumsum(current, dtype=np.float64)
    return ref / max(ref[-1], 1.0), cur / max(cur[-1], 1.0)


def ks_statistic(reference: Counts, current: Counts) -> float:
    """Largest gap between the two CDFs after each group (see the module docstring)."""
    ref, cur = _cdfs(reference, current)
    return float(np.max(np.abs(ref - cur))) if ref.size else 0.0


def ks_statistic_rows(reference: Counts, current: Counts) -> FloatArray:
    """:func:`ks_statistic` of each row of two 2-D count arrays."""
    ref = np.cumsum(reference, axis=-1, dtype=np.float64)
    cur = np.cumsum(current, axis=-1, dtype=np.float64)
    ref /= np.maximum(ref[..., -1:], 1.0)
    cur /= np.maximum(cur[..., -1:], 1.0)
    out: FloatArray = np.abs(ref - cur).max(axis=-1)
    return out


def ks_p_exact(d: float, n1: int, n2: int) -> float:
    """As ``scipy.stats.ks_2samp(method="asymp")``: the larger size first, the effective size
    rounded half to even, the result clipped to [0, 1]. (Slow for large samples with a clear
    shift: up to 0.1 s a call at an effective size of 50,000; see :func:`ks_p_value`.)"""
    m, n = sorted([float(n1), float(n2)], reverse=True)
    return float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0))


EXACT_P_MAX_EFFECTIVE = 20_000


def ks_p_value(d: float, n1: int, n2: int) -> float:
    """The exact path's p-value: :func:`ks_p_exact` up to an effective size
    ``n1 n2 / (n1 + n2)`` of :data:`EXACT_P_MAX_EFFECTIVE`, :func:`ks_p_limit` above (within
    1% there, slightly conservative, and fast at any size)."""
    if n1 * n2 / (n1 + n2) <= EXACT_P_MAX_EFFECTIVE:
        return ks_p_exact(d, n1, n2)
    return ks_p_limit(d, n1, n2)


def ks_p_limit(d: float, n1: int, n2: int) -> float:
    """Kolmogorov's limiting distribution, ``kstwobign.sf(sqrt(n1 n2 / (n1 + n2)) D)``.

    Used on the binned path: it is fast at any size, and above 50,000 rows per side within 1%
    of :func:`ks_p_exact` (slightly larger: conservative) for p-values above 1e-8.

    >>> round(ks_p_limit(0.005, 100_000, 100_000), 4)
    0.1641
    """
    return float(special.kolmogorov(math.sqrt(n1 * n2 / (n1 + n2)) * d))


def exact_summary(groups: TieGroups) -> tuple[float, float, float, float]:
    """``(D, Wasserstein-1, CvM T, CvM p-value)`` of two samples from their tie groups, the
    cumulative counts computed once for all three."""
    a = groups.reference.astype(np.float64)
    b = groups.current.astype(np.float64)
    cum_a, cum_b = np.cumsum(a), np.cumsum(b)
    gap = np.abs(cum_a / max(cum_a[-1], 1.0) - cum_b / max(cum_b[-1], 1.0))
    d = float(gap.max()) if gap.size else 0.0
    w1 = float(np.dot(gap[:-1], np.diff(groups.values)))
    t, p = _cvm(a, b, cum_a, cum_b, gap)
    return d, w1, t, p


def pooled_quantiles(groups: TieGroups, q: Sequence[float]) -> FloatArray:
    """Quantiles of both samples pooled, as :func:`numpy.quantile` (linear) computes them.

    >>> g = tie_groups(np.array([1.0, 2.0, 2.0]), np.array([4.0, 9.0]))
    >>> pooled_quantiles(g, [0.0, 0.5, 0.9]).tolist()
    [1.0, 2.0, 7.0]
    """
    counts = groups.reference + groups.current
    ends = np.cumsum(counts)  # pooled rank (1-based) of each group's last value
    h = (float(ends[-1]) - 1.0) * np.asarray(q, dtype=np.float64)
    lo = np.floor(h)
    below = groups.values[np.searchsorted(ends, lo + 1.0)]
    above = groups.values[np.searchsorted(ends, np.minimum(lo + 2.0, ends[-1]))]
    out: FloatArray = below + (h - lo) * (above - below)
    return out


def wasserstein_exact(groups: TieGroups) -> float:
    """Wasserstein-1 distance (area between the two empirical CDFs) from tie groups."""
    ref, cur = _cdfs(groups.reference, groups.current)
    return float(np.sum(np.abs(ref - cur)[:-1] * np.diff(groups.values)))


def wasserstein_binned(
    reference: Counts,
    current: Counts,
    reference_sums: FloatArray,
    current_sums: FloatArray,
    edges: FloatArray,
) -> float:
    """Wasserstein-1 distance from histograms with per-bin sums of the values.

    Bin ``i`` of ``len(edges) + 1`` value bins holds ``[edges[i-1], edges[i])``. Over each bin
    the signed area between the CDFs is exact, ``F(lower edge) * width + (count * upper edge -
    sum) / n`` for each side (outer bins: the expected excess beyond the edge); the distance
    adds the absolute values of these areas. It equals the exact distance when the CDFs do not
    cross inside any bin (a location shift, for one) and is otherwise below it by at most twice
    the area of the bins where they cross.

    >>> import numpy as np
    >>> x, y = np.array([0.0, 1.0, 2.5, 3.0]), np.array([0.5, 1.5, 3.5, 4.0])
    >>> edges = np.array([1.0, 3.0])
    >>> def hist(v):
    ...     code = np.searchsorted(edges, v, side="right")
    ...     return np.bincount(code, minlength=3), np.bincount(code, weights=v, minlength=3)
    >>> (cx, sx), (cy, sy) = hist(x), hist(y)
    >>> round(wasserstein_binned(cx, cy, sx, sy, edges), 6)
    0.75
    """
    return float(wasserstein_binned_rows(reference, current, reference_sums, current_sums, edges))


def wasserstein_binned_rows(
    reference: Counts,
    current: Counts,
    reference_sums: FloatArray,
    current_sums: FloatArray,
    edges: FloatArray,
) -> FloatArray:
    """:func:`wasserstein_binned` of each row of 2-D histograms (or of one 1-D pair)."""
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    n1 = np.maximum(ref.sum(axis=-1, keepdims=True), 1.0)
    n2 = np.maximum(cur.sum(axis=-1, keepdims=True), 1.0)
    below_ref = np.cumsum(ref, axis=-1) - ref
    below_cur = np.cumsum(cur, axis=-1) - cur
    area = np.empty(ref.shape)
    # Inner bins [edges[i-1], edges[i]).
    width = np.diff(edges)
    upper = edges[1:]
    inner = slice(1, -1)
    area[..., inner] = (
        below_ref[..., inner] * width + ref[..., inner] * upper - reference_sums[..., inner]
    ) / n1 - (
        below_cur[..., inner] * width + cur[..., inner] * upper - current_sums[..., inner]
    ) / n2
    # Below the first edge: integral of F = E[(edge - X)+]; above the last: that of 1 - F.
    area[..., :1] = (ref[..., :1] * edges[0] - reference_sums[..., :1]) / n1 - (
        cur[..., :1] * edges[0] - current_sums[..., :1]
    ) / n2
    area[..., -1:] = (current_sums[..., -1:] - cur[..., -1:] * edges[-1]) / n2 - (
        reference_sums[..., -1:] - ref[..., -1:] * edges[-1]
    ) / n1
    out: FloatArray = np.abs(area).sum(axis=-1)
    return out


def cramer_von_mises(reference: Counts, current: Counts) -> tuple[float, float]:
    """Two-sample Cramer-von Mises ``T`` and its asymptotic p-value, from tie groups.

    Matches :func:`scipy.stats.cramervonmises_2samp` with ``method="asymptotic"`` (scipy's
    choice when a sample has more than 20 values): midranks for ties, Anderson's (1962) ``U``,
    ``T = U / (n m N) - (4 n m - 1) / (6 N)``, normalised with its mean and variance and
    referred to the limiting distribution.
    """
    a = np.asarray(reference, dtype=np.float64)
    b = np.asarray(current, dtype=np.float64)
    return _cvm(a, b, np.cumsum(a), np.cumsum(b))


def _cvm(
    a: FloatArray,
    b: FloatArray,
    cum_a: FloatArray,
    cum_b: FloatArray,
    gap: FloatArray | None = None,
) -> tuple[float, float]:
    """:func:`cramer_von_mises` given the two count vectors and their cumulative sums (and,
    optionally, the gap between the two CDFs after each group)."""
    nx, ny = float(cum_a[-1]), float(cum_b[-1])
    k, n = nx * ny, nx + ny
    pooled = a + b
    if gap is not None and float(pooled.max()) <= 1.0:
        # No ties: Anderson's T equals (n m / N^2) * sum over the pooled values of (F - G)^2.
        t = k / n**2 * float(np.dot(gap, gap))
    else:
        # midrank of each group: values below it, plus the middle of its own run
        midrank = (cum_a + cum_b) - (pooled - 1.0) / 2.0

        def part(c: FloatArray, cum: FloatArray) -> float:
            # sum over the sample's own order i within each group of (midrank - i)^2, where i
            # runs over cum - c + 1 .. cum: c d^2 - d c (c + 1) + c (c + 1)(2c + 1) / 6
            d = midrank - cum + c
            return float(
                np.dot(c, d * (d - c - 1.0)) + np.dot(c, (c + 1.0) * (2.0 * c + 1.0)) / 6.0
            )

        u = nx * part(a, cum_a) + ny * part(b, cum_b)
        t = u / (k * n) - (4.0 * k - 1.0) / (6.0 * n)
    et = (1.0 + 1.0 / n) / 6.0
    vt = (n + 1.0) * (4.0 * k * n - 3.0 * (nx**2 + ny**2) - 2.0 * k) / (45.0 * n**2 * 4.0 * k)
    tn = 1.0 / 6.0 + (t - et) / math.sqrt(45.0 * vt)
    p = 1.0 if tn < 0.003 else max(0.0, 1.0 - _cdf_cvm_inf(tn))
    return float(t), float(min(p, 1.0))


def _cdf_cvm_inf(x: float) -> float:
    """CDF of the limiting Cramer-von Mises distribution (Csorgo and Faraway 1996, eq. 1.2)."""
    total, k = 0.0, 0
    while True:
        u = math.exp(special.gammaln(k + 0.5) - special.gammaln(k + 1)) / (
            math.pi**1.5 * math.sqrt(x)
        )
        y = 4 * k + 1
        q = y**2 / (16 * x)
        term = u * math.sqrt(y) * math.exp(-q) * float(special.kv(0.25, q))
        total += term
        if not abs(term) >= 1e-7:
            return float(total)
        k += 1


def anderson_darling(reference: FloatArray, current: FloatArray) -> tuple[float, float] | None:
    """k-sample Anderson-Darling (midrank) statistic and p-value, from scipy.

    The p-value is interpolated from scipy's table, so it is capped to [0.001, 0.25]. ``None``
    when all values are equal (the test needs two distinct values).
    """
    if reference.size == 0 or current.size == 0:
        return None
    both_min = min(reference[0], current[0])
    if both_min == max(reference[-1], current[-1]):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res: Any = stats.anderson_ksamp([reference, current], variant="midrank")
        except TypeError:  # scipy < 1.17 has no `variant`
            res = stats.anderson_ksamp([reference, current], midrank=True)
    return float(res.statistic), float(res.pvalue)
