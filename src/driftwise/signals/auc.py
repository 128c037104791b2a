"""The AUC of a score for telling two samples apart, with its DeLong interval and the
one-sided Mann-Whitney p-value, and the Cauchy combination of dependent p-values (used by the
domain classifier of :mod:`driftwise.signals.multivariate`).

>>> import numpy as np
>>> t = auc_test(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0.0, 0.0, 1.0, 1.0]))
>>> round(t.auc, 2)
0.75
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["AucTest", "auc_test", "auc_value", "cauchy_combination"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class AucTest:
    """The AUC of scores for label 1 against label 0, its DeLong interval and the one-sided
    Mann-Whitney p-value that label-1 scores are higher (made by :func:`auc_test`).

    >>> import numpy as np
    >>> t = auc_test(np.array([0.2, 0.4, 0.6, 0.8]), np.array([0.0, 0.0, 1.0, 1.0]))
    >>> t.auc, t.high
    (1.0, 1.0)
    """

    auc: float
    low: float
    high: float
    p_value: float


def auc_test(scores: FloatArray, labels: FloatArray, confidence: float = 0.95) -> AucTest:
    """AUC, DeLong interval and Mann-Whitney p-value from one ranking (see the module).

    >>> import numpy as np
    >>> t = auc_test(np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.2]), np.array([0, 0, 1, 1, 1, 0.0]))
    >>> round(t.auc, 4), round(t.p_value, 4)
    (0.8889, 0.0952)
    """
    from scipy import stats

    pos = labels == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    ranks = stats.rankdata(scores)
    u = float(ranks[pos].sum()) - n1 * (n1 + 1) / 2
    auc = u / (n1 * n0)
    # DeLong: each row's placement, the share of the other class it beats (ties count half).
    v10 = (ranks[pos] - stats.rankdata(scores[pos])) / n0
    v01 = 1 - (ranks[~pos] - stats.rankdata(scores[~pos])) / n1
    var = _var(v10) / n1 + _var(v01) / n0
    half = float(stats.norm.ppf(0.5 + confidence / 2)) * float(np.sqrt(var))
    n = n0 + n1
    _, ties = np.unique(scores, return_counts=True)
    tie_term = float(np.sum(ties.astype(np.float64) ** 3 - ties))
    sigma = float(np.sqrt(n0 * n1 / 12 * ((n + 1) - tie_term / (n * (n - 1)))))
    p = float(stats.norm.sf((u - n0 * n1 / 2 - 0.5) / sigma)) if sigma > 0 else 1.0
    return AucTest(auc, max(0.0, auc - half), min(1.0, auc + half), p)


def cauchy_combination(p_values: Sequence[float]) -> float:
    """One p-value from several dependent ones: the Cauchy combination test (Liu and Xie, 2020),
    ``0.5 - arctan(mean(tan((0.5 - p) * pi))) / pi``, accurate under any correlation for the
    small p-values that matter.

    >>> round(cauchy_combination([0.01, 0.01, 0.01]), 6), round(cauchy_combination([0.5, 0.5]), 3)
    (0.01, 0.5)
    >>> round(cauchy_combination([1e-8, 0.6, 0.9]), 10)
    3e-08
    """
    p = np.clip(np.asarray(p_values, dtype=np.float64), 1e-300, 1.0)
    t = float(np.mean(np.tan((0.5 - p) * np.pi)))
    # For t > 0, 0.5 - arctan(t) / pi == arctan(1 / t) / pi, which keeps tiny p-values exact.
    return float(np.arctan(1 / t) / np.pi) if t > 0 else float(0.5 - np.arctan(t) / np.pi)


def _var(x: FloatArray) -> float:
    return float(np.var(x, ddof=1)) if x.size > 1 else 0.0


def auc_value(scores: FloatArray, pos: BoolArray) -> float:
    from scipy import stats

    n1, n0 = int(pos.sum()), int((~pos).sum())
    return (float(stats.rankdata(scores)[pos].sum()) - n1 * (n1 + 1) / 2) / (n1 * n0)
