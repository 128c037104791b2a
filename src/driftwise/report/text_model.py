"""Terminal blocks for the model-side evidence: concept drift, label-free estimates, timelines,
multivariate drift, fairness.

Each function takes the items of one kind and returns lines; an empty list when there are none,
so the summary only grows when the evidence has those kinds.

>>> from driftwise.signals.types import ConceptDrift, Interval
>>> iv = Interval(value=0.9, low=0.88, high=0.92, n=500, method="wilson")
>>> c = ConceptDrift(metric="accuracy", observed=iv, expected=iv, gap=0.0, p_value=0.5,
...     detected=False, explained_by_covariate_shift=True, method="reweighting",
...     effective_sample_size=812.4, explanation="Nothing unexpected.")
>>> concept_lines([c], 100)[0]
'Concept drift: none (the performance change is explained by covariate shift)'
"""

from __future__ import annotations

from collections.abc import Sequence

from driftwise.report.format import (
    format_count,
    format_effect,
    format_p,
    format_share,
    metric_format,
)
from driftwise.report.textkit import MAX_ITEMS, ascii_table, interval_text, listed, wrap
from driftwise.signals.types import (
    ConceptDrift,
    EstimatedPerformance,
    Fairness,
    MultivariateDrift,
    PerformanceTimeline,
    TimePoint,
)

__all__ = [
    "concept_lines",
    "estimate_lines",
    "fairness_lines",
    "multivariate_lines",
    "timeline_lines",
]


def multivariate_lines(items: Sequence[MultivariateDrift], width: int) -> list[str]:
    """One paragraph per joint test: statistic with interval, p, threshold, verdict, drivers.

    >>> from driftwise.signals.types import MultivariateDrift
    >>> m = MultivariateDrift(id="multivariate:mmd", method="mmd", statistic=0.0123,
    ...     p_value=0.002, threshold=0.01, n_reference=1000, n_current=1000, drifted=True)
    >>> multivariate_lines([m], 100)[1]
    '  MMD: DRIFTED, MMD^2 0.0123 (threshold 0.01), p 0.002, n 1,000/1,000'
    """
    if not items:
        return []
    lines = ["Multivariate drift"]
    for m in items:
        auc = m.method == "domain_classifier"
        spec = ".3f" if auc else ".3g"
        stat = f"{m.statistic:{spec}}"
        if m.low is not None and m.high is not None:
            stat += f" [{m.low:{spec}}, {m.high:{spec}}]"
        head = (
            f"{'domain classifier' if auc else 'MMD'}: {'DRIFTED' if m.drifted else 'no drift'}, "
            f"{'AUC' if auc else 'MMD^2'} {stat} (threshold {m.threshold:{spec}}), "
            f"p {format_p(m.p_value)}, n {format_count(m.n_reference)}/{format_count(m.n_current)}"
        )
        lines += wrap(head, width, "  ", "    ")
        if m.top_features:
            top = listed([f"{c.column} {format_effect(c.importance)}" for c in m.top_features])
            if m.concentration is not None:
                top += f" (top feature holds {format_share(m.concentration)} of importance)"
            lines += wrap("top features: " + top, width, "    ", "      ")
        if m.top_rows:
            rows = "current rows least like the reference (positions): " + listed(
                [str(r) for r in m.top_rows]
            )
            lines += wrap(rows, width, "    ", "      ")
    return lines


def _concept_verdict(c: ConceptDrift) -> str:
    if c.detected:
        return "DETECTED (not explained by covariate shift alone)"
    if c.explained_by_covariate_shift:
        return "none (the performance change is explained by covariate shift)"
    return "none detected"


def concept_lines(items: Sequence[ConceptDrift], width: int) -> list[str]:
    """Observed against expected-under-covariate-shift performance, gap, p and the explanation.

    >>> from driftwise.signals.types import ConceptDrift, Interval
    >>> obs = Interval(value=0.8, low=0.78, high=0.82, n=500, method="wilson")
    >>> exp = Interval(value=0.9, low=0.88, high=0.92, n=900, method="bootstrap")
    >>> c = ConceptDrift(metric="accuracy", observed=obs, expected=exp, gap=-0.1, p_value=1e-5,
    ...     detected=True, explained_by_covariate_shift=False, method="reweighting",
    ...     effective_sample_size=812.4, explanation="Worse than expected.")
    >>> concept_lines([c], 100)[0]
    'Concept drift: DETECTED (not explained by covariate shift alone)'
    """
    lines: list[str] = []
    for c in items:
        spec = metric_format([c.observed.value, c.expected.value])
        lines.append(f"Concept drift: {_concept_verdict(c)}")
        facts = (
            f"{c.metric}: observed {interval_text(c.observed, spec)} vs expected "
            f"{interval_text(c.expected, spec)} under covariate shift alone; gap "
            f"{c.gap:+{spec}}, p {format_p(c.p_value)}"
        )
        lines += wrap(facts, width, "  ", "    ")
        lines += wrap(c.explanation, width, "  ", "  ")
        label = "not tested" if c.label_drift_p_value is None else format_p(c.label_drift_p_value)
        ess = format_count(round(c.effective_sample_size))
        more = f"method {c.method}; effective sample size {ess}; label drift p {label}"
        lines += wrap(more, width, "  ", "    ")
    return lines


