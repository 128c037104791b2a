"""Dot-and-whisker SVG charts: estimates with confidence intervals, two sides per row.

The first side is a circle above, the second a square below, so the sides differ in shape as
well as colour (Okabe-Ito blue and orange). A side may be missing (``None``) or a point without an
interval (``low == high``), which is drawn without whiskers.

>>> from driftwise.signals.types import Interval
>>> iv = Interval(value=0.9, low=0.88, high=0.92, n=100, method="wilson")
>>> s = interval_chart([("overall", iv, None)], "accuracy")
>>> s.count("<circle"), "0.9 \u2192 n/a" in s
(2, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from driftwise.report.svgkit import (
    CURRENT_COLOUR,
    GRID,
    REFERENCE_COLOUR,
    clip,
    coord,
    no_data,
    svg_label,
    svg_open,
    svg_text,
    text_width,
    tick,
)
from driftwise.signals.types import Interval

__all__ = ["interval_chart", "point"]


def point(value: float) -> Interval:
    """A value without an interval, for a side that has none (such as a group's reference).

    >>> point(0.4).low, point(0.4).high, point(0.4).method
    (0.4, 0.4, 'point')
    """
    return Interval.model_construct(value=value, low=value, high=value, n=0, method="point")


def _finite(iv: Interval | None) -> bool:
    return iv is not None and all(math.isfinite(v) for v in (iv.value, iv.low, iv.high))


def _legend(width: int, y: float, names: tuple[str, str], note: str) -> tuple[str, float]:
    """The legend laid out leftwards from the right edge on baseline ``y``; returns it and the
    x where it starts."""
    x = width - 4 - text_width(note)
    parts = [svg_text(width - 4, y, note, anchor="end")] if note else []
    second = x - 14 - text_width(names[1])
    parts.append(
        f'<rect x="{coord(second)}" y="{coord(y - 8)}" width="8" height="8" '
        f'fill="{CURRENT_COLOUR}"/>' + svg_text(second + 12, y, names[1])
    )
    first = second - 16 - text_width(names[0])
    parts.append(
        f'<circle cx="{coord(first + 4)}" cy="{coord(y - 4)}" r="4" fill="{REFERENCE_COLOUR}"/>'
        + svg_text(first + 12, y, names[0])
    )
    return "".join(parts), first


def _side(
    x_of: Callable[[float], float], iv: Interval, yy: float, colour: str, circle: bool
) -> list[str]:
    parts = []
    if iv.high > iv.low:
        lo, hi = x_of(iv.low), x_of(iv.high)
        parts.append(
            f'<line x1="{coord(lo)}" y1="{coord(yy)}" x2="{coord(hi)}" y2="{coord(yy)}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        for end in (lo, hi):
            parts.append(
                f'<line x1="{coord(end)}" y1="{coord(yy - 4)}" x2="{coord(end)}" '
                f'y2="{coord(yy + 4)}" stroke="{colour}" stroke-width="2"/>'
            )
    cx = x_of(iv.value)
    if circle:
        parts.append(f'<circle cx="{coord(cx)}" cy="{coord(yy)}" r="4" fill="{colour}"/>')
    else:
        parts.append(
            f'<rect x="{coord(cx - 4)}" y="{coord(yy - 4)}" width="8" height="8" fill="{colour}"/>'
        )
    return parts


def interval_chart(
    rows: Sequence[tuple[str, Interval | None, Interval | None]],
    title: str,
    *,
    names: tuple[str, str] = ("reference", "current"),
    whiskers: str | None = None,
) -> str:
    """Two estimates per row, each with its confidence-interval whiskers, on one shared x axis.

    One row per ``(label, first, second)``; ``names`` label the two sides in the legend (by
    default reference and current). Missing or non-finite sides are left out and labelled "n/a".
    The legend says what the whiskers are: ``whiskers`` when given, else the intervals' levels.
    When the title and the legend do not fit on one line, the legend gets a line of its own.

    >>> from driftwise.signals.types import Interval
    >>> r = Interval(value=0.91, low=0.90, high=0.92, n=500, method="wilson")
    >>> c = Interval(value=0.85, low=0.82, high=0.88, n=300, method="wilson")
    >>> s = interval_chart([("overall", r, c)], "accuracy")
    >>> "<circle" in s and "0.91 \u2192 0.85" in s and ">reference<" in s
    True
    >>> ">expected<" in interval_chart([("a", r, c)], "m", names=("expected", "observed"))
    True
    """
    width, row_h, top, left, value_w = 640, 34, 38, 150, 120
    if not rows:
        return no_data(width, 80, title)
    drawn = [iv for _, a, b in rows for iv in (a, b) if iv is not None and _finite(iv)]
    pts = [v for iv in drawn for v in (iv.low, iv.value, iv.high)]
    if not pts:
        return no_data(width, 80, title)
    lo, hi = min(pts), max(pts)
    pad = (hi - lo) * 0.08 if hi > lo else max(abs(lo) * 0.05, 1e-3)
    lo, hi = lo - pad, hi + pad
    height = top + row_h * len(rows) + 22
    plot_w = width - left - value_w
    base = top + row_h * len(rows)

    def x_of(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    levels = "/".join(sorted({f"{iv.level:.0%}" for iv in drawn if iv.high > iv.low}))
    note = whiskers if whiskers is not None else f"whiskers: {levels} intervals" if levels else ""
    legend, start = _legend(width, 15, names, note)
    if 4 + text_width(title) * 1.1 + 12 > start:
        legend, start = _legend(width, 31, names, note)
        top, height, base = top + 16, height + 16, base + 16
    desc = f"{len(rows)} rows; {names[0]} (circle) and {names[1]} (square) with intervals"
    parts = svg_open(width, height, title, desc)
    parts.append(svg_text(4, 14, clip(title, 96), extra=' font-weight="600"'))
    parts.append(legend)
    for value in (lo + pad, (lo + hi) / 2, hi - pad):
        x = x_of(value)
        parts.append(
            f'<line x1="{coord(x)}" y1="{top - 6}" x2="{coord(x)}" y2="{coord(base)}" '
            f'stroke="{GRID}" stroke-dasharray="3,3"/>'
        )
        parts.append(svg_text(x, base + 14, tick(value), anchor="middle"))
    for i, (label, first, second) in enumerate(rows):
        y = top + i * row_h + row_h / 2
        parts.append(svg_label(left - 8, y + 4, label, 20))
        for iv, dy, colour, circle in (
            (first, -6, REFERENCE_COLOUR, True),
            (second, 6, CURRENT_COLOUR, False),
        ):
            if iv is not None and _finite(iv):
                parts += _side(x_of, iv, y + dy, colour, circle)
        ends = " \u2192 ".join(
            tick(iv.value) if iv is not None and _finite(iv) else "n/a" for iv in (first, second)
        )
        parts.append(svg_text(width - value_w + 10, y + 4, ends))
    parts.append("</svg>")
    return "".join(parts)
