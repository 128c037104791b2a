"""Multivariate drift: all model inputs at once, by a domain classifier and by MMD.

Domain classifier (``multivariate:domain_classifier``)
    A seeded subsample of up to ``policy.multivariate.max_rows`` rows per side is labelled
    reference 0 / current 1. Numeric inputs enter as they are (NaN for missing); categorical
    inputs as codes shared by both sides (the 249 most frequent values, the rest in one code;
    missing as NaN), declared categorical to a ``HistGradientBoostingClassifier`` (30 trees of
    at most 15 leaves, learning rate 0.15, no early stopping, one thread: small, so that 5 fits
    on 20,000 rows per side take seconds); text columns are left to the text signal.
    Out-of-fold probabilities come from a seeded stratified 5-fold split, so no row is scored by
    a model that saw it. Their AUC equals ``sklearn.metrics.roc_auc_score``; its interval is
    DeLong's (the variance of the placement values, normal approximation, clipped to [0, 1], at
    ``policy.performance.confidence``; it treats the fitted models as fixed). The p-value comes
    from the AUC's own null test, the one-sided Mann-Whitney U test that current rows score
    higher (normal approximation with tie and continuity corrections, as
    ``scipy.stats.mannwhitneyu(..., alternative="greater")``), run inside each held-out fold
    (exact there: a fold's labels never reached its model) and combined over the 5 folds by the
    Cauchy combination test, which holds under their dependence. The test on all pooled
    out-of-fold scores is not valid: each model learns the other folds' chance patterns, so the
    fold statistics are positively correlated, and it rejected 11% of 100 seeded no-drift pairs
    at alpha = 0.05.
    ``drifted`` is ``p < alpha`` *and* ``AUC >= policy.multivariate.auc_threshold``.
    ``top_features`` (only when ``p < alpha``: the importance of noise means nothing):
    permutation importance, the drop in out-of-fold AUC when a column is shuffled inside each
    held-out fold (up to 1,000 rows of each fold), clipped at 0 and normalised to sum 1 over all
    columns (the 10 largest are listed; ``concentration`` is the top one's share).
    ``top_rows``: positions in ``current`` of the 10 subsampled current rows with the highest
    out-of-fold "current" probability.
MMD (``multivariate:mmd``)
    Numeric inputs of a seeded subsample of up to ``policy.multivariate.mmd_rows`` rows per side,
    standardised by the reference subsample's mean and standard deviation (``ddof=0``; a constant
    column is only centred), missing values then set to 0 (the reference mean). The unbiased
    MMD^2 of Gretton et al. (2012) with the Gaussian kernel ``exp(-|a - b|^2 / (2 s^2))``, ``s``
    the median distance between distinct pooled rows (the median heuristic). The p-value is
    ``(1 + #{null >= observed}) / (1 + permutations)`` over ``policy.multivariate.permutations``
    seeded relabellings of the pooled rows; ``drifted`` is ``p < alpha``, and ``threshold`` the
    matching critical value (drifted exactly when the statistic is above it). ``top_rows``: the
    current rows where the witness function (mean kernel to current minus mean kernel to
    reference rows) is largest. Memory: the pooled distance and kernel matrices, at most
    ``64 * mmd_rows**2`` bytes (64 MB at the default 1,000 rows).

Without scikit-learn, the domain classifier is :class:`~driftwise.signals.types.NotTested`.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> ref = pd.DataFrame({"x": rng.normal(size=800), "z": rng.normal(size=800)})
>>> cur = pd.DataFrame({"x": rng.normal(size=800) + 0.6, "z": rng.normal(size=800)})
>>> s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),
...                     ColumnSpec(name="z", role=Role.NUMERIC)))
>>> dc, mmd = multivariate_evidence(ref, cur, s, Policy())
>>> dc.drifted, dc.top_features[0].column, mmd.drifted
(True, 'x', True)
"""

from __future__ import annotations

import importlib
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.policy.model import Policy
from driftwise.schema.roles import Schema
from driftwise.signals.auc import AucTest, auc_test, auc_value, cauchy_combination
from driftwise.signals.mmd import (
    MmdTest,
    critical_value,
    median_heuristic,
    mmd2_unbiased,
    mmd_test,
)
from driftwise.signals.types import Evidence, FeatureContribution, MultivariateDrift, NotTested

