"""Input-side sections of the HTML report: multivariate drift, schema changes and free text.

Each function returns ``""`` when the evidence has no item of its kind. Every item's element
carries the anchor of its evidence id; every user string is escaped.

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
>>> from driftwise.report.htmlkit import ElementIds
>>> from driftwise.signals.types import SchemaChange
>>> s = SchemaChange(added=("<new>",), architecture_change_suggested=False, explanation="x")
>>> d = Decision(action="monitor", confidence=1.0, reasons=(), alternatives=(),
...     evidence=(s,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
...     n_current=1, n_features=0, n_labelled_current=0))
>>> html = schema_section(d, ElementIds({"schema": "ev-schema"}))
>>> 'id="ev-schema"' in html and "&lt;new&gt;" in html and "<new>" not in html
True
"""

from __future__ import annotations

from driftwise.decide.types import Decision
from driftwise.report.format import (
    format_count,
    format_p,
    format_share,
    overall_drifts,
    rescaling_label,
)
from driftwise.report.htmlkit import (
    ElementIds,
    esc,
    facts,
    html_section,
    names_html,
    status,
    warn_box,
)
from driftwise.report.svg import hbar_chart
from driftwise.signals.types import MultivariateDrift, SchemaChange, TextDrift

__all__ = ["MAX_BARS", "MAX_ROWS_LISTED", "multivariate_section", "schema_section", "text_section"]

#: Bar charts of features, tokens, columns or segments show at most this many bars.
MAX_BARS = 15
#: At most this many current row positions are listed for a domain classifier.
MAX_ROWS_LISTED = 20


def _capped(shares: dict[str, float]) -> tuple[list[tuple[str, float]], str]:
    """Largest first (ties by name), at most ``MAX_BARS``, and a note when some were left out."""
    ordered = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    note = ""
    if len(ordered) > MAX_BARS:
        note = f"<p><small>The chart shows the {MAX_BARS} largest of {len(ordered)}.</small></p>"
    return ordered[:MAX_BARS], note


def _charts(charts: list[str]) -> str:
    return f'<div class="charts">{"".join(charts)}</div>' if charts else ""


def _multivariate_card(m: MultivariateDrift, drifted: set[str], ids: ElementIds) -> str:
    auc = m.method == "domain_classifier"
    spec = ".3f" if auc else ".3g"
    name, stat = ("Domain classifier", "AUC") if auc else ("MMD", "MMD&sup2;")
    interval = (
        f" <small>[{m.low:{spec}}, {m.high:{spec}}]</small>"
        if m.low is not None and m.high is not None
        else ""
    )
    verdict = status("drifted", True) if m.drifted else status("no joint drift", False)
    meaning = (
        "0.5 means a classifier cannot tell current rows from reference rows."
        if auc
        else "0 means the two samples look alike in the kernel's feature space."
    )
    lead = (
        f"{stat} <b>{m.statistic:{spec}}</b>{interval} against a threshold of "
        f"{m.threshold:{spec}}; p {format_p(m.p_value)}; {format_count(m.n_reference)} reference "
        f"and {format_count(m.n_current)} current rows. <small>{meaning}</small>"
    )
    parts = [f'<div class="card"{ids.attr(m.id)}><h3>{name} {verdict}</h3><p>{lead}</p>']
    if m.top_features:
        rows = [(c.column, c.importance, c.column in drifted) for c in m.top_features[:MAX_BARS]]
        parts.append(
            '<div class="charts">'
            + hbar_chart(
                rows, "Which features drive it (importance)", ".3f", highlight_label="drifted alone"
            )
            + "</div>"
        )
    if m.concentration is not None:
        top = f" ({esc(m.top_features[0].column)})" if m.top_features else ""
        parts.append(
            f"<p>The top feature{top} carries <b>{format_share(m.concentration)}</b> of the "
            "importance: the higher this is, the more the change sits in one input.</p>"
        )
    if m.top_rows:
        shown = ", ".join(str(r) for r in m.top_rows[:MAX_ROWS_LISTED])
        more = len(m.top_rows) - MAX_ROWS_LISTED
        shown += f" and {more} more" if more > 0 else ""
        parts.append(
            f"<p>Current rows least like the reference (positions): <code>{shown}</code></p>"
        )
    return "".join(parts) + "</div>"


def multivariate_section(d: Decision, ids: ElementIds) -> str:
    """Joint tests of all inputs with the features and rows that drive them.

    >>> from driftwise.signals.types import MultivariateDrift
    >>> m = MultivariateDrift(id="multivariate:mmd", method="mmd", statistic=0.02, p_value=0.01,
    ...     threshold=0.01, n_reference=500, n_current=500, drifted=True)
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(m,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> "MMD&sup2; <b>0.02</b>" in multivariate_section(d, ElementIds({}))
    True
    """
    items = [e for e in d.evidence if isinstance(e, MultivariateDrift)]
    if not items:
        return ""
    drifted = {f.column for f in overall_drifts(d) if f.drifted}
    body = "".join(_multivariate_card(m, drifted, ids) for m in items)
    return html_section("multivariate", "Multivariate drift", body)


