"""The evidence part of the HTML report: scope and segments, performance, drifted features
with their charts, every feature test, labels.

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
    by_effect,
    drift_count_line,
    effect_unit,
    format_count,
    format_effect,
    format_p,
    format_share,
    metric_format,
    new_categories_label,
)
from driftwise.report.htmlkit import ElementIds, esc, html_section, html_table
from driftwise.report.svg import category_bars, hbar_chart, histogram_overlay, interval_chart
from driftwise.signals.types import (
    FeatureDrift,
    Interval,
    LabelAvailability,
    NotTested,
    Performance,
    Scope,
    SegmentDrift,
)

__all__ = ["MAX_FEATURE_CHARTS", "MAX_SEGMENT_BARS", "evidence_sections"]

#: At most this many drifted features get a chart; all appear in the table.
MAX_FEATURE_CHARTS = 12
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


def _interval(iv: Interval, spec: str) -> str:
    return f"{iv.value:{spec}} <small>[{iv.low:{spec}}, {iv.high:{spec}}]</small>"


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
                    _interval(p.reference, spec),
                    _interval(p.current, spec),
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


def _feature_chart(f: FeatureDrift) -> str:
    dist = f.distribution
    if dist is None:
        return ""
    title = f.column + (f" in {f.segment}" if f.segment else "")
    categorical = dist.labels is not None or (dist.edges is None and f.role == "categorical")
    return category_bars(dist, title) if categorical else histogram_overlay(dist, title)


def _chart_order(drifts: list[FeatureDrift]) -> list[FeatureDrift]:
    """Drifted first; tests on all rows before tests inside a segment; then largest effect."""
    return sorted(by_effect(drifts), key=lambda f: (not f.drifted, f.segment is not None))


def _charted(d: Decision) -> tuple[list[FeatureDrift], list[FeatureDrift]]:
    """The drifted feature tests, and those of them that get a chart."""
    drifted = _chart_order([e for e in d.evidence if isinstance(e, FeatureDrift) and e.drifted])
    return drifted, [f for f in drifted if f.distribution is not None][:MAX_FEATURE_CHARTS]


def _drift(d: Decision, anchors: dict[str, str]) -> str:
    drifted, charted = _charted(d)
    parts = [f'<p class="lead">{esc(drift_count_line(d))}</p>']
    if len(charted) < len(drifted):
        parts.append(
            f"<p>Charts show {len(charted)} of {len(drifted)} drifted feature tests (largest "
            "effects first, tests on all rows before tests inside one segment); every test is in "
            '<a href="#features">the table</a>.</p>'
        )
    figures, placed = [], set()
    for f in charted:
        name = esc(f.column) + (f" <small>in {esc(f.segment)}</small>" if f.segment else "")
        new = f"<br>new: {esc(new_categories_label(f))}" if f.new_categories else ""
        anchor = anchors.get(f.id)
        fid = "" if anchor is None or f.id in placed else f' id="chart-{anchor}"'
        placed.add(f.id)
        link = f'<a href="#{anchor}">{name}</a>' if anchor else name
        figures.append(
            f'<figure class="feature"{fid}>{_feature_chart(f)}<figcaption>'
            f"{link} &middot; {esc(f.test)} &middot; effect "
            f"{format_effect(f.effect_size)} {esc(effect_unit(f.effect_measure))} &middot; p adj "
            f"{format_p(f.p_adjusted)}{new}</figcaption></figure>"
        )
    if figures:
        parts.append(f'<div class="grid">{"".join(figures)}</div>')
    return html_section("drift", "Drifted features", "".join(parts))


def _verdict(f: FeatureDrift) -> str:
    if f.drifted:
        return '<span class="status drifted">drifted</span>'
    if f.significant:
        return "significant, below min effect"
    return "large, not significant" if f.practical else "no change"


def _features(d: Decision, ids: ElementIds, anchors: dict[str, str]) -> str:
    features = [e for e in d.evidence if isinstance(e, FeatureDrift)]
    if not features:
        return html_section(
            "features", "All feature tests", "<p>No feature drift tests in the evidence.</p>"
        )
    ordered = _chart_order(features)
    with_chart = {f.id for f in _charted(d)[1] if f.id in anchors}
    rows = []
    for f in ordered:
        unit = esc(effect_unit(f.effect_measure))
        rows.append(
            (
                ids.attr(f.id) + (' class="affected"' if f.drifted else ""),
                [
                    esc(f.column),
                    esc(f.segment or "all rows"),
                    f"{esc(f.test)} <small>{f.statistic:.4g}</small>",
                    format_p(f.p_value),
                    format_p(f.p_adjusted),
                    f"{format_effect(f.effect_size)} {unit} <small>(min {f.min_effect:g})</small>",
                    f"{format_share(f.missing_reference)} &rarr; {format_share(f.missing_current)}",
                    f"{format_count(f.n_reference)} / {format_count(f.n_current)}",
                    esc(new_categories_label(f)) or "&ndash;",
                    _verdict(f)
                    + (
                        f' &middot; <a href="#chart-{anchors.get(f.id)}">chart</a>'
                        if f.id in with_chart
                        else ""
                    ),
                ],
            )
        )
    headers = ["column", "segment", "test <small>statistic</small>", "p", "p adj", "effect"]
    headers += ["missing ref &rarr; cur", "rows ref / cur", "new categories", "verdict"]
    table = html_table(headers, rows, "dense", text=(0, 1, 8, 9))
    return html_section("features", "All feature tests", table)


def _labels(d: Decision, ids: ElementIds) -> str:
    parts = []
    yes = {
        True: '<span class="yes">&#10003; yes</span>',
        False: '<span class="no">&#10007; no</span>',
    }
    for x in (e for e in d.evidence if isinstance(e, LabelAvailability)):
        pct = max(0.0, min(x.share_labelled, 1.0)) * 100
        parts.append(
            f'<div class="card"{ids.attr(x.id)}><p><b>{format_count(x.n_labelled)}</b> of '
            f"{format_count(x.n_current)} current rows labelled ({format_share(x.share_labelled)})"
            f'<span class="meter wide" aria-hidden="true"><span style="width:{pct:.1f}%">'
            "</span></span></p>"
            f"<p>Enough to fine-tune: {yes[x.sufficient_for_fine_tune]} &middot; "
            f"enough to retrain: {yes[x.sufficient_for_retrain]}</p></div>"
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


def evidence_sections(decision: Decision, ids: ElementIds) -> str:
    """The evidence sections in page order: scope, performance, drift, all features, labels.

    ``ids`` hands out the element ids that the reasons link to.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> from driftwise.report.htmlkit import ElementIds
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> html = evidence_sections(d, ElementIds({}))
    >>> html.count("<section"), "No scope analysis in the evidence." in html
    (5, True)
    """
    anchors = ids.anchors
    return "\n".join(
        [
            _scope(decision, ids),
            _performance(decision, ids),
            _drift(decision, anchors),
            _features(decision, ids, anchors),
            _labels(decision, ids),
            _not_tested(decision, ids),
        ]
    )
