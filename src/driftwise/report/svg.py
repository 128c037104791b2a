"""Small inline SVG charts for the HTML report, built as strings with no plotting library.

Every function is pure: the same input gives the same bytes. Charts are meant to be embedded in
an HTML5 page, so the ``<svg>`` root carries no XML namespace. Each chart has a ``<title>`` and an
``aria-label``; text is escaped. Degenerate input (no bins, all zeros, NaN, a single bin) gives a
chart that says "no data" or draws what it can instead of failing.

Colours are the Okabe-Ito palette: reference blue ``#0072B2``, current orange ``#E69F00``. The two
sides also differ in shape (filled bars against a line, circles against squares), so the charts do
not rely on colour alone.

>>> from driftwise.signals.types import Distribution
>>> d = Distribution(edges=(0.0, 1.0, 2.0), reference=(0.5, 0.5), current=(0.2, 0.8))
>>> s = histogram_overlay(d, "price")
>>> s.startswith("<svg") and s.endswith("</svg>") and "<title>price</title>" in s
True
"""

from __future__ import annotations

import math

from driftwise.report.svgkit import (
    CURRENT_COLOUR,
    HIGHLIGHT_COLOUR,
    INK,
    PLAIN_COLOUR,
    REFERENCE_COLOUR,
    clean_shares,
    clip,
    coord,
    legend,
    no_data,
    svg_label,
    svg_open,
    svg_text,
    tick,
)
from driftwise.signals.types import Distribution

__all__ = ["category_bars", "hbar_chart", "histogram_overlay"]

_MAX_CATEGORIES = 15


