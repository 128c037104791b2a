"""User complaints or feedback: a count per period, and a test that the rate rose.

:func:`read_feedback` reads the series from a CSV or Parquet file; :func:`feedback_evidence`
compares the current window with the periods before it and gives one
:class:`~driftwise.signals.types.FeedbackRate` (id ``feedback:<name>``).

Windows
    With ``n`` periods (in time order), the baseline is the first
    ``policy.feedback.baseline_periods`` periods and the current window the rest; 0 (the
    default) makes every period but the last the baseline.
Rates
    Each period has an *exposure*: the number of requests, users or rows it served (1 per period
    when none is given, so rates are events per period). With ``x_b`` events over exposure
    ``e_b`` in the baseline and ``x_c`` over ``e_c`` in the current window, the rates are
    ``x_b / e_b`` and ``x_c / e_c``, and ``rate_ratio`` their quotient.
Test
    If events are Poisson with rates proportional to exposure, the current count given the total
    ``x_b + x_c`` is binomial with ``p0 = e_c / (e_b + e_c)`` when the rate did not change. The
    p-value is the exact one-sided binomial test that the current share is larger
    (:func:`scipy.stats.binomtest`), 1 when there is no event at all. The interval of the ratio
    maps the Clopper-Pearson interval ``[pl, ph]`` of the current share (at
    ``policy.performance.confidence``) through ``p / (1 - p) * e_b / e_c``. With no baseline
    event the ratio has no finite estimate: 0.5 is then added to both counts for the ratio and
    its interval (Haldane-Anscombe); with no event at all the ratio is 1.
Rule
    ``surged`` when the p-value is below ``policy.feedback.alpha`` *and* the ratio is at least
    ``policy.feedback.min_ratio``: a rise both real and large enough to matter.

Counts from one period to the next often vary more than a Poisson law says (weekdays,
campaigns); the test then alarms too often, so give the periods an exposure where one exists.

>>> from driftwise.policy.model import Policy
>>> e = feedback_evidence([40, 38, 45, 41, 39, 44, 90], Policy())
>>> e.id, e.baseline_rate, round(e.rate_ratio, 2), e.p_value < 1e-6, e.surged
('feedback:complaints', 41.1666..., 2.19, True, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, model_validator
from scipy import stats

from driftwise.data.readers import read_table
from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy
from driftwise.signals.types import FeedbackRate

__all__ = ["FeedbackSeries", "feedback_evidence", "read_feedback"]

_ISO_DATE = r"^\s*\d{4}-\d{2}-\d{2}"


class FeedbackSeries(BaseModel):
    """A count of events per period, in time order, with an optional exposure per period.

    >>> FeedbackSeries(name="complaints", periods=("w1", "w2"), counts=(3, 5)).counts
    (3, 5)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str
    periods: tuple[str, ...]
    counts: tuple[NonNegativeInt, ...]
    exposure: tuple[float, ...] | None = Field(
        None, description="requests, users or rows served in each period"
    )

    @model_validator(mode="after")
    def _same_lengths(self) -> FeedbackSeries:
        if len(self.counts) != len(self.periods):
            raise ValueError("counts and periods must have the same length")
        if self.exposure is not None:
            if len(self.exposure) != len(self.periods):
                raise ValueError("exposure and periods must have the same length")
            if any(e <= 0 for e in self.exposure):
                raise ValueError("every exposure must be above 0")
        return self


