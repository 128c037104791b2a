"""Concept drift: is the current performance worse than the shift in inputs alone explains?

If only P(x) changed (covariate shift) and P(y | x) did not, the model's current performance is
the reference's per-row performance averaged with importance weights
``w(x) = p(current | x) / p(reference | x) * n_ref / n_cur``. The weights come from a domain
classifier on the model inputs (the one of :mod:`driftwise.signals.multivariate`: gradient
boosting, seeded, cross-fitted by stratified 5-fold so that no row is weighted by a model that
saw it), trained on labelled rows only (target and prediction present; a seeded subsample of up
to ``policy.multivariate.max_rows`` per side), so that both sides describe the same rows as the
observed metric. The classifier's probabilities are clipped to [0.01, 0.99] before they become
odds: one reference row weighs at most 99 times the class-size ratio, which bounds the
variance a few rows can add where the two sides barely overlap.

Expected (under covariate shift alone)
    The weighted mean of the reference's per-row correctness (accuracy, categorical target) or
    absolute error (MAE, numeric target). Its standard error is ``sqrt(v / n_eff)``, ``v`` the
    weighted variance and ``n_eff = (sum w)^2 / sum w^2`` Kish's effective sample size.
    There is no verdict (:class:`~driftwise.signals.types.NotTested`) when
    ``n_eff < policy.concept.min_effective_sample_size``, or when the mean weight of the
    reference rows, which estimates the share of current inputs inside the reference's support,
    is below ``policy.concept.min_coverage``: where the two sides do not overlap at all, the
    clipped weights are all alike and the reference would wrongly stand in for inputs it has
    never seen.
Observed
    The current metric on its labelled rows (Wilson interval for accuracy, t interval for MAE).
Test
    One-sided z-test (both standard errors combined) that the observed metric is worse than the
    expected one by more than the tolerance: ``policy.concept.tolerance`` for accuracy, that
    fraction of the expected MAE for MAE. ``detected`` is ``p < policy.concept.alpha``;
    ``explained_by_covariate_shift`` is "not detected, yet the observed metric is worse than the
    reference's own by more than the tolerance".
Label drift
    ``label_drift_p_value``: chi-square test of homogeneity (rare classes pooled, as the
    univariate test) of the target's class counts among labelled rows; a numeric target is
    first cut at the reference's deciles.

Intervals are at ``policy.performance.confidence``. Needs scikit-learn.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> def frame(flip):  # the model predicts a > 0; labels flip where b > 0.5 when ``flip``
...     a, b = rng.normal(size=1500), rng.normal(size=1500)
...     y = (a + 0.3 * rng.normal(size=1500) > 0) ^ (flip & (b > 0.5))
...     return pd.DataFrame({"a": a, "b": b, "y": pd.Series(y.astype(int).astype(str)),
...                          "p": pd.Series((a > 0).astype(int).astype(str))})
>>> s = Schema(columns=(ColumnSpec(name="a", role=Role.NUMERIC),
...                     ColumnSpec(name="b", role=Role.NUMERIC),
...                     ColumnSpec(name="y", role=Role.TARGET),
...                     ColumnSpec(name="p", role=Role.PREDICTION)))
>>> (c,) = concept_evidence(frame(False), frame(True), s, Policy())
>>> c.detected, c.explained_by_covariate_shift, round(c.gap, 2)
(True, False, -0.26)
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
    encode_inputs,
    out_of_fold,
    sample_rows,
    sklearn_missing,
)
from driftwise.signals.performance import Outcomes, mean_interval, outcomes, wilson_interval
from driftwise.signals.types import ConceptDrift, Evidence, Interval, NotTested
from driftwise.signals.univariate import chi2_homogeneity

__all__ = ["CLIP", "concept_evidence", "label_drift_p_value", "weighted_mean"]

FloatArray = NDArray[np.float64]
CLIP = 0.01  # domain probabilities are clipped to [CLIP, 1 - CLIP]
SKIP_ID = "not_tested:concept"


def label_drift_p_value(
    reference: pd.Series[Any], current: pd.Series[Any], *, numeric: bool
) -> float:
    """Chi-square p-value that the label mix P(y) differs (missing labels left out).

    A ``numeric`` target is cut at the reference's deciles first.

    >>> import pandas as pd
    >>> ref = pd.Series(["a"] * 500 + ["b"] * 500 + [None] * 10, dtype=object)
    >>> cur = pd.Series(["a"] * 400 + ["b"] * 600, dtype=object)
    >>> round(label_drift_p_value(ref, cur, numeric=False), 5)
    1e-05
    """
    ref, cur = reference[reference.notna()], current[current.notna()]
    counts_ref: NDArray[Any]
    counts_cur: NDArray[Any]
    if numeric:
        r = ref.to_numpy(dtype=np.float64)
        c = cur.to_numpy(dtype=np.float64)
        edges = np.unique(np.quantile(r, np.linspace(0.1, 0.9, 9))) if r.size else np.array([])
        k = edges.size + 1
        counts_ref = np.bincount(np.searchsorted(edges, r, side="right"), minlength=k)
        counts_cur = np.bincount(np.searchsorted(edges, c, side="right"), minlength=k)
    else:
        tally_ref = {str(k): int(v) for k, v in ref.value_counts(sort=False).items()}
        tally_cur = {str(k): int(v) for k, v in cur.value_counts(sort=False).items()}
        labels = sorted(set(tally_ref) | set(tally_cur))
        counts_ref = np.array([tally_ref.get(label, 0) for label in labels])
        counts_cur = np.array([tally_cur.get(label, 0) for label in labels])
    return chi2_homogeneity(counts_ref, counts_cur).p_value


def weighted_mean(values: FloatArray, weights: FloatArray) -> tuple[float, float, float]:
    """Weighted mean, its standard error ``sqrt(weighted variance / n_eff)`` and Kish's
    effective sample size ``n_eff = (sum w)^2 / sum w^2``.

    >>> import numpy as np
    >>> [round(v, 4) for v in weighted_mean(np.array([1.0, 0.0, 1.0]), np.array([1.0, 2.0, 1.0]))]
    [0.5, 0.3062, 2.6667]
    """
    total = float(weights.sum())
    mean = float(np.dot(weights, values)) / total
    variance = float(np.dot(weights, (values - mean) ** 2)) / total
    n_eff = total**2 / float(np.dot(weights, weights))
    return mean, float(np.sqrt(variance / n_eff)), n_eff


def concept_evidence(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> tuple[Evidence, ...]:
    """Concept-drift evidence (see the module), or :class:`NotTested` saying why not.

    Needs a target and a prediction with enough labelled rows on both sides
    (``policy.drift.min_rows``, and at least 10 for the 5-fold classifier).

    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),))
    >>> concept_evidence(pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": [1.0]}), s,
    ...                  Policy())[0].reason
    'needs a target and a prediction column'
    """
    if schema.target is None or schema.prediction is None:
        return _skip("needs a target and a prediction column")
    if sklearn_missing():
        return _skip(SKLEARN_MISSING)
    columns = [c for c in schema.features if c not in schema.text]
    if not columns:
        return _skip("no numeric or categorical inputs to reweight")
    out = outcomes(reference, current, schema)
    if out is None:  # pragma: no cover - target and prediction were checked above
        return _skip("needs a target and a prediction column")
    labelled_ref = np.flatnonzero(~np.isnan(out.reference))
    labelled_cur = np.flatnonzero(~np.isnan(out.current))
    needed = max(policy.drift.min_rows, 2 * FOLDS)
    if labelled_ref.size < needed or labelled_cur.size < needed:
        return _skip(
            f"{labelled_ref.size} labelled reference and {labelled_cur.size} current rows; "
            f"at least {needed} needed on each side"
        )
    rng = np.random.default_rng([policy.seed, 5])
    rows_ref = sample_rows(labelled_ref, policy.multivariate.max_rows, rng)
    rows_cur = sample_rows(labelled_cur, policy.multivariate.max_rows, rng)
    inputs = encode_inputs(reference, current, columns, schema.categorical, rows_ref, rows_cur)
    x, y = inputs.stacked()
    scores, _ = out_of_fold(x, y, inputs.categorical, policy.seed)
    p = np.clip(scores[: rows_ref.size], CLIP, 1 - CLIP)
    weights = p / (1 - p) * (rows_ref.size / rows_cur.size)
    expected, se_expected, n_eff = weighted_mean(out.reference[rows_ref], weights)
    coverage = float(weights.mean())
    if coverage < policy.concept.min_coverage:
        return _skip(
            f"the reference covers an estimated {coverage:.0%} of the current inputs; at least "
            f"{policy.concept.min_coverage:.0%} needed (the current inputs lie outside the "
            "reference's)"
        )
    if n_eff < policy.concept.min_effective_sample_size:
        return _skip(
            f"the reweighted reference has an effective sample size of {n_eff:.0f}; at least "
            f"{policy.concept.min_effective_sample_size:.0f} needed (the inputs of the two "
            "sides barely overlap)"
        )
    target = schema.target
    numeric = schema.spec(target).value_type == "numeric"
    label_p = label_drift_p_value(reference[target], current[target], numeric=numeric)
    weighted = _Weighted(expected, se_expected, n_eff, int(rows_ref.size))
    return (_verdict(out, weighted, label_p, policy),)


@dataclass(frozen=True)
class _Weighted:
    value: float
    se: float
    n_eff: float
    n: int


def _verdict(out: Outcomes, expected: _Weighted, label_p: float, policy: Policy) -> ConceptDrift:
    from scipy import stats

    level, concept = policy.performance.confidence, policy.concept
    cur = out.current[~np.isnan(out.current)]
    reference_metric = float(np.nanmean(out.reference))
    observed = float(cur.mean())
    se_observed = float(np.std(cur, ddof=1)) / float(np.sqrt(cur.size))
    accuracy = out.metric == "accuracy"
    if accuracy:
        obs_low, obs_high = wilson_interval(int(round(cur.sum())), cur.size, level)
        sign, tolerance = 1.0, concept.tolerance
    else:
        obs_low, obs_high = mean_interval(cur, level)
        sign, tolerance = -1.0, concept.tolerance * expected.value
    half = float(stats.norm.ppf(0.5 + level / 2)) * expected.se
    exp_high = expected.value + half
    gap = sign * (observed - expected.value)
    se = float(np.hypot(expected.se, se_observed))
    if se > 0:
        p_value = float(stats.norm.cdf((gap + tolerance) / se))
    else:
        p_value = 0.0 if gap < -tolerance else 1.0
    detected = p_value < concept.alpha
    dropped = sign * (observed - reference_metric) < -tolerance
    explained = dropped and not detected
    head = f"Current {out.metric} {observed:.3f}"
    expectation = f"the {expected.value:.3f} that the shift in inputs alone predicts"
    if detected:
        text = (
            f"{head} is {abs(gap):.3f} worse than {expectation} (p = {p_value:.2g}): P(y|x) changed"
        )
    elif explained:
        text = (
            f"{head} is worse than the reference's {reference_metric:.3f}, but in line with "
            f"{expectation} (p = {p_value:.2g}): covariate shift explains the drop"
        )
    else:
        text = (
            f"{head} is in line with {expectation} (p = {p_value:.2g}) and with the "
            f"reference's {reference_metric:.3f}: no sign that P(y|x) changed"
        )
    if label_p < concept.alpha:
        text += f"; the label mix P(y) changed (p = {label_p:.2g})"
    return ConceptDrift(
        metric=out.metric,
        observed=Interval(
            value=observed,
            low=max(0.0, obs_low),
            high=obs_high,
            n=int(cur.size),
            level=level,
            method="wilson" if accuracy else "t",
        ),
        expected=Interval(
            value=expected.value,
            low=max(0.0, expected.value - half),
            high=min(1.0, exp_high) if accuracy else exp_high,
            n=expected.n,
            level=level,
            method="importance_weighted",
        ),
        gap=gap,
        p_value=p_value,
        detected=detected,
        explained_by_covariate_shift=explained,
        method="domain_classifier_importance_weights",
        effective_sample_size=expected.n_eff,
        label_drift_p_value=label_p,
        explanation=text + ".",
    )


def _skip(reason: str) -> tuple[Evidence, ...]:
    return (NotTested(id=SKIP_ID, reason=reason),)
