"""Performance timeline: period choice, golden intervals, a mid-window drop, COMPAS by month."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from driftwise.data.validate import validate_pair
from driftwise.datasets import load
from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.timeline import MAX_PERIODS, choose_periods, timeline_evidence
from driftwise.signals.types import NotTested, PerformanceTimeline

SCHEMA = Schema(
    columns=(
        ColumnSpec(name="t", role=Role.TIMESTAMP),
        ColumnSpec(name="y", role=Role.TARGET),
        ColumnSpec(name="p", role=Role.PREDICTION),
    )
)
REGRESSION = Schema(
    columns=(
        ColumnSpec(name="t", role=Role.TIMESTAMP),
        ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
        ColumnSpec(name="p", role=Role.PREDICTION, dtype="numeric"),
    )
)
LABEL = np.array(["0", "1"], dtype=object)


def classified(
    start: str, days: int, per_day: int, accuracy: float, *, seed: int, drop_at: int | None = None
) -> pd.DataFrame:
    """A stream of binary predictions, right with probability ``accuracy`` (0.7 from day
    ``drop_at`` on)."""
    rng = np.random.default_rng(seed)
    day = np.repeat(np.arange(days), per_day)
    t = pd.Timestamp(start) + pd.to_timedelta(day + rng.random(day.size), unit="D")
    right_share = np.where(drop_at is not None and day >= (drop_at or 0), 0.7, accuracy)
    y = rng.integers(0, 2, day.size)
    p = np.where(rng.random(day.size) < right_share, y, 1 - y)
    return pd.DataFrame({"t": t, "y": LABEL[y], "p": LABEL[p]})


def timeline(ref: pd.DataFrame, cur: pd.DataFrame, schema: Schema = SCHEMA) -> PerformanceTimeline:
    (found,) = timeline_evidence(ref, cur, schema, Policy())
    assert isinstance(found, PerformanceTimeline)
    return found


# --- golden values ---------------------------------------------------------------------------


def test_accuracy_per_period_with_wilson_intervals_as_scipy() -> None:
    ref = classified("2024-01-01", 10, 150, 0.9, seed=0)
    tl = timeline(ref, ref)
    assert tl.id == "timeline:accuracy" and tl.metric == "accuracy"
    assert tl.reference == tl.current
    days = ref["t"].dt.strftime("%Y-%m-%d")
    right = (ref["y"] == ref["p"]).groupby(days)
    assert [p.period for p in tl.current] == list(right.groups)
    for point, (_, rows) in zip(tl.current, right, strict=True):
        assert point.n == len(rows) == 150
        assert point.value == pytest.approx(rows.mean(), abs=1e-12)
        ci = stats.binomtest(int(rows.sum()), len(rows)).proportion_ci(method="wilson")
        assert (point.low, point.high) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_mae_per_period_with_t_intervals_as_scipy() -> None:
    rng = np.random.default_rng(1)
    n = 24 * 40
    t = pd.Timestamp("2024-05-01") + pd.to_timedelta(np.arange(n), unit="h")
    y = rng.normal(10, 2, n)
    df = pd.DataFrame({"t": t, "y": y, "p": y + rng.normal(0, 1, n)})
    tl = timeline(df, df.head(24 * 5), REGRESSION)
    assert tl.id == "timeline:mae"
    assert [p.period for p in tl.reference][:2] == ["2024-W18", "2024-W19"]
    # 24 rows a day, 30 needed: 120 hours in four runs of 30 (days would give only two)
    assert [p.period for p in tl.current] == [
        "2024-05-01T00/2024-05-02T05",
        "2024-05-02T06/2024-05-03T11",
        "2024-05-03T12/2024-05-04T17",
        "2024-05-04T18/2024-05-05T23",
    ]
    errors = np.abs(df["y"] - df["p"]).to_numpy()[:30]
    first = tl.current[0]
    low, high = stats.t.interval(0.95, 29, loc=errors.mean(), scale=stats.sem(errors))
    assert first.n == 30
    assert first.value == pytest.approx(errors.mean(), rel=1e-12)
    assert (first.low, first.high) == pytest.approx((max(low, 0.0), high), rel=1e-12)


# --- the synthetic drop ----------------------------------------------------------------------


def test_accuracy_dropping_halfway_through_the_current_window_shows_in_the_periods() -> None:
    ref = classified("2024-01-01", 60, 200, 0.9, seed=2)
    cur = classified("2024-03-01", 30, 200, 0.9, seed=3, drop_at=15)
    tl = timeline(ref, cur)
    assert len(tl.reference) == 9 and tl.reference[0].period == "2024-W01"
    assert all(p.low > 0.85 for p in tl.reference)
    assert [p.period for p in tl.current][:2] == ["2024-03-01", "2024-03-02"]
    assert len(tl.current) == 30 and all(p.n == 200 for p in tl.current)
    before, after = tl.current[:15], tl.current[15:]
    assert all(p.value > 0.8 for p in before) and all(p.value < 0.8 for p in after)
    assert np.mean([p.low for p in before]) > np.mean([p.high for p in after])
    assert np.mean([p.value for p in after]) == pytest.approx(0.7, abs=0.02)


# --- period choice ---------------------------------------------------------------------------


def test_hours_for_a_day_of_dense_rows() -> None:
    t = np.datetime64("2024-02-03") + np.arange(24 * 60).astype("timedelta64[m]")
    p = choose_periods(t, 30)
    assert p.unit == "hour" and len(p.labels) == 24
    assert p.labels[:2] == ("2024-02-03T00", "2024-02-03T01")
    assert p.starts.tolist() == list(range(0, 24 * 60, 60))


def test_sparse_periods_join_the_following_ones() -> None:
    # 40 rows a day spread over the hours, except two days of 5 rows: they join the next day;
    # a sparse last day joins the period before it.
    per_day = [40, 40, 5, 5, 40, 40, 40, 40, 40, 10]
    t = np.concatenate(
        [
            np.datetime64("2024-04-01T00:00", "m")
            + (i * 1440 + np.linspace(0, 1439, n).astype(int)).astype("timedelta64[m]")
            for i, n in enumerate(per_day)
        ]
    )
    p = choose_periods(t[::-1], 30)  # the order of the rows does not matter
    assert p.unit == "day"
    assert p.labels == (
        "2024-04-01",
        "2024-04-02",
        "2024-04-03/2024-04-05",
        "2024-04-06",
        "2024-04-07",
        "2024-04-08",
        "2024-04-09/2024-04-10",
    )
    assert np.diff(np.r_[p.starts, t.size]).tolist() == [40, 40, 50, 40, 40, 40, 50]
    assert np.all(np.diff(t[::-1][p.order].astype(np.int64)) >= 0)


def test_weeks_use_iso_numbers_across_the_new_year() -> None:
    # 12 rows a day for eight weeks from Monday 2020-11-30; 60 rows needed: days are sparse
    t = np.datetime64("2020-11-30") + np.arange(0, 56 * 24, 2).astype("timedelta64[h]")
    p = choose_periods(t, 60)
    assert p.unit == "week"
    assert p.labels == (
        "2020-W49",
        "2020-W50",
        "2020-W51",
        "2020-W52",
        "2020-W53",
        "2021-W01",
        "2021-W02",
        "2021-W03",
    )


def test_quarters_years_and_centuries() -> None:
    # 20 rows on the first day of each month for five years: months are too sparse
    months = np.arange(np.datetime64("2001-01"), np.datetime64("2006-01")).astype("datetime64[D]")
    quarterly = choose_periods(np.repeat(months, 20), 60)
    assert quarterly.unit == "quarter" and len(quarterly.labels) == 20
    assert quarterly.labels[:2] == ("2001-Q1", "2001-Q2") and quarterly.labels[-1] == "2005-Q4"
    years = np.arange(np.datetime64("1900"), np.datetime64("2000")).astype("datetime64[D]")
    century = choose_periods(np.repeat(years, 50), 30)
    assert century.unit == "year" and len(century.labels) == 25 <= MAX_PERIODS
    assert century.labels[0] == "1900/1903" and century.labels[-1] == "1996/1999"


def test_too_few_rows_give_no_periods() -> None:
    t = np.datetime64("2024-01-01") + np.arange(10).astype("timedelta64[D]")
    assert choose_periods(t, 30).labels == ()


# --- evidence rules --------------------------------------------------------------------------


def test_unlabelled_current_rows_leave_only_the_reference_timeline() -> None:
    ref = classified("2024-01-01", 10, 100, 0.9, seed=4)
    cur = classified("2024-01-11", 10, 100, 0.9, seed=5).assign(y=None)
    tl = timeline(ref, cur)
    assert len(tl.reference) == 10 and tl.current == ()


def test_nothing_without_timestamp_target_or_prediction() -> None:
    df = classified("2024-01-01", 3, 50, 0.9, seed=6)
    no_time = Schema(columns=SCHEMA.columns[1:])
    assert timeline_evidence(df.drop(columns="t"), df.drop(columns="t"), no_time, Policy()) == ()
    no_target = Schema(columns=(SCHEMA.columns[0], SCHEMA.columns[2]))
    assert timeline_evidence(df, df, no_target, Policy()) == ()


def test_too_few_labelled_rows_is_not_tested() -> None:
    df = classified("2024-01-01", 2, 10, 0.9, seed=7)
    df.loc[:4, "t"] = pd.NaT
    assert timeline_evidence(df, df.assign(y=None), SCHEMA, Policy()) == (
        NotTested(
            id="not_tested:timeline:accuracy",
            reason="15 labelled reference and 0 current rows with a time stamp; "
            "at least 30 needed on a side",
        ),
    )


def test_a_timestamp_that_is_not_a_date_time_is_an_error() -> None:
    df = classified("2024-01-01", 2, 20, 0.9, seed=8)
    df["t"] = df["t"].astype(str)
    with pytest.raises(DriftwiseError) as err:
        timeline_evidence(df, df, SCHEMA, Policy())
    assert str(err.value) == (
        "signals.timeline: column 't': found values of type str; expected date-times (datetime64)."
    )


def test_time_zone_aware_stamps_are_read_in_utc() -> None:
    df = classified("2024-01-01", 5, 100, 0.9, seed=9)
    aware = df.assign(t=df["t"].dt.tz_localize("UTC").dt.tz_convert("America/New_York"))
    assert timeline(aware, aware) == timeline(df, df)


# --- real data and scale ---------------------------------------------------------------------


def test_compas_by_month() -> None:
    schema = Schema(
        columns=(
            ColumnSpec(name="compas_screening_date", role=Role.TIMESTAMP),
            ColumnSpec(name="two_year_recid", role=Role.TARGET, dtype="categorical"),
            ColumnSpec(name="high_risk", role=Role.PREDICTION, dtype="categorical"),
        )
    )
    df = load("compas")
    df["high_risk"] = (df["decile_score"] >= 5).astype(int)
    df = df[[c.name for c in schema.columns]]
    early = df[df["compas_screening_date"] < "2014-01-01"]
    late = df[df["compas_screening_date"] >= "2014-01-01"]
    ref, cur = validate_pair(early, late, schema, reference_name="2013", current_name="2014")
    tl = timeline(ref, cur, schema)
    assert [p.period for p in tl.reference] == [f"2013-{m:02d}" for m in range(1, 13)]
    assert [p.period for p in tl.current] == [f"2014-{m:02d}" for m in range(1, 13)]
    right = df["two_year_recid"] == df["high_risk"]
    monthly = right.groupby(df["compas_screening_date"].str[:7]).agg(["mean", "size"])
    for point in (*tl.reference, *tl.current):
        assert point.n == monthly.loc[point.period, "size"]
        assert point.value == pytest.approx(monthly.loc[point.period, "mean"], abs=1e-12)
        assert 0.4 < point.low < point.value < point.high < 0.85


def test_a_million_rows_per_side_take_seconds() -> None:
    n = 1_000_000
    rng = np.random.default_rng(10)
    start = np.datetime64("2023-01-01T00:00:00", "s")

    def side(offset: int) -> pd.DataFrame:
        seconds = np.sort(rng.integers(0, 180 * 86_400, n)) + offset
        return pd.DataFrame(
            {
                "t": (start + seconds.astype("timedelta64[s]")).astype("datetime64[us]"),
                "y": LABEL[rng.integers(0, 2, n)],
                "p": LABEL[rng.integers(0, 2, n)],
            }
        )

    ref, cur = side(0), side(180 * 86_400)
    begin = time.perf_counter()
    tl = timeline(ref, cur)
    assert time.perf_counter() - begin < 10.0
    # 2023-01-01 is a Sunday: ISO week 52 of 2022, then 26 weeks of 2023
    assert len(tl.reference) == 27 and tl.reference[0].period == "2022-W52"
    assert sum(p.n for p in tl.current) == n