def feedback_evidence(
    counts: FeedbackSeries | Sequence[int] | NDArray[np.integer],
    policy: Policy,
    *,
    name: str | None = None,
    exposure: Sequence[float] | NDArray[np.floating] | None = None,
) -> FeedbackRate:
    """Has the rate of events risen in the current window? (See the module docstring.)

    Parameters
    ----------
    counts
        Events per period in time order (at least 2 periods), or a :class:`FeedbackSeries`
        (whose exposure is then used).
    policy
        ``policy.feedback`` (alpha, min_ratio, baseline_periods) and
        ``policy.performance.confidence`` (level of the interval).
    name
        What is counted; the evidence id is ``feedback:<name>``. ``None``: the series' name
        (its count column) for a :class:`FeedbackSeries`, otherwise ``"complaints"``.
    exposure
        Requests, users or rows per period (each above 0); ``None``: 1 per period.

    Raises
    ------
    DriftwiseError
        For a negative or fractional count, a bad exposure, fewer than 2 periods, or a baseline
        that leaves no current period.

    Examples
    --------
    >>> from driftwise.policy.model import Policy
    >>> e = feedback_evidence([12, 9, 11], Policy(), name="tickets", exposure=[1000, 900, 1100])
    >>> e.id, e.periods_baseline, e.periods_current, e.surged
    ('feedback:tickets', 2, 1, False)
    >>> feedback_evidence([3, -1, 4], Policy())
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: feedback: field 'counts': found -1 at position 1; ...
    """
    if isinstance(counts, FeedbackSeries):
        if exposure is not None:
            raise DriftwiseError.for_field(
                "exposure",
                where="feedback",
                found="an exposure besides a FeedbackSeries",
                expected="the series' own exposure only",
            )
        exposure = counts.exposure
        name = counts.name if name is None else name
        counts = counts.counts
    name = "complaints" if name is None else name
    x = _counts(counts)
    n = x.size
    e = np.ones(n) if exposure is None else _exposure(exposure, n)
    baseline = policy.feedback.baseline_periods or n - 1
    if baseline >= n:
        raise DriftwiseError.for_field(
            "feedback.baseline_periods",
            where="policy",
            found=str(baseline),
            expected=f"fewer than the {n} periods of the series (0: all but the last)",
        )
    x_b, x_c = int(x[:baseline].sum()), int(x[baseline:].sum())
    e_b, e_c = float(e[:baseline].sum()), float(e[baseline:].sum())
    ratio, low, high = _ratio(x_b, x_c, e_b, e_c, policy.performance.confidence)
    total = x_b + x_c
    p0 = e_c / (e_b + e_c)
    p_value = 1.0
    if total > 0:
        p_value = float(stats.binomtest(x_c, total, p0, alternative="greater").pvalue)
    return FeedbackRate(
        id=f"feedback:{name}",
        name=name,
        baseline_rate=x_b / e_b,
        current_rate=x_c / e_c,
        rate_ratio=ratio,
        low=low,
        high=high,
        p_value=p_value,
        surged=p_value < policy.feedback.alpha and ratio >= policy.feedback.min_ratio,
        periods_baseline=baseline,
        periods_current=n - baseline,
        series=tuple(float(c) for c in x),
    )


def _ratio(x_b: int, x_c: int, e_b: float, e_c: float, level: float) -> tuple[float, float, float]:
    """The rate ratio and its interval, from the Clopper-Pearson interval of the current share."""

    def odds(p: float) -> float:
        return p / (1.0 - p) * e_b / e_c

    tail = (1.0 - level) / 2.0
    if x_b > 0:
        ci = stats.binomtest(x_c, x_b + x_c).proportion_ci(confidence_level=level, method="exact")
        return (x_c / e_c) / (x_b / e_b), odds(float(ci.low)), odds(float(ci.high))
    # No baseline event: add 0.5 to both counts (Clopper-Pearson bounds as beta quantiles).
    a, b = x_c + 0.5, 0.5
    low = odds(float(stats.beta.ppf(tail, a, b + 1.0)))
    high = odds(float(stats.beta.ppf(1.0 - tail, a + 1.0, b)))
    ratio = 1.0 if x_c == 0 else (a / e_c) / (b / e_b)
    return ratio, (0.0 if x_c == 0 else low), high


def _counts(values: Sequence[int] | NDArray[np.integer] | tuple[int, ...]) -> NDArray[np.int64]:
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    for i, v in enumerate(arr):
        if not (math.isfinite(v) and v >= 0 and v.is_integer()):
            raise DriftwiseError.for_field(
                "counts",
                where="feedback",
                found=f"{_shown(v)} at position {i}",
                expected="whole numbers >= 0",
            )
    if arr.size < 2:
        raise DriftwiseError.for_field(
            "counts",
            where="feedback",
            found=f"{arr.size} period{'s' if arr.size != 1 else ''}",
            expected="at least 2 (a baseline and a current window)",
        )
    return arr.astype(np.int64)


def _exposure(values: Sequence[float] | NDArray[np.floating], n: int) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.size != n:
        raise DriftwiseError.for_field(
            "exposure",
            where="feedback",
            found=f"{arr.size} values",
            expected=f"one per period ({n})",
        )
    for i, v in enumerate(arr):
        if not (math.isfinite(v) and v > 0):
            raise DriftwiseError.for_field(
                "exposure", where="feedback", found=f"{_shown(v)} at position {i}", expected="> 0"
            )
    return arr


def _shown(v: float) -> str:
    v = float(v)
    return str(int(v)) if math.isfinite(v) and v.is_integer() else repr(v)


