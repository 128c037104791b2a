"""SVG charts over time: a metric per period with its interval band, and counts per period.

Reference and current periods differ in colour (blue, orange), marker (circle, square) and
position (the current part sits on a shaded background under a "current" label), so the split
does not rest on colour. Every point and bar has a ``<title>``, shown on hover.

>>> from driftwise.signals.types import TimePoint
>>> ref = [TimePoint(period="W1", value=0.91, low=0.9, high=0.92, n=500)]
>>> cur = [TimePoint(period="W2", value=0.85, low=0.83, high=0.87, n=300)]
>>> s = timeline_chart(ref, cur, "accuracy")
>>> "<title>W2 (current): 0.85 [0.83, 0.87], n 300</title>" in s
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from driftwise.report.svgkit import (
    CURRENT_COLOUR,
    GRID,
    HIGHLIGHT_COLOUR,
    INK,
    PLAIN_COLOUR,
    REFERENCE_COLOUR,
    clip,
    coord,
    no_data,
    svg_open,
    svg_text,
    text_width,
    tick,
)
from driftwise.signals.types import TimePoint

__all__ = ["count_chart", "timeline_chart"]

_SHADE = "#f3f3f3"


def _finite(p: TimePoint) -> bool:
    return all(math.isfinite(v) for v in (p.value, p.low, p.high))


def _y_range(values: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 if hi > lo else max(abs(lo) * 0.05, 1e-3)
    return lo - pad, hi + pad


def _x_labels(labels: list[str], step: float, max_chars: int = 14) -> list[tuple[int, str]]:
    """Every k-th period label, k chosen so that labels cut to ``max_chars`` do not overlap at
    ``step`` pixels per period; the last period is labelled when there is room for it.

    >>> _x_labels(["2024-W01", "2024-W02", "2024-W03", "2024-W04"], 40.0)
    [(0, '2024-W01'), (3, '2024-W04')]
    """
    shown = [clip(label, max_chars) for label in labels]
    widest = max(text_width(s) for s in shown) + 8
    stride = max(1, math.ceil(widest / step))
    keep = list(range(0, len(labels), stride))
    last = len(labels) - 1
    if keep[-1] != last:
        if (last - keep[-1]) * step >= widest:
            keep.append(last)
        elif len(keep) > 1:
            keep[-1] = last
    return [(i, shown[i]) for i in keep]


def _timeline_legend(width: int) -> str:
    x = width - 270
    return (
        f'<circle cx="{x + 4}" cy="11" r="3.5" fill="{REFERENCE_COLOUR}"/>'
        + svg_text(x + 12, 15, "reference")
        + f'<rect x="{x + 80}" y="7" width="7" height="7" fill="{CURRENT_COLOUR}"/>'
        + svg_text(x + 92, 15, "current")
        + f'<rect x="{x + 150}" y="6" width="14" height="10" fill="{REFERENCE_COLOUR}" '
        'fill-opacity="0.18"/>' + svg_text(x + 168, 15, "interval band")
    )


def _marker(
    p: TimePoint, is_current: bool, x: float, y_of: Callable[[float], float], whisker: bool
) -> str:
    """One period's marker with its hover title; a lone point of a side gets a whisker."""
    side, colour = ("current", CURRENT_COLOUR) if is_current else ("reference", REFERENCE_COLOUR)
    y = y_of(p.value)
    out = (
        f"<g><title>{escape(p.period)} ({side}): {tick(p.value)} [{tick(p.low)}, "
        f"{tick(p.high)}], n {p.n:,}</title>"
    )
    if whisker and p.high > p.low:
        out += (
            f'<line x1="{coord(x)}" y1="{coord(y_of(p.low))}" x2="{coord(x)}" '
            f'y2="{coord(y_of(p.high))}" stroke="{colour}" stroke-width="2"/>'
        )
    if is_current:
        out += (
            f'<rect x="{coord(x - 4)}" y="{coord(y - 4)}" width="8" height="8" fill="{colour}" '
            'stroke="#fff"/>'
        )
    else:
        out += f'<circle cx="{coord(x)}" cy="{coord(y)}" r="4" fill="{colour}" stroke="#fff"/>'
    return out + "</g>"


