"""Model-side sections of the HTML report: concept drift, label-free performance estimates and
performance over time.

Each function returns ``""`` when the evidence has no item of its kind, so the page only grows
when there is something to show. Every item's element carries the anchor of its evidence id.

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
>>> from driftwise.report.htmlkit import ElementIds
>>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
...     n_current=1, n_features=0, n_labelled_current=0))
>>> concept_section(d, ElementIds({})), estimate_section(d, ElementIds({}))
('', '')
"""

from __future__ import annotations

from driftwise.decide.types import Decision
from driftwise.report.format import format_count, format_p, metric_format
from driftwise.report.htmlkit import (
    ElementIds,
    esc,
    facts,
    html_section,
    html_table,
    interval_html,
    status,
    warn_box,
)
from driftwise.report.svg_intervals import interval_chart
from driftwise.report.svg_series import timeline_chart
from driftwise.signals.types import (
    ConceptDrift,
    EstimatedPerformance,
    PerformanceTimeline,
    TimePoint,
)

__all__ = ["concept_section", "estimate_section", "timeline_section"]


def _concept_verdict(c: ConceptDrift) -> tuple[str, str]:
    """The verdict tag and the sentence that says what it means."""
    if c.detected:
        return (
            '<span class="verdict-tag global">CONCEPT DRIFT</span>',
            f"P(y | x) changed: current {esc(c.metric)} is worse than covariate shift alone "
            "predicts.",
        )
    if c.explained_by_covariate_shift:
        return (
            '<span class="verdict-tag">EXPLAINED BY COVARIATE SHIFT</span>',
            f"The change in {esc(c.metric)} is what the shift in the inputs alone predicts.",
        )
    return (
        '<span class="verdict-tag">NO CONCEPT DRIFT</span>',
        f"Current {esc(c.metric)} is in line with what the inputs predict.",
    )


def _concept_card(c: ConceptDrift, ids: ElementIds) -> str:
    tag, sentence = _concept_verdict(c)
    spec = metric_format([c.observed.value, c.expected.value])
    chart = interval_chart(
        [(c.metric, c.expected, c.observed)],
        f"{c.metric}: observed vs expected",
        names=("expected (covariate shift only)", "observed"),
    )
    label = "not tested" if c.label_drift_p_value is None else format_p(c.label_drift_p_value)
    table = facts(
        [
            ("observed", f"{interval_html(c.observed, spec)} on {format_count(c.observed.n)} rows"),
            ("expected", f"{interval_html(c.expected, spec)} under covariate shift alone"),
            ("gap", f"<b>{c.gap:+{spec}}</b> <small>(negative: worse than expected)</small>"),
            ("p (worse than expected)", format_p(c.p_value)),
            ("effective sample size", f"{c.effective_sample_size:,.1f} reweighted reference rows"),
            ("label drift P(y), p", label),
            ("method", esc(c.method)),
        ]
    )
    return (
        f'<div class="card"{ids.attr(c.id)}><p class="lead">{tag} {sentence}</p>'
        f'<div class="charts">{chart}</div>{table}<p>{esc(c.explanation)}</p></div>'
    )


def concept_section(d: Decision, ids: ElementIds) -> str:
    """Observed against expected-under-covariate-shift performance, per concept test.

    >>> from driftwise.signals.types import ConceptDrift, Interval
    >>> iv = Interval(value=0.9, low=0.88, high=0.92, n=500, method="wilson")
    >>> c = ConceptDrift(metric="accuracy", observed=iv, expected=iv, gap=0.0, p_value=0.5,
    ...     detected=False, explained_by_covariate_shift=True, method="reweighting",
    ...     effective_sample_size=812.4, explanation="As expected.")
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(c,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> "EXPLAINED BY COVARIATE SHIFT" in concept_section(d, ElementIds({}))
    True
    """
    items = [e for e in d.evidence if isinstance(e, ConceptDrift)]
    if not items:
        return ""
    return html_section("concept", "Concept drift", "".join(_concept_card(c, ids) for c in items))


