"""The replay chart: each strategy's accuracy batch by batch (a rolling mean), one line each.

>>> from driftwise.replay import ReplayResult
>>> svg = replay_chart(ReplayResult(target="y", batches=(), warmup=0, period=1, policy="p",
...                                 strategies=(), seconds=0.0))
>>> svg.startswith("<svg") and "no batches" in svg
True
"""

from __future__ import annotations

import math
from typing import Any

from driftwise.report.svgkit import coord, svg_open, svg_text

__all__ = ["replay_chart"]

_COLOURS = ("#1b6ac9", "#8a8a8a", "#d97706", "#b42318", "#2f855a", "#6b21a8")


def _rolling(values: list[float], k: int) -> list[float]:
    out = []
    for i in range(len(values)):
        window = [v for v in values[max(0, i - k + 1) : i + 1] if not math.isnan(v)]
        out.append(sum(window) / len(window) if window else math.nan)
    return out


def replay_chart(result: Any, *, smooth: int = 4) -> str:
    """An SVG line chart of accuracy per batch (mean of the last ``smooth`` batches)."""
    width, height, left, right, top, bottom = 880, 280, 56, 170, 36, 36
    title = f"Accuracy of the model in service, per batch (mean of the last {smooth})"
    series = [(s.name, _rolling([x.accuracy for x in s.steps], smooth)) for s in result.strategies]
    values = [v for _, ys in series for v in ys if not math.isnan(v)]
    if not values:
        parts = svg_open(width, 60, title)
        parts += [svg_text(left, 30, "no batches to show"), "</svg>"]
        return "\n".join(parts)
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.1, 0.005)
    lo, hi = lo - pad, hi + pad
    n = max(len(ys) for _, ys in series)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return left + (i / max(n - 1, 1)) * plot_w

    def y_of(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    desc = ", ".join(f"{s.name} {s.accuracy:.3f}" for s in result.strategies)
    parts = svg_open(width, height, title, "mean accuracy: " + desc)
    parts.append(svg_text(left, 20, title, extra=' font-weight="600"'))
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        y = y_of(v)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{coord(y)}" y2="{coord(y)}" '
            'stroke="#e5e5e5"/>'
        )
        parts.append(svg_text(left - 6, y + 4, f"{v:.3f}", anchor="end"))
    parts.append(
        svg_text(left, height - 10, result.batches[result.warmup] if result.batches else "")
    )
    if result.batches:
        parts.append(svg_text(left + plot_w, height - 10, result.batches[-1], anchor="end"))
    for j, (name, ys) in enumerate(series):
        colour = _COLOURS[j % len(_COLOURS)]
        points = " ".join(
            f"{coord(x_of(i))},{coord(y_of(v))}" for i, v in enumerate(ys) if not math.isnan(v)
        )
        width_px = "2.5" if name == "driftwise" else "1.5"
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="{width_px}" points="{points}"/>'
        )
        y = top + 14 + 18 * j
        parts.append(
            f'<line x1="{left + plot_w + 16}" x2="{left + plot_w + 36}" y1="{y - 4}" '
            f'y2="{y - 4}" stroke="{colour}" stroke-width="{width_px}"/>'
        )
        parts.append(svg_text(left + plot_w + 42, y, name))
    parts.append("</svg>")
    return "\n".join(parts)