__all__ = [
    "SKLEARN_MISSING",
    "AucTest",
    "Inputs",
    "MmdTest",
    "auc_test",
    "cauchy_combination",
    "critical_value",
    "encode_inputs",
    "median_heuristic",
    "mmd2_unbiased",
    "mmd_test",
    "multivariate_evidence",
    "one_thread",
    "out_of_fold",
    "sample_rows",
    "sklearn_missing",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
SKLEARN_MISSING = "scikit-learn is not installed (pip install 'driftwise[sklearn]')"
FOLDS = 5
MAX_CODES = 250  # category codes per column (HistGradientBoosting allows up to max_bins=255)
TOP_ROWS = 10
TOP_FEATURES = 10
IMPORTANCE_ROWS = 1000  # held-out rows per fold for permutation importance
IMPORTANCE_CELLS = 4_000_000  # values per prediction call of the importance loop


def sklearn_missing() -> bool:
    """Is scikit-learn missing (so the classifier-based signals cannot run)?

    >>> sklearn_missing()
    False
    """
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return True
    return False


def sample_rows(candidates: IntArray, max_rows: int, rng: np.random.Generator) -> IntArray:
    """At most ``max_rows`` of ``candidates``, drawn without replacement, in ascending order.

    >>> import numpy as np
    >>> sample_rows(np.arange(10), 3, np.random.default_rng(0)).tolist()
    [5, 6, 9]
    """
    if candidates.size <= max_rows:
        return candidates
    picked: IntArray = np.sort(rng.choice(candidates, size=max_rows, replace=False))
    return picked


@dataclass(frozen=True)
class Inputs:
    """Model inputs of chosen rows of both sides, encoded for a tree model (see the module).

    >>> import numpy as np
    >>> e = Inputs(("a",), np.array([False]), np.array([[1.0]]), np.array([[2.0], [3.0]]),
    ...            np.arange(1), np.arange(2))
    >>> [side.tolist() for side in e.stacked()]
    [[[1.0], [2.0], [3.0]], [0.0, 1.0, 1.0]]
    """

    columns: tuple[str, ...]
    categorical: BoolArray  # one flag per column
    reference: FloatArray  # (reference rows, columns)
    current: FloatArray
    reference_rows: IntArray  # positions in the reference frame
    current_rows: IntArray

    def stacked(self) -> tuple[FloatArray, FloatArray]:
        """Both sides in one matrix, and the domain label (0 reference, 1 current)."""
        x = np.vstack([self.reference, self.current])
        y = np.concatenate([np.zeros(len(self.reference)), np.ones(len(self.current))])
        return x, y


def encode_inputs(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Sequence[str],
    categorical: Collection[str],
    reference_rows: IntArray,
    current_rows: IntArray,
) -> Inputs:
    """Encode ``columns`` (those in ``categorical`` as shared codes) at the given positions.

    >>> import numpy as np, pandas as pd
    >>> ref = pd.DataFrame({"a": [1.0, np.inf], "c": pd.Series(["u", None], dtype="category")})
    >>> cur = pd.DataFrame({"a": [2.0], "c": pd.Series(["v"], dtype=object)})
    >>> e = encode_inputs(ref, cur, ["a", "c"], {"c"}, np.arange(2), np.arange(1))
    >>> e.reference.tolist(), e.current.tolist(), e.categorical.tolist()
    ([[1.0, 0.0], [nan, nan]], [[2.0, 1.0]], [False, True])
    """
    flags = np.array([c in categorical for c in columns], dtype=bool)
    ref = np.empty((reference_rows.size, len(columns)))
    cur = np.empty((current_rows.size, len(columns)))
    for j, name in enumerate(columns):
        a, b = reference[name].iloc[reference_rows], current[name].iloc[current_rows]
        if flags[j]:
            ref[:, j], cur[:, j] = _codes(a, b)
        else:
            ref[:, j], cur[:, j] = _finite(a), _finite(b)
    return Inputs(tuple(columns), flags, ref, cur, reference_rows, current_rows)


def _finite(values: pd.Series[Any]) -> FloatArray:
    x = values.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isfinite(x), x, np.nan)


