"""Univariate drift tests: one column, reference against current.

Numeric columns
    Two-sample Kolmogorov-Smirnov test computed from the two sorted samples. The statistic is
    exact; the p-value is the one :func:`scipy.stats.ks_2samp` gives with ``method="asymp"``:
    ``kstwo.sf(D, round(n1 * n2 / (n1 + n2)))``. The effect size (``"wasserstein_normed"``) is the
    Wasserstein-1 distance (the area between the two empirical CDFs, from the same sorted arrays)
    divided by the reference standard deviation (``ddof=0``, as Evidently's normed Wasserstein
    does). A (numerically) constant reference has no spread to measure against: the scale is then
    the standard deviation of both samples pooled, and 1 (the column's own units) if that is zero
    too. Non-finite values count as missing.
Categorical columns
    Chi-square test of homogeneity on the 2 x k table of category counts (missing values are
    excluded and reported as missing shares). Categories with an expected count below 5 on either
    side are pooled into one "other" cell before the test; if that cell is itself still below 5 it
    joins the smallest remaining category. The effect size (``"total_variation"``) is the total
    variation distance between the category shares, ``new_categories`` the categories absent
    from the reference with their share of the current non-missing values (the 20 most common,
    so that a column of free text does not flood the document).

A test returns a :class:`RawTest`; :func:`driftwise.signals.multitest.finish` corrects a family
of them and builds their :class:`~driftwise.signals.types.FeatureDrift` evidence. A column with
fewer than ``min_rows`` non-missing values on a side is not tested: :class:`Skipped` says why.

>>> import numpy as np
>>> from driftwise.signals.univariate import compare_column
>>> rng = np.random.default_rng(0)
>>> t = compare_column(rng.normal(0, 1, 5000), rng.normal(0.3, 1, 5000), column="price",
...                    role="numeric", kind="numeric", min_effect=0.05, min_rows=30)
>>> t.test, round(t.statistic, 3), t.p_value < 1e-20, round(t.effect_size, 2)
('ks', 0.146, True, 0.32)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.signals.types import Distribution, FeatureDrift

__all__ = [
    "ChiSquare",
    "Kind",
    "Prepared",
    "RawTest",
    "Rows",
    "Skipped",
    "chi2_homogeneity",
    "compare_column",
    "compare_prepared",
    "drift_id",
    "prepare",
]

Kind = Literal["numeric", "categorical"]
FloatArray = NDArray[np.float64]
Rows = NDArray[np.bool_] | NDArray[np.intp] | None  # a boolean mask or row positions; None = all
N_BINS = 30
MAX_LABELS = 12
MAX_NEW = 20
MIN_EXPECTED = 5.0


@dataclass(frozen=True)
class Skipped:
    """Something that was not tested, and why (for the caller to report)."""

    id: str
    reason: str


@dataclass(frozen=True)
class Prepared:
    """One column of both sides, encoded once so that subsets of rows are cheap to test.

    Numeric: float64 arrays, NaN for missing. Categorical: integer codes into ``labels``, -1 for
    missing.
    """

    column: str
    role: str
    kind: Kind
    reference: NDArray[Any]
    current: NDArray[Any]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawTest:
    """The outcome of one test before multiple-testing correction."""

    column: str
    role: str
    segment: str | None
    test: str
    statistic: float
    p_value: float
    effect_size: float
    effect_measure: str
    min_effect: float
    n_reference: int
    n_current: int
    missing_reference: float
    missing_current: float
    new_categories: tuple[tuple[str, float], ...] = ()
    new_categories_share: float = 0.0
    distribution: Distribution | None = None

    @property
    def id(self) -> str:
        """``drift:<role>:<column>``, with ``@<key>=<value>`` inside a segment."""
        return drift_id(self.role, self.column, self.segment)

    @property
    def practical(self) -> bool:
        """Is the effect at least the minimum that matters?"""
        return self.effect_size >= self.min_effect

    def to_evidence(
        self, p_adjusted: float, alpha: float, correction: Literal["bh", "bonferroni", "none"]
    ) -> FeatureDrift:
        """The final evidence, given the corrected p-value and the significance level."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["new_categories"] = dict(self.new_categories)
        significant = p_adjusted < alpha
        return FeatureDrift(
            id=self.id,
            p_adjusted=p_adjusted,
            correction=correction,
            significant=significant,
            practical=self.practical,
            drifted=significant and self.practical,
            **values,
        )


@dataclass(frozen=True)
class ChiSquare:
    """A chi-square test of homogeneity on a (pooled) 2 x k table."""

    statistic: float
    p_value: float
    dof: int
    table: NDArray[np.float64]  # the table actually tested, after pooling


