"""Performance over time: the model's metric per period of the timestamp column, on each side.

When the schema has a timestamp, a target and a prediction, the evidence is one
:class:`~driftwise.signals.types.PerformanceTimeline` (id ``timeline:<metric>``): accuracy for a
categorical target, mean absolute error for a numeric one, on the labelled rows (target,
prediction and timestamp present), per period, with the interval of
:mod:`driftwise.signals.performance` (Wilson for accuracy; Student t for the MAE, its lower end
clipped at 0) at ``policy.performance.confidence``.

Periods
    Chosen on each side separately (a year of reference and a week of current rows get months
    and days) among ``hour``, ``day``, ``week`` (ISO weeks, from Monday), ``month``, ``quarter``
    and ``year``. Every period must have ``policy.drift.min_rows`` labelled rows: a sparse period
    joins the ones after it until the run has enough, a sparse tail joins the last run, and a
    run is labelled by its first and last period (``2014-06/2014-07``). A unit is a candidate
    when it gives at most 31 periods (a month of days) after merging; it is *regular* when at
    least half of its periods had enough rows before merging. The choice is the finest regular
    candidate with at least 6 periods; else the coarsest candidate with at least 6 periods
    (fewest merges); else (a short or small side) the candidate with the most periods, the
    coarser on a tie. More than 31 years put consecutive years together. Periods without rows
    are absent. A side with fewer than ``min_rows`` labelled rows in all has no points.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> def side(start, days, accuracy):
...     t = pd.Timestamp(start) + pd.to_timedelta(rng.uniform(0, days, 100 * days), unit="D")
...     y = rng.integers(0, 2, t.size)
...     p = np.where(rng.random(t.size) < accuracy, y, 1 - y)
...     return pd.DataFrame({"t": t, "y": y.astype(str), "p": p.astype(str)})
>>> s = Schema(columns=(ColumnSpec(name="t", role=Role.TIMESTAMP),
...                     ColumnSpec(name="y", role=Role.TARGET),
...                     ColumnSpec(name="p", role=Role.PREDICTION)))
>>> (tl,) = timeline_evidence(side("2024-01-01", 70, 0.9), side("2024-03-11", 7, 0.7), s, Policy())
>>> tl.id, [p.period for p in tl.reference][:2], len(tl.reference), len(tl.current)
('timeline:accuracy', ['2024-W01', '2024-W02'], 10, 7)
>>> tl.current[0].period, round(tl.current[0].value, 2)
('2024-03-11', 0.62)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy
from driftwise.schema.roles import Schema
from driftwise.signals.performance import mean_interval, outcomes, wilson_interval
from driftwise.signals.types import Evidence, NotTested, PerformanceTimeline, TimePoint

__all__ = ["MAX_PERIODS", "MIN_PERIODS", "UNITS", "Periods", "choose_periods", "timeline_evidence"]

UNITS = ("hour", "day", "week", "month", "quarter", "year")
MAX_PERIODS = 31
MIN_PERIODS = 6
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Periods:
    """Rows split into consecutive periods: ``order`` sorts the rows by time and period ``i``
    holds ``order[starts[i]:starts[i + 1]]`` (the last one runs to the end)."""

    unit: str
    labels: tuple[str, ...]
    order: IntArray
    starts: IntArray


def choose_periods(times: NDArray[np.datetime64], min_rows: int) -> Periods:
    """Split time stamps (no ``NaT``) into periods of at least ``min_rows`` rows each.

    See the module docstring for the rule. Fewer than ``min_rows`` rows in all: no period.

    >>> import numpy as np
    >>> t = np.datetime64("2024-01-01") + np.arange(0, 24 * 10, 2).astype("timedelta64[h]")
    >>> p = choose_periods(t, 12)
    >>> p.unit, p.labels[:2], len(p.labels), p.starts[:3].tolist()
    ('day', ('2024-01-01', '2024-01-02'), 10, [0, 12, 24])
    >>> choose_periods(t, 50).labels
    ('2024-01-01/2024-01-05', '2024-01-06/2024-01-10')
    """
    order = np.argsort(times, kind="stable").astype(np.int64)
    if order.size == 0 or order.size < min_rows:
        return Periods("none", (), order, np.zeros(0, dtype=np.int64))
    ts = np.asarray(times[order]).astype("datetime64[us]")
    candidates: list[tuple[Periods, bool]] = []
    for unit in UNITS:
        keys = _BUCKET[unit](ts)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        counts = np.diff(np.r_[starts, keys.size])
        dense = 2 * int(np.sum(counts >= min_rows)) >= counts.size
        runs = _merge(counts, min_rows, None if unit == "year" else MAX_PERIODS)
        if runs is None:
            continue
        if runs.size > MAX_PERIODS:  # centuries of data: join consecutive years
            runs = runs[:: math.ceil(runs.size / MAX_PERIODS)]
        names = [_LABEL[unit](int(k)) for k in keys[starts]]
        last = np.r_[runs[1:], counts.size] - 1
        labels = tuple(
            names[a] if a == b else f"{names[a]}/{names[b]}"
            for a, b in zip(runs, last, strict=True)
        )
        found = Periods(unit, labels, order, starts[runs].astype(np.int64))
        if dense and runs.size >= MIN_PERIODS:
            return found  # the finest regular choice
        candidates.append((found, dense))
    enough = [c for c, _ in candidates if len(c.labels) >= MIN_PERIODS]
    if enough:
        return enough[-1]  # none regular: the coarsest, fewest merges
    return max(reversed([c for c, _ in candidates]), key=lambda c: len(c.labels))


def timeline_evidence(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> tuple[Evidence, ...]:
    """The metric per period on each side (see the module docstring).

    Returns ``()`` without a timestamp, target or prediction, and a
    :class:`~driftwise.signals.types.NotTested` when neither side has enough labelled rows.

    Raises
    ------
    DriftwiseError
        When the timestamp column does not hold date-times.

    Examples
    --------
    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="t", role=Role.TIMESTAMP),
    ...                     ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
    ...                     ColumnSpec(name="p", role=Role.PREDICTION, dtype="numeric")))
    >>> df = pd.DataFrame({"t": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...                    "y": [1.0, 2.0], "p": [1.5, 2.0]})
    >>> timeline_evidence(df, df, s, Policy())[0].reason
    '2 labelled reference and 2 current rows with a time stamp; at least 30 needed on a side'
    """
    column = schema.timestamp
    out = outcomes(reference, current, schema)
    if column is None or out is None:
        return ()
    min_rows = max(policy.drift.min_rows, 2)
    level = policy.performance.confidence
    sides: list[tuple[TimePoint, ...]] = []
    units: list[str | None] = []
    sizes: list[int] = []
    for frame, values in ((reference, out.reference), (current, out.current)):
        times = _times(frame[column], column)
        keep = np.isfinite(values) & ~np.isnat(times)
        sizes.append(int(keep.sum()))
        periods = choose_periods(times[keep], min_rows)
        sides.append(_points(values[keep], periods, out.metric, level))
        units.append(periods.unit if sides[-1] else None)
    evidence_id = f"timeline:{out.metric}"
    if not sides[0] and not sides[1]:
        reason = (
            f"{sizes[0]} labelled reference and {sizes[1]} current rows with a time stamp; "
            f"at least {min_rows} needed on a side"
        )
        return (NotTested(id=f"not_tested:{evidence_id}", reason=reason),)
    timeline = PerformanceTimeline(
        id=evidence_id,
        metric=out.metric,
        reference=sides[0],
        current=sides[1],
        unit_reference=units[0],
        unit_current=units[1],
    )
    return (timeline,)


def _points(
    values: FloatArray, periods: Periods, metric: str, level: float
) -> tuple[TimePoint, ...]:
    if not periods.labels:
        return ()
    ordered = values[periods.order]
    ends = np.r_[periods.starts[1:], ordered.size]
    points = []
    for label, a, b in zip(periods.labels, periods.starts, ends, strict=True):
        x = ordered[a:b]
        if metric == "accuracy":
            low, high = wilson_interval(int(x.sum()), x.size, level)
        else:
            low, high = mean_interval(x, level)
            low = max(low, 0.0)
        points.append(
            TimePoint(period=label, value=float(x.mean()), low=low, high=high, n=int(x.size))
        )
    return tuple(points)


def _merge(counts: IntArray, min_rows: int, limit: int | None) -> IntArray | None:
    """First period of each run: a sparse period joins the following ones until the run has
    ``min_rows`` rows; a sparse tail joins the last run. ``None`` beyond ``limit`` runs."""
    total = np.cumsum(counts)
    firsts: list[int] = []
    i, before = 0, 0
    while i < counts.size:
        j = int(np.searchsorted(total, before + min_rows))  # first period closing the run
        if j >= counts.size:  # a sparse tail joins the last run
            firsts += [] if firsts else [i]
            break
        firsts.append(i)
        if limit is not None and len(firsts) > limit:
            return None
        i, before = j + 1, int(total[j])
    return np.asarray(firsts, dtype=np.int64)


def _times(s: pd.Series, column: str) -> NDArray[np.datetime64]:
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        raise DriftwiseError.for_column(
            column,
            where="signals.timeline",
            found=f"values of type {s.dtype}",
            expected="date-times (datetime64)",
        )
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    return np.asarray(s.to_numpy(dtype="datetime64[us]"))


def _floor(unit: str) -> Callable[[NDArray[np.datetime64]], IntArray]:
    return lambda t: t.astype(f"datetime64[{unit}]").astype(np.int64)


def _week(t: NDArray[np.datetime64]) -> IntArray:
    return (_floor("D")(t) + 3) // 7  # 1970-01-01 was a Thursday: weeks start on Monday


def _quarter(t: NDArray[np.datetime64]) -> IntArray:
    return _floor("M")(t) // 3


def _iso_week(k: int) -> str:
    monday = dt.date(1970, 1, 1) + dt.timedelta(days=7 * k - 3)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


_BUCKET: dict[str, Callable[[NDArray[np.datetime64]], IntArray]] = {
    "hour": _floor("h"),
    "day": _floor("D"),
    "week": _week,
    "month": _floor("M"),
    "quarter": _quarter,
    "year": _floor("Y"),
}
_LABEL: dict[str, Callable[[int], str]] = {
    "hour": lambda k: str(np.datetime64(k, "h")),
    "day": lambda k: str(np.datetime64(k, "D")),
    "week": _iso_week,
    "month": lambda k: str(np.datetime64(k, "M")),
    "quarter": lambda k: f"{1970 + k // 4}-Q{k % 4 + 1}",
    "year": lambda k: str(np.datetime64(k, "Y")),
}