def _codes(a: pd.Series[Any], b: pd.Series[Any]) -> tuple[FloatArray, FloatArray]:
    values = np.concatenate([a.to_numpy(dtype=object), b.to_numpy(dtype=object)])
    codes = np.asarray(pd.factorize(values, use_na_sentinel=True)[0], dtype=np.intp)
    known = codes >= 0
    counts = np.bincount(codes[known])
    if counts.size > MAX_CODES:
        rank = np.empty(counts.size, dtype=np.intp)
        rank[np.argsort(-counts, kind="stable")] = np.arange(counts.size)
        codes = np.where(known, np.minimum(rank[np.maximum(codes, 0)], MAX_CODES - 1), -1)
    out = np.where(codes >= 0, codes.astype(np.float64), np.nan)
    return out[: len(a)], out[len(a) :]


@contextmanager
def one_thread() -> Iterator[None]:
    """Limit OpenMP to one thread while gradient boosting fits and predicts.

    At these sizes (5 fits on at most ``max_rows`` rows per side) threads save little, and
    when other processes share the cores their spin-waiting made the fits several times slower
    (measured on 2 cores: 2.9 s on one thread against 7.7 to 9.5 s on two).

    >>> with one_thread():
    ...     pass
    """
    threadpoolctl = importlib.import_module("threadpoolctl")  # a dependency of scikit-learn
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        yield


