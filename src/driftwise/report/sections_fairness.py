"""People-side sections of the HTML report: fairness by sensitive group, and user feedback rates.

Each function returns ``""`` when the evidence has no item of its kind. Every item's element
carries the anchor of its evidence id; group names and attribute names are escaped.

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
>>> from driftwise.report.htmlkit import ElementIds
>>> from driftwise.signals.types import FeedbackRate
>>> f = FeedbackRate(id="feedback:calls", name="calls", baseline_rate=2.0, current_rate=2.1,
...     rate_ratio=1.05, low=0.8, high=1.4, p_value=0.4, surged=False, periods_baseline=7,
...     periods_current=7, series=(2, 2, 1, 3, 2, 2, 2, 2, 3, 2, 1, 2, 3, 2))
>>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
...     evidence=(f,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
...     n_current=1, n_features=0, n_labelled_current=0))
>>> html = feedback_section(d, ElementIds({"feedback:calls": "ev-feedback-calls"}))
>>> 'id="ev-feedback-calls"' in html and "no significant rise" in html
True
"""

from __future__ import annotations

from driftwise.decide.types import Decision
from driftwise.report.format import format_count, format_p, format_value, metric_format
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
from driftwise.report.svg_intervals import interval_chart, point
from driftwise.report.svg_series import count_chart
from driftwise.signals.types import Fairness, FeedbackRate, GroupMetric, Interval

__all__ = ["fairness_section", "feedback_section"]


def _group_row(g: GroupMetric, spec: str) -> tuple[str, list[str]]:
    ref = "&ndash;" if g.reference is None else f"{g.reference:{spec}}"
    change = "&ndash;" if g.reference is None or g.n == 0 else f"{g.value - g.reference:+{spec}}"
    now = interval_html(g, spec)
    return (
        "",
        [
            esc(g.group),
            now if g.n > 0 else "&ndash; <small>(no rows)</small>",
            format_count(g.n),
            ref,
            change,
        ],
    )


def _group_interval(g: GroupMetric) -> Interval:
    # Built without validation: the chart leaves out non-finite values instead of failing.
    return Interval.model_construct(value=g.value, low=g.low, high=g.high, n=g.n, method="group")


def _fairness_card(f: Fairness, ids: ElementIds) -> str:
    verdict = (
        status("worsened", True) if f.worsened else status("not worse beyond tolerance", False)
    )
    parts = [
        f'<div class="card"{ids.attr(f.id)}><h3>{esc(f.attribute)} &middot; {esc(f.metric)} '
        f"{verdict}</h3>"
    ]
    if f.biased_reference:
        was = "" if f.disparity_reference is None else f" ({f.disparity_reference:.3f})"
        parts.append(
            warn_box(
                "Base model already biased",
                text=(
                    f"On the reference the disparity{was} was already beyond the tolerance "
                    f"({f.tolerance:g}): going back to the reference model, or retraining it the "
                    "same way, would not fix this."
                ),
            )
        )
    ref = "not measured" if f.disparity_reference is None else f"{f.disparity_reference:.3f}"
    change = "&ndash;" if f.change is None else f"<b>{f.change:+.3f}</b>"
    parts.append(
        facts(
            [
                (
                    "disparity now",
                    f"<b>{f.disparity:.3f}</b> <small>[{f.disparity_low:.3f}, "
                    f"{f.disparity_high:.3f}]</small> (largest difference between groups)",
                ),
                ("disparity on the reference", ref),
                ("change", f"{change} <small>(tolerance {f.tolerance:g})</small>"),
            ]
        )
    )
    spec = metric_format([g.value for g in f.groups])
    rows = [
        (
            g.group,
            None if g.reference is None else point(g.reference),
            _group_interval(g) if g.n > 0 else None,
        )
        for g in f.groups
    ]
    if rows:
        chart = interval_chart(
            rows, f"{f.metric} by {f.attribute}", whiskers="whiskers: intervals now"
        )
        headers = ["group", f"{esc(f.metric)} now <small>[interval]</small>", "n"]
        table = html_table(
            [*headers, "reference", "change"], [_group_row(g, spec) for g in f.groups], text=(0,)
        )
        parts.append(f'<div class="charts">{chart}</div>{table}')
    else:
        parts.append("<p>No groups measured.</p>")
    return "".join(parts) + "</div>"


def fairness_section(d: Decision, ids: ElementIds) -> str:
    """Per sensitive attribute and metric: groups, disparity now and before, and its change.

    >>> from driftwise.signals.types import Fairness, GroupMetric
    >>> g = (GroupMetric(group="a", value=0.4, low=0.35, high=0.45, n=200, reference=0.42),)
    >>> f = Fairness(id="fairness:sex:selection_rate", attribute="sex", metric="selection_rate",
    ...     groups=g, disparity=0.0, disparity_low=0.0, disparity_high=0.05, tolerance=0.05,
    ...     worsened=False, biased_reference=True)
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(f,), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> "Base model already biased" in fairness_section(d, ElementIds({}))
    True
    """
    items = [e for e in d.evidence if isinstance(e, Fairness)]
    if not items:
        return ""
    return html_section("fairness", "Fairness", "".join(_fairness_card(f, ids) for f in items))


def _feedback_card(f: FeedbackRate, ids: ElementIds) -> str:
    verdict = status("surged", True) if f.surged else status("no significant rise", False)
    table = facts(
        [
            (
                "rate",
                f"{format_value(f.baseline_rate)} before &rarr; <b>{format_value(f.current_rate)}"
                "</b> now",
            ),
            (
                "ratio",
                f"<b>{f.rate_ratio:.2f}</b> <small>[{f.low:.2f}, {f.high:.2f}]</small>",
            ),
            ("p (the rate rose)", format_p(f.p_value)),
            ("periods", f"{f.periods_baseline} baseline, {f.periods_current} current"),
        ]
    )
    chart = (
        f'<div class="charts">{count_chart(f.series, f.periods_current, f"{f.name} per period")}'
        "</div>"
        if f.series
        else "<p>No counts recorded.</p>"
    )
    return f'<div class="card"{ids.attr(f.id)}><h3>{esc(f.name)} {verdict}</h3>{table}{chart}</div>'


def feedback_section(d: Decision, ids: ElementIds) -> str:
    """Complaint or feedback counts: the rate before and now, and the series.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> feedback_section(d, ElementIds({}))
    ''
    """
    items = [e for e in d.evidence if isinstance(e, FeedbackRate)]
    if not items:
        return ""
    return html_section("feedback", "User feedback", "".join(_feedback_card(f, ids) for f in items))
