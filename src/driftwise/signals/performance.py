"""Model performance on labelled rows, reference against current, with a degradation test.

Classification (categorical target)
    Accuracy on the labelled rows (target and prediction both present), a Wilson score interval,
    and a one-sided two-proportion z-test that the current accuracy is below the reference's
    (pooled variance; its two-sided version is Pearson's chi-square on the 2 x 2 table).
Regression (numeric target)
    Mean absolute error with a t interval on the absolute errors (lower end clipped at 0), and a
    one-sided Welch t-test that the current absolute errors are larger.

The tests are shifted by the tolerance: the null hypothesis is "the metric got worse by at most
the tolerance" (``tolerance`` itself for accuracy, ``tolerance * reference MAE`` for the MAE; the
``tolerance`` stored in the evidence is in the metric's units), so a small, harmless drop in a
large batch is not an alarm. A metric is ``degraded`` when that p-value is below
``policy.performance.alpha`` *and* the observed drop exceeds the tolerance. When a variance
is zero the test cannot be run: the p-value is 1 (no evidence), except for a regression whose
constant errors grew, where it is 0.

>>> import numpy as np
>>> from driftwise.policy.model import PerformanceThresholds
>>> from driftwise.signals.performance import Outcomes, compare_performance
>>> rng = np.random.default_rng(0)
>>> out = Outcomes("accuracy", (rng.random(2000) < 0.90) * 1.0, (rng.random(2000) < 0.80) * 1.0)
>>> perf = compare_performance(out, PerformanceThresholds(), min_rows=30)
>>> perf.id, round(perf.change, 3), perf.degraded
('performance:accuracy', -0.093, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.policy.model import PerformanceThresholds
from driftwise.schema.roles import Schema
from driftwise.signals.types import Interval, Performance
from driftwise.signals.univariate import Rows, Skipped

__all__ = [
    "Metric",
    "Outcomes",
    "compare_performance",
    "mean_interval",
    "outcomes",
    "proportion_worse_p",
    "welch_greater_p",
    "wilson_interval",
]

Metric = Literal["accuracy", "mae"]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Outcomes:
    """Per-row outcomes of both sides: 1.0 / 0.0 for a right / wrong class, or the absolute
    error; NaN where the row has no label or no prediction. The metric is their mean."""

    metric: Metric
    reference: FloatArray
    current: FloatArray

    @property
    def higher_is_better(self) -> bool:
        """Accuracy: higher is better; MAE: lower is better."""
        return self.metric == "accuracy"


def outcomes(reference: pd.DataFrame, current: pd.DataFrame, schema: Schema) -> Outcomes | None:
    """Per-row outcomes from the target and prediction columns (``None`` if either is absent).

    >>> import pandas as pd
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="y", role=Role.TARGET),
    ...                     ColumnSpec(name="p", role=Role.PREDICTION)))
    >>> ref = pd.DataFrame({"y": ["a", "b", None], "p": ["a", "a", "b"]}, dtype=object)
    >>> outcomes(ref, ref, s).reference.tolist()
    [1.0, 0.0, nan]
    """
    target, prediction = schema.target, schema.prediction
    if target is None or prediction is None:
        return None
    numeric_target = schema.spec(target).value_type == "numeric"
    if numeric_target != (schema.spec(prediction).value_type == "numeric"):
        found = "numeric" if not numeric_target else "categorical"
        expected = "numeric" if numeric_target else "categorical"
        raise DriftwiseError.for_column(
            prediction,
            where="signals.performance",
            found=f"{found} predictions for the {expected} target {target!r}",
            expected=f"{expected} predictions",
        )

    def side(frame: pd.DataFrame) -> FloatArray:
        if numeric_target:
            y = frame[target].to_numpy(dtype=np.float64, na_value=np.nan)
            p = frame[prediction].to_numpy(dtype=np.float64, na_value=np.nan)
            errors: FloatArray = np.abs(y - p)
            return errors
        y_obj = frame[target].to_numpy(dtype=object)
        p_obj = frame[prediction].to_numpy(dtype=object)
        labelled = ~(pd.isna(y_obj) | pd.isna(p_obj))
        right = np.zeros(y_obj.size, dtype=bool)
        right[labelled] = y_obj[labelled] == p_obj[labelled]
        return np.where(labelled, right.astype(np.float64), np.nan)

    return Outcomes("mae" if numeric_target else "accuracy", side(reference), side(current))


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``k / n`` (as scipy's ``binomtest`` computes it).

    >>> [round(x, 4) for x in wilson_interval(90, 100)]
    [0.8256, 0.9448]
    """
    z = float(stats.norm.ppf(0.5 + 0.5 * confidence))
    p = k / n
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    delta = z / denom * float(np.sqrt(4 * n * p * (1 - p) + z**2))
    return (0.0 if k == 0 else center - delta), (1.0 if k == n else center + delta)


def mean_interval(x: FloatArray, confidence: float = 0.95) -> tuple[float, float]:
    """Student t interval for the mean of ``x`` (at least two values).

    >>> import numpy as np
    >>> [round(v, 3) for v in mean_interval(np.array([1.0, 2.0, 3.0, 4.0]))]
    [0.446, 4.554]
    """
    half = float(stats.t.ppf(0.5 + 0.5 * confidence, x.size - 1)) * _sem(x)
    mean = float(np.mean(x))
    return mean - half, mean + half


