"""Validation gates by sensitive group: is the challenger fairer, and is the champion biased?

Both compare a metric per group of each sensitive column (Fairlearn's ``MetricFrame``, see
:mod:`driftwise.act.groups`). A group with fewer than ``min_group_rows`` rows counted by the
metric is reported but not assessed. A gap is the largest minus the smallest value of the
assessed groups (at least two).

* **fairness** (:func:`fairness_gate`): champion and challenger on the same held-out rows. It
  fails when, for a metric and a sensitive column, an assessed group gets worse by more than
  ``tolerance`` (lower accuracy, true positive or true negative rate; higher false positive or
  false negative rate; the selection rate has no better direction and is judged by its gap only)
  or when the gap grows by more than ``tolerance``. It runs on the recent holdout and, when
  given, the reference holdout.
* **base_bias** (:func:`base_bias`): the champion alone on recent labelled rows. It fails when a
  gap exceeds ``max_disparity``: a fine-tune starts from this model and keeps its bias.

>>> import numpy as np, pandas as pd
>>> class Column:  # a "model" that reads its prediction from a column
...     target = "y"
...     def predict(self, model, frame):
...         return frame[model].to_numpy()
>>> rng = np.random.default_rng(0)
>>> g = np.repeat(["a", "b"], 500)
>>> y = rng.integers(0, 2, 1000)
>>> worse_b = np.where((g == "b") & (rng.random(1000) < 0.2), 1 - y, y)
>>> holdout = pd.DataFrame({"g": g, "y": y, "old": y, "new": worse_b})
>>> check = fairness_gate("old", "new", holdout, adapter=Column(), sensitive=["g"],
...                       metrics=["accuracy"])
>>> check.gate.passed
False
>>> print(check.gate.text)
Fairness by g: the challenger's accuracy for group 'b' falls from 1.000 to 0.776 (a drop of
0.224, more than the 0.050 allowed). Fairness by g: the gap in accuracy between groups grows
from 0.000 to 0.224 ('a' 1.000, 'b' 0.776; by 0.224, more than the 0.050 allowed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from driftwise.act.groups import (
    GapComparison,
    GroupComparison,
    Holdout,
    fairlearn_missing,
    group_figures,
    labelled_rows,
)
from driftwise.errors import DriftwiseError
from driftwise.policy.model import FairnessMetric
from driftwise.signals.fairness import NOT_INSTALLED

if TYPE_CHECKING:
    from driftwise.act.validate import Predictor

__all__ = [
    "DEFAULT_METRICS",
    "FairnessCheck",
    "GapComparison",
    "Gate",
    "GroupComparison",
    "base_bias",
    "fairness_gate",
]

DEFAULT_METRICS: tuple[FairnessMetric, ...] = ("accuracy", "true_positive_rate")
# +1: higher is better; -1: lower is better; 0: no better direction (judged by the gap only).
_DIRECTION = {
    "accuracy": 1,
    "true_positive_rate": 1,
    "true_negative_rate": 1,
    "false_positive_rate": -1,
    "false_negative_rate": -1,
    "selection_rate": 0,
}
_EPS = 1e-12  # a difference equal to the tolerance passes, whatever the float rounding


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Gate(_Frozen):
    """One validation gate: its name, whether it passed, and why in plain words.

    >>> Gate(name="gain", passed=True, text="Better.").passed
    True
    """

    name: Literal["gain", "forgetting", "fairness", "base_bias"]
    passed: bool
    text: str


class FairnessCheck(_Frozen):
    """The fairness gate with the per-group figures behind it.

    >>> FairnessCheck(gate=Gate(name="fairness", passed=True, text="Not checked.")).groups
    ()
    """

    gate: Gate
    groups: tuple[GroupComparison, ...] = ()
    gaps: tuple[GapComparison, ...] = ()


def fairness_gate(
    champion: Any,
    challenger: Any,
    recent_holdout: pd.DataFrame,
    reference_holdout: pd.DataFrame | None = None,
    *,
    adapter: Predictor,
    sensitive: Sequence[str] = (),
    metrics: Sequence[FairnessMetric] = DEFAULT_METRICS,
    tolerance: float = 0.05,
    min_group_rows: int = 30,
    positive_label: str | None = None,
) -> FairnessCheck:
    """Compare champion and challenger group by group (see the module docstring).

    Parameters
    ----------
    champion, challenger : model
        Whatever ``adapter.predict`` accepts.
    recent_holdout, reference_holdout : DataFrame
        Held-out rows; only labelled rows are used. ``reference_holdout`` may be ``None``.
    adapter : Predictor
        Supplies ``target`` and ``predict(model, frame)``.
    sensitive : sequence of str
        The sensitive columns; none: the gate is recorded as not applied and passes.
    metrics : sequence of str
        Metrics compared per group.
    tolerance : float
        Largest accepted worsening of a group's metric or growth of the between-group gap.
    min_group_rows : int
        Fewest rows a group needs (counted by the metric) to be assessed.
    positive_label : str or None
        The class the rate metrics count as positive; ``None``: the greater of two labels.

    Returns
    -------
    FairnessCheck
        The gate and every group's and gap's figures. Without Fairlearn the gate fails: the
        sensitive columns were declared and could not be checked.

    >>> import pandas as pd
    >>> class Column:
    ...     target = "y"
    ...     def predict(self, model, frame):
    ...         return frame[model].to_numpy()
    >>> df = pd.DataFrame({"g": ["a", "b"] * 50, "y": [0, 1, 1, 0] * 25, "p": [0, 1] * 50})
    >>> print(fairness_gate("p", "p", df, adapter=Column()).gate.text)
    Fairness not checked: no sensitive columns were given.
    >>> fairness_gate("p", "p", df, adapter=Column(), sensitive=["g"]).gate.passed
    True
    """
    _check("fairness_gate", "tolerance", tolerance, "a number >= 0", tolerance >= 0)
    _check(
        "fairness_gate", "min_group_rows", min_group_rows, "an integer >= 1", min_group_rows >= 1
    )
    sensitive = list(dict.fromkeys(sensitive))
    if not sensitive:
        text = "Fairness not checked: no sensitive columns were given."
        return FairnessCheck(gate=Gate(name="fairness", passed=True, text=text))
    if fairlearn_missing():
        text = f"Fairness not checked: {NOT_INSTALLED}; the sensitive columns were declared."
        return FairnessCheck(gate=Gate(name="fairness", passed=False, text=text))
    metrics = list(dict.fromkeys(metrics))
    target = adapter.target
    groups: list[GroupComparison] = []
    gaps: list[GapComparison] = []
    notes: list[str] = []
    sides: list[tuple[Holdout, pd.DataFrame | None]] = [
        ("recent", recent_holdout),
        ("reference", reference_holdout),
    ]
    for holdout, raw in sides:
        if raw is None:
            continue
        frame = labelled_rows(raw, target, sensitive, where=f"fairness_gate({holdout}_holdout)")
        if frame.empty:
            continue
        preds = [np.asarray(adapter.predict(m, frame)) for m in (champion, challenger)]
        for f in group_figures(frame, target, preds, sensitive, metrics, positive_label):
            if isinstance(f, str):
                notes.extend([f] if holdout == "recent" else [])
                continue
            old, new = f.values
            groups.extend(
                GroupComparison(
                    column=f.column,
                    group=f.groups[i],
                    metric=f.metric,
                    holdout=holdout,
                    n=int(f.n[i]),
                    champion=float(old[i]),
                    challenger=float(new[i]),
                    assessed=bool(f.n[i] >= min_group_rows),
                )
                for i in np.flatnonzero(f.n > 0)
            )
            counted = np.flatnonzero(f.n >= min_group_rows)
            if counted.size >= 2:
                gaps.append(
                    GapComparison(
                        column=f.column,
                        metric=f.metric,
                        holdout=holdout,
                        groups=int(counted.size),
                        champion=_gap(old[counted]),
                        challenger=_gap(new[counted]),
                    )
                )
    return FairnessCheck(
        gate=_verdict(groups, gaps, notes, tolerance, min_group_rows, sensitive, metrics),
        groups=tuple(groups),
        gaps=tuple(gaps),
    )


def _check(where: str, name: str, value: float, expected: str, ok: bool) -> None:
    if not ok:
        raise DriftwiseError.for_field(name, where=where, found=str(value), expected=expected)


def _gap(values: NDArray[np.float64]) -> float:
    return float(np.max(values) - np.min(values))


def _where(column: str, holdout: Holdout) -> str:
    return f"Fairness by {column}" + (" on the reference rows" if holdout == "reference" else "")


def _verdict(
    groups: Sequence[GroupComparison],
    gaps: Sequence[GapComparison],
    notes: Sequence[str],
    tolerance: float,
    min_group_rows: int,
    sensitive: Sequence[str],
    metrics: Sequence[FairnessMetric],
) -> Gate:
    failures: list[str] = []
    for c in groups:
        worse = -_DIRECTION[c.metric] * c.change
        if c.assessed and _DIRECTION[c.metric] != 0 and worse > tolerance + _EPS:
            verb, noun = ("falls", "drop") if c.change < 0 else ("rises", "rise")
            failures.append(
                f"{_where(c.column, c.holdout)}: the challenger's {c.metric} for group "
                f"{c.group!r} {verb} from {c.champion:.3f} to {c.challenger:.3f} (a {noun} of "
                f"{abs(c.change):.3f}, more than the {tolerance:.3f} allowed)."
            )
    for gap in gaps:
        if gap.growth > tolerance + _EPS:
            ends = _extremes(groups, gap)
            failures.append(
                f"{_where(gap.column, gap.holdout)}: the gap in {gap.metric} between groups grows "
                f"from {gap.champion:.3f} to {gap.challenger:.3f} ({ends}; by {gap.growth:.3f}, "
                f"more than the {tolerance:.3f} allowed)."
            )
    small: dict[tuple[str, str], list[str]] = {}
    for c in groups:
        if not c.assessed and c.holdout == "recent":
            small.setdefault((c.column, c.group), []).append(f"{c.metric}: {c.n}")
    tail = list(notes)
    if small:
        listed = ", ".join(f"{col} {grp!r} ({', '.join(n)})" for (col, grp), n in small.items())
        tail.append(f"Not assessed, fewer than {min_group_rows} rows: {listed}.")
    if failures:
        shown = failures[:4]
        if len(failures) > 4:
            shown.append(f"({len(failures) - 4} more failing comparisons in the group figures.)")
        return Gate(name="fairness", passed=False, text=" ".join(shown + tail))
    assessed = sum(1 for c in groups if c.assessed)
    text = (
        f"Fairness by {', '.join(sensitive)}: no assessed group's {' or '.join(metrics)} "
        f"worsens by more than {tolerance:.3f} and no gap between groups grows by more than "
        f"{tolerance:.3f} "
        f"({assessed} group figures and {len(gaps)} gaps compared)."
    )
    return Gate(name="fairness", passed=True, text=" ".join([text, *tail]))


def _extremes(groups: Sequence[GroupComparison], gap: GapComparison) -> str:
    """The challenger's highest and lowest assessed groups, e.g. "'a' 0.900, 'b' 0.700"."""
    same = [
        c
        for c in groups
        if c.assessed and (c.column, c.metric, c.holdout) == (gap.column, gap.metric, gap.holdout)
    ]
    hi = max(same, key=lambda c: c.challenger)
    lo = min(same, key=lambda c: c.challenger)
    return f"{hi.group!r} {hi.challenger:.3f}, {lo.group!r} {lo.challenger:.3f}"


