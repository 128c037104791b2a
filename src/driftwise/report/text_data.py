"""Terminal blocks for the data-side evidence: schema changes, free-text drift, feedback rates,
and the spread and representativeness of labels.

Each function returns an empty list when it has nothing to say, so the summary only grows when
the evidence has those kinds or fields.

>>> from driftwise.signals.types import SchemaChange
>>> s = SchemaChange(removed=("legacy",), architecture_change_suggested=False,
...                  explanation="One input is gone.")
>>> for line in schema_lines([s], 100):
...     print(line)
Schema change: no architecture change suggested
  removed: legacy
  One input is gone.
"""

from __future__ import annotations

from collections.abc import Sequence

from driftwise.report.format import (
    format_count,
    format_effect,
    format_p,
    format_share,
    format_value,
    rescaling_label,
)
from driftwise.report.textkit import MAX_ITEMS, listed, wrap, yes_no
from driftwise.signals.types import FeedbackRate, LabelAvailability, SchemaChange, TextDrift

__all__ = [
    "MAX_COUNTS",
    "count_list",
    "feedback_lines",
    "label_detail_lines",
    "schema_lines",
    "shares_by_size",
    "text_drift_lines",
]

#: The terminal shows at most this many of the latest counts of a feedback series.
MAX_COUNTS = 28


def shares_by_size(shares: dict[str, float]) -> list[tuple[str, float]]:
    """Largest share first, ties by name, so the order is stable.

    >>> shares_by_size({"b": 0.1, "a": 0.1, "c": 0.3})
    [('c', 0.3), ('a', 0.1), ('b', 0.1)]
    """
    return sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))


def schema_lines(items: Sequence[SchemaChange], width: int) -> list[str]:
    """Added, removed, retyped columns; out-of-range shares; rescalings; the architecture flag.

    >>> from driftwise.signals.types import SchemaChange
    >>> s = SchemaChange(out_of_range={"t": 0.25}, architecture_change_suggested=True,
    ...                  explanation="t moved.")
    >>> schema_lines([s], 100)[:2]
    ['Schema change: ARCHITECTURE CHANGE SUGGESTED', '  outside the reference range: t 25.0%']
    """
    lines: list[str] = []
    for s in items:
        flag = (
            "ARCHITECTURE CHANGE SUGGESTED"
            if s.architecture_change_suggested
            else "no architecture change suggested"
        )
        lines.append("Schema change: " + flag)
        columns = [
            f"{what}: {', '.join(names)}"
            for what, names in (("added", s.added), ("removed", s.removed))
            if names
        ]
        if columns:
            lines += wrap("; ".join(columns), width, "  ", "    ")
        if s.retyped:
            retyped = ", ".join(f"{r.column} ({r.reference} -> {r.current})" for r in s.retyped)
            lines += wrap("retyped: " + retyped, width, "  ", "    ")
        if s.out_of_range:
            shares = [f"{c} {format_share(v)}" for c, v in shares_by_size(s.out_of_range)]
            lines += wrap("outside the reference range: " + listed(shares), width, "  ", "    ")
        for r in s.rescaled:
            lines += wrap("rescaled: " + rescaling_label(r), width, "  ", "    ")
        lines += wrap(s.explanation, width, "  ", "  ")
    return lines


def text_drift_lines(items: Sequence[TextDrift], width: int) -> list[str]:
    """Per free-text column: OOV rate against its baseline, new tokens, traffic, classifier.

    >>> from driftwise.signals.types import TextDrift
    >>> t = TextDrift(id="text:note", column="note", oov_rate=0.0, reference_oov_rate=0.0,
    ...               new_token_traffic_share=0.0, p_value=1.0, drifted=False)
    >>> for line in text_drift_lines([t], 80):
    ...     print(line)
    Text drift in 'note': no drift (OOV rate 0.0% vs 0.0% baseline; rows with new
      tokens 0.0%; p 1.000)
    """
    lines: list[str] = []
    for t in items:
        auc = "" if t.classifier_auc is None else f"; classifier AUC {t.classifier_auc:.3f}"
        head = (
            f"Text drift in '{t.column}': {'DRIFTED' if t.drifted else 'no drift'} (OOV rate "
            f"{format_share(t.oov_rate)} vs {format_share(t.reference_oov_rate)} baseline; rows "
            f"with new tokens {format_share(t.new_token_traffic_share)}{auc}; "
            f"p {format_p(t.p_value)})"
        )
        lines += wrap(head, width, "", "  ")
        if t.new_tokens:
            tokens = [f"'{k}' {format_share(v)}" for k, v in shares_by_size(t.new_tokens)]
            lines += wrap("new tokens (share of rows): " + listed(tokens), width, "  ", "    ")
        if t.segments:
            segments = [f"{k} {format_share(v)}" for k, v in shares_by_size(t.segments)]
            lines += wrap("new-token share by segment: " + listed(segments), width, "  ", "    ")
    return lines


