"""The SVG charts of the later evidence kinds: timelines, count series, interval charts."""

from __future__ import annotations

import math
import re

import pytest

from driftwise.report import count_chart, interval_chart, timeline_chart
from driftwise.signals.types import Interval, TimePoint
from report_fixtures import check_page


def _svg_ok(svg: str) -> None:
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>" in svg and 'role="img"' in svg and "aria-label=" in svg
    assert "nan" not in svg.lower().replace("no data", "") and "inf" not in svg
    check_page(svg)


def _tp(period: str, value: float, half: float = 0.01, n: int = 10) -> TimePoint:
    return TimePoint(period=period, value=value, low=value - half, high=value + half, n=n)


_NAN_POINT = TimePoint.model_construct(period="x", value=math.nan, low=math.nan, high=1.0, n=1)


@pytest.mark.parametrize(
    ("reference", "current"),
    [
        ([], []),
        ([_tp("a", 0.5)], []),
        ([], [_tp("a", 0.5, 0.0)]),
        ([_tp("a", 0.5, 0.0), _tp("b", 0.5, 0.0)], [_tp("c", 0.5, 0.0)]),
        ([_NAN_POINT], [_NAN_POINT]),
        ([_NAN_POINT, _tp("a", 0.3)], [_tp("b", 0.4), _NAN_POINT]),
        ([_tp(f"2024-01-{i:02d} long label", 0.9 + i / 1000) for i in range(1, 60)], []),
        ([_tp("<&>", 1e6, 1e5)], [_tp('"q"', -1e6, 1e5)]),
    ],
)
def test_timeline_chart_survives_degenerate_input(
    reference: list[TimePoint], current: list[TimePoint]
) -> None:
    svg = timeline_chart(reference, current, "t")
    _svg_ok(svg)
    shown = [p for p in (*reference, *current) if math.isfinite(p.value)]
    assert svg.count("<g><title>") == len(shown)
    if not shown:
        assert "no data" in svg


def test_timeline_labels_do_not_overlap() -> None:
    points = [_tp(f"2024-W{i:02d}", 0.9) for i in range(1, 53)]
    svg = timeline_chart(points[:40], points[40:], "weekly")
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="206"', svg)]
    assert len(xs) >= 5 and all(b - a >= 56 for a, b in zip(xs, xs[1:], strict=False))
    assert ">2024-W01<" in svg and ">2024-W52<" in svg


@pytest.mark.parametrize(
    ("series", "n_current", "bars", "hot"),
    [
        ([], 0, 0, 0),
        ([0.0, 0.0], 1, 2, 1),
        ([1.0, math.nan, -2.0, 3.0], 10, 4, 4),
        ([5.0], 0, 1, 0),
        ([float(i % 7) for i in range(400)], 30, 400, 30),
    ],
)
def test_count_chart_survives_degenerate_input(
    series: list[float], n_current: int, bars: int, hot: int
) -> None:
    svg = count_chart(series, n_current, "complaints <&>")
    _svg_ok(svg)
    assert svg.count("(current window): ") == hot
    assert svg.count("<title>period ") == bars
    if series and hot < len(series):
        assert "baseline mean" in svg
    if hot:
        assert 'font-weight="600">cur' in svg


def test_interval_chart_sides_names_and_legend_row() -> None:
    iv = Interval(value=0.5, low=0.4, high=0.6, n=10, method="w")
    svg = interval_chart([("g", None, iv), ("h", iv, None)], "short")
    _svg_ok(svg)
    assert "n/a \u2192 0.5" in svg and "0.5 \u2192 n/a" in svg
    long_title = "a rather long chart title that leaves no room for the legend on its line"
    two_rows = interval_chart(
        [("g", iv, iv)], long_title, names=("expected (covariate shift only)", "observed")
    )
    one_row = interval_chart([("g", iv, iv)], "x", names=("expected", "observed"))
    height = re.compile(r'height="(\d+)"')
    assert int(height.findall(two_rows)[0]) == int(height.findall(one_row)[0]) + 16
    assert ">expected (covariate shift only)<" in two_rows
    assert "whiskers: groups" in interval_chart([("g", iv, iv)], "x", whiskers="whiskers: groups")
    assert "whiskers" not in interval_chart(
        [("g", Interval(value=1.0, low=1.0, high=1.0, n=1, method="p"), None)], "x"
    )
