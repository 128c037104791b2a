"""Metrics per sensitive group for one or more models on the same labelled rows.

The figures behind the gates of :mod:`driftwise.act.gates`. Each metric is computed by
Fairlearn's :class:`~fairlearn.metrics.MetricFrame` through the helpers of
:mod:`driftwise.signals.fairness`: the same metrics, the same positive class (``positive_label``
or the greater of two sorted labels) and the same counting. A group's ``n`` is the number of rows
its metric averages over: all its labelled rows for accuracy and selection rate, its positives
for the true positive and false negative rates, its negatives for the other two. Rows with a
missing group value are left out.

>>> import numpy as np, pandas as pd
>>> frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1, 0, 1, 1]})
>>> (f,) = group_figures(frame, "y", [np.array([1, 1, 0, 1])], ["g"], ["true_positive_rate"])
>>> f.groups, f.n.tolist(), f.values[0].tolist()
(('a', 'b'), [1, 2], [1.0, 0.5])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from driftwise.errors import DriftwiseError
from driftwise.policy.model import FairnessMetric
from driftwise.signals.fairness import (
    _encode,
    _metric_frame,
    _tabulate,
    _values,
    metric_from_counts,
    positive_class,
)

__all__ = [
    "GapComparison",
    "GroupComparison",
    "GroupFigures",
    "fairlearn_missing",
    "group_figures",
    "labelled_rows",
]

Holdout = Literal["recent", "reference"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class GroupComparison(_Frozen):
    """One group's metric for champion and challenger on one holdout.

    >>> c = GroupComparison(column="race", group="a", metric="accuracy", holdout="recent",
    ...                     n=120, champion=0.8, challenger=0.75, assessed=True)
    >>> round(c.change, 2)
    -0.05
    """

    column: str
    group: str
    metric: FairnessMetric
    holdout: Holdout
    n: int  # rows the metric averages over
    champion: float
    challenger: float
    assessed: bool  # n >= min_group_rows

    @property
    def change(self) -> float:
        """Challenger minus champion."""
        return self.challenger - self.champion


class GapComparison(_Frozen):
    """The between-group gap (largest minus smallest assessed group) of one metric.

    >>> GapComparison(column="race", metric="accuracy", holdout="recent", groups=2,
    ...               champion=0.02, challenger=0.1).growth
    0.08
    """

    column: str
    metric: FairnessMetric
    holdout: Holdout
    groups: int  # assessed groups the gap spans
    champion: float
    challenger: float

    @property
    def growth(self) -> float:
        """Challenger's gap minus champion's gap."""
        return round(self.challenger - self.champion, 12)


@dataclass(frozen=True)
class GroupFigures:
    """The metric per group of one or more models on one holdout and sensitive column.

    ``values[k][i]`` is model ``k``'s value for group ``groups[i]`` (NaN when ``n[i]`` is 0).

    >>> import numpy as np
    >>> f = GroupFigures("g", "accuracy", ("a",), np.array([3]), (np.array([1.0]),))
    >>> f.groups, int(f.n[0])
    (('a',), 3)
    """

    column: str
    metric: FairnessMetric
    groups: tuple[str, ...]
    n: NDArray[np.int64]  # rows the metric averages over, per group
    values: tuple[NDArray[np.float64], ...]  # one array per model


def labelled_rows(
    frame: pd.DataFrame, target: str, sensitive: Sequence[str] = (), *, where: str
) -> pd.DataFrame:
    """The rows of ``frame`` with a label, after checking the label and sensitive columns exist.

    >>> import pandas as pd
    >>> labelled_rows(pd.DataFrame({"y": [1, None]}), "y", where="demo").shape
    (1, 1)
    >>> labelled_rows(pd.DataFrame({"y": [1]}), "y", ["sex"], where="demo")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: demo: column 'sex': found no such column; expected a
    sensitive column.
    """
    for column in (target, *sensitive):
        if column not in frame.columns:
            raise DriftwiseError.for_column(
                column,
                where=where,
                found="no such column",
                expected="the label column" if column == target else "a sensitive column",
                options=[str(c) for c in frame.columns],
            )
    return frame[frame[target].notna()]


def group_figures(
    frame: pd.DataFrame,
    target: str,
    predictions: Sequence[NDArray[Any]],
    sensitive: Sequence[str],
    metrics: Sequence[FairnessMetric],
    positive_label: str | None = None,
) -> Iterator[GroupFigures | str]:
    """For each sensitive column and metric, the figures of every model, or why not.

    Parameters
    ----------
    frame : DataFrame
        Labelled rows (see :func:`labelled_rows`) with the target and sensitive columns.
    target : str
        The label column.
    predictions : sequence of arrays
        One array of predicted labels per model, aligned with ``frame``'s rows.
    sensitive, metrics : sequences of str
        The columns that define the groups, and the metrics.
    positive_label : str or None
        The class the rate metrics count as positive; ``None``: the greater of two labels.

    Yields
    ------
    GroupFigures or str
        The figures, or (for a rate metric of a target with more than two labels and no
        ``positive_label``) a sentence saying why the metric is not assessed.

    See the module docstring for an example.
    """
    series = (pd.Series(p, index=frame.index) for p in predictions)
    coded, labels = _encode(frame[target], *series)
    y, preds = coded[0], coded[1:]
    positive = positive_class(labels, positive_label)
    pos = -2 if positive is None else labels.index(positive)
    for column in sensitive:
        (g,), groups = _encode(frame[column])
        tables = [_tabulate(y, p, g, len(labels), len(groups), pos) for p in preds]
        frames = [_metric_frame(t, groups, column, metrics, pos) for t in tables]
        for metric in metrics:
            if metric != "accuracy" and positive is None:
                yield (
                    f"{metric} by {column} not assessed: the target has {len(labels)} labels "
                    "and no positive_label was given."
                )
                continue
            yield GroupFigures(
                column=column,
                metric=metric,
                groups=tuple(groups),
                n=metric_from_counts(tables[0].cells, metric)[1],
                values=tuple(_values(fr, metric, groups) for fr in frames),
            )


def fairlearn_missing() -> bool:
    """Whether Fairlearn (or scikit-learn, which it needs) cannot be imported.

    >>> fairlearn_missing()
    False
    """
    try:
        import fairlearn.metrics  # noqa: F401
        import sklearn.metrics  # noqa: F401
    except ImportError:
        return True
    return False
