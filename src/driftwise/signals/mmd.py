"""Maximum mean discrepancy: the unbiased MMD^2 with a Gaussian kernel (median heuristic) and
its permutation test (used by :mod:`driftwise.signals.multivariate`).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x, y = rng.normal(size=(200, 2)), rng.normal(size=(200, 2)) + 1.0
>>> mmd_test(x, y, permutations=50, seed=0).p_value < 0.05
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["MmdTest", "critical_value", "median_heuristic", "mmd2_unbiased", "mmd_test"]

FloatArray = NDArray[np.float64]


def _sq_distances(z: FloatArray) -> FloatArray:
    sq: FloatArray = np.einsum("ij,ij->i", z, z)
    d2: FloatArray = sq[:, None] + sq[None, :] - 2.0 * (z @ z.T)
    np.maximum(d2, 0.0, out=d2)
    np.fill_diagonal(d2, 0.0)
    return d2


def median_heuristic(z: FloatArray) -> float:
    """The median Euclidean distance between distinct rows of ``z`` (1 when it is 0).

    >>> import numpy as np
    >>> median_heuristic(np.array([[0.0], [1.0], [3.0]]))
    2.0
    """
    return _median_distance(_sq_distances(z))


def _median_distance(d2: FloatArray) -> float:
    med = float(np.median(np.sqrt(d2[np.triu_indices(d2.shape[0], 1)])))
    return med if med > 0 else 1.0


def mmd2_unbiased(x: FloatArray, y: FloatArray, sigma: float) -> float:
    """Unbiased MMD^2 of samples ``x`` and ``y`` (rows) with a Gaussian kernel of width ``sigma``.

    >>> import numpy as np
    >>> round(mmd2_unbiased(np.array([[0.0], [1.0]]), np.array([[2.0], [3.0]]), 1.0), 4)
    0.7689
    """
    m = x.shape[0]
    kernel = np.exp(-_sq_distances(np.vstack([x, y])) / (2 * sigma**2))
    s = np.zeros((kernel.shape[0], 1))
    s[:m] = 1.0
    return float(_mmd2_columns(kernel, s, m)[0])


def _mmd2_columns(kernel: FloatArray, s: FloatArray, m: int) -> FloatArray:
    """Unbiased MMD^2 for each column of ``s`` (1 marks the ``m`` rows of the first sample)."""
    n = kernel.shape[0] - m
    diag = np.diag(kernel)
    rowsum = kernel.sum(axis=1)
    k_s = kernel @ s
    sks = np.einsum("ij,ij->j", s, k_s)  # s' K s
    s_row = s.T @ rowsum  # s' K 1
    s_diag = s.T @ diag
    tkt = rowsum.sum() - 2 * s_row + sks  # t' K t with t = 1 - s
    t_diag = diag.sum() - s_diag
    xx = (sks - s_diag) / (m * (m - 1))
    yy = (tkt - t_diag) / (n * (n - 1))
    xy = (s_row - sks) / (m * n)
    result: FloatArray = xx + yy - 2 * xy
    return result


@dataclass(frozen=True)
class MmdTest:
    """An MMD^2 permutation test: the statistic, the kernel width, the null sample, the p-value
    and the witness function at the second sample's rows (made by :func:`mmd_test`).

    >>> import numpy as np
    >>> t = mmd_test(np.zeros((5, 1)), np.ones((5, 1)), permutations=20, seed=0)
    >>> t.sigma, t.null.size, t.witness.size
    (1.0, 20, 5)
    """

    statistic: float
    sigma: float
    null: FloatArray
    p_value: float
    witness: FloatArray


def mmd_test(x: FloatArray, y: FloatArray, *, permutations: int, seed: int) -> MmdTest:
    """Unbiased MMD^2 (median-heuristic Gaussian kernel) with a seeded permutation p-value.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> t = mmd_test(rng.normal(size=(100, 2)), rng.normal(size=(100, 2)) + 1, permutations=99,
    ...              seed=0)
    >>> t.p_value, bool(t.statistic > t.null.max())
    (0.01, True)
    """
    m, n = x.shape[0], y.shape[0]
    z = np.vstack([x, y])
    d2 = _sq_distances(z)
    sigma = _median_distance(d2)
    kernel = np.exp(-d2 / (2 * sigma**2))
    del d2
    rng = np.random.default_rng([seed, 4])
    s = np.zeros((m + n, permutations + 1))
    s[:m, 0] = 1.0
    for p in range(1, permutations + 1):
        s[rng.permutation(m + n)[:m], p] = 1.0
    values = _mmd2_columns(kernel, s, m)
    observed, null = float(values[0]), values[1:]
    p_value = (1 + int(np.sum(null >= observed))) / (1 + permutations)
    witness = kernel[m:, m:].mean(axis=1) - kernel[m:, :m].mean(axis=1)
    return MmdTest(observed, sigma, null, p_value, witness)


def critical_value(null: FloatArray, alpha: float) -> float:
    """The permutation test's critical value: a statistic above it (and only such a statistic)
    has ``p < alpha``. With too few permutations for any ``p < alpha``: the null's maximum.

    >>> import numpy as np
    >>> critical_value(np.arange(1.0, 100.0), 0.05), critical_value(np.arange(1.0, 20.0), 0.05)
    (96.0, 19.0)
    """
    counts = np.arange(null.size)  # null values at or above the statistic
    allowed = np.flatnonzero((1 + counts) / (1 + null.size) < alpha)  # as the p-value
    ranked = np.sort(null)[::-1]
    return float(ranked[int(allowed[-1]) if allowed.size else 0])
