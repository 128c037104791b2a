"""Small HTML building blocks of the report: escaping, evidence anchors, tables, sections.

>>> evidence_anchors(["drift:feature:a b"])
{'drift:feature:a b': 'ev-drift-feature-a-b'}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

__all__ = ["ElementIds", "esc", "evidence_anchors", "html_section", "html_table"]


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