def read_feedback(
    path: str | Path,
    *,
    period: str = "period",
    count: str = "count",
    exposure: str | None = None,
) -> FeedbackSeries:
    """Read a feedback series: one row per period, with its label, its count, its exposure.

    Parameters
    ----------
    path
        A CSV, TSV or Parquet file (see :func:`driftwise.data.readers.read_table`).
    period
        The column of period labels: dates (rows are put in date order) or names (file order).
    count
        The column of event counts (whole numbers >= 0, none missing); it names the series.
    exposure
        The column of exposures (numbers above 0). ``None``: the column ``"exposure"`` when the
        file has one, otherwise none.

    Raises
    ------
    DriftwiseError
        For a missing column (with the closest name), a missing or repeated period, a count that
        is missing, not a number, negative or fractional (with its row: data rows count from 1),
        a bad exposure, an empty file or fewer than 2 periods.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "fb.csv").write_text("period,count\\n2024-01-02,5\\n2024-01-01,3\\n")
    >>> s = read_feedback(d / "fb.csv")
    >>> s.name, s.periods, s.counts, s.exposure
    ('count', ('2024-01-01', '2024-01-02'), (3, 5), None)
    >>> read_feedback(d / "fb.csv", count="counts")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: .../fb.csv: column 'counts': found no such column; ...
    """
    where = str(path)
    df = read_table(Path(path))
    names = [str(c) for c in df.columns]
    if exposure is None and "exposure" in names and "exposure" not in (period, count):
        exposure = "exposure"
    wanted = (
        (period, "a column of period labels (dates or names)"),
        (count, "a column of event counts per period"),
        (exposure, "a column of exposures (requests or users per period)"),
    )
    for column, expected in wanted:
        if column is not None and column not in names:
            raise DriftwiseError.for_column(
                column,
                where=where,
                found="no such column",
                expected=expected,
                options=names,
                hint=f"The file's columns: {', '.join(names)}.",
            )
    labels = _periods(df[period], where, period)
    counts = _file_counts(df[count], where, count)
    exp = None if exposure is None else _file_exposure(df[exposure], where, exposure)
    if len(df) < 2:
        raise DriftwiseError(
            f"{where}: found 1 period; expected at least 2 (a baseline and a current window)."
        )
    order = _time_order(df[period])
    return FeedbackSeries(
        name=count,
        periods=tuple(labels[i] for i in order),
        counts=tuple(counts[i] for i in order),
        exposure=None if exp is None else tuple(exp[i] for i in order),
    )


def _periods(values: pd.Series, where: str, column: str) -> list[str]:
    missing = values.isna().to_numpy()
    if missing.any():
        row = int(np.argmax(missing)) + 1
        raise DriftwiseError.for_column(
            column,
            where=where,
            found=f"a missing period (row {row})",
            expected="every period named",
        )
    labels = [_label(v) for v in values.tolist()]
    seen: dict[str, int] = {}
    for row, label in enumerate(labels, start=1):
        if label in seen:
            raise DriftwiseError.for_column(
                column,
                where=where,
                found=f"period {label!r} again (rows {seen[label]} and {row})",
                expected="each period once",
            )
        seen[label] = row
    return labels


def _label(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _time_order(values: pd.Series) -> list[int]:
    """Row positions in date order when the periods are dates, else in file order."""
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = values
    elif values.astype(str).str.match(_ISO_DATE).all():
        dates = pd.to_datetime(values.astype(str), errors="coerce", format="ISO8601")
        if dates.isna().any():
            return list(range(len(values)))
    else:
        return list(range(len(values)))
    return [int(i) for i in np.argsort(dates.to_numpy(), kind="stable")]


def _file_counts(values: pd.Series, where: str, column: str) -> list[int]:
    parsed = pd.to_numeric(values.astype(object), errors="coerce")
    out: list[int] = []
    for row, (raw, v) in enumerate(zip(values.tolist(), parsed.tolist(), strict=True), start=1):
        problem = None
        if pd.isna(raw):
            problem = f"a missing count (row {row})"
        elif pd.isna(v):
            problem = f"non-numeric count {str(raw)!r} (row {row})"
        elif v < 0:
            problem = f"negative count {_shown(float(v))} (row {row})"
        elif not float(v).is_integer():
            problem = f"non-integer count {float(v)!r} (row {row})"
        if problem is not None:
            raise DriftwiseError.for_column(
                column, where=where, found=problem, expected="whole numbers >= 0 in every row"
            )
        out.append(int(v))
    return out


def _file_exposure(values: pd.Series, where: str, column: str) -> list[float]:
    parsed = pd.to_numeric(values.astype(object), errors="coerce")
    out: list[float] = []
    for row, (raw, v) in enumerate(zip(values.tolist(), parsed.tolist(), strict=True), start=1):
        if pd.isna(v) or not math.isfinite(float(v)) or float(v) <= 0:
            shown = "a missing exposure" if pd.isna(raw) else f"exposure {str(raw)!r}"
            raise DriftwiseError.for_column(
                column,
                where=where,
                found=f"{shown} (row {row})",
                expected="numbers above 0 in every row",
            )
        out.append(float(v))
    return out
