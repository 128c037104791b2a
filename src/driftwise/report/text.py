"""The terminal summary of a decision: what ``driftwise check`` prints.

The summary is plain text with ASCII table layout, deterministic, and kept within ``width``
columns where it can be (long free text is wrapped, the last table column is cut with "...").

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef, Reason
>>> d = Decision(action="monitor", confidence=0.7, headline="Small drift in one feature.",
...              reasons=(Reason(text="One feature drifted.", evidence=("scope",)),),
...              alternatives=(), evidence=(), policy=PolicyRef(name="baseline"),
...              summary=CheckSummary(n_reference=100, n_current=80, n_features=3,
...                                   n_labelled_current=0))
>>> print(render_text(d).splitlines()[0])
Decision: MONITOR (confidence 0.70)
"""

from __future__ import annotations

from collections.abc import Sequence

from driftwise.decide.types import Decision
from driftwise.report.format import (
    action_label,
    by_effect,
    drift_count_line,
    effect_with_threshold,
    format_count,
    format_effect,
    format_p,
    format_share,
    metric_format,
    new_categories_label,
    overall_drifts,
    plain,
    threshold_calibrated,
)
from driftwise.report.sections_act import act_lines, context_lines, utility_lines
from driftwise.report.text_data import (
    feedback_lines,
    label_detail_lines,
    schema_lines,
    text_drift_lines,
)
from driftwise.report.text_model import (
    concept_lines,
    estimate_lines,
    fairness_lines,
    multivariate_lines,
    timeline_lines,
)
from driftwise.report.textkit import ascii_table, interval_text, wrap
from driftwise.signals.types import (
    ConceptDrift,
    ErasureRequest,
    EstimatedPerformance,
    Fairness,
    FeatureDrift,
    FeedbackRate,
    LabelAvailability,
    MultivariateDrift,
    NotTested,
    Performance,
    PerformanceTimeline,
    SchemaChange,
    Scope,
    SegmentDrift,
    TextDrift,
)

__all__ = ["ascii_table", "render_text"]


def _reasons(decision: Decision, width: int) -> list[str]:
    known = decision.evidence_by_id()
    lines = ["Reasons"]
    if not decision.reasons:
        lines.append("  (none given)")
    for i, reason in enumerate(decision.reasons, start=1):
        cited = [e if e in known else f"{e} (not in evidence)" for e in reason.evidence]
        text = reason.text + (f" [{', '.join(cited)}]" if cited else "")
        prefix = f"  {i}. "
        lines += wrap(text, width, prefix, " " * len(prefix))
    return lines


def _alternatives(decision: Decision, width: int) -> list[str]:
    if not decision.alternatives:
        return ["Alternatives: none recorded"]
    ranked = sorted(decision.alternatives, key=lambda a: (-a.score, a.action))
    rows = [
        [
            str(i),
            a.action + (" (chosen)" if a.action == decision.action else ""),
            f"{a.score:.3f}",
            a.rationale,
        ]
        for i, a in enumerate(ranked, start=1)
    ]
    table = ascii_table(["#", "action", "score", "rationale"], rows, right=[0, 2], width=width)
    return ["Alternatives (ranked)", *table]


_INPUT_ROLES = ("numeric", "categorical", "text")
#: The terminal shows this many in-segment tests and not-tested items; the report shows all.
MAX_LISTED = 10


def _drift_rows(
    drifts: Sequence[FeatureDrift], with_segment: bool
) -> tuple[list[str], list[list[str]]]:
    show_new = any(d.new_categories for d in drifts)
    headers = ["column", *(["segment"] if with_segment else []), "test", "effect", "p adj"]
    headers += ["new categories"] if show_new else []
    rows = []
    for d in by_effect(drifts):
        name = d.column if d.role in _INPUT_ROLES else f"{d.column} ({d.role})"
        test = d.test + (" (binned)" if d.method == "binned" else "")
        row = [name, *([d.segment or ""] if with_segment else []), test]
        row += [
            effect_with_threshold(d) + ("*" if threshold_calibrated(d) else ""),
            format_p(d.p_adjusted),
        ]
        row += [new_categories_label(d)] if show_new else []
        rows.append(row)
    return headers, rows