def drift_id(role: str, column: str, segment: str | None = None) -> str:
    """The evidence id of a drift test.

    >>> drift_id("numeric", "price"), drift_id("numeric", "price", "region=coast")
    ('drift:numeric:price', 'drift:numeric:price@region=coast')
    """
    return f"drift:{role}:{column}" + (f"@{segment}" if segment else "")


def _ecdfs(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """All values of two sorted samples (merged), their distinct values, and each sample's ECDF
    at the distinct values (``side="right"``: ties count in full)."""
    both = np.concatenate([a, b])
    order = np.argsort(both, kind="stable")  # two sorted runs: a linear merge
    merged = both[order]
    ends = np.flatnonzero(np.append(merged[1:] != merged[:-1], True))  # last of each tie run
    below_a = np.cumsum(order < a.size)[ends]
    cdf_a = below_a / a.size
    cdf_b = (ends + 1 - below_a) / b.size
    return merged, merged[ends], cdf_a, cdf_b


def _ks_p(d: float, n1: int, n2: int) -> float:
    """As ``scipy.stats.ks_2samp(method="asymp")``: the larger size first, the effective size
    rounded half to even, the result clipped to [0, 1]."""
    m, n = sorted([float(n1), float(n2)], reverse=True)
    return float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0))


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
    return ChiSquare(statistic, float(stats.chi2.sf(statistic, dof)), dof, table)


def prepare(
    reference: NDArray[Any] | pd.Series[Any],
    current: NDArray[Any] | pd.Series[Any],
    *,
    column: str,
    role: str,
    kind: Kind,
) -> Prepared:
    """Encode one column of both sides for testing (see :class:`Prepared`).

    >>> p = prepare(["a", None, "b"], ["b", "c"], column="x", role="categorical",
    ...             kind="categorical")
    >>> p.labels, p.reference.tolist(), p.current.tolist()
    (('a', 'b', 'c'), [0, -1, 1], [1, 2])
    """
    if kind == "numeric":
        try:
            ref, cur = _floats(reference), _floats(current)
        except (TypeError, ValueError):
            raise DriftwiseError.for_column(
                column,
                where="signals",
                found="non-numeric values",
                expected="numbers (float64, NaN for missing) for a numeric test",
            ) from None
        ref = np.where(np.isfinite(ref), ref, np.nan)
        cur = np.where(np.isfinite(cur), cur, np.nan)
        return Prepared(column, role, kind, ref, cur)
    ref_obj = np.asarray(reference, dtype=object)
    cur_obj = np.asarray(current, dtype=object)
    codes, uniques = pd.factorize(np.concatenate([ref_obj, cur_obj]), use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.intp)
    labels = tuple(str(u) for u in uniques)
    return Prepared(column, role, kind, codes[: ref_obj.size], codes[ref_obj.size :], labels)


def _floats(values: NDArray[Any] | pd.Series[Any]) -> FloatArray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(values, dtype=np.float64)


def compare_prepared(
    prepared: Prepared,
    *,
    min_effect: float,
    min_rows: int,
    reference_rows: Rows = None,
    current_rows: Rows = None,
    segment: str | None = None,
    distribution: bool = True,
) -> RawTest | Skipped:
    """Test a prepared column, optionally on a subset of rows of each side.

    >>> import numpy as np
    >>> p = prepare(np.arange(10.0), np.arange(10.0), column="x", role="numeric", kind="numeric")
    >>> compare_prepared(p, min_effect=0.05, min_rows=30).reason
    '10 non-missing reference and 10 current values; at least 30 needed on each side'
    """
    ref = prepared.reference if reference_rows is None else prepared.reference[reference_rows]
    cur = prepared.current if current_rows is None else prepared.current[current_rows]
    if prepared.kind == "numeric":
        ok_ref, ok_cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    else:
        ok_ref, ok_cur = ref[ref >= 0], cur[cur >= 0]
    n1, n2 = int(ok_ref.size), int(ok_cur.size)
    needed = max(min_rows, 1)
    if n1 < needed or n2 < needed:
        reason = (
            f"{n1} non-missing reference and {n2} current values; "
            f"at least {needed} needed on each side"
        )
        return Skipped(drift_id(prepared.role, prepared.column, segment), reason)
    common: dict[str, Any] = {
        "column": prepared.column,
        "role": prepared.role,
        "segment": segment,
        "min_effect": min_effect,
        "n_reference": n1,
        "n_current": n2,
        "missing_reference": (ref.size - n1) / ref.size,
        "missing_current": (cur.size - n2) / cur.size,
    }
    if prepared.kind == "numeric":
        return _numeric(np.sort(ok_ref), np.sort(ok_cur), common, distribution)
    k = len(prepared.labels)
    counts_ref = np.bincount(ok_ref, minlength=k)
    counts_cur = np.bincount(ok_cur, minlength=k)
    return _categorical(counts_ref, counts_cur, prepared.labels, common, distribution)


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
) -> RawTest | Skipped:
    """Test one column: the single entry point for a pair of arrays or series.

    Returns a :class:`RawTest`, or a :class:`Skipped` (with its reason) when a side has fewer
    than ``min_rows`` non-missing values.

    >>> t = compare_column(["a"] * 60 + ["b"] * 40, ["a"] * 40 + ["b"] * 50 + ["c"] * 10,
    ...                    column="plan", role="categorical", kind="categorical",
    ...                    min_effect=0.01, min_rows=30)
    >>> t.test, round(t.effect_size, 2), t.new_categories
    ('chi2', 0.2, (('c', 0.1),))
    """
    prepared = prepare(reference, current, column=column, role=role, kind=kind)
    return compare_prepared(
        prepared, min_effect=min_effect, min_rows=min_rows, segment=segment, distribution=True
    )