def _edges(dist: Distribution, n: int) -> tuple[list[float], bool, tuple[bool, bool]]:
    """Finite, increasing bin edges; open outer bins get the median width.

    Also returns whether all bins have the same width, and which outer bins were open.
    """
    raw = list(dist.edges) if dist.edges is not None and len(dist.edges) == n + 1 else []
    opened = (bool(raw) and raw[0] == -math.inf, bool(raw) and raw[-1] == math.inf)
    if raw:
        widths = [b - a for a, b in zip(raw, raw[1:], strict=False)]
        good = sorted(w for w in widths if math.isfinite(w) and w > 0)
        typical = good[len(good) // 2] if good else 1.0
        if math.isinf(raw[0]) and raw[0] < 0 and len(raw) > 1 and math.isfinite(raw[1]):
            raw[0] = raw[1] - typical
        if math.isinf(raw[-1]) and raw[-1] > 0 and len(raw) > 1 and math.isfinite(raw[-2]):
            raw[-1] = raw[-2] + typical
    ok = bool(raw) and all(math.isfinite(e) for e in raw)
    ok = ok and all(b > a for a, b in zip(raw, raw[1:], strict=False))
    if not ok:
        return [float(i) for i in range(n + 1)], True, (False, False)
    widths = [b - a for a, b in zip(raw, raw[1:], strict=False)]
    return raw, max(widths) <= min(widths) * 1.01, opened


def _step_path(xs: list[float], ys: list[float], base: float) -> str:
    points = [f"M{coord(xs[0])},{coord(base)}"]
    for i, y in enumerate(ys):
        points.append(f"L{coord(xs[i])},{coord(y)}L{coord(xs[i + 1])},{coord(y)}")
    points.append(f"L{coord(xs[-1])},{coord(base)}")
    return "".join(points)


def histogram_overlay(dist: Distribution, title: str) -> str:
    """Reference as filled bars and current as a step line over the same bins.

    Bins of unequal width are drawn as densities (share divided by width) so that areas compare;
    open-ended outer bins are drawn with the median bin width.

    >>> from driftwise.signals.types import Distribution
    >>> one = Distribution(edges=(0.0, 1.0), reference=(1.0,), current=(1.0,))
    >>> "<path" in histogram_overlay(one, "a single bin")
    True
    >>> "no data" in histogram_overlay(Distribution(reference=(), current=()), "empty")
    True
    """
    width, height = 360, 200
    left, right, top, bottom = 46, 12, 34, 30
    n = max(len(dist.reference), len(dist.current))
    ref, cur = clean_shares(dist.reference, n), clean_shares(dist.current, n)
    if n == 0 or max(ref + cur) <= 0:
        return no_data(width, height, title)
    edges, equal, opened = _edges(dist, n)
    widths = [b - a for a, b in zip(edges, edges[1:], strict=False)]
    if not equal:
        ref = [v / w for v, w in zip(ref, widths, strict=True)]
        cur = [v / w for v, w in zip(cur, widths, strict=True)]
    top_value = max(ref + cur)
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    span = edges[-1] - edges[0]

    def x_of(v: float) -> float:
        return left + (v - edges[0]) / span * plot_w

    def y_of(v: float) -> float:
        return base - v / top_value * plot_h

    xs = [x_of(e) for e in edges]
    desc = f"{n} bins; reference as filled bars, current as a line"
    if any(opened):
        desc += "; open-ended outer bins drawn with the median bin width"
    parts = svg_open(width, height, title, desc)
    parts.append(svg_text(4, 14, clip(title, 26), extra=' font-weight="600"'))
    parts.append(legend(width - 150, 14))
    parts.append(
        f'<line x1="{left}" y1="{coord(base)}" x2="{width - right}" y2="{coord(base)}" '
        f'stroke="{INK}"/><line x1="{left}" y1="{top}" x2="{left}" y2="{coord(base)}" '
        f'stroke="{INK}"/>'
    )
    for i, v in enumerate(ref):
        if v > 0:
            parts.append(
                f'<rect x="{coord(xs[i])}" y="{coord(y_of(v))}" width="{coord(xs[i + 1] - xs[i])}" '
                f'height="{coord(base - y_of(v))}" fill="{REFERENCE_COLOUR}" fill-opacity="0.4"/>'
            )
    parts.append(
        f'<path d="{_step_path(xs, [y_of(v) for v in ref], base)}" fill="none" '
        f'stroke="{REFERENCE_COLOUR}" stroke-width="1"/>'
    )
    parts.append(
        f'<path d="{_step_path(xs, [y_of(v) for v in cur], base)}" fill="none" '
        f'stroke="{CURRENT_COLOUR}" stroke-width="2.5" stroke-linejoin="round"/>'
    )
    y_label = tick(top_value) if not equal else f"{top_value:.0%}"
    parts.append(svg_text(left - 4, top + 8, y_label, anchor="end"))
    parts.append(svg_text(left - 4, base, "0", anchor="end"))
    parts.append(
        svg_text(
            12,
            top + plot_h / 2,
            "share" if equal else "density",
            anchor="middle",
            extra=f' transform="rotate(-90 12 {coord(top + plot_h / 2)})"',
        )
    )
    mid = (edges[0] + edges[-1]) / 2
    ticks = [
        (edges[0], "start", "\u2212\u221e" if opened[0] else tick(edges[0])),
        (mid, "middle", tick(mid)),
        (edges[-1], "end", "+\u221e" if opened[1] else tick(edges[-1])),
    ]
    for value, anchor, label in ticks:
        parts.append(svg_text(x_of(value), base + 14, label, anchor=anchor))
    parts.append("</svg>")
    return "".join(parts)


def _top_categories(
    labels: list[str], ref: list[float], cur: list[float]
) -> list[tuple[str, float, float]]:
    """The biggest categories in a stable order, the rest folded into one "other" row."""
    rows = sorted(zip(labels, ref, cur, strict=True), key=lambda r: (-max(r[1], r[2]), r[0]))
    if len(rows) <= _MAX_CATEGORIES:
        return rows
    keep, rest = rows[: _MAX_CATEGORIES - 1], rows[_MAX_CATEGORIES - 1 :]
    other = (f"other ({len(rest)})", sum(r[1] for r in rest), sum(r[2] for r in rest))
    return [*keep, other]


def category_bars(dist: Distribution, title: str) -> str:
    """Paired horizontal bars per category: reference (upper) and current (lower), with labels.

    Categories absent from the reference are marked "(new)". More than 15 categories are folded
    into an "other" row.

    >>> from driftwise.signals.types import Distribution
    >>> d = Distribution(labels=("a", "<b>"), reference=(1.0, 0.0), current=(0.6, 0.4))
    >>> s = category_bars(d, "colour")
    >>> "&lt;b&gt; (new)" in s and "<b>" not in s
    True
    """
    n = max(len(dist.reference), len(dist.current))
    ref, cur = clean_shares(dist.reference, n), clean_shares(dist.current, n)
    given = list(dist.labels or ())[:n]
    labels = given + [f"bin {i + 1}" for i in range(len(given), n)]
    marked = zip(labels, ref, cur, strict=True)
    labels = [f"{lab} (new)" if r == 0 < c else lab for lab, r, c in marked]
    width, row_h, top = 360, 24, 34
    if n == 0 or max(ref + cur) <= 0:
        return no_data(width, 80, title)
    rows = _top_categories(labels, ref, cur)
    height = top + row_h * len(rows) + 8
    left, value_w = 136, 46
    plot_w = width - left - value_w
    top_value = max(max(r[1], r[2]) for r in rows)
    desc = f"{n} categories; reference and current share per category"
    parts = svg_open(width, height, title, desc)
    parts.append(svg_text(4, 14, clip(title, 26), extra=' font-weight="600"'))
    parts.append(legend(width - 150, 14, current_marker="square"))
    parts.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 6}" stroke="{INK}"/>')
    for i, (label, r, c) in enumerate(rows):
        y = top + i * row_h
        parts.append(svg_label(left - 6, y + 13, label, 19))
        for j, (v, colour) in enumerate(((r, REFERENCE_COLOUR), (c, CURRENT_COLOUR))):
            bar_y = y + 2 + j * 10
            bar_w = v / top_value * plot_w
            parts.append(
                f'<rect x="{left}" y="{coord(bar_y)}" width="{coord(bar_w)}" height="9" '
                f'fill="{colour}"/>'
            )
            parts.append(svg_text(left + bar_w + 3, bar_y + 8, f"{v:.1%}", extra=' font-size="9"'))
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    rows: list[tuple[str, float, bool]],
    title: str,
    value_format: str = ".3f",
    *,
    max_value: float | None = None,
    highlight_label: str = "highlighted",
) -> str:
    """Horizontal bars, one per ``(label, value, highlighted)`` row, in the order given.

    Highlighted rows are drawn in vermillion, with a bold label and a marker, and the legend
    names them ``highlight_label``. ``value_format`` is a format spec such as ``".1%"``.

    >>> s = hbar_chart([("region=coast", 0.4, True), ("region=inland", 0.6, False)],
    ...                "traffic share", ".0%", max_value=1.0, highlight_label="drifted")
    >>> ">40%<" in s and "\u25b2 region=coast" in s and "= drifted" in s
    True
    >>> "no data" in hbar_chart([], "empty", ".2f")
    True
    """
    width, row_h, top, left, value_w = 520, 20, 34, 170, 60
    if not rows:
        return no_data(width, 80, title)
    finite = [v for _, v, _ in rows if math.isfinite(v)]
    scale = max_value if max_value is not None and max_value > 0 else max([*finite, 0.0])
    height = top + row_h * len(rows) + 8
    plot_w = width - left - value_w
    parts = svg_open(width, height, title, f"{len(rows)} bars")
    parts.append(svg_text(4, 14, clip(title, 52), extra=' font-weight="600"'))
    if any(h for _, _, h in rows):
        parts.append(
            f'<rect x="{width - 130}" y="6" width="10" height="10" fill="{HIGHLIGHT_COLOUR}"/>'
        )
        parts.append(svg_text(width - 116, 15, clip(f"\u25b2 = {highlight_label}", 20)))
    parts.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 6}" stroke="{INK}"/>')
    for i, (label, value, highlighted) in enumerate(rows):
        y = top + i * row_h
        shown = f"\u25b2 {label}" if highlighted else label
        weight = ' font-weight="700"' if highlighted else ""
        parts.append(svg_label(left - 6, y + 12, shown, 28, extra=weight))
        ok = math.isfinite(value)
        bar_w = max(value, 0.0) / scale * plot_w if ok and scale > 0 else 0.0
        colour = HIGHLIGHT_COLOUR if highlighted else PLAIN_COLOUR
        parts.append(
            f'<rect x="{left}" y="{y + 2}" width="{coord(bar_w)}" height="13" fill="{colour}"/>'
        )
        text = format(value, value_format) if ok else "n/a"
        parts.append(svg_text(left + bar_w + 4, y + 12, text))
    parts.append("</svg>")
    return "".join(parts)
