"""Statistics of share vectors and 2 x k count tables (categories, or histogram bins).

- :func:`psi`: population stability index ``sum((q - p) ln(q / p))``, shares below
  :data:`PSI_EPSILON` raised to it;
- :func:`jensen_shannon`: Jensen-Shannon distance, base 2; :func:`hellinger`;
  :func:`total_variation`;
- :func:`chi2_homogeneity` (rare categories pooled), :func:`chi2_rows` (many tables at once),
  :func:`g_test` (log-likelihood ratio).

>>> round(total_variation([60, 40], [40, 60]), 2), round(jensen_shannon([1, 0], [0, 1]), 2)
(0.2, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = [
    "MIN_EXPECTED",
    "PSI_EPSILON",
    "ChiSquare",
    "chi2_homogeneity",
    "chi2_rows",
    "g_test",
    "hellinger",
    "jensen_shannon",
    "psi",
    "total_variation",
]

FloatArray = NDArray[np.float64]
Counts = NDArray[np.integer] | NDArray[np.floating] | Sequence[float]
PSI_EPSILON = 1e-4  # shares below this are raised to it, so that an empty bin stays finite
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class ChiSquare:
    """A chi-square test of homogeneity on a (pooled) 2 x k table."""

    statistic: float
    p_value: float
    dof: int
    table: NDArray[np.float64]  # the table actually tested, after pooling


def _shares(x: Counts) -> FloatArray:
    v = np.asarray(x, dtype=np.float64)
    total = v.sum()
    return v / total if total > 0 else v


def psi(reference: Counts, current: Counts, epsilon: float = PSI_EPSILON) -> float:
    """Population stability index ``sum((q - p) * ln(q / p))`` of two count (or share) vectors,
    shares below ``epsilon`` raised to it.

    >>> round(psi([50, 30, 20], [40, 35, 25]), 6)
    0.041179
    """
    p = np.maximum(_shares(reference), epsilon)
    q = np.maximum(_shares(current), epsilon)
    return float(np.sum((q - p) * np.log(q / p)))


def jensen_shannon(reference: Counts, current: Counts) -> float:
    """Jensen-Shannon distance in base 2 (in [0, 1]), as ``scipy.spatial.distance``'s.

    >>> round(jensen_shannon([1, 0], [0, 1]), 6)
    1.0
    """
    p, q = _shares(reference), _shares(current)
    m = (p + q) / 2.0
    div = (np.sum(special.rel_entr(p, m)) + np.sum(special.rel_entr(q, m))) / 2.0
    return float(math.sqrt(max(float(div), 0.0) / math.log(2.0)))


def hellinger(reference: Counts, current: Counts) -> float:
    """Hellinger distance ``sqrt(1 - sum(sqrt(p q)))`` (in [0, 1]).

    >>> round(hellinger([1, 1], [1, 0]), 6)
    0.541196
    """
    p, q = _shares(reference), _shares(current)
    return float(math.sqrt(max(0.0, 1.0 - float(np.sum(np.sqrt(p * q))))))


def total_variation(reference: Counts, current: Counts) -> float:
    """Total variation distance ``sum(|p - q|) / 2`` (in [0, 1])."""
    return float(0.5 * np.sum(np.abs(_shares(reference) - _shares(current))))


def chi2_homogeneity(
    reference_counts: NDArray[Any] | Sequence[float], current_counts: NDArray[Any] | Sequence[float]
) -> ChiSquare:
    """Chi-square test of homogeneity of two count vectors, rare categories pooled first.

    Categories empty on both sides are dropped; those with an expected count below 5 on either
    side are pooled into one cell (which joins the smallest other category if still below 5).
    With fewer than two cells left the test has no degrees of freedom: statistic 0, p-value 1.

    >>> r = chi2_homogeneity([500, 300, 200, 2, 1], [450, 350, 150, 30, 0])
    >>> r.table.tolist(), r.dof, bool(r.p_value < 1e-6)
    ([[500.0, 300.0, 200.0, 3.0], [450.0, 350.0, 150.0, 30.0]], 3, True)
    """
    table = np.vstack([np.asarray(reference_counts), np.asarray(current_counts)]).astype(float)
    table = table[:, table.sum(axis=0) > 0]
    rows = table.sum(axis=1)
    total = rows.sum()
    if table.shape[1] > 0 and total > 0:
        small = (np.outer(rows, table.sum(axis=0)) / total).min(axis=0) < MIN_EXPECTED
        if small.any():
            other = table[:, small].sum(axis=1)
            table = table[:, ~small]
            if table.shape[1] > 0 and (rows * other.sum() / total).min() < MIN_EXPECTED:
                table[:, int(np.argmin(table.sum(axis=0)))] += other
            else:
                table = np.column_stack([table, other])
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return ChiSquare(statistic=0.0, p_value=1.0, dof=0, table=table)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    statistic = float(np.sum((table - expected) ** 2 / expected))
    dof = table.shape[1] - 1
    return ChiSquare(statistic, float(special.chdtrc(dof, statistic)), dof, table)


def chi2_rows(
    reference: NDArray[np.integer], current: NDArray[np.integer]
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """:func:`chi2_homogeneity` of each row pair of two ``(m, k)`` count arrays at once, for
    the rows that need no pooling (every expected count of a non-empty category at least 5;
    ``done`` marks them): ``(statistic, p-value, done)``."""
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    cols = ref + cur
    n1 = ref.sum(axis=1, keepdims=True)
    n2 = cur.sum(axis=1, keepdims=True)
    total = np.maximum(n1 + n2, 1.0)
    e1, e2 = cols * n1 / total, cols * n2 / total
    used = cols > 0
    small = used & ((e1 < MIN_EXPECTED) | (e2 < MIN_EXPECTED))
    dof = used.sum(axis=1) - 1
    done = ~small.any(axis=1) & (dof >= 1) & (n1[:, 0] > 0) & (n2[:, 0] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(used, (ref - e1) ** 2 / e1 + (cur - e2) ** 2 / e2, 0.0)
    statistic = np.where(done, terms.sum(axis=1), 0.0)
    p = np.where(done, special.chdtrc(np.maximum(dof, 1), statistic), 1.0)
    return statistic, p, done


def g_test(table: NDArray[np.float64]) -> tuple[float, float]:
    """G-test (log-likelihood ratio) of homogeneity of a 2 x k table: ``G`` and its p-value.

    As ``scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")``;
    a table with fewer than two columns gives ``(0, 1)``.

    >>> g, p = g_test(np.array([[30.0, 20.0], [20.0, 30.0]]))
    >>> round(g, 4), round(p, 4)
    (4.0271, 0.0448)
    """
    if table.ndim != 2 or table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    g = float(2.0 * np.sum(special.xlogy(table, table / expected)))
    return g, float(special.chdtrc(table.shape[1] - 1, g))
