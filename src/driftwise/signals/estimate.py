"""Accuracy estimated without labels, from calibrated scores (confidence-based, as CBPE).

Confidence of each row in its predicted class
    One score column (binary classification): the score is P(one class). That class is the
    predicted class whose reference rows have the higher mean score (with a single predicted
    class: that class when its mean score is at least 0.5); the confidence is the score for
    rows predicting it and ``1 - score`` otherwise, so any decision threshold works. Two or
    more score columns (one per class): the largest score, which assumes the prediction is the
    arg-max class. Rows with a missing score (or, with one score column, a missing prediction)
    are left out.
Calibration
    Isotonic regression (``sklearn.isotonic.IsotonicRegression``, increasing, clipped to [0, 1]
    and to the fitted range) of the reference's correctness (target equals prediction) on its
    confidence, over the reference's labelled rows (a seeded subsample of 200,000 when more).
Estimate
    The mean calibrated confidence of the current rows. Its interval adds two variances: the
    sum of the rows' Bernoulli variances ``sum c (1 - c) / n^2`` (the realized accuracy of
    given probabilities varies), and the calibrator's own sampling variance, the isotonic
    blocks read as binomial proportions: ``sum_b q_b^2 p_b (1 - p_b) / n_b`` (``q_b`` the share
    of current rows in block ``b``, ``n_b`` its reference rows, ``p_b`` its accuracy smoothed as
    ``(k + 0.5) / (n_b + 1)``); normal approximation at ``policy.performance.confidence``,
    clipped to [0, 1]. The reference interval is Wilson's on the calibration rows.
Reliability
    ``reliable`` is false, with a warning each, when (1) the calibration does not carry over
    within the reference: the seeded 5-fold cross-validated expected calibration error (10
    equal-width bins; up to 50,000 rows) is above ``policy.estimate.max_calibration_error``;
    (2) more than ``policy.estimate.max_unseen_share`` of current rows have a score outside the
    reference's range of that score; (3) current rows have labels (at least
    ``policy.drift.min_rows``) and their ``realized`` accuracy is outside the estimate's interval
    on the same rows by more than ``policy.estimate.tolerance``: the scores no longer mean what
    they meant (concept drift).
Degradation
    ``degraded``: the whole interval lies more than ``policy.estimate.tolerance`` below the
    reference accuracy. It is reported even when the estimate is unreliable; read both.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> def frame(n, spread):  # calibrated scores; wider spread = more confident, more accurate
...     s = 1 / (1 + np.exp(-rng.normal(0, spread, n)))
...     y = np.where(rng.random(n) < s, "1", "0")
...     return pd.DataFrame({"s": s, "p": np.where(s > 0.5, "1", "0"), "y": y}, dtype=object
...                         ).astype({"s": float})
>>> sch = Schema(columns=(ColumnSpec(name="s", role=Role.SCORE),
...                       ColumnSpec(name="p", role=Role.PREDICTION),
...                       ColumnSpec(name="y", role=Role.TARGET)))
>>> cur = frame(5000, 1.0).assign(y=None)
>>> (e,) = estimate_evidence(frame(5000, 3.0), cur, sch, Policy())
>>> round(e.reference.value, 2), round(e.estimate.value, 2), e.degraded, e.reliable
(0.85, 0.68, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.policy.model import Policy
from driftwise.schema.roles import Schema
from driftwise.signals.multivariate import (
    FOLDS,
    SKLEARN_MISSING,
    sample_rows,
    sklearn_missing,
)
from driftwise.signals.performance import Outcomes, outcomes, wilson_interval
from driftwise.signals.types import EstimatedPerformance, Evidence, Interval, NotTested

__all__ = [
    "Calibrator",
    "confidences",
    "estimate_evidence",
    "expected_calibration_error",
]

FloatArray = NDArray[np.float64]
CALIBRATION_ROWS = 200_000
ECE_ROWS = 50_000
ECE_BINS = 10
SKIP_ID = "not_tested:estimate:accuracy"


def confidences(
    reference: pd.DataFrame, current: pd.DataFrame, prediction: str, scores: tuple[str, ...]
) -> tuple[FloatArray, FloatArray] | str:
    """Each row's confidence in its predicted class (NaN when unknown), or why there is none.

    >>> import pandas as pd
    >>> ref = pd.DataFrame({"p": ["b", "a", None], "s": [0.9, 0.3, 0.5]})
    >>> cur = pd.DataFrame({"p": ["a", "b", "b"], "s": [0.2, 0.6, float("nan")]})
    >>> [x.tolist() for x in confidences(ref, cur, "p", ("s",))]
    [[0.9, 0.7, nan], [0.8, 0.6, nan]]
    """
    if len(scores) > 1:
        ref = np.max(_scores(reference, scores), axis=1)
        cur = np.max(_scores(current, scores), axis=1)
        return ref, cur
    score_ref = _scores(reference, scores)[:, 0]
    pred_ref = reference[prediction].astype(object)
    valid = pred_ref.notna().to_numpy() & np.isfinite(score_ref)
    classes = list(pd.unique(pred_ref[valid]))
    if len(classes) > 2:
        return (
            f"one score column needs a binary prediction; found {len(classes)} predicted "
            f"classes in column {prediction!r}"
        )
    means = [float(score_ref[valid & (pred_ref == c).to_numpy()].mean()) for c in classes]
    if len(classes) == 2:
        positive: Any = classes[int(np.argmax(means))]
    else:
        positive = classes[0] if means and means[0] >= 0.5 else None

    def side(frame: pd.DataFrame, score: FloatArray) -> FloatArray:
        pred = frame[prediction].astype(object)
        is_pos = (pred == positive).to_numpy(dtype=bool)
        conf = np.where(is_pos, score, 1.0 - score)
        return np.where(pred.notna().to_numpy() & np.isfinite(score), conf, np.nan)

    return side(reference, score_ref), side(current, _scores(current, scores)[:, 0])


def _scores(frame: pd.DataFrame, scores: tuple[str, ...]) -> FloatArray:
    values = np.column_stack([frame[s].to_numpy(dtype=np.float64, na_value=np.nan) for s in scores])
    return np.where(np.isfinite(values), values, np.nan)


def expected_calibration_error(
    probability: FloatArray, correct: FloatArray, bins: int = ECE_BINS
) -> float:
    """Share-weighted mean gap between accuracy and mean probability in equal-width bins.

    >>> import numpy as np
    >>> expected_calibration_error(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1.0, 1, 0, 1]))
    0.1
    """
    which = np.minimum((probability * bins).astype(np.intp), bins - 1)
    n = np.bincount(which, minlength=bins).astype(np.float64)
    gap = np.bincount(which, weights=correct - probability, minlength=bins)
    return float(np.sum(np.abs(gap)) / n.sum())


@dataclass(frozen=True)
class Calibrator:
    """An isotonic map from confidence to P(correct), with its blocks for the variance.

    >>> import numpy as np
    >>> cal = Calibrator.fit(np.array([0.6, 0.6, 0.9, 0.9]), np.array([0.0, 1, 1, 1]))
    >>> cal.block_accuracy.tolist(), cal.predict(np.array([0.7])).round(3).tolist()
    ([0.5, 0.833...], [0.667])
    """

    model: Any  # the fitted IsotonicRegression
    sorted_confidence: FloatArray  # of the reference rows, ascending
    block_starts: NDArray[np.intp]  # positions in ``sorted_confidence`` where a block starts
    block_rows: FloatArray
    block_accuracy: FloatArray  # smoothed: (k + 0.5) / (n + 1)

    @classmethod
    def fit(cls, confidence: FloatArray, correct: FloatArray) -> Calibrator:
        """Fit on the reference's labelled rows (needs scikit-learn).

        >>> import numpy as np
        >>> cal = Calibrator.fit(np.array([0.6, 0.7, 0.8, 0.9]), np.array([1.0, 0, 1, 1]))
        >>> cal.predict(np.array([0.5, 0.75, 0.95])).tolist(), cal.block_rows.tolist()
        ([0.5, 0.75, 1.0], [2.0, 2.0])
        """
        from sklearn.isotonic import IsotonicRegression

        model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
            confidence, correct
        )
        order = np.argsort(confidence, kind="stable")
        xs = confidence[order]
        fitted = model.predict(xs)
        starts = np.flatnonzero(np.r_[True, fitted[1:] != fitted[:-1]])
        rows = np.diff(np.r_[starts, xs.size]).astype(np.float64)
        hits = np.add.reduceat(correct[order], starts)
        return cls(model, xs, starts, rows, (hits + 0.5) / (rows + 1.0))

    def predict(self, confidence: FloatArray) -> FloatArray:
        """Calibrated P(correct) of each row (linear between the fitted points, clipped).

        >>> import numpy as np
        >>> Calibrator.fit(np.array([0.6, 0.8]), np.array([0.0, 1.0])).predict(
        ...     np.array([0.5, 0.7, 0.9])).tolist()
        [0.0, 0.5, 1.0]
        """
        out: FloatArray = np.asarray(self.model.predict(confidence), dtype=np.float64)
        return out

    def estimate(self, confidence: FloatArray, level: float) -> Interval:
        """Expected accuracy of rows with these confidences (see the module for the interval).

        >>> import numpy as np
        >>> cal = Calibrator.fit(np.linspace(0.5, 1, 1000), (np.arange(1000) % 4 > 0) * 1.0)
        >>> iv = cal.estimate(np.full(400, 0.7), 0.95)
        >>> round(iv.value, 2), round(iv.low, 4), round(iv.high, 4)
        (0.75, 0.6998, 0.8002)
        """
        from scipy import stats

        calibrated = self.predict(confidence)
        n = calibrated.size
        value = float(calibrated.mean())
        bernoulli = float(np.sum(calibrated * (1 - calibrated))) / n**2
        pos = np.searchsorted(self.sorted_confidence, confidence, side="right") - 1
        block = np.searchsorted(self.block_starts, np.maximum(pos, 0), side="right") - 1
        share = np.bincount(block, minlength=self.block_rows.size) / n
        p = self.block_accuracy
        calibration = float(np.sum(share**2 * p * (1 - p) / self.block_rows))
        half = float(stats.norm.ppf(0.5 + level / 2)) * float(np.sqrt(bernoulli + calibration))
        return Interval(
            value=value,
            low=max(0.0, value - half),
            high=min(1.0, value + half),
            n=n,
            level=level,
            method="bernoulli_sum+calibration",
        )


def _cv_calibration_error(confidence: FloatArray, correct: FloatArray, seed: int) -> float:
    from sklearn.model_selection import KFold

    predicted = np.empty(confidence.size)
    folds = KFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    for train, test in folds.split(confidence):
        cal = Calibrator.fit(confidence[train], correct[train])
        predicted[test] = cal.predict(confidence[test])
    return expected_calibration_error(predicted, correct)


def estimate_evidence(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> tuple[Evidence, ...]:
    """The label-free accuracy estimate (see the module), or :class:`NotTested` saying why not.

    Empty when ``policy.estimate.enabled`` is false. Deterministic for ``policy.seed``.

    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="p", role=Role.PREDICTION),))
    >>> estimate_evidence(pd.DataFrame({"p": ["a"]}), pd.DataFrame({"p": ["a"]}), s,
    ...                   Policy())[0].reason
    'needs a target, a prediction and at least one score column'
    """
    if not policy.estimate.enabled:
        return ()
    target, prediction, scores = schema.target, schema.prediction, schema.scores
    if target is None or prediction is None or not scores:
        return _skip("needs a target, a prediction and at least one score column")
    if schema.spec(target).value_type == "numeric":
        return _skip(f"estimates a classifier's accuracy; the target {target!r} is numeric")
    if sklearn_missing():
        return _skip(SKLEARN_MISSING)
    conf = confidences(reference, current, prediction, scores)
    out = outcomes(reference, current, schema)
    if isinstance(conf, str) or out is None:
        return _skip(conf if isinstance(conf, str) else "no outcomes")
    conf_ref, conf_cur = conf
    usable_ref = np.flatnonzero(~np.isnan(out.reference) & np.isfinite(conf_ref))
    usable_cur = np.flatnonzero(np.isfinite(conf_cur))
    needed = max(policy.drift.min_rows, 2 * FOLDS)
    if usable_ref.size < needed or usable_cur.size < needed:
        return _skip(
            f"{usable_ref.size} labelled, scored reference rows and {usable_cur.size} scored "
            f"current rows; at least {needed} needed on each side"
        )
    evidence = _estimate(
        reference, current, scores, conf_ref, conf_cur, out, usable_ref, usable_cur, policy
    )
    return (evidence,)


def _estimate(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    scores: tuple[str, ...],
    conf_ref: FloatArray,
    conf_cur: FloatArray,
    out: Outcomes,
    usable_ref: NDArray[np.intp],
    usable_cur: NDArray[np.intp],
    policy: Policy,
) -> EstimatedPerformance:
    est, level = policy.estimate, policy.performance.confidence
    correct_ref, correct_cur = out.reference, out.current
    rng = np.random.default_rng([policy.seed, 6])
    fit_rows = sample_rows(usable_ref, CALIBRATION_ROWS, rng)
    cal = Calibrator.fit(conf_ref[fit_rows], correct_ref[fit_rows])
    estimate = cal.estimate(conf_cur[usable_cur], level)
    k = int(correct_ref[usable_ref].sum())
    low, high = wilson_interval(k, usable_ref.size, level)
    ref_iv = Interval(
        value=k / usable_ref.size,
        low=low,
        high=high,
        n=int(usable_ref.size),
        level=level,
        method="wilson",
    )
    warnings: list[str] = []
    ece_rows = sample_rows(fit_rows, ECE_ROWS, rng)
    ece = _cv_calibration_error(conf_ref[ece_rows], correct_ref[ece_rows], policy.seed)
    if ece > est.max_calibration_error:
        warnings.append(
            f"calibration on the reference does not carry over: cross-validated expected "
            f"calibration error {ece:.3f} is above {est.max_calibration_error:g}"
        )
    ref_scores, cur_scores = _scores(reference, scores), _scores(current, scores)
    lo = np.nanmin(ref_scores[usable_ref], axis=0)
    hi = np.nanmax(ref_scores[usable_ref], axis=0)
    outside = ((cur_scores < lo) | (cur_scores > hi)).any(axis=1)
    unseen = float(outside[usable_cur].mean())
    if unseen > est.max_unseen_share:
        warnings.append(
            f"{unseen:.1%} of current rows have scores outside the reference's range "
            f"(above the {est.max_unseen_share:.1%} allowed)"
        )
    realized = _realized_check(cal, conf_cur, correct_cur, policy, warnings)
    return EstimatedPerformance(
        id="estimate:accuracy",
        metric="accuracy",
        method="cbpe",
        reference=ref_iv,
        estimate=estimate,
        change=estimate.value - ref_iv.value,
        degraded=estimate.high < ref_iv.value - est.tolerance,
        reliable=not warnings,
        warnings=tuple(warnings),
        realized=realized,
    )


def _realized_check(
    cal: Calibrator,
    conf_cur: FloatArray,
    correct_cur: FloatArray,
    policy: Policy,
    warnings: list[str],
) -> float | None:
    labelled = ~np.isnan(correct_cur) & np.isfinite(conf_cur)
    n = int(labelled.sum())
    if n < max(policy.drift.min_rows, 2):
        return None
    realized = float(correct_cur[labelled].mean())
    on_labelled = cal.estimate(conf_cur[labelled], policy.performance.confidence)
    tolerance = policy.estimate.tolerance
    outside = realized < on_labelled.low or realized > on_labelled.high
    if outside and abs(realized - on_labelled.value) > tolerance:
        warnings.append(
            f"on the {n} labelled current rows the realized accuracy {realized:.3f} differs "
            f"from the estimated {on_labelled.value:.3f}: the scores no longer mean what they "
            "meant on the reference (concept drift)"
        )
    return realized


def _skip(reason: str) -> tuple[Evidence, ...]:
    return (NotTested(id=SKIP_ID, reason=reason),)
