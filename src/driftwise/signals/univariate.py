"""Univariate drift tests: one column, reference against current.

Numeric columns (``test="ks"``, effect ``"wasserstein_normed"``)
    Exact path, when both sides have at most ``binned_above`` rows: the two-sample
    Kolmogorov-Smirnov statistic from the sorted samples and the p-value
    :func:`scipy.stats.ks_2samp` gives with ``method="asymp"`` (above an effective size
    ``n1 n2 / (n1 + n2)`` of 20,000, where scipy's computation gets slow, Kolmogorov's limit,
    within 1% of it and slightly conservative); the effect size is the
    Wasserstein-1 distance over the reference standard deviation (``ddof=0``, as Evidently's
    normed Wasserstein). Binned path, above that: the same statistics from histograms on
    reference-quantile bins (:mod:`driftwise.profile`), ``method="binned"``: ``D`` is at most
    the exact one and short of it by at most the largest bin share (``statistics["max_bin_mass"]``),
    the p-value is Kolmogorov's limit (conservative), the Wasserstein distance exact unless the
    CDFs cross inside a bin. A (numerically) constant reference has no spread to measure
    against: the scale is then the pooled standard deviation, and 1 (the column's own units) if
    that is zero too. Non-finite values count as missing.
Categorical columns (``test="chi2"``, effect ``"total_variation"``)
    Chi-square test of homogeneity on the 2 x k table of category counts, rare categories pooled
    (:func:`~driftwise.signals.statistics.chi2_homogeneity`); the effect is the total variation
    distance between the category shares. ``new_categories`` lists the categories absent from
    the reference with their share of the current non-missing values (the 20 most common).

Every whole-data test also reports, in ``statistics``: numeric ``ks``, ``wasserstein`` (column
units), ``cvm`` and ``cvm_p_value`` (Cramer-von Mises; on bins, values of a bin are ties), ``ad``
and ``ad_p_value`` (Anderson-Darling, exact path with at most 10,000 values a side), ``psi``,
``js`` (Jensen-Shannon distance, base 2) and ``hellinger`` on 10 reference-decile bins;
categorical ``chi2``, ``g`` and ``g_p_value`` (G-test on the same pooled table), ``tvd``,
``psi``, ``js`` and ``hellinger`` on the category shares. Tests inside segments carry the gate
statistics only.

Practical significance: the effect size must reach ``threshold = max(min_effect, q)``, where
``q`` is the calibrated null quantile (:mod:`driftwise.signals.calibrate`); without calibration
the threshold is 0 and ``min_effect`` alone applies.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> t = compare_column(rng.normal(0, 1, 5000), rng.normal(0.3, 1, 5000), column="price",
...                    role="numeric", kind="numeric", min_effect=0.05, min_rows=30)
>>> t.test, round(t.statistic, 3), t.p_value < 1e-20, round(t.effect_size, 2), t.method
('ks', 0.146, True, 0.32, 'exact')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.errors import DriftwiseError
from driftwise.profile.encode import encode_pair
from driftwise.profile.pair import CategoricalPair, NumericPair, categorical_pair, numeric_pair
from driftwise.signals import statistics as st
from driftwise.signals.categorical_drift import categorical_test
from driftwise.signals.drift_test import (
    Kind,
    RawTest,
    Rows,
    Rules,
    Skipped,
    common_fields,
    drift_id,
    skip,
)
from driftwise.signals.numeric_drift import numeric_binned, numeric_exact, numeric_rows
from driftwise.signals.statistics import ChiSquare, chi2_homogeneity

__all__ = [
    "ChiSquare",
    "Kind",
    "RawTest",
    "Rows",
    "Rules",
    "Skipped",
    "chi2_homogeneity",
    "compare_column",
    "compare_pair",
    "compare_rows",
    "drift_id",
]

FloatArray = NDArray[np.float64]


def _floats(values: NDArray[Any] | pd.Series[Any], column: str) -> FloatArray:
    try:
        if isinstance(values, pd.Series):
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DriftwiseError.for_column(
            column,
            where="signals",
            found="non-numeric values",
            expected="numbers (float64, NaN for missing) for a numeric test",
        ) from None


def compare_column(
    reference: NDArray[Any] | pd.Series[Any],
    current: NDArray[Any] | pd.Series[Any],
    *,
    column: str,
    role: str,
    kind: Kind,
    min_effect: float,
    min_rows: int,
    segment: str | None = None,
    alpha: float = 0.05,
    calibrate: bool = True,
    binned_above: int = 100_000,
    bins: int = 2048,
    seed: int = 0,
) -> RawTest | Skipped:
    """Test one column: the single entry point for a pair of arrays or series.

    Returns a :class:`RawTest`, or a :class:`Skipped` (with its reason) when a side has fewer
    than ``min_rows`` non-missing values. The keywords after ``segment`` are those of
    ``policy.drift`` (and ``policy.seed``).

    >>> t = compare_column(["a"] * 60 + ["b"] * 40, ["a"] * 40 + ["b"] * 50 + ["c"] * 10,
    ...                    column="plan", role="categorical", kind="categorical",
    ...                    min_effect=0.01, min_rows=30)
    >>> t.test, round(t.effect_size, 2), t.new_categories, round(t.threshold, 3)
    ('chi2', 0.2, (('c', 0.1),), 0.12)
    """
    rules = Rules(min_effect, min_effect, min_rows, alpha, calibrate, binned_above, bins, seed)
    pair: NumericPair | CategoricalPair
    if kind == "numeric":
        ref, cur = _floats(reference, column), _floats(current, column)
        exact = max(ref.size, cur.size) <= binned_above
        pair = numeric_pair(column, ref, cur, bins=bins, seed=seed, exact=exact)
    else:
        pair = categorical_pair(column, encode_pair(reference, current))
    return compare_pair(pair, rules, role=role, segment=segment)


def compare_pair(
    pair: NumericPair | CategoricalPair, rules: Rules, *, role: str, segment: str | None = None
) -> RawTest | Skipped:
    """The whole-data test of a profiled column (exact or binned, see the module docstring)."""
    ref, cur = pair.reference.counts[0], pair.current.counts[0]
    n1, n2 = int(ref[:-1].sum()), int(cur[:-1].sum())
    need = max(rules.min_rows, 1)
    if n1 < need or n2 < need:
        return skip(role, pair.column, segment, n1, n2, need)
    if isinstance(pair, CategoricalPair):
        return categorical_test(
            pair, ref, cur, rules, role=role, segment=segment, null=None, whole=True
        )
    common = common_fields(pair.column, role, segment, rules, "numeric", ref, cur)
    if pair.exact is not None:
        return numeric_exact(pair, common, rules)
    return numeric_binned(pair, ref, cur, common, rules, None, whole=True)


def compare_rows(
    pair: NumericPair | CategoricalPair,
    reference: NDArray[np.int64],
    current: NDArray[np.int64],
    rules: Rules,
    *,
    role: str,
    segments: Sequence[str | None],
    null: RawTest | None,
) -> list[RawTest | Skipped]:
    """Binned tests on parts of the rows, from their counts (segments or complements).

    Row ``i`` of ``reference`` and ``current`` (2-D) holds the counts of part ``segments[i]``
    in the pair's bins or categories, then missing. ``null`` is the whole-data test whose
    calibrated null quantile is carried to each part's sizes
    (:meth:`~driftwise.signals.calibrate.Null.scaled`); without it the null is drawn afresh.
    The parts are tested all at once (vectorised over rows).
    """
    ref = np.atleast_2d(reference)
    cur = np.atleast_2d(current)
    if isinstance(pair, NumericPair):
        return numeric_rows(pair, ref, cur, rules, role=role, segments=segments, null=null)
    n1s, n2s = ref[:, :-1].sum(axis=1), cur[:, :-1].sum(axis=1)
    need = max(rules.min_rows, 1)
    ok = np.flatnonzero((n1s >= need) & (n2s >= need))
    statistic, p_value, done = st.chi2_rows(ref[ok, :-1], cur[ok, :-1])
    out: list[RawTest | Skipped] = []
    for i, segment in enumerate(segments):
        if n1s[i] < need or n2s[i] < need:
            out.append(skip(role, pair.column, segment, int(n1s[i]), int(n2s[i]), need))
            continue
        j = int(np.searchsorted(ok, i))
        chi = (float(statistic[j]), float(p_value[j])) if done[j] else None
        out.append(
            categorical_test(
                pair,
                ref[i],
                cur[i],
                rules,
                role=role,
                segment=segment,
                null=null,
                whole=False,
                chi=chi,
            )  # fmt: skip
        )
    return out
