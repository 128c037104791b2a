"""Report: the decision document rendered for people.

``render_text`` is the terminal summary of ``driftwise check``; ``render_html`` is one offline
HTML page with inline SVG charts; ``write_outputs`` writes ``decision.json`` and ``report.html``.

>>> from driftwise.report import render_html, render_text, write_outputs
>>> callable(render_html) and callable(render_text) and callable(write_outputs)
True
"""

from driftwise.report.html import evidence_anchors, render_html
from driftwise.report.svg import category_bars, hbar_chart, histogram_overlay
from driftwise.report.svg_intervals import interval_chart
from driftwise.report.svg_series import count_chart, timeline_chart
from driftwise.report.text import render_text
from driftwise.report.write import write_outputs

__all__ = [
    "category_bars",
    "count_chart",
    "evidence_anchors",
    "hbar_chart",
    "histogram_overlay",
    "interval_chart",
    "render_html",
    "render_text",
    "timeline_chart",
    "write_outputs",
]
