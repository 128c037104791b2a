"""Building blocks of the terminal summary: aligned tables, wrapped prose, intervals.

>>> wrap("a b c", 20, "- ", "  ")
['- a b c']
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from driftwise.report.format import plain
from driftwise.signals.types import GroupMetric, Interval, TimePoint

__all__ = ["MAX_ITEMS", "ascii_table", "interval_text", "listed", "wrap", "yes_no"]

#: Lists in the terminal (features, rows, tokens, periods) name at most this many items.
MAX_ITEMS = 8


def ascii_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[int] = (),
    width: int = 100,
    indent: int = 2,
) -> list[str]:
    """Aligned columns under a dashed rule; the last column is cut with "..." to fit ``width``.

    >>> for line in ascii_table(["name", "n"], [["a", "1"], ["bb", "22"]], right=[1]):
    ...     print(line)
      name   n
      ----  --
      a      1
      bb    22
    """
    cells = [[plain(c) for c in row] for row in [list(headers), *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    fixed = indent + sum(widths[:-1]) + 2 * (len(widths) - 1)
    room = max(width - fixed, 12)
    if widths[-1] > room:
        widths[-1] = room
        for row in cells:
            if len(row[-1]) > room:
                row[-1] = row[-1][: room - 3] + "..."
    rule = ["-" * w for w in widths]
    lines = []
    for row in [cells[0], rule, *cells[1:]]:
        padded = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append((" " * indent + "  ".join(padded)).rstrip())
    return lines


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Wrap user prose to ``width`` (at least 20) with a first-line and a following indent.

    Control characters are shown as escapes, so one item never spills onto extra lines.

    >>> wrap("one two three four", 20, "* ", "  ")
    ['* one two three four']
    >>> wrap("", 20, "  x ", "  ")
    ['  x']
    """
    return textwrap.wrap(
        plain(text),
        width=max(width, 20),
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def interval_text(iv: Interval | TimePoint | GroupMetric, spec: str) -> str:
    """ "0.912 [0.905, 0.919]" with the given format spec; "n/a" for a non-finite value.

    >>> from driftwise.signals.types import GroupMetric, Interval, TimePoint
    >>> interval_text(Interval(value=0.912, low=0.905, high=0.919, n=10, method="w"), ".3f")
    '0.912 [0.905, 0.919]'
    """
    if not all(math.isfinite(v) for v in (iv.value, iv.low, iv.high)):
        return "n/a"
    return f"{iv.value:{spec}} [{iv.low:{spec}}, {iv.high:{spec}}]"


def yes_no(flag: bool) -> str:
    """ "yes" or "no".

    >>> yes_no(True), yes_no(False)
    ('yes', 'no')
    """
    return "yes" if flag else "no"


def listed(items: Sequence[str], limit: int = MAX_ITEMS) -> str:
    """The first ``limit`` items joined by commas, then "+N more".

    >>> listed(["a 0.4", "b 0.2", "c 0.1"], limit=2), listed([])
    ('a 0.4, b 0.2, +1 more', '')
    """
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"+{len(items) - limit} more")
    return ", ".join(shown)
