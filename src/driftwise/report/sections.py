"""The evidence part of the HTML report, in page order: scope and segments, performance, then
the sections of the later evidence kinds (from ``sections_model``, ``sections_data``,
``sections_fairness``), drifted features and every feature test (``sections_features``), labels.

Every evidence item gets one element whose id is its anchor (see
:func:`driftwise.report.htmlkit.evidence_anchors`).

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
>>> from driftwise.report.htmlkit import evidence_anchors
>>> from driftwise.signals.types import LabelAvailability
>>> labels = LabelAvailability(n_current=80, n_labelled=20, share_labelled=0.25,
...                            sufficient_for_fine_tune=False, sufficient_for_retrain=False)
>>> d = Decision(action="monitor", confidence=0.7, reasons=(), alternatives=(),
...              evidence=(labels,), policy=PolicyRef(name="baseline"),
...              summary=CheckSummary(n_reference=100, n_current=80, n_features=3,
...                                   n_labelled_current=20))
>>> html = evidence_sections(d, ElementIds(evidence_anchors(["labels"])))
>>> '<div class="card" id="ev-labels"><p><b>20</b> of 80 current rows labelled (25.0%)' in html
True
"""

from __future__ import annotations

from driftwise.decide.types import Decision
from driftwise.report.format import (
    format_count,
    format_effect,
    format_p,
    format_share,
    metric_format,
)
from driftwise.report.htmlkit import (
    ElementIds,
    esc,
    html_section,
    html_table,
    interval_html,
    names_html,
    yes_no_html,
)
from driftwise.report.sections_act import context_section, execution_section, utility_section
from driftwise.report.sections_data import multivariate_section, schema_section, text_section
from driftwise.report.sections_fairness import fairness_section, feedback_section
from driftwise.report.sections_features import MAX_FEATURE_CHARTS, drift_section, features_section
from driftwise.report.sections_model import concept_section, estimate_section, timeline_section
from driftwise.report.svg import hbar_chart
from driftwise.report.svg_intervals import interval_chart
from driftwise.signals.types import (
    LabelAvailability,
    NotTested,
    Performance,
    Scope,
    SegmentDrift,
)

__all__ = ["MAX_FEATURE_CHARTS", "MAX_SEGMENT_BARS", "evidence_sections", "rendered_sections"]

#: At most this many segments in each segment bar chart; all appear in the table.
MAX_SEGMENT_BARS = 20


def _segment_row(seg: SegmentDrift, ids: ElementIds) -> tuple[str, list[str]]:
    flags = (("drifted", seg.drifted), ("degraded", seg.degraded))
    status = ", ".join(word for word, on in flags if on) or "stable"
    change = "" if seg.performance_change is None else f"{seg.performance_change:+.3f}"
    if seg.performance_p_value is not None:
        change += f" <small>(p {format_p(seg.performance_p_value)})</small>"
    cls = ' class="affected"' if seg.drifted or seg.degraded else ""
    return (
        ids.attr(seg.id) + cls,
        [
            f"{esc(seg.key)}={esc(seg.value)}",
            f"{format_share(seg.share_reference)} &rarr; {format_share(seg.share_current)}",
            f"{format_count(seg.n_reference)} / {format_count(seg.n_current)}",
            format_effect(seg.max_effect),
            esc(", ".join(seg.drifted_features)) or "&ndash;",
            change or "&ndash;",
            f'<span class="status {status.split(",")[0]}">{status}</span>',
        ],
    )