def estimate_lines(items: Sequence[EstimatedPerformance], width: int) -> list[str]:
    """A table of label-free estimates against the reference, then every warning on its own line.

    >>> from driftwise.signals.types import EstimatedPerformance, Interval
    >>> iv = Interval(value=0.9, low=0.88, high=0.92, n=500, method="cbpe")
    >>> e = EstimatedPerformance(id="estimate:accuracy", metric="accuracy", method="cbpe",
    ...     reference=iv, estimate=iv, change=0.0, degraded=False, reliable=False,
    ...     warnings=("scores look uncalibrated",))
    >>> estimate_lines([e], 100)[-1]
    '  WARNING (accuracy): scores look uncalibrated'
    """
    if not items:
        return []
    methods = sorted({e.method for e in items})
    one_method = len(methods) == 1
    rows = []
    for e in items:
        spec = metric_format([e.reference.value, e.estimate.value])
        status = ["DEGRADED" if e.degraded else "ok"] + ([] if e.reliable else ["UNRELIABLE"])
        rows.append(
            [
                e.metric + ("" if one_method else f" ({e.method})"),
                interval_text(e.reference, spec),
                "->",
                interval_text(e.estimate, spec),
                f"{e.change:+{spec}}",
                ", ".join(status),
                "-" if e.realized is None else f"{e.realized:{spec}}",
            ]
        )
    headers = ["metric", "reference", "", "estimate", "change", "status", "realized"]
    how = f"; {methods[0]}" if one_method else ""
    lines = [f"Estimated performance (without labels{how})"]
    lines += ascii_table(headers, rows, right=[4, 6], width=width)
    for e in items:
        for warning in e.warnings:
            lines += wrap(f"WARNING ({e.metric}): {warning}", width, "  ", "    ")
    return lines


def _points(label: str, points: Sequence[TimePoint], spec: str, width: int) -> list[str]:
    shown = ", ".join(f"{p.period} {p.value:{spec}}" for p in points[-MAX_ITEMS:]) or "none"
    if len(points) > MAX_ITEMS:
        shown = f"(+{len(points) - MAX_ITEMS} earlier) {shown}"
    return wrap(f"{label}: {shown}", width, "  ", "    ")


def timeline_lines(items: Sequence[PerformanceTimeline], width: int) -> list[str]:
    """The metric per period, reference then current (the latest periods of each).

    >>> from driftwise.signals.types import PerformanceTimeline, TimePoint
    >>> p = TimePoint(period="W1", value=0.9, low=0.88, high=0.92, n=100)
    >>> t = PerformanceTimeline(id="timeline:accuracy", metric="accuracy", reference=(p,),
    ...     current=(p.model_copy(update={"period": "W2"}),))
    >>> for line in timeline_lines([t], 100):
    ...     print(line)
    Performance over time: accuracy, 1 reference and 1 current periods
      reference: W1 0.900
      current: W2 0.900
      latest: W2 0.900 [0.880, 0.920], n 100
    """
    lines: list[str] = []
    for t in items:
        spec = metric_format([p.value for p in (*t.reference, *t.current)])
        head = (
            f"Performance over time: {t.metric}, {len(t.reference)} reference and "
            f"{len(t.current)} current periods"
        )
        lines += wrap(head, width, "", "  ")
        lines += _points("reference", t.reference, spec, width)
        lines += _points("current", t.current, spec, width)
        last = (*t.reference, *t.current)[-1:]
        for p in last:
            latest = f"latest: {p.period} {interval_text(p, spec)}, n {format_count(p.n)}"
            lines += wrap(latest, width, "  ", "    ")
    return lines


def fairness_lines(items: Sequence[Fairness], width: int) -> list[str]:
    """Per attribute and metric: disparity now and on the reference, groups, bias warnings.

    >>> from driftwise.signals.types import Fairness
    >>> f = Fairness(id="fairness:sex:accuracy", attribute="sex", metric="accuracy", groups=(),
    ...     disparity=0.02, disparity_low=0.0, disparity_high=0.05, tolerance=0.05,
    ...     worsened=False, biased_reference=False)
    >>> fairness_lines([f], 100)
    ['Fairness: sex, accuracy: disparity 0.020 [0.000, 0.050] (tolerance 0.05): not worse beyond \
tolerance']
    """
    lines: list[str] = []
    for f in items:
        if lines:
            lines.append("")
        status = "WORSENED" if f.worsened else "not worse beyond tolerance"
        ref = "" if f.disparity_reference is None else f"reference {f.disparity_reference:.3f}, "
        change = "" if f.change is None else f"change {f.change:+.3f}, "
        head = (
            f"Fairness: {f.attribute}, {f.metric}: disparity {f.disparity:.3f} "
            f"[{f.disparity_low:.3f}, {f.disparity_high:.3f}] ({ref}{change}tolerance "
            f"{f.tolerance:g}): {status}"
        )
        lines += wrap(head, width, "", "  ")
        if f.biased_reference:
            note = (
                "NOTE: the base model was already biased: on the reference the disparity "
                + ("" if f.disparity_reference is None else f"({f.disparity_reference:.3f}) ")
                + f"exceeded the tolerance ({f.tolerance:g}); restoring it is not enough."
            )
            lines += wrap(note, width, "  ", "    ")
        spec = metric_format([g.value for g in f.groups])
        rows = [
            [
                g.group,
                interval_text(g, spec) if g.n > 0 else "no rows",
                format_count(g.n),
                "-" if g.reference is None else f"{g.reference:{spec}}",
            ]
            for g in f.groups
        ]
        if rows:
            headers = ["group", "current [CI]", "n", "reference"]
            lines += ascii_table(headers, rows, right=[2, 3], width=width)
    return lines
