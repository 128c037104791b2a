"""feedback_evidence and read_feedback: the rate-change test, its interval, windows, file errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.policy.model import FeedbackThresholds, Policy
from driftwise.signals.feedback import FeedbackSeries, feedback_evidence, read_feedback
from driftwise.signals.types import Evidence


def policy(**feedback: object) -> Policy:
    return Policy.model_validate({"feedback": feedback})


def test_a_doubling_of_complaints_surges() -> None:
    rng = np.random.default_rng(0)
    counts = [*rng.poisson(40, 13), 82]
    e = feedback_evidence(counts, Policy())
    assert e.surged
    assert e.rate_ratio == pytest.approx(2.0, rel=0.25)
    assert e.low > 1.2 and e.low < e.rate_ratio < e.high
    assert e.p_value < 1e-6
    assert (e.periods_baseline, e.periods_current) == (13, 1)
    assert e.series == tuple(float(c) for c in counts)


def test_poisson_noise_does_not_surge() -> None:
    rng = np.random.default_rng(1)
    e = feedback_evidence(rng.poisson(40, 14), Policy())
    assert not e.surged and e.p_value > 0.05
    assert e.low < 1.0 < e.high


def test_false_surge_rate_is_within_alpha() -> None:
    rng = np.random.default_rng(2)
    surged = [feedback_evidence(rng.poisson(25, 10), Policy()).surged for _ in range(400)]
    assert np.mean(surged) <= FeedbackThresholds().alpha


def test_golden_against_scipy_binomtest_with_exposure() -> None:
    counts = [30, 25, 41, 33, 52, 61]
    exposure = [1000.0, 900.0, 1200.0, 1100.0, 1000.0, 1100.0]
    e = feedback_evidence(counts, policy(baseline_periods=4), name="tickets", exposure=exposure)
    x_b, x_c, e_b, e_c = 129, 113, 4200.0, 2100.0
    assert e.id == "feedback:tickets" and e.name == "tickets"
    assert e.baseline_rate == pytest.approx(x_b / e_b)
    assert e.current_rate == pytest.approx(x_c / e_c)
    assert e.rate_ratio == pytest.approx((x_c / e_c) / (x_b / e_b))
    test = stats.binomtest(x_c, x_b + x_c, e_c / (e_b + e_c), alternative="greater")
    assert e.p_value == pytest.approx(test.pvalue, rel=1e-12)
    two_sided = stats.binomtest(x_c, x_b + x_c)  # the interval is two-sided
    ci = two_sided.proportion_ci(confidence_level=0.95, method="exact")
    assert e.low == pytest.approx(ci.low / (1 - ci.low) * e_b / e_c, rel=1e-12)
    assert e.high == pytest.approx(ci.high / (1 - ci.high) * e_b / e_c, rel=1e-12)
    assert (e.periods_baseline, e.periods_current) == (4, 2)
    assert e.surged


def test_interval_level_follows_the_policy() -> None:
    wide = feedback_evidence(
        [20, 22, 30], Policy.model_validate({"performance": {"confidence": 0.99}})
    )
    narrow = feedback_evidence([20, 22, 30], Policy())
    assert wide.low < narrow.low and wide.high > narrow.high


def test_agrees_with_scipy_poisson_means_test() -> None:
    """The E-test of scipy answers the same question; both agree on clear cases."""
    for counts, rises in (([40, 44, 38, 41, 85], True), ([40, 44, 38, 41, 43], False)):
        e = feedback_evidence(counts, Policy())
        e_test = stats.poisson_means_test(counts[-1], 1, sum(counts[:-1]), 4, alternative="greater")
        assert (e.p_value < 0.05) is rises
        assert bool(e_test.pvalue < 0.05) is rises


def test_min_ratio_keeps_a_small_but_significant_rise_quiet() -> None:
    counts = [10_000] * 10 + [10_800]  # significant with this much data, only +8%
    e = feedback_evidence(counts, Policy())
    assert e.p_value < 1e-8 and e.rate_ratio == pytest.approx(1.08)
    assert not e.surged
    assert feedback_evidence(counts, policy(min_ratio=1.05)).surged


def test_no_baseline_event_and_no_event_at_all() -> None:
    e = feedback_evidence([0, 0, 0, 12], Policy())
    assert e.surged and e.p_value == pytest.approx(stats.binomtest(12, 12, 0.25).pvalue / 1)
    assert 0 < e.low < e.rate_ratio < e.high < float("inf")
    assert e.rate_ratio == pytest.approx((12.5 / 1) / (0.5 / 3))  # 0.5 added to both counts
    quiet = feedback_evidence([0, 0, 0], Policy())
    assert (quiet.rate_ratio, quiet.low, quiet.p_value, quiet.surged) == (1.0, 0.0, 1.0, False)
    assert quiet.high > 1.0
    fell = feedback_evidence([5, 7, 0], Policy())
    assert fell.rate_ratio == 0.0 and fell.low == 0.0 and not fell.surged


def test_a_series_is_accepted_with_its_exposure() -> None:
    s = FeedbackSeries(
        name="tickets", periods=("a", "b", "c"), counts=(5, 6, 30), exposure=(1, 1, 2)
    )
    e = feedback_evidence(s, Policy())
    assert e.id == "feedback:tickets"  # the series' name
    assert e.current_rate == 15.0 and e.baseline_rate == 5.5
    assert feedback_evidence(s, Policy(), name="calls").id == "feedback:calls"
    with pytest.raises(DriftwiseError) as info:
        feedback_evidence(s, Policy(), exposure=[1, 1, 1])
    assert str(info.value) == (
        "feedback: field 'exposure': found an exposure besides a FeedbackSeries; expected the "
        "series' own exposure only."
    )


def test_series_model_checks_lengths_and_values() -> None:
    with pytest.raises(ValidationError):
        FeedbackSeries(name="x", periods=("a",), counts=(1, 2))
    with pytest.raises(ValidationError):
        FeedbackSeries(name="x", periods=("a", "b"), counts=(1, -2))
    with pytest.raises(ValidationError):
        FeedbackSeries(name="x", periods=("a", "b"), counts=(1, 2), exposure=(1.0, 0.0))


@pytest.mark.parametrize(
    ("counts", "exposure", "message"),
    [
        (
            [3, 2.5, 4],
            None,
            "feedback: field 'counts': found 2.5 at position 1; expected whole numbers >= 0.",
        ),
        (
            [3, float("nan")],
            None,
            "feedback: field 'counts': found nan at position 1; expected whole numbers >= 0.",
        ),
        (
            [7],
            None,
            "feedback: field 'counts': found 1 period; expected at least 2 (a baseline "
            "and a current window).",
        ),
        (
            [1, 2, 3],
            [1.0, 2.0],
            "feedback: field 'exposure': found 2 values; expected one per period (3).",
        ),
        ([1, 2], [1.0, 0.0], "feedback: field 'exposure': found 0 at position 1; expected > 0."),
    ],
)
def test_bad_inputs_are_named(
    counts: list[float], exposure: list[float] | None, message: str
) -> None:
    with pytest.raises(DriftwiseError) as info:
        feedback_evidence(counts, Policy(), exposure=exposure)
    assert str(info.value) == message


def test_baseline_that_leaves_no_current_period() -> None:
    with pytest.raises(DriftwiseError) as info:
        feedback_evidence([1, 2, 3], policy(baseline_periods=3))
    assert str(info.value) == (
        "policy: field 'feedback.baseline_periods': found 3; expected fewer than the 3 periods "
        "of the series (0: all but the last)."
    )


def test_a_baseline_window_then_a_longer_current_window() -> None:
    e = feedback_evidence([10, 10, 20, 20, 20], policy(baseline_periods=2))
    assert (e.periods_baseline, e.periods_current) == (2, 3)
    assert e.baseline_rate == 10.0 and e.current_rate == 20.0 and e.rate_ratio == 2.0


# read_feedback ---------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "fb.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_read_csv_in_date_order_with_exposure(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "period,count,exposure\n2024-01-03,7,700\n2024-01-01,5,500\n2024-01-02,6,650.5\n",
    )
    s = read_feedback(path)
    assert s.periods == ("2024-01-01", "2024-01-02", "2024-01-03")
    assert s.counts == (5, 6, 7) and s.exposure == (500.0, 650.5, 700.0)
    assert s.name == "count"
    e = feedback_evidence(s, Policy())
    assert e.id == "feedback:count" and e.periods_baseline == 2


def test_read_labels_in_file_order_and_named_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "week,complaints\nw10,4\nw2,9\nw3,1\n")
    s = read_feedback(path, period="week", count="complaints")
    assert s.periods == ("w10", "w2", "w3") and s.counts == (4, 9, 1) and s.exposure is None


def test_read_parquet_with_datetimes(tmp_path: Path) -> None:
    path = tmp_path / "fb.parquet"
    frame = pd.DataFrame(
        {"period": pd.to_datetime(["2024-02-02", "2024-02-01"]), "count": [3, 2], "users": [9, 8]}
    )
    frame.to_parquet(path)
    s = read_feedback(path, exposure="users")
    assert s.periods == ("2024-02-01", "2024-02-02") and s.counts == (2, 3)
    assert s.exposure == (8.0, 9.0)


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        (
            "period,counts\n1,2\n2,3\n",
            {},
            "column 'count': found no such column; expected a column of event counts per period "
            "(did you mean 'counts'?). The file's columns: period, counts.",
        ),
        (
            "day,count\n1,2\n2,3\n",
            {},
            "column 'period': found no such column; expected a column of period labels (dates or "
            "names). The file's columns: day, count.",
        ),
        (
            "period,count\n1,2\n2,3\n",
            {"exposure": "requests"},
            "column 'requests': found no such column; expected a column of exposures (requests "
            "or users per period). The file's columns: period, count.",
        ),
        (
            "period,count\na,2\nb,-3\n",
            {},
            "column 'count': found negative count -3 (row 2); expected whole numbers >= 0 in "
            "every row.",
        ),
        (
            "period,count\na,2\nb,3.5\n",
            {},
            "column 'count': found non-integer count 3.5 (row 2); expected whole numbers >= 0 in "
            "every row.",
        ),
        (
            "period,count\na,2\nb,many\n",
            {},
            "column 'count': found non-numeric count 'many' (row 2); expected whole numbers >= 0 "
            "in every row.",
        ),
        (
            "period,count\na,\nb,3\n",
            {},
            "column 'count': found a missing count (row 1); expected whole numbers >= 0 in every "
            "row.",
        ),
        (
            "period,count,exposure\na,1,10\nb,3,0\n",
            {},
            "column 'exposure': found exposure '0' (row 2); expected numbers above 0 in every row.",
        ),
        (
            "period,count\na,1\na,3\n",
            {},
            "column 'period': found period 'a' again (rows 1 and 2); expected each period once.",
        ),
        (
            "period,count\na,1\n,3\n",
            {},
            "column 'period': found a missing period (row 2); expected every period named.",
        ),
        (
            "period,count\na,1\n",
            {},
            "found 1 period; expected at least 2 (a baseline and a current window).",
        ),
        ("", {}, "found no rows; expected at least one row."),
        ("period,count\n", {}, "found no rows; expected at least one row."),
    ],
)
def test_read_errors_are_clear(
    tmp_path: Path, text: str, kwargs: dict[str, str], message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DriftwiseError) as info:
        read_feedback(path, **kwargs)
    assert str(info.value) == f"{path}: {message}"


def test_json_round_trip() -> None:
    e = feedback_evidence([4, 5, 6, 15], Policy(), exposure=[10, 11, 12, 13])
    assert TypeAdapter(Evidence).validate_json(e.model_dump_json()) == e