def _drift(decision: Decision, width: int) -> list[str]:
    lines = ["Drifted features: " + drift_count_line(decision)]
    drifted = [d for d in overall_drifts(decision) if d.drifted]
    if drifted:
        headers, rows = _drift_rows(drifted, with_segment=False)
        n = len(headers)
        lines += ascii_table(headers, rows, right=[n - 2, n - 1] if n == 4 else [2, 3], width=width)
    inside = [
        e for e in decision.evidence if isinstance(e, FeatureDrift) and e.segment and e.drifted
    ]
    if inside:
        headers, rows = _drift_rows(inside, with_segment=True)
        lines += ["", f"Drifted inside segments: {len(inside)} feature test(s)"]
        lines += ascii_table(headers, rows[:MAX_LISTED], right=[3, 4], width=width)
        if len(rows) > MAX_LISTED:
            lines.append(f"  ... and {len(rows) - MAX_LISTED} more (largest effects shown)")
    if any(threshold_calibrated(d) for d in (*drifted, *inside[:MAX_LISTED])):
        note = (
            "effect / threshold; * the threshold calibrated on reference resampling is above the "
            "policy minimum"
        )
        lines += wrap(note, width, "  ", "  ")
    return lines


def _performance(items: Sequence[Performance], width: int) -> list[str]:
    if not items:
        return ["Performance: not measured (no performance evidence)"]
    levels = {p.reference.level for p in items} | {p.current.level for p in items}
    ci = f"{levels.pop():.0%} CI" if len(levels) == 1 else "CI"
    rows = []
    for p in items:
        spec = metric_format([p.reference.value, p.current.value])
        status = "DEGRADED" if p.degraded else "ok"
        rows.append(
            [
                p.metric,
                p.segment or "overall",
                interval_text(p.reference, spec),
                "->",
                interval_text(p.current, spec),
                f"{p.change:+{spec}}",
                format_p(p.p_value),
                status,
            ]
        )
    headers = [
        "metric",
        "segment",
        f"reference [{ci}]",
        "",
        f"current [{ci}]",
        "change",
        "p",
        "status",
    ]
    return ["Performance", *ascii_table(headers, rows, right=[5, 6], width=width)]


def _scope(items: Sequence[Scope], width: int) -> list[str]:
    if not items:
        return ["Scope: not assessed (no scope evidence)"]
    lines = []
    for s in items:
        traffic, features = (
            format_share(s.drifted_traffic_share),
            format_share(s.drifted_feature_share),
        )
        head = f"Scope: {s.verdict.upper()} (drifted segments carry {traffic} of current traffic; "
        lines += wrap(head + f"{features} of features drifted)", width, "", "  ")
        lines += wrap(s.explanation, width, "  ", "  ")
    return lines


def _segments(items: Sequence[SegmentDrift], width: int) -> list[str]:
    if not items:
        return []
    hit = [s for s in items if s.drifted or s.degraded]
    lines = [f"Segments: {len(hit)} of {len(items)} affected"]
    rows = []
    for s in sorted(hit, key=lambda s: (-s.share_current, s.key, s.value)):
        status = ", ".join(w for w, on in (("DRIFTED", s.drifted), ("DEGRADED", s.degraded)) if on)
        change = "" if s.performance_change is None else f"{s.performance_change:+.3f}"
        rows.append(
            [
                f"{s.key}={s.value}",
                f"{format_share(s.share_reference)} -> {format_share(s.share_current)}",
                format_effect(s.max_effect),
                change,
                status,
                ", ".join(s.drifted_features) or "-",
            ]
        )
    if rows:
        headers = [
            "segment",
            "traffic ref -> cur",
            "max effect",
            "perf change",
            "status",
            "drifted features",
        ]
        lines += ascii_table(headers, rows, right=[2, 3], width=width)
    return lines


def _labels(items: Sequence[LabelAvailability], width: int) -> list[str]:
    if not items:
        return ["Labels: no label information"]
    yes = {True: "yes", False: "no"}
    lines = []
    for x in items:
        text = (
            f"Labels: {format_count(x.n_labelled)} of {format_count(x.n_current)} current rows "
            f"labelled ({format_share(x.share_labelled)}); enough to fine-tune: "
            f"{yes[x.sufficient_for_fine_tune]}, to retrain: {yes[x.sufficient_for_retrain]}"
        )
        lines += wrap(text, width, "", "  ")
        lines += label_detail_lines(x, width)
    return lines


def _not_tested(items: Sequence[NotTested], width: int) -> list[str]:
    if not items:
        return []
    lines = [f"Not tested: {len(items)}"]
    for x in items[:MAX_LISTED]:
        lines += wrap(f"- {plain(x.id)}: {plain(x.reason)}", width, "  ", "    ")
    if len(items) > MAX_LISTED:
        lines.append(f"  ... and {len(items) - MAX_LISTED} more (all are in decision.json)")
    return lines