def out_of_fold(
    x: FloatArray, y: FloatArray, categorical: BoolArray, seed: int
) -> tuple[FloatArray, list[tuple[Any, IntArray]]]:
    """Out-of-fold P(label 1 | x) by seeded stratified 5-fold gradient boosting.

    Also returns each fold's fitted model with the positions it scored. Needs scikit-learn.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(400, 2)); y = (rng.random(400) < 0.5) * 1.0; x[y == 1, 0] += 2
    >>> scores, fits = out_of_fold(x, y, np.array([False, False]), seed=0)
    >>> len(fits), bool(scores[y == 1].mean() > scores[y == 0].mean() + 0.5)
    (5, True)
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold

    scores = np.empty(y.size)
    fits: list[tuple[Any, IntArray]] = []
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    with one_thread():
        for train, test in folds.split(x, y):
            model = HistGradientBoostingClassifier(
                max_iter=30,
                learning_rate=0.15,
                max_leaf_nodes=15,
                min_samples_leaf=20,
                early_stopping=False,
                categorical_features=categorical if categorical.any() else None,
                random_state=seed,
            )
            model.fit(x[train], y[train])
            scores[test] = model.predict_proba(x[test])[:, 1]
            fits.append((model, np.asarray(test, dtype=np.intp)))
    return scores, fits


def _importance(
    x: FloatArray, y: FloatArray, scores: FloatArray, fits: list[tuple[Any, IntArray]], seed: int
) -> FloatArray:
    """Drop in out-of-fold AUC when each column is shuffled inside the held-out folds."""
    rng = np.random.default_rng([seed, 3])
    d = x.shape[1]
    per_fold = int(np.clip(400_000 // d, 200, IMPORTANCE_ROWS))
    rows_used, permuted = [], []
    for model, test in fits:
        rows = sample_rows(test, per_fold, rng)
        m = rows.size
        chunk = max(1, IMPORTANCE_CELLS // (m * d))
        out = np.empty((d, m))
        for start in range(0, d, chunk):
            cols = range(start, min(d, start + chunk))
            block = np.tile(x[rows], (len(cols), 1))
            for k, j in enumerate(cols):
                block[k * m : (k + 1) * m, j] = x[rng.permutation(rows), j]
            out[start : start + len(cols)] = model.predict_proba(block)[:, 1].reshape(-1, m)
        rows_used.append(rows)
        permuted.append(out)
    used = np.concatenate(rows_used)
    pos = y[used] == 1
    base = auc_value(scores[used], pos)
    table = np.concatenate(permuted, axis=1)
    return np.array([max(0.0, base - auc_value(table[j], pos)) for j in range(d)])


def _domain_classifier(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> MultivariateDrift | NotTested:
    mv = policy.multivariate
    skip_id = "not_tested:multivariate:domain_classifier"
    if sklearn_missing():
        return NotTested(id=skip_id, reason=SKLEARN_MISSING)
    columns = [c for c in schema.features if c not in schema.text]
    if not columns:
        return NotTested(id=skip_id, reason="no numeric or categorical inputs to classify")
    needed = max(policy.drift.min_rows, 2 * FOLDS)
    if len(reference) < needed or len(current) < needed:
        reason = (
            f"{len(reference)} reference and {len(current)} current rows; "
            f"at least {needed} needed on each side"
        )
        return NotTested(id=skip_id, reason=reason)
    rng = np.random.default_rng([policy.seed, 1])
    rows_ref = sample_rows(np.arange(len(reference)), mv.max_rows, rng)
    rows_cur = sample_rows(np.arange(len(current)), mv.max_rows, rng)
    inputs = encode_inputs(reference, current, columns, schema.categorical, rows_ref, rows_cur)
    x, y = inputs.stacked()
    scores, fits = out_of_fold(x, y, inputs.categorical, policy.seed)
    test = auc_test(scores, y, policy.performance.confidence)
    p_value = cauchy_combination([auc_test(scores[t], y[t]).p_value for _, t in fits])
    significant = p_value < mv.alpha
    drops = np.zeros(len(columns))
    if significant:
        with one_thread():
            drops = _importance(x, y, scores, fits, policy.seed)
    total = float(drops.sum())
    order = np.argsort(-drops, kind="stable")[:TOP_FEATURES]
    top = tuple(
        FeatureContribution(column=columns[j], importance=float(drops[j] / total))
        for j in order
        if drops[j] > 0
    )
    cur_scores = scores[rows_ref.size :]
    best = np.argsort(-cur_scores, kind="stable")[:TOP_ROWS]
    return MultivariateDrift(
        id="multivariate:domain_classifier",
        method="domain_classifier",
        statistic=test.auc,
        low=test.low,
        high=test.high,
        p_value=p_value,
        threshold=mv.auc_threshold,
        n_reference=int(rows_ref.size),
        n_current=int(rows_cur.size),
        drifted=significant and test.auc >= mv.auc_threshold,
        top_features=top,
        top_rows=tuple(int(rows_cur[i]) for i in best),
        concentration=top[0].importance if top else None,
    )


def _mmd(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> MultivariateDrift | NotTested:
    mv = policy.multivariate
    skip_id = "not_tested:multivariate:mmd"
    columns = schema.numeric
    if not columns:
        return NotTested(id=skip_id, reason="no numeric inputs for MMD")
    needed = max(policy.drift.min_rows, 2)
    if len(reference) < needed or len(current) < needed:
        reason = (
            f"{len(reference)} reference and {len(current)} current rows; "
            f"at least {needed} needed on each side"
        )
        return NotTested(id=skip_id, reason=reason)
    rng = np.random.default_rng([policy.seed, 2])
    rows_ref = sample_rows(np.arange(len(reference)), mv.mmd_rows, rng)
    rows_cur = sample_rows(np.arange(len(current)), mv.mmd_rows, rng)
    inputs = encode_inputs(reference, current, columns, (), rows_ref, rows_cur)
    with np.errstate(invalid="ignore"):
        center = np.nan_to_num(np.nanmean(inputs.reference, axis=0))
        scale = np.nan_to_num(np.nanstd(inputs.reference, axis=0))
    scale[scale <= 1e-12 * (np.abs(center) + 1e-300)] = 1.0
    x = np.nan_to_num((inputs.reference - center) / scale)
    y = np.nan_to_num((inputs.current - center) / scale)
    test = mmd_test(x, y, permutations=mv.permutations, seed=policy.seed)
    best = np.argsort(-test.witness, kind="stable")[:TOP_ROWS]
    return MultivariateDrift(
        id="multivariate:mmd",
        method="mmd",
        statistic=test.statistic,
        p_value=test.p_value,
        threshold=critical_value(test.null, mv.alpha),
        n_reference=int(rows_ref.size),
        n_current=int(rows_cur.size),
        drifted=test.p_value < mv.alpha,
        top_rows=tuple(int(rows_cur[i]) for i in best),
    )


def multivariate_evidence(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> tuple[Evidence, ...]:
    """The domain-classifier and MMD evidence (see the module), or why each was not tested.

    Empty when ``policy.multivariate.enabled`` is false. Deterministic for ``policy.seed``.

    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="q", role=Role.TEXT),))
    >>> [e.reason for e in multivariate_evidence(pd.DataFrame({"q": ["a"]}),
    ...                                          pd.DataFrame({"q": ["b"]}), s, Policy())]
    ['no numeric or categorical inputs to classify', 'no numeric inputs for MMD']
    """
    if not policy.multivariate.enabled:
        return ()
    return (
        _domain_classifier(reference, current, schema, policy),
        _mmd(reference, current, schema, policy),
    )