def _segments(d: Decision, ids: ElementIds) -> str:
    segments = sorted(
        (e for e in d.evidence if isinstance(e, SegmentDrift)),
        key=lambda seg: (seg.key, -seg.share_current, seg.value),
    )
    if not segments:
        return ""
    # Charts keep every affected segment, then the busiest others, in the table's order.
    rank = sorted(segments, key=lambda seg: (not (seg.drifted or seg.degraded), -seg.share_current))
    keep = {id(seg) for seg in rank[:MAX_SEGMENT_BARS]}
    shown = [seg for seg in segments if id(seg) in keep]
    names = [f"{seg.key}={seg.value}" for seg in shown]
    hit = [seg.drifted or seg.degraded for seg in shown]
    shares = [(n, seg.share_current, h) for n, seg, h in zip(names, shown, hit, strict=True)]
    effects = [(n, seg.max_effect, h) for n, seg, h in zip(names, shown, hit, strict=True)]
    charts = hbar_chart(
        shares, "Current traffic share by segment", ".1%", max_value=1.0, highlight_label="affected"
    ) + hbar_chart(effects, "Largest feature effect by segment", ".3f", highlight_label="affected")
    note = ""
    if len(shown) < len(segments):
        note = (
            f"<p>Charts show {len(shown)} of {len(segments)} segments: the affected ones, then "
            "those with the most current traffic. The table lists all.</p>"
        )
    headers = ["segment", "traffic ref &rarr; cur", "rows ref / cur", "max effect"]
    headers += ["drifted features", "performance change", "status"]
    rows = [_segment_row(seg, ids) for seg in segments]
    return f'{note}<div class="charts">{charts}</div>' + html_table(
        headers, rows, text=(0, 4, 5, 6)
    )


def _scope(d: Decision, ids: ElementIds) -> str:
    parts = [
        f'<div class="card scope"{ids.attr(s.id)}><p><span class="verdict-tag {s.verdict}">'
        f"{s.verdict.upper()}</span> drifted segments carry "
        f"<b>{format_share(s.drifted_traffic_share)}</b> of current traffic; "
        f"<b>{format_share(s.drifted_feature_share)}</b> of features drifted."
        f"</p><p>{esc(s.explanation)}</p></div>"
        for s in d.evidence
        if isinstance(s, Scope)
    ]
    body = "".join(parts) + _segments(d, ids)
    return html_section("scope", "Scope", body or "<p>No scope analysis in the evidence.</p>")


def _performance(d: Decision, ids: ElementIds) -> str:
    perf = [e for e in d.evidence if isinstance(e, Performance)]
    if not perf:
        return html_section(
            "performance", "Performance", "<p>Not measured: no performance evidence.</p>"
        )
    parts, rows = [], []
    for metric in dict.fromkeys(p.metric for p in perf):
        group = [p for p in perf if p.metric == metric]
        chart_rows = [(p.segment or "overall", p.reference, p.current) for p in group]
        parts.append(interval_chart(chart_rows, metric))
    for p in perf:
        spec = metric_format([p.reference.value, p.current.value])
        better = "higher" if p.higher_is_better else "lower"
        status = (
            '<span class="status degraded">degraded</span>' if p.degraded else "within tolerance"
        )
        rows.append(
            (
                ids.attr(p.id),
                [
                    f"{esc(p.metric)} <small>({better} is better)</small>",
                    esc(p.segment or "overall"),
                    interval_html(p.reference, spec),
                    interval_html(p.current, spec),
                    f"{p.change:+{spec}}",
                    f"{p.tolerance:g}",
                    format_p(p.p_value),
                    status,
                ],
            )
        )
    level = f"{perf[0].reference.level:.0%}"
    headers = ["metric", "segment", f"reference [{level} CI]", f"current [{level} CI]", "change"]
    parts.append(html_table([*headers, "tolerance", "p (worse)", "status"], rows, text=(0, 1)))
    return html_section(
        "performance",
        "Performance",
        '<div class="charts">' + "".join(parts[:-1]) + "</div>" + parts[-1],
    )


def _representativeness(x: LabelAvailability) -> str:
    if x.representative is None:
        return "" if x.n_labelled == 0 else "<p>Representative of current traffic: not tested.</p>"
    stats = []
    if x.representativeness_p_value is not None:
        stats.append(f"p {format_p(x.representativeness_p_value)}")
    if x.representativeness_effect is not None:
        stats.append(f"largest effect {format_effect(x.representativeness_effect)}")
    text = f"<p>Representative of current traffic: {yes_no_html(x.representative)}"
    text += f" <small>({', '.join(stats)})</small>" if stats else ""
    if x.unrepresentative_features:
        text += (
            "; the labelled rows differ from current traffic on "
            f"{names_html(x.unrepresentative_features)}, so a model tuned on them may not fit "
            "what production sees now"
        )
    return text + ".</p>"