def _context(decision: Decision) -> list[str]:
    s, p = decision.summary, decision.policy

    def side(n: int, name: str | None, what: str) -> str:
        return f"{format_count(n)} {what} rows" + (f" ({name})" if name else "")

    ref, cur = (
        side(s.n_reference, s.reference, "reference"),
        side(s.n_current, s.current, "current"),
    )
    return [f"Policy: {p.name} (risk tier {p.risk_tier})", f"Data: {ref} vs {cur}"]


def _requirements(decision: Decision) -> list[str]:
    lines = [
        "Approvals required: " + ("; ".join(map(plain, decision.approvals_required)) or "none")
    ]
    if decision.gates_required:
        lines.append("Gates required: " + ", ".join(decision.gates_required))
    if decision.schedule is not None:
        lines.append("When: " + decision.schedule.text)
    if decision.label_plan is not None:
        lines.append("Next: " + decision.label_plan.text)
    if decision.counterfactuals:
        lines.append(
            "What would change it: " + "; ".join(c.text for c in decision.counterfactuals) + "."
        )
    for e in decision.evidence:
        if isinstance(e, ErasureRequest):
            lines.append(
                f"Erasure request: {e.n_requested:,} keys in {e.source} (column {e.key!r}) match "
                f"{e.n_reference_rows:,} reference rows and {e.n_current_rows:,} current rows."
            )
    return lines


def render_text(decision: Decision, *, width: int = 100) -> str:
    """The terminal summary shown after ``driftwise check``.

    Sections: headline, reasons with their evidence ids, ranked alternatives, approvals,
    drifted features, performance, scope, affected segments and labels. Blocks for multivariate
    drift, schema changes, text drift, concept drift, label-free estimates, timelines, fairness
    and feedback appear only when the evidence has those kinds. The output has no trailing
    newline (``print`` adds one) and is the same for the same decision.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef, Reason
    >>> d = Decision(action="retrain", confidence=0.82, headline="Global drift.",
    ...     reasons=(Reason(text="Most features moved.", evidence=("scope",)),),
    ...     alternatives=(), evidence=(), approvals_required=("model-owner",),
    ...     policy=PolicyRef(name="baseline"), summary=CheckSummary(n_reference=10,
    ...     n_current=10, n_features=2, n_labelled_current=0))
    >>> out = render_text(d)
    >>> print(out.splitlines()[0]); print(out.splitlines()[1])
    Decision: RETRAIN (confidence 0.82)
    Global drift.
    >>> "  1. Most features moved. [scope (not in evidence)]" in out
    True
    """
    ev = decision.evidence
    blocks: list[list[str]] = [
        [f"Decision: {action_label(decision.action)} (confidence {decision.confidence:.2f})"]
        + (wrap(decision.headline, width, "", "") if decision.headline else [])
        + [line for part in _context(decision) for line in wrap(part, width, "", "  ")],
        _reasons(decision, width),
        _alternatives(decision, width),
        [line for text in _requirements(decision) for line in wrap(text, width, "", "  ")],
        act_lines(decision.execution, width),
        utility_lines(decision, width),
        context_lines(decision.context, width),
        _drift(decision, width),
        multivariate_lines([e for e in ev if isinstance(e, MultivariateDrift)], width),
        schema_lines([e for e in ev if isinstance(e, SchemaChange)], width),
        text_drift_lines([e for e in ev if isinstance(e, TextDrift)], width),
        _performance([e for e in ev if isinstance(e, Performance)], width),
        concept_lines([e for e in ev if isinstance(e, ConceptDrift)], width),
        estimate_lines([e for e in ev if isinstance(e, EstimatedPerformance)], width),
        timeline_lines([e for e in ev if isinstance(e, PerformanceTimeline)], width),
        _scope([e for e in ev if isinstance(e, Scope)], width),
        _segments([e for e in ev if isinstance(e, SegmentDrift)], width),
        _labels([e for e in ev if isinstance(e, LabelAvailability)], width),
        fairness_lines([e for e in ev if isinstance(e, Fairness)], width),
        feedback_lines([e for e in ev if isinstance(e, FeedbackRate)], width),
        _not_tested([e for e in ev if isinstance(e, NotTested)], width),
    ]
    return "\n\n".join("\n".join(b) for b in blocks if b)