def count_list(values: Sequence[float]) -> str:
    """Counts as whole numbers when they are, else three significant digits.

    >>> count_list([3.0, 4.5, 12.0])
    '3 4.5 12'
    """
    return " ".join(f"{v:.0f}" if float(v).is_integer() else format_value(v) for v in values)


def feedback_lines(items: Sequence[FeedbackRate], width: int) -> list[str]:
    """Rate before and now, the ratio with its interval, p, and the latest counts.

    The last ``periods_current`` counts of ``series`` are the current window, after a "|".

    >>> from driftwise.signals.types import FeedbackRate
    >>> f = FeedbackRate(id="feedback:complaints", name="complaints", baseline_rate=4.0,
    ...     current_rate=8.0, rate_ratio=2.0, low=1.5, high=2.6, p_value=1e-6, surged=True,
    ...     periods_baseline=3, periods_current=2, series=(4, 3, 5, 8, 8))
    >>> feedback_lines([f], 100)[-1]
    '  counts: 4 3 5 | 8 8'
    """
    lines: list[str] = []
    for f in items:
        head = (
            f"Feedback '{f.name}': {'SURGED' if f.surged else 'no significant rise'} (rate "
            f"{format_value(f.baseline_rate)} -> {format_value(f.current_rate)}, ratio "
            f"{f.rate_ratio:.2f} [{f.low:.2f}, {f.high:.2f}], p {format_p(f.p_value)}; "
            f"{f.periods_baseline} baseline and {f.periods_current} current periods)"
        )
        lines += wrap(head, width, "", "  ")
        if f.series:
            n_cur = max(0, min(f.periods_current, len(f.series)))
            split = len(f.series) - n_cur
            before, now = f.series[:split], f.series[split:]
            shown_before = before[-max(MAX_COUNTS - len(now), 0) :] if before else ()
            text = count_list(shown_before)
            if len(shown_before) < len(before):
                text = f"(+{len(before) - len(shown_before)} earlier) " + text
            if now:
                text = (text + " | " if text else "| ") + count_list(now[-MAX_COUNTS:])
            lines += wrap("counts: " + text, width, "  ", "    ")
    return lines


def label_detail_lines(x: LabelAvailability, width: int) -> list[str]:
    """Labelled rows by segment and whether they look like current traffic (when tested).

    >>> from driftwise.signals.types import LabelAvailability
    >>> x = LabelAvailability(n_current=100, n_labelled=40, share_labelled=0.4,
    ...     sufficient_for_fine_tune=False, sufficient_for_retrain=False,
    ...     by_segment={"region=a": 30, "region=b": 10}, representative=True,
    ...     representativeness_p_value=0.41, representativeness_effect=0.012)
    >>> for line in label_detail_lines(x, 100):
    ...     print(line)
      labelled rows by segment: region=a 30, region=b 10
      representative of current traffic: yes (p 0.410, largest effect 0.012)
    """
    lines: list[str] = []
    if x.by_segment:
        counts = sorted(x.by_segment.items(), key=lambda kv: (-kv[1], kv[0]))
        parts = listed([f"{k} {format_count(v)}" for k, v in counts], limit=2 * MAX_ITEMS)
        lines += wrap("labelled rows by segment: " + parts, width, "  ", "    ")
    if x.representative is not None:
        stats = []
        if x.representativeness_p_value is not None:
            stats.append(f"p {format_p(x.representativeness_p_value)}")
        if x.representativeness_effect is not None:
            stats.append(f"largest effect {format_effect(x.representativeness_effect)}")
        text = "representative of current traffic: " + (yes_no(True) if x.representative else "NO")
        text += f" ({', '.join(stats)})" if stats else ""
        if x.unrepresentative_features:
            text += "; labelled rows differ on: " + listed(list(x.unrepresentative_features))
        lines += wrap(text, width, "  ", "    ")
    return lines