def _by_segment(x: LabelAvailability) -> str:
    if not x.by_segment:
        return ""
    total = sum(x.by_segment.values())
    rows = [
        (
            "",
            [esc(k), format_count(v), format_share(v / total) if total > 0 else "&ndash;"],
        )
        for k, v in sorted(x.by_segment.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return html_table(["segment", "labelled rows", "share of labelled"], rows, text=(0,))


def _labels(d: Decision, ids: ElementIds) -> str:
    parts = []
    for x in (e for e in d.evidence if isinstance(e, LabelAvailability)):
        pct = max(0.0, min(x.share_labelled, 1.0)) * 100
        parts.append(
            f'<div class="card"{ids.attr(x.id)}><p><b>{format_count(x.n_labelled)}</b> of '
            f"{format_count(x.n_current)} current rows labelled ({format_share(x.share_labelled)})"
            f'<span class="meter wide" aria-hidden="true"><span style="width:{pct:.1f}%">'
            "</span></span></p>"
            f"<p>Enough to fine-tune: {yes_no_html(x.sufficient_for_fine_tune)} &middot; "
            f"enough to retrain: {yes_no_html(x.sufficient_for_retrain)}</p>"
            f"{_representativeness(x)}{_by_segment(x)}</div>"
        )
    return html_section(
        "labels", "Labels", "".join(parts) or "<p>No label information in the evidence.</p>"
    )


def _not_tested(d: Decision, ids: ElementIds) -> str:
    items = [e for e in d.evidence if isinstance(e, NotTested)]
    if not items:
        return ""
    rows = "".join(
        f"<li{ids.attr(x.id)}><code>{esc(x.id)}</code>: {esc(x.reason)}</li>" for x in items
    )
    return html_section("not-tested", "Not tested", f"<ul>{rows}</ul>")


def rendered_sections(decision: Decision, ids: ElementIds) -> list[tuple[str, str, str]]:
    """The evidence sections in page order as ``(section id, short name, html)``.

    Scope, performance, drift, all features and labels are always there; the others only when
    the evidence has their kind. ``ids`` hands out the element ids that the reasons link to.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> from driftwise.report.htmlkit import ElementIds
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> [sid for sid, _, _ in rendered_sections(d, ElementIds({}))]
    ['scope', 'performance', 'drift', 'features', 'labels']
    """
    parts = [
        ("execution", "Carried out", execution_section(decision)),
        ("utility", "Utility", utility_section(decision)),
        ("context", "Context", context_section(decision)),
        ("scope", "Scope", _scope(decision, ids)),
        ("performance", "Performance", _performance(decision, ids)),
        ("concept", "Concept", concept_section(decision, ids)),
        ("estimate", "Estimate", estimate_section(decision, ids)),
        ("timeline", "Over time", timeline_section(decision, ids)),
        ("schema", "Schema", schema_section(decision, ids)),
        ("drift", "Drifted features", drift_section(decision, ids.anchors)),
        ("multivariate", "Multivariate", multivariate_section(decision, ids)),
        ("text-drift", "Text", text_section(decision, ids)),
        ("fairness", "Fairness", fairness_section(decision, ids)),
        ("feedback", "Feedback", feedback_section(decision, ids)),
        ("features", "All features", features_section(decision, ids)),
        ("labels", "Labels", _labels(decision, ids)),
        ("not-tested", "Not tested", _not_tested(decision, ids)),
    ]
    return [p for p in parts if p[2]]


def evidence_sections(decision: Decision, ids: ElementIds) -> str:
    """The evidence sections in page order (see :func:`rendered_sections`), joined.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> from driftwise.report.htmlkit import ElementIds
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> html = evidence_sections(d, ElementIds({}))
    >>> html.count("<section"), "No scope analysis in the evidence." in html
    (5, True)
    """
    return "\n".join(html for _, _, html in rendered_sections(decision, ids))
