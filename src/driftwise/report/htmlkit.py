"""Small HTML building blocks of the report: escaping, evidence anchors, tables, sections.

>>> evidence_anchors(["drift:feature:a b"])
{'drift:feature:a b': 'ev-drift-feature-a-b'}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from html import escape

from driftwise.signals.types import GroupMetric, Interval, TimePoint

__all__ = [
    "ElementIds",
    "esc",
    "evidence_anchors",
    "facts",
    "html_section",
    "html_table",
    "interval_html",
    "names_html",
    "status",
    "warn_box",
    "yes_no_html",
]


def esc(text: str) -> str:
    r"""Escape user text for HTML content and attribute values.

    >>> esc("<b>&'\"")
    '&lt;b&gt;&amp;&#x27;&quot;'
    """
    return escape(text, quote=True)


def evidence_anchors(evidence_ids: Iterable[str]) -> dict[str, str]:
    """Map each evidence id to a unique HTML id: "ev-" and the id with odd characters as "-".

    >>> evidence_anchors(["drift:feature:price", "scope", "drift:feature:price?"])
    {'drift:feature:price': 'ev-drift-feature-price', 'scope': 'ev-scope', \
'drift:feature:price?': 'ev-drift-feature-price-2'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for eid in evidence_ids:
        if eid in out:
            continue
        base = "ev-" + (re.sub(r"[^A-Za-z0-9_]+", "-", eid).strip("-") or "item")
        slug, k = base, 2
        while slug in used:
            slug, k = f"{base}-{k}", k + 1
        used.add(slug)
        out[eid] = slug
    return out


class ElementIds:
    """Hands out each evidence element id once, so duplicates in the evidence stay valid HTML.

    >>> ids = ElementIds(evidence_anchors(["scope"]))
    >>> ids.attr("scope"), ids.attr("scope"), ids.attr("unknown")
    (' id="ev-scope"', '', '')
    """

    def __init__(self, anchors: dict[str, str]) -> None:
        self.anchors = anchors
        self._placed: set[str] = set()

    def attr(self, eid: str) -> str:
        """The ``id`` attribute for the element of evidence ``eid``; empty after the first use."""
        slug = self.anchors.get(eid)
        if slug is None or slug in self._placed:
            return ""
        self._placed.add(slug)
        return f' id="{slug}"'


def html_table(
    headers: list[str], rows: list[tuple[str, list[str]]], cls: str = "", text: tuple[int, ...] = ()
) -> str:
    """A table; each row is (attributes for <tr>, cells already escaped).

    Columns listed in ``text`` may wrap; the others (numbers) stay on one line.

    >>> html_table(["n"], [("", ["1"])])
    '<div class="wrap"><table class=""><thead><tr><th>n</th></tr></thead><tbody><tr><td>1</td>\
</tr></tbody></table></div>'
    """
    head = "".join(f"<th>{h}</th>" for h in headers)

    def td(i: int, c: str) -> str:
        return f'<td class="t">{c}</td>' if i in text else f"<td>{c}</td>"

    body = "".join(
        f"<tr{a}>" + "".join(td(i, c) for i, c in enumerate(cells)) + "</tr>" for a, cells in rows
    )
    table = f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="wrap">{table}</div>'


def html_section(sid: str, title: str, body: str) -> str:
    """A titled section of the page.

    >>> html_section("labels", "Labels", "<p>x</p>")
    '<section id="labels"><h2>Labels</h2><p>x</p></section>'
    """
    return f'<section id="{sid}"><h2>{title}</h2>{body}</section>'


def interval_html(iv: Interval | TimePoint | GroupMetric, spec: str) -> str:
    """A value with its interval in small print; "n/a" when not finite.

    >>> from driftwise.signals.types import GroupMetric, Interval, TimePoint
    >>> interval_html(Interval(value=0.9, low=0.8, high=1.0, n=5, method="w"), ".2f")
    '0.90 <small>[0.80, 1.00]</small>'
    """
    if not all(math.isfinite(v) for v in (iv.value, iv.low, iv.high)):
        return "n/a"
    return f"{iv.value:{spec}} <small>[{iv.low:{spec}}, {iv.high:{spec}}]</small>"


def yes_no_html(flag: bool) -> str:
    """A check mark and "yes", or a cross and "no": the word carries the meaning, not the colour.

    >>> yes_no_html(False)
    '<span class="no">&#10007; no</span>'
    """
    return (
        '<span class="yes">&#10003; yes</span>' if flag else '<span class="no">&#10007; no</span>'
    )


def status(word: str, alarm: bool) -> str:
    """A verdict word; alarming ones in bold vermillion (the word itself says it too).

    >>> status("drifted", True), status("stable", False)
    ('<span class="status drifted">drifted</span>', '<span class="status calm">stable</span>')
    """
    return f'<span class="status {"drifted" if alarm else "calm"}">{esc(word)}</span>'


def facts(items: Sequence[tuple[str, str]]) -> str:
    """A definition list of (label, value already escaped) pairs, laid out as two columns.

    >>> facts([("p", "0.01")])
    '<dl class="facts"><dt>p</dt><dd>0.01</dd></dl>'
    """
    body = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in items)
    return f'<dl class="facts">{body}</dl>'


def warn_box(title: str, items: Sequence[str] = (), text: str = "") -> str:
    """A prominent note: a warning sign, a bold title, a sentence and a list (all escaped here).

    >>> warn_box("Unreliable", ["a<b"])
    '<div class="warn" role="note"><p><b>&#9888; Unreliable</b></p><ul><li>a&lt;b</li></ul></div>'
    """
    sentence = f" {esc(text)}" if text else ""
    lis = "".join(f"<li>{esc(item)}</li>" for item in items)
    listed = f"<ul>{lis}</ul>" if lis else ""
    return (
        f'<div class="warn" role="note"><p><b>&#9888; {esc(title)}</b>{sentence}</p>{listed}</div>'
    )


def names_html(names: Sequence[str]) -> str:
    """Column or token names as code pills; an en dash when there are none.

    >>> names_html(["a&b", "c"]), names_html([])
    ('<code class="pill">a&amp;b</code> <code class="pill">c</code>', '&ndash;')
    """
    return " ".join(f'<code class="pill">{esc(n)}</code>' for n in names) or "&ndash;"