def _estimate_card(e: EstimatedPerformance, ids: ElementIds) -> str:
    spec = metric_format([e.reference.value, e.estimate.value])
    words = [
        status("degraded", True) if e.degraded else status("within tolerance", False),
        status("reliable", False) if e.reliable else status("UNRELIABLE", True),
    ]
    box = ""
    if not e.reliable:
        text = "" if e.warnings else "No reason was recorded."
        box = warn_box(
            f"Unreliable estimate of {e.metric}: its assumptions broke", e.warnings, text
        )
    elif e.warnings:
        box = warn_box("Warnings", e.warnings)
    chart = interval_chart(
        [(e.metric, e.reference, e.estimate)],
        f"{e.metric}: reference vs estimate",
        names=("reference (realized)", "current (estimated)"),
    )
    realized = (
        "no labelled current rows"
        if e.realized is None
        else f"<b>{e.realized:{spec}}</b> on the labelled current rows"
    )
    table = facts(
        [
            ("reference (realized)", interval_html(e.reference, spec)),
            ("current (estimated)", interval_html(e.estimate, spec)),
            ("change", f"{e.change:+{spec}}"),
            ("realized now", realized),
            ("method", esc(e.method)),
        ]
    )
    return (
        f'<div class="card"{ids.attr(e.id)}><h3>{esc(e.metric)} {" ".join(words)}</h3>{box}'
        f'<div class="charts">{chart}</div>{table}</div>'
    )


def estimate_section(d: Decision, ids: ElementIds) -> str:
    """Label-free estimates against the reference, warnings first when assumptions broke.

    >>> from driftwise.signals.types import EstimatedPerformance, Interval
    >>> iv = Interval(value=0.9, low=0.88, high=0.92, n=500, method="cbpe")
    >>> e = EstimatedPerformance(id="estimate:accuracy", metric="accuracy", method="cbpe",
    ...     reference=iv, estimate=iv, change=0.0, degraded=False, reliable=False,
    ...     warnings=("unseen <region>",))
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(e,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> "<li>unseen &lt;region&gt;</li>" in estimate_section(d, ElementIds({}))
    True
    """
    items = [e for e in d.evidence if isinstance(e, EstimatedPerformance)]
    if not items:
        return ""
    body = "".join(_estimate_card(e, ids) for e in items)
    return html_section("estimate", "Estimated performance (without labels)", body)


def _point_row(p: TimePoint, side: str, spec: str) -> tuple[str, list[str]]:
    iv = interval_html(p, spec)
    cls = ' class="affected"' if side == "current" else ""
    return (cls, [esc(p.period), side, iv, format_count(p.n)])


def _timeline_figure(t: PerformanceTimeline, ids: ElementIds) -> str:
    spec = metric_format([p.value for p in (*t.reference, *t.current)])
    rows = [_point_row(p, "reference", spec) for p in t.reference]
    rows += [_point_row(p, "current", spec) for p in t.current]
    table = html_table(["period", "side", "value [interval]", "n"], rows, "dense", text=(0,))
    return (
        f'<figure class="feature wide"{ids.attr(t.id)}>'
        f"{timeline_chart(t.reference, t.current, f'{t.metric} per period')}"
        f"<figcaption><b>{esc(t.metric)}</b> &middot; {len(t.reference)} reference and "
        f"{len(t.current)} current periods; hover a point for its interval and size."
        f"<details><summary>values</summary>{table}</details></figcaption></figure>"
    )


def timeline_section(d: Decision, ids: ElementIds) -> str:
    """The metric per period, reference then current, one chart per metric.

    >>> from driftwise.signals.types import PerformanceTimeline, TimePoint
    >>> p = TimePoint(period="W1", value=0.9, low=0.88, high=0.92, n=100)
    >>> t = PerformanceTimeline(id="timeline:accuracy", metric="accuracy", reference=(p,),
    ...     current=())
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(t,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> html = timeline_section(d, ElementIds({"timeline:accuracy": "ev-t"}))
    >>> 'id="ev-t"' in html and "<title>W1 (reference): 0.9 [0.88, 0.92], n 100</title>" in html
    True
    """
    items = [e for e in d.evidence if isinstance(e, PerformanceTimeline)]
    if not items:
        return ""
    body = "".join(_timeline_figure(t, ids) for t in items)
    return html_section("timeline", "Performance over time", f'<div class="stack">{body}</div>')
