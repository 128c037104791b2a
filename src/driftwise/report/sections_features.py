"""The feature sections of the HTML report: charts of the drifted features and the table of every
feature test, with thresholds, binned tests and secondary statistics.

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
>>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
...     n_current=1, n_features=0, n_labelled_current=0))
>>> "No feature drift tests in the evidence." in features_section(d, ElementIds({}))
True
"""

from __future__ import annotations

from driftwise.decide.types import Decision
from driftwise.report.format import (
    by_effect,
    drift_count_line,
    effect_with_threshold,
    format_count,
    format_p,
    format_share,
    format_value,
    new_categories_label,
    threshold_calibrated,
)
from driftwise.report.htmlkit import ElementIds, esc, html_section, html_table
from driftwise.report.svg import category_bars, histogram_overlay
from driftwise.signals.types import FeatureDrift

__all__ = ["MAX_FEATURE_CHARTS", "drift_section", "features_section"]

#: At most this many drifted features get a chart; all appear in the table.
MAX_FEATURE_CHARTS = 12

_CALIBRATED = (
    '<span class="tag" title="the null distribution from reference resampling at this sample '
    'size asks for more than the policy minimum">calibrated</span>'
)
_BINNED = (
    '<span class="tag" title="computed from histograms on reference-derived bins">binned</span>'
)


def _effect_html(f: FeatureDrift) -> str:
    """ "effect / threshold unit", marked when the calibrated threshold is above the minimum."""
    text = esc(effect_with_threshold(f))
    if f.threshold <= 0:
        return f"{text} <small>(min {f.min_effect:g})</small>"
    if threshold_calibrated(f):
        return f"{text}<br>{_CALIBRATED} <small>min {f.min_effect:g}</small>"
    return f"{text} <small>(= min)</small>"


def _test_html(f: FeatureDrift) -> str:
    """The test and its statistic, "binned" when from histograms, other statistics folded."""
    out = f"{esc(f.test)} <small>{f.statistic:.4g}</small>" + (
        f"<br>{_BINNED}" if f.method == "binned" else ""
    )
    if f.statistics:
        items = "".join(
            f"<li>{esc(name)} {format_value(value)}</li>"
            for name, value in sorted(f.statistics.items())
        )
        out += (
            f'<details class="stats"><summary>+{len(f.statistics)} statistics</summary>'
            f"<ul>{items}</ul></details>"
        )
    return out


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


def drift_section(d: Decision, anchors: dict[str, str]) -> str:
    """The drifted features: the count line and one chart per drifted test (capped).

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> "No feature drift tests in the evidence." in drift_section(d, {})
    True
    """
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
            f"{link} &middot; {esc(f.test)}{' ' + _BINNED if f.method == 'binned' else ''} "
            f"&middot; effect {esc(effect_with_threshold(f))}"
            f"{' ' + _CALIBRATED if threshold_calibrated(f) else ''} &middot; p adj "
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


def features_section(d: Decision, ids: ElementIds) -> str:
    """Every feature test in one table; each row is the anchor of its evidence id.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> "No feature drift tests in the evidence." in features_section(d, ElementIds({}))
    True
    """
    anchors = ids.anchors
    features = [e for e in d.evidence if isinstance(e, FeatureDrift)]
    if not features:
        return html_section(
            "features", "All feature tests", "<p>No feature drift tests in the evidence.</p>"
        )
    ordered = _chart_order(features)
    with_chart = {f.id for f in _charted(d)[1] if f.id in anchors}
    rows = []
    for f in ordered:
        rows.append(
            (
                ids.attr(f.id) + (' class="affected"' if f.drifted else ""),
                [
                    esc(f.column),
                    esc(f.segment or "all rows"),
                    _test_html(f),
                    format_p(f.p_value),
                    format_p(f.p_adjusted),
                    _effect_html(f),
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
    headers = ["column", "segment", "test <small>statistic</small>", "p", "p adj"]
    headers += ["effect <small>/ threshold</small>"]
    headers += ["missing ref &rarr; cur", "rows ref / cur", "new categories", "verdict"]
    table = html_table(headers, rows, "dense", text=(0, 1, 2, 8, 9))
    return html_section("features", "All feature tests", table)