def proportion_worse_p(
    k_ref: int, n_ref: int, k_cur: int, n_cur: int, margin: float = 0.0
) -> float:
    """One-sided p-value of the two-proportion z-test that the current proportion is lower
    than the reference's by more than ``margin`` (pooled standard error).

    >>> round(proportion_worse_p(900, 1000, 860, 1000), 5)
    0.00296
    >>> round(proportion_worse_p(900, 1000, 860, 1000, margin=0.01), 5)
    0.01949
    """
    pooled = (k_ref + k_cur) / (n_ref + n_cur)
    se = float(np.sqrt(pooled * (1 - pooled) * (1 / n_ref + 1 / n_cur)))
    if se == 0:
        return 1.0
    return float(stats.norm.cdf((k_cur / n_cur - k_ref / n_ref + margin) / se))


def welch_greater_p(reference: FloatArray, current: FloatArray, margin: float = 0.0) -> float:
    """One-sided Welch t-test p-value that the mean of ``current`` exceeds the reference's by
    more than ``margin``.

    >>> import numpy as np
    >>> round(welch_greater_p(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0, 8.0])), 4)
    0.05
    """
    v_ref = float(np.var(reference, ddof=1)) / reference.size
    v_cur = float(np.var(current, ddof=1)) / current.size
    diff = float(np.mean(current) - np.mean(reference)) - margin
    if v_ref + v_cur == 0:
        return 0.0 if diff > 0 else 1.0
    dof = (v_ref + v_cur) ** 2 / (v_ref**2 / (reference.size - 1) + v_cur**2 / (current.size - 1))
    return float(stats.t.sf(diff / np.sqrt(v_ref + v_cur), dof))


def compare_performance(
    out: Outcomes,
    thresholds: PerformanceThresholds,
    *,
    min_rows: int,
    reference_rows: Rows = None,
    current_rows: Rows = None,
    segment: str | None = None,
) -> Performance | Skipped:
    """Compare the metric between the (selected) labelled rows of both sides.

    Returns :class:`Skipped` when a side has fewer than ``min_rows`` labelled rows (and at
    least 2). Inside a segment the id is ``performance:<metric>@<key>=<value>``.

    >>> import numpy as np
    >>> from driftwise.policy.model import PerformanceThresholds
    >>> rng = np.random.default_rng(3)
    >>> out = Outcomes("mae", np.abs(rng.normal(0, 1, 500)), np.abs(rng.normal(0, 1, 500)))
    >>> p = compare_performance(out, PerformanceThresholds(), min_rows=30)
    >>> p.metric, p.current.method, p.degraded
    ('mae', 't', False)
    """
    ref = out.reference if reference_rows is None else out.reference[reference_rows]
    cur = out.current if current_rows is None else out.current[current_rows]
    ref, cur = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    evidence_id = f"performance:{out.metric}" + (f"@{segment}" if segment else "")
    needed = max(min_rows, 2)
    if ref.size < needed or cur.size < needed:
        reason = (
            f"{ref.size} labelled reference and {cur.size} current rows; "
            f"at least {needed} needed on each side"
        )
        return Skipped(evidence_id, reason)
    level = thresholds.confidence
    if out.metric == "accuracy":
        k_ref, k_cur = int(ref.sum()), int(cur.sum())
        ref_ci = wilson_interval(k_ref, ref.size, level)
        cur_ci = wilson_interval(k_cur, cur.size, level)
        ref_iv = _interval(k_ref / ref.size, ref_ci, ref.size, level, "wilson")
        cur_iv = _interval(k_cur / cur.size, cur_ci, cur.size, level, "wilson")
        tolerance = thresholds.tolerance
        p_value = proportion_worse_p(k_ref, ref.size, k_cur, cur.size, tolerance)
        drop = ref_iv.value - cur_iv.value
    else:
        ref_ci, cur_ci = _clip(mean_interval(ref, level)), _clip(mean_interval(cur, level))
        ref_iv = _interval(float(np.mean(ref)), ref_ci, ref.size, level, "t")
        cur_iv = _interval(float(np.mean(cur)), cur_ci, cur.size, level, "t")
        tolerance = thresholds.tolerance * ref_iv.value
        p_value = welch_greater_p(ref, cur, tolerance)
        drop = cur_iv.value - ref_iv.value
    return Performance(
        id=evidence_id,
        metric=out.metric,
        higher_is_better=out.higher_is_better,
        segment=segment,
        reference=ref_iv,
        current=cur_iv,
        change=cur_iv.value - ref_iv.value,
        p_value=p_value,
        tolerance=tolerance,
        degraded=p_value < thresholds.alpha and drop > tolerance,
    )


def _sem(x: FloatArray) -> float:
    return float(np.std(x, ddof=1)) / float(np.sqrt(x.size))


def _clip(bounds: tuple[float, float]) -> tuple[float, float]:
    return max(0.0, bounds[0]), bounds[1]


def _interval(
    value: float, bounds: tuple[float, float], n: int, level: float, method: str
) -> Interval:
    return Interval(value=value, low=bounds[0], high=bounds[1], n=n, level=level, method=method)