def timeline_chart(reference: Sequence[TimePoint], current: Sequence[TimePoint], title: str) -> str:
    """A metric per period: reference periods, then current ones, with interval bands.

    Periods are spaced evenly in the order given. Points with non-finite values are skipped.

    >>> from driftwise.signals.types import TimePoint
    >>> "no data" in timeline_chart([], [], "accuracy")
    True
    >>> p = TimePoint(period="only", value=1.0, low=1.0, high=1.0, n=3)
    >>> ">current<" in timeline_chart([], [p], "mae")
    True
    """
    width, height, left, right, top, bottom = 880, 230, 56, 16, 44, 40
    points = [(p, False) for p in reference] + [(p, True) for p in current]
    finite = [v for p, _ in points if _finite(p) for v in (p.low, p.value, p.high)]
    if not finite:
        return no_data(width, 80, title)
    lo, hi = _y_range(finite)
    n = len(points)
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    step = plot_w / n

    def x_of(i: float) -> float:
        return left + (i + 0.5) * step

    def y_of(v: float) -> float:
        return base - (v - lo) / (hi - lo) * plot_h

    desc = (
        f"{len(reference)} reference and {len(current)} current periods; reference as circles, "
        "current as squares on a shaded background; bands show the intervals"
    )
    parts = svg_open(width, height, title, desc)
    parts.append(svg_text(4, 14, clip(title, 44), extra=' font-weight="600"'))
    parts.append(_timeline_legend(width))
    split = len(reference)
    if current:
        x0 = left + split * step
        parts.append(
            f'<rect x="{coord(x0)}" y="{top - 12}" width="{coord(left + plot_w - x0)}" '
            f'height="{coord(plot_h + 12)}" fill="{_SHADE}"/>'
        )
        parts.append(svg_text(x0 + 4, top - 2, "current", extra=' font-weight="600"'))
        if split:
            parts.append(
                f'<line x1="{coord(x0)}" y1="{top - 12}" x2="{coord(x0)}" y2="{coord(base)}" '
                f'stroke="{INK}" stroke-dasharray="4,3"/>'
            )
    if split:
        parts.append(svg_text(left + 4, top - 2, "reference", extra=' font-weight="600"'))
    for value in (lo, (lo + hi) / 2, hi):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{coord(y)}" x2="{left + plot_w}" y2="{coord(y)}" '
            f'stroke="{GRID}" stroke-dasharray="3,3"/>'
        )
        parts.append(svg_text(left - 4, y + 4, tick(value), anchor="end"))
    sides = [
        (REFERENCE_COLOUR, 0.18, [(i, p) for i, (p, c) in enumerate(points) if not c]),
        (CURRENT_COLOUR, 0.3, [(i, p) for i, (p, c) in enumerate(points) if c]),
    ]
    for colour, opacity, side in sides:
        shown = [(i, p) for i, p in side if _finite(p)]
        if not shown:
            continue
        upper = [f"{coord(x_of(i))},{coord(y_of(p.high))}" for i, p in shown]
        lower = [f"{coord(x_of(i))},{coord(y_of(p.low))}" for i, p in reversed(shown)]
        if len(shown) > 1:
            parts.append(
                f'<polygon points="{" ".join(upper + lower)}" fill="{colour}" '
                f'fill-opacity="{opacity}"/>'
            )
        line = " ".join(f"{coord(x_of(i))},{coord(y_of(p.value))}" for i, p in shown)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
    shown_all = [(i, p, c) for i, (p, c) in enumerate(points) if _finite(p)]
    joins = [(a, b) for a, b in zip(shown_all, shown_all[1:], strict=False) if a[2] != b[2]]
    for (i, p, _), (j, q, _) in joins:
        parts.append(
            f'<line x1="{coord(x_of(i))}" y1="{coord(y_of(p.value))}" x2="{coord(x_of(j))}" '
            f'y2="{coord(y_of(q.value))}" stroke="{INK}" stroke-dasharray="2,3"/>'
        )
    lonely = {c for c in (False, True) if sum(1 for _, _, d in shown_all if d == c) == 1}
    for i, p, is_current in shown_all:
        parts.append(_marker(p, is_current, x_of(i), y_of, is_current in lonely))
    placed: list[tuple[float, float, str]] = []  # centre, half width, label
    candidates = _x_labels([p.period for p, _ in points], step)
    for k, (i, label) in enumerate(candidates):
        half = text_width(label) / 2
        x = min(max(x_of(i), left + half), left + plot_w - half)
        while placed and placed[-1][0] + placed[-1][1] + 6 > x - half:
            if k < len(candidates) - 1:
                break
            placed.pop()  # the last period's label wins over the one before it
        if not placed or placed[-1][0] + placed[-1][1] + 6 <= x - half:
            placed.append((x, half, label))
    for x, _, label in placed:
        parts.append(svg_text(x, base + 16, label, anchor="middle"))
    parts.append(
        f'<line x1="{left}" y1="{coord(base)}" x2="{left + plot_w}" y2="{coord(base)}" '
        f'stroke="{INK}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def count_chart(series: Sequence[float], n_current: int, title: str) -> str:
    """Counts per period as bars; the last ``n_current`` periods (the current window) stand out.

    The current window's bars are vermillion on a shaded background under a "current window"
    label; a dashed line marks the mean count of the earlier (baseline) periods.

    >>> s = count_chart([3, 4, 5, 9, 11], 2, "complaints")
    >>> s.count('height="') - 1 >= 5, "<title>period 5 of 5 (current window): 11</title>" in s
    (True, True)
    >>> "no data" in count_chart([], 0, "empty")
    True
    """
    width, height, left, right, top, bottom = 640, 200, 44, 16, 44, 30
    n = len(series)
    if n == 0:
        return no_data(width, 80, title)
    values = [v if math.isfinite(v) and v > 0 else 0.0 for v in series]
    n_cur = max(0, min(n_current, n))
    split = n - n_cur
    top_value = max(values) or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    step = plot_w / n
    bar_w = max(step * 0.8, 1.0)

    def y_of(v: float) -> float:
        return base - v / top_value * plot_h

    desc = f"{n} periods; the last {n_cur} (current window) in vermillion on a shaded background"
    parts = svg_open(width, height, title, desc)
    parts.append(svg_text(4, 14, clip(title, 44), extra=' font-weight="600"'))
    x = width - 220
    parts.append(
        f'<rect x="{x}" y="6" width="10" height="10" fill="{PLAIN_COLOUR}"/>'
        + svg_text(x + 14, 15, "baseline")
        + f'<rect x="{x + 80}" y="6" width="10" height="10" fill="{HIGHLIGHT_COLOUR}"/>'
        + svg_text(x + 94, 15, "current window")
    )
    if n_cur:
        x0 = left + split * step
        parts.append(
            f'<rect x="{coord(x0)}" y="{top - 16}" width="{coord(left + plot_w - x0)}" '
            f'height="{coord(plot_h + 16)}" fill="{_SHADE}"/>'
        )
        room = max(int((left + plot_w - x0) // 6.5), 3)
        label = clip("current window", room)
        parts.append(svg_text(x0 + 3, top - 5, label, extra=' font-weight="600"'))
    for i, v in enumerate(values):
        now = i >= split
        where = "current window" if now else "baseline"
        raw = series[i]
        shown = f"{raw:g}" if math.isfinite(raw) else "n/a"
        bx = left + i * step + (step - bar_w) / 2
        parts.append(
            f'<rect x="{coord(bx)}" y="{coord(y_of(v))}" width="{coord(bar_w)}" '
            f'height="{coord(base - y_of(v))}" fill="{HIGHLIGHT_COLOUR if now else PLAIN_COLOUR}">'
            f"<title>period {i + 1} of {n} ({where}): {shown}</title></rect>"
        )
    if split:
        mean = sum(values[:split]) / split
        y = y_of(mean)
        parts.append(
            f'<line x1="{left}" y1="{coord(y)}" x2="{left + plot_w}" y2="{coord(y)}" '
            f'stroke="{INK}" stroke-dasharray="5,3"/>'
        )
        halo = ' stroke="#fff" stroke-width="3" paint-order="stroke"'
        parts.append(svg_text(left + 4, y - 4, f"baseline mean {tick(mean)}", extra=halo))
    parts.append(
        f'<line x1="{left}" y1="{coord(base)}" x2="{left + plot_w}" y2="{coord(base)}" '
        f'stroke="{INK}"/>'
    )
    parts.append(svg_text(left - 4, top + 4, tick(top_value), anchor="end"))
    parts.append(svg_text(left - 4, base, "0", anchor="end"))
    parts.append(svg_text(left, base + 16, "oldest"))
    parts.append(svg_text(left + plot_w, base + 16, "latest", anchor="end"))
    parts.append("</svg>")
    return "".join(parts)