def _scale(ref: FloatArray, cur: FloatArray) -> float:
    """The reference's standard deviation; pooled (or 1) when the reference is constant.

    >>> import numpy as np
    >>> _scale(np.array([0.1] * 10 + [0.1 + 1e-17]), np.array([0.0, 1.0]))  # float noise only
    0.2434...
    """
    std = float(np.std(ref))
    # Rounding makes a constant column's std tiny but not zero (e.g. 1e-18): treat as zero.
    if std > 1e-9 * (abs(float(np.mean(ref))) + 1e-300):
        return std
    pooled = float(np.std(np.concatenate([ref, cur])))
    return pooled if pooled > 1e-9 * (abs(float(np.mean(ref))) + 1e-300) else 1.0


def _numeric(
    ref: FloatArray, cur: FloatArray, common: dict[str, Any], distribution: bool
) -> RawTest:
    merged, values, cdf_ref, cdf_cur = _ecdfs(ref, cur)
    diff = np.abs(cdf_ref - cdf_cur)
    d = float(np.max(diff))
    w1 = float(np.sum(diff[:-1] * np.diff(values)))
    scale = _scale(ref, cur)
    dist = _numeric_distribution(ref, cur, merged) if distribution else None
    return RawTest(
        test="ks",
        statistic=d,
        p_value=_ks_p(d, ref.size, cur.size),
        effect_size=w1 / scale,
        effect_measure="wasserstein_normed",
        distribution=dist,
        **common,
    )


def _numeric_distribution(ref: FloatArray, cur: FloatArray, merged: FloatArray) -> Distribution:
    lo, hi = (float(q) for q in np.quantile(merged, [0.005, 0.995]))
    if not hi > lo:
        lo, hi = lo - 0.5, lo + 0.5
    edges = np.linspace(lo, hi, N_BINS + 1)

    def shares(x: FloatArray) -> tuple[float, ...]:
        below = np.searchsorted(x, edges[1:-1], side="left")
        counts = np.diff(np.concatenate([[0], below, [x.size]]))
        return tuple(float(c) for c in counts / x.size)

    return Distribution(
        edges=tuple(float(e) for e in edges), reference=shares(ref), current=shares(cur)
    )


def _categorical(
    counts_ref: NDArray[np.intp],
    counts_cur: NDArray[np.intp],
    labels: tuple[str, ...],
    common: dict[str, Any],
    distribution: bool,
) -> RawTest:
    n1, n2 = int(counts_ref.sum()), int(counts_cur.sum())
    share_ref, share_cur = counts_ref / n1, counts_cur / n2
    chi = chi2_homogeneity(counts_ref, counts_cur)
    absent = np.flatnonzero((counts_ref == 0) & (counts_cur > 0))
    new: tuple[tuple[str, float], ...] = ()
    new_share = round(float(share_cur[absent].sum()), 6) if absent.size else 0.0
    if absent.size:
        top = _ranked(counts_cur, labels, absent)[:MAX_NEW]
        new = tuple((labels[i], round(float(share_cur[i]), 6)) for i in top)
    dist = _categorical_distribution(counts_ref, counts_cur, labels) if distribution else None
    return RawTest(
        test="chi2",
        statistic=chi.statistic,
        p_value=chi.p_value,
        effect_size=float(0.5 * np.sum(np.abs(share_ref - share_cur))),
        effect_measure="total_variation",
        new_categories=new,
        new_categories_share=new_share,
        distribution=dist,
        **common,
    )


def _ranked(
    counts: NDArray[np.intp], labels: tuple[str, ...], idx: NDArray[np.intp]
) -> NDArray[np.intp]:
    """``idx`` ordered by count (descending), then label."""
    names = np.array([labels[i] for i in idx], dtype=str)
    return idx[np.lexsort((names, -counts[idx]))]


def _categorical_distribution(
    counts_ref: NDArray[np.intp], counts_cur: NDArray[np.intp], labels: tuple[str, ...]
) -> Distribution:
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
