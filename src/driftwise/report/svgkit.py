"""Building blocks of the report's SVG charts: palette, coordinates, text and legends.

>>> coord(1.0), coord(2.456), clip("abcdef", 4), clip_middle("merchant_category_07", 12)
('1', '2.46', 'abc\u2026', 'mercha\u2026ry_07')
"""

from __future__ import annotations

import math
from html import escape

__all__ = [
    "CURRENT_COLOUR",
    "GRID",
    "HIGHLIGHT_COLOUR",
    "INK",
    "PLAIN_COLOUR",
    "REFERENCE_COLOUR",
    "clean_shares",
    "clip",
    "clip_middle",
    "coord",
    "legend",
    "no_data",
    "svg_label",
    "svg_open",
    "svg_text",
    "text_width",
    "tick",
]

REFERENCE_COLOUR = "#0072B2"
CURRENT_COLOUR = "#E69F00"
HIGHLIGHT_COLOUR = "#D55E00"
PLAIN_COLOUR = "#56B4E9"
INK = "#333333"
GRID = "#d0d0d0"


def coord(v: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros.

    >>> coord(12.0), coord(3.14159), coord(-0.001)
    ('12', '3.14', '0')
    """
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def clip(text: str, n: int) -> str:
    """Cut ``text`` to ``n`` characters, ending with an ellipsis when cut.

    >>> clip("income", 10), clip("utilization", 5)
    ('income', 'util\u2026')
    """
    return text if len(text) <= n else text[: max(n - 1, 1)] + "\u2026"


def tick(x: float) -> str:
    """A short axis label for a number.

    >>> tick(0.91234), tick(12345.6), tick(float("nan"))
    ('0.912', '12,346', 'n/a')
    """
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def clean_shares(values: tuple[float, ...], n: int) -> list[float]:
    """Shares made drawable: NaN, infinite and negative values become 0, padded to length ``n``.

    >>> clean_shares((0.5, float("nan"), -1.0), 4)
    [0.5, 0.0, 0.0, 0.0]
    """
    out = [v if math.isfinite(v) and v > 0 else 0.0 for v in values[:n]]
    return out + [0.0] * (n - len(out))


def svg_open(width: int, height: int, title: str, desc: str = "") -> list[str]:
    """The opening ``<svg>`` tag with its accessible name, ``<title>`` and ``<desc>``.

    >>> svg_open(10, 10, "a<b")[1]
    '<title>a&lt;b</title>'
    """
    label = escape(title if not desc else f"{title}: {desc}", quote=True)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}" font-family="system-ui, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    if desc:
        parts.append(f"<desc>{escape(desc)}</desc>")
    return parts


def svg_text(x: float, y: float, text: str, *, anchor: str = "start", extra: str = "") -> str:
    """An escaped ``<text>`` element.

    >>> svg_text(1, 2.5, "x&y")
    '<text x="1" y="2.5" text-anchor="start" fill="#333333">x&amp;y</text>'
    """
    return (
        f'<text x="{coord(x)}" y="{coord(y)}" text-anchor="{anchor}" fill="{INK}"{extra}>'
        f"{escape(text)}</text>"
    )


def clip_middle(text: str, n: int) -> str:
    """Cut the middle out, keeping the end, which often tells similar labels apart.

    >>> clip_middle("store_0001", 20), clip_middle("merchant_category_07", 12)
    ('store_0001', 'mercha\u2026ry_07')
    """
    if len(text) <= n:
        return text
    tail = max((n - 1) // 2, 1)
    return text[: max(n - 1 - tail, 1)] + "\u2026" + text[-tail:]


def svg_label(x: float, y: float, text: str, n: int, *, extra: str = "") -> str:
    """A right-aligned label cut to ``n`` characters, with the full text as a tooltip when cut.

    >>> "<title>abcdefgh</title>abc\u2026fgh" in svg_label(0, 0, "abcdefgh", 7)
    True
    """
    shown = clip_middle(text, n)
    tip = f"<title>{escape(text)}</title>" if shown != text else ""
    return (
        f'<text x="{coord(x)}" y="{coord(y)}" text-anchor="end" fill="{INK}"{extra}>'
        f"{tip}{escape(shown)}</text>"
    )


def no_data(width: int, height: int, title: str) -> str:
    """A placeholder chart that says "no data".

    >>> ">no data</text></svg>" in no_data(100, 50, "empty")
    True
    """
    parts = svg_open(width, height, title, "no data")
    parts.append(svg_text(8, 16, clip(title, 60), extra=' font-weight="600"'))
    parts.append(svg_text(width / 2, height / 2 + 4, "no data", anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def legend(x: float, y: float, current_marker: str = "line") -> str:
    """A two-entry legend: reference (filled square), current (line or square).

    >>> legend(0, 10).count("<text"), "<line" in legend(0, 10), "<line" in legend(0, 10, "square")
    (2, True, False)
    """
    ref = (
        f'<rect x="{coord(x)}" y="{coord(y - 8)}" width="10" height="10" '
        f'fill="{REFERENCE_COLOUR}"/>'
    )
    if current_marker == "line":
        cur = (
            f'<line x1="{coord(x + 80)}" y1="{coord(y - 3)}" x2="{coord(x + 94)}" '
            f'y2="{coord(y - 3)}" stroke="{CURRENT_COLOUR}" stroke-width="2.5"/>'
        )
    else:
        cur = (
            f'<rect x="{coord(x + 82)}" y="{coord(y - 8)}" width="10" height="10" '
            f'fill="{CURRENT_COLOUR}"/>'
        )
    return ref + svg_text(x + 14, y, "reference") + cur + svg_text(x + 98, y, "current")


def text_width(text: str, size: float = 11) -> float:
    """The rough width in pixels of ``text`` in a system sans-serif font of ``size`` pixels.

    >>> text_width("reference"), text_width("")
    (57.42, 0.0)
    """
    return round(len(text) * size * 0.58, 2)