def _schema_card(s: SchemaChange, ids: ElementIds) -> str:
    parts = [f'<div class="card"{ids.attr(s.id)}>']
    if s.architecture_change_suggested:
        parts.append(
            warn_box(
                "Architecture change suggested",
                text="The inputs changed in a way that retraining the same design may not absorb.",
            )
        )
    else:
        parts.append('<p class="lead">No architecture change suggested.</p>')
    retyped = "<br>".join(
        f"{esc(r.column)}: {esc(r.reference)} &rarr; {esc(r.current)}" for r in s.retyped
    )
    parts.append(
        facts(
            [
                ("added columns", names_html(s.added)),
                ("removed columns", names_html(s.removed)),
                ("retyped columns", retyped or "&ndash;"),
            ]
        )
    )
    if s.out_of_range:
        shown, note = _capped(s.out_of_range)
        bars = [(c, v, v > 0) for c, v in shown]
        chart = hbar_chart(
            bars,
            "Share of current values outside the reference range",
            ".1%",
            highlight_label="outside",
        )
        parts.append(f'<div class="charts">{chart}</div>{note}')
    if s.rescaled:
        items = "".join(
            f"<li><code>{esc(rescaling_label(r))}</code>"
            + (
                " <b>(a global cause: a new unit or sensor)</b>"
                if r.consistent_across_segments
                else ""
            )
            + "</li>"
            for r in s.rescaled
        )
        parts.append(
            f"<p>Inputs that look rescaled (current against reference):</p><ul>{items}</ul>"
        )
    parts.append(f"<p>{esc(s.explanation)}</p></div>")
    return "".join(parts)


def schema_section(d: Decision, ids: ElementIds) -> str:
    """Columns added, removed and retyped; out-of-range shares; rescalings; the flag.

    >>> from driftwise.signals.types import SchemaChange
    >>> s = SchemaChange(architecture_change_suggested=True, explanation="New sensor.")
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(s,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> "Architecture change suggested" in schema_section(d, ElementIds({}))
    True
    """
    items = [e for e in d.evidence if isinstance(e, SchemaChange)]
    if not items:
        return ""
    return html_section("schema", "Schema changes", "".join(_schema_card(s, ids) for s in items))


def _text_card(t: TextDrift, ids: ElementIds) -> str:
    verdict = status("drifted", True) if t.drifted else status("no drift", False)
    auc = "not run" if t.classifier_auc is None else f"{t.classifier_auc:.3f}"
    table = facts(
        [
            (
                "out-of-vocabulary tokens",
                f"<b>{format_share(t.oov_rate)}</b> of current tokens <small>(baseline, "
                f"reference against itself: {format_share(t.reference_oov_rate)})</small>",
            ),
            ("rows with new tokens", f"<b>{format_share(t.new_token_traffic_share)}</b>"),
            ("classifier AUC on the text", auc),
            ("p", format_p(t.p_value)),
        ]
    )
    charts, notes = [], ""
    if t.new_tokens:
        shown, notes = _capped(t.new_tokens)
        rows = [(k, v, False) for k, v in shown]
        charts.append(hbar_chart(rows, "New frequent tokens: share of current rows", ".1%"))
    if t.segments:
        shown, note = _capped(t.segments)
        notes += note
        rows = [(k, v, False) for k, v in shown]
        charts.append(hbar_chart(rows, "Rows with new tokens, by segment", ".1%"))
    if not t.new_tokens:
        notes += "<p>No new frequent tokens.</p>"
    return (
        f'<div class="card"{ids.attr(t.id)}><h3><code>{esc(t.column)}</code> {verdict}</h3>'
        f"{table}{_charts(charts)}{notes}</div>"
    )


def text_section(d: Decision, ids: ElementIds) -> str:
    """Free-text columns: new vocabulary, its traffic share, a classifier on the text.

    >>> from driftwise.signals.types import TextDrift
    >>> t = TextDrift(id="text:note", column="note", oov_rate=0.2, reference_oov_rate=0.01,
    ...     new_tokens={"rizz": 0.1}, new_token_traffic_share=0.1, p_value=0.001, drifted=True)
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(t,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> html = text_section(d, ElementIds({}))
    >>> "<b>20.0%</b> of current tokens" in html and ">rizz<" in html
    True
    """
    items = [e for e in d.evidence if isinstance(e, TextDrift)]
    if not items:
        return ""
    return html_section("text-drift", "Text columns", "".join(_text_card(t, ids) for t in items))