def base_bias(
    model: Any,
    holdout: pd.DataFrame,
    *,
    adapter: Predictor,
    sensitive: Sequence[str],
    metrics: Sequence[FairnessMetric] = DEFAULT_METRICS,
    max_disparity: float = 0.10,
    min_group_rows: int = 30,
    positive_label: str | None = None,
) -> Gate:
    """Is ``model`` (the champion) already biased? Checked before a fine-tune.

    For each sensitive column and metric, the gap between the assessed groups (largest minus
    smallest value, groups with at least ``min_group_rows`` rows counted by the metric) on the
    labelled rows of ``holdout``. The gate fails when a gap exceeds ``max_disparity``: a
    fine-tune starts from this model and keeps its bias, so a retrain with fairness checks is
    needed. Without sensitive columns it passes, recorded as not checked; without Fairlearn it
    fails.

    >>> from driftwise.datasets import load
    >>> class Score:  # COMPAS' own screening: "high risk" from a decile score of 5 up
    ...     target = "two_year_recid"
    ...     def predict(self, model, frame):
    ...         return (frame["decile_score"] >= model).astype(int).to_numpy()
    >>> gate = base_bias(5, load("compas"), adapter=Score(), sensitive=["race"],
    ...                  metrics=["true_positive_rate"])
    >>> gate.passed
    False
    >>> print(gate.text)
    The champion is already biased by race: its true_positive_rate is 0.720 for group
    'African-American' but 0.323 for 'Other' on 7214 labelled rows (a gap of 0.397, more
    than the 0.100 allowed). A fine-tune would keep this bias; retrain with fairness checks
    instead.
    """
    _check("base_bias", "max_disparity", max_disparity, "a number >= 0", max_disparity >= 0)
    _check("base_bias", "min_group_rows", min_group_rows, "an integer >= 1", min_group_rows >= 1)
    sensitive = list(dict.fromkeys(sensitive))
    if not sensitive:
        text = "Base-model bias not checked: no sensitive columns were given."
        return Gate(name="base_bias", passed=True, text=text)
    if fairlearn_missing():
        text = f"Base-model bias not checked: {NOT_INSTALLED}; the sensitive columns were declared."
        return Gate(name="base_bias", passed=False, text=text)
    target = adapter.target
    frame = labelled_rows(holdout, target, sensitive, where="base_bias(holdout)")
    if frame.empty:
        raise DriftwiseError.for_column(
            target, where="base_bias(holdout)", found="no labelled rows", expected="labelled rows"
        )
    pred = np.asarray(adapter.predict(model, frame))
    failures: list[str] = []
    largest: tuple[float, str] = (-1.0, "")
    metrics = list(dict.fromkeys(metrics))
    for f in group_figures(frame, target, [pred], sensitive, metrics, positive_label):
        if isinstance(f, str) or np.count_nonzero(f.n >= min_group_rows) < 2:
            continue
        counted = np.flatnonzero(f.n >= min_group_rows)
        (v,) = f.values
        hi, lo = counted[int(np.argmax(v[counted]))], counted[int(np.argmin(v[counted]))]
        gap = float(v[hi] - v[lo])
        if gap > largest[0]:
            largest = (gap, f"{f.metric} by {f.column}, {gap:.3f}")
        if gap > max_disparity + _EPS:
            failures.append(
                f"The champion is already biased by {f.column}: its {f.metric} is {v[hi]:.3f} "
                f"for group {f.groups[hi]!r} but {v[lo]:.3f} for {f.groups[lo]!r} on "
                f"{len(frame)} labelled rows (a gap of {gap:.3f}, more than the "
                f"{max_disparity:.3f} allowed)."
            )
    if failures:
        advice = "A fine-tune would keep this bias; retrain with fairness checks instead."
        return Gate(name="base_bias", passed=False, text=" ".join([*failures, advice]))
    if largest[0] < 0:
        text = (
            f"Base-model bias not checked: no sensitive column has two groups with at least "
            f"{min_group_rows} labelled rows."
        )
        return Gate(name="base_bias", passed=True, text=text)
    text = (
        f"The champion's gaps between groups on {len(frame)} labelled rows are within "
        f"{max_disparity:.3f} (largest: {largest[1]})."
    )
    return Gate(name="base_bias", passed=True, text=text)
