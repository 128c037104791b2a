"""Multivariate drift: domain classifier (AUC, DeLong, Mann-Whitney, importance) and MMD."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.model_selection import StratifiedKFold

from driftwise.policy.model import MultivariateThresholds, Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.multivariate import (
    SKLEARN_MISSING,
    auc_test,
    cauchy_combination,
    critical_value,
    encode_inputs,
    median_heuristic,
    mmd2_unbiased,
    mmd_test,
    multivariate_evidence,
    out_of_fold,
)
from driftwise.signals.types import MultivariateDrift, NotTested


def numeric_schema(*names: str) -> Schema:
    return Schema(columns=tuple(ColumnSpec(name=n, role=Role.NUMERIC) for n in names))


def frames(n: int, seed: int, shift: float = 0.0, cols: int = 4) -> tuple[pd.DataFrame, ...]:
    rng = np.random.default_rng(seed)
    names = [f"x{j}" for j in range(cols)]
    ref = pd.DataFrame(rng.normal(size=(n, cols)), columns=names)
    cur = pd.DataFrame(rng.normal(size=(n, cols)), columns=names)
    cur["x1"] += shift
    return ref, cur


def policy(**multivariate: object) -> Policy:
    return Policy(multivariate=MultivariateThresholds.model_validate(multivariate))


def by_method(evidence: tuple[object, ...]) -> dict[str, MultivariateDrift]:
    return {e.method: e for e in evidence if isinstance(e, MultivariateDrift)}


# --- the AUC, its interval and its test ------------------------------------------------------


def test_auc_and_p_value_match_sklearn_and_scipy_with_ties() -> None:
    rng = np.random.default_rng(1)
    scores = np.round(np.concatenate([rng.normal(0, 1, 700), rng.normal(0.3, 1, 500)]), 1)
    labels = np.concatenate([np.zeros(700), np.ones(500)])
    t = auc_test(scores, labels)
    assert t.auc == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    for method in ("auto", "asymptotic"):
        mw = stats.mannwhitneyu(scores[700:], scores[:700], alternative="greater", method=method)
        assert t.p_value == pytest.approx(mw.pvalue, rel=1e-9)


def test_delong_variance_matches_the_definition() -> None:
    rng = np.random.default_rng(2)
    neg, pos = np.round(rng.normal(0, 1, 40), 1), np.round(rng.normal(0.8, 1, 30), 1)
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = np.sqrt(v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size)
    t = auc_test(np.concatenate([neg, pos]), np.r_[np.zeros(40), np.ones(30)], confidence=0.9)
    assert t.auc == pytest.approx(psi.mean())
    half = stats.norm.ppf(0.95) * se
    assert (t.low, t.high) == pytest.approx((psi.mean() - half, psi.mean() + half))


def test_delong_interval_covers_the_true_auc_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(3)
    true_auc = stats.norm.cdf(1 / np.sqrt(2))  # N(1, 1) against N(0, 1)
    labels = np.r_[np.zeros(150), np.ones(100)]
    hits = 0
    for _ in range(400):
        t = auc_test(np.r_[rng.normal(0, 1, 150), rng.normal(1, 1, 100)], labels)
        hits += t.low <= true_auc <= t.high
    assert 0.92 <= hits / 400 <= 0.98


def test_cauchy_combination_matches_scipy_cauchy_distribution() -> None:
    for p_values in ([0.2, 0.03, 0.5, 0.9, 0.01], [1e-12, 0.4], [0.7, 0.99, 0.8]):
        expected = stats.cauchy.sf(np.mean(stats.cauchy.isf(p_values)))
        assert cauchy_combination(p_values) == pytest.approx(expected, rel=1e-9)
    assert cauchy_combination([3e-200, 0.5]) == pytest.approx(6e-200, rel=1e-6)


def test_fold_wise_p_value_holds_its_level_without_drift() -> None:
    rejected = 0
    for seed in range(40):
        rng = np.random.default_rng(1000 + seed)
        x, y = rng.normal(size=(300, 3)), np.r_[np.zeros(150), np.ones(150)]
        scores, fits = out_of_fold(x, y, np.zeros(3, dtype=bool), seed)
        p = cauchy_combination([auc_test(scores[t], y[t]).p_value for _, t in fits])
        rejected += p < 0.05
    assert rejected <= 5  # 2 expected at 5%; the pooled test rejects about twice as often


def test_constant_scores_give_auc_one_half_and_p_one() -> None:
    t = auc_test(np.full(10, 0.3), np.r_[np.zeros(5), np.ones(5)])
    assert (t.auc, t.p_value) == (0.5, 1.0)


# --- the domain classifier --------------------------------------------------------------------


def test_statistic_is_the_auc_of_the_out_of_fold_scores() -> None:
    ref, cur = frames(600, seed=4, shift=0.3)
    schema = numeric_schema(*ref.columns)
    p = policy()
    dc = by_method(multivariate_evidence(ref, cur, schema, p))["domain_classifier"]
    inputs = encode_inputs(ref, cur, list(ref.columns), (), np.arange(600), np.arange(600))
    x, y = inputs.stacked()
    scores, _ = out_of_fold(x, y, inputs.categorical, p.seed)
    assert dc.statistic == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=p.seed).split(x, y)
    fold_p = []
    for _, test in folds:
        s, lab = scores[test], y[test]
        fold_p.append(stats.mannwhitneyu(s[lab == 1], s[lab == 0], alternative="greater").pvalue)
    combined = stats.cauchy.sf(np.mean(stats.cauchy.isf(fold_p)))
    assert dc.p_value == pytest.approx(combined, rel=1e-9)
    assert dc.low is not None and dc.high is not None
    assert dc.low < dc.statistic < dc.high
    assert (dc.n_reference, dc.n_current, dc.threshold) == (600, 600, 0.55)


def test_a_shift_in_one_column_is_found_and_attributed_to_it() -> None:
    ref, cur = frames(1500, seed=5, shift=0.5)
    dc = by_method(multivariate_evidence(ref, cur, numeric_schema(*ref.columns), policy()))[
        "domain_classifier"
    ]
    assert dc.drifted and dc.p_value < 1e-6 and dc.statistic > 0.57
    assert dc.top_features[0].column == "x1"
    assert dc.concentration is not None and dc.concentration > 0.6
    total = sum(f.importance for f in dc.top_features)
    assert total == pytest.approx(1.0)  # 4 columns: all listed, normalised to 1
    importances = [f.importance for f in dc.top_features]
    assert importances == sorted(importances, reverse=True)


def test_top_rows_are_the_current_rows_least_like_the_reference() -> None:
    ref, cur = frames(1000, seed=6)
    strange = np.arange(300, 340)
    cur.loc[strange, "x2"] = 6.0  # 40 rows far outside the reference
    dc = by_method(multivariate_evidence(ref, cur, numeric_schema(*ref.columns), policy()))[
        "domain_classifier"
    ]
    assert len(dc.top_rows) == 10
    assert len(set(dc.top_rows) & set(strange.tolist())) >= 8


def test_no_drift_is_rarely_flagged() -> None:
    drifted, small_p = 0, 0
    for seed in range(8):
        ref, cur = frames(300, seed=100 + seed, cols=3)
        ev = multivariate_evidence(ref, cur, numeric_schema(*ref.columns), Policy(seed=seed))
        dc = by_method(ev)["domain_classifier"]
        drifted += dc.drifted
        small_p += dc.p_value < 0.05
    assert drifted == 0
    assert small_p <= 2


def test_categorical_inputs_as_object_or_category_give_the_same_result() -> None:
    rng = np.random.default_rng(7)
    levels = np.array(["a", "b", "c", "d"])
    ref_codes = rng.choice(4, 1200, p=[0.25, 0.25, 0.25, 0.25])
    cur_codes = rng.choice(4, 1200, p=[0.10, 0.40, 0.25, 0.25])
    ref = pd.DataFrame({"g": levels[ref_codes], "x": rng.normal(size=1200)}).astype({"g": object})
    cur = pd.DataFrame({"g": levels[cur_codes], "x": rng.normal(size=1200)}).astype({"g": object})
    ref.loc[::50, "g"] = None
    schema = Schema(
        columns=(
            ColumnSpec(name="g", role=Role.CATEGORICAL),
            ColumnSpec(name="x", role=Role.NUMERIC),
            ColumnSpec(name="q", role=Role.TEXT),
        )
    )
    ref["q"], cur["q"] = "same text", "other text"  # text is left to the text signal
    as_object = multivariate_evidence(ref, cur, schema, policy())
    as_category = multivariate_evidence(
        ref.astype({"g": "category"}), cur.astype({"g": "category"}), schema, policy()
    )
    assert as_object == as_category
    dc = by_method(as_object)["domain_classifier"]
    assert dc.drifted and dc.top_features[0].column == "g"
    assert {f.column for f in dc.top_features} <= {"g", "x"}


def test_many_categories_are_capped_into_one_code() -> None:
    rng = np.random.default_rng(8)
    ref = pd.DataFrame({"g": [f"v{i}" for i in rng.integers(0, 400, 2000)]}, dtype=object)
    cur = pd.DataFrame({"g": [f"v{i}" for i in rng.integers(0, 400, 2000)]}, dtype=object)
    inputs = encode_inputs(ref, cur, ["g"], {"g"}, np.arange(2000), np.arange(2000))
    codes = np.concatenate([inputs.reference[:, 0], inputs.current[:, 0]])
    assert codes.max() == 249 and codes.min() == 0
    schema = Schema(columns=(ColumnSpec(name="g", role=Role.CATEGORICAL),))
    dc = by_method(multivariate_evidence(ref, cur, schema, policy()))["domain_classifier"]
    assert not dc.drifted


def test_subsample_size_and_determinism() -> None:
    ref, cur = frames(3000, seed=9, cols=2)
    schema = numeric_schema("x0", "x1")
    p = policy(max_rows=500, mmd_rows=100, permutations=50)
    first = multivariate_evidence(ref, cur, schema, p)
    assert first == multivariate_evidence(ref, cur, schema, p)
    found = by_method(first)
    assert (found["domain_classifier"].n_reference, found["domain_classifier"].n_current) == (
        500,
        500,
    )
    assert (found["mmd"].n_reference, found["mmd"].n_current) == (100, 100)
    other = multivariate_evidence(ref, cur, schema, p.model_copy(update={"seed": 1}))
    assert other != first


def test_a_million_rows_per_side_are_subsampled() -> None:
    rng = np.random.default_rng(10)
    n = 1_000_000
    ref = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    cur = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n) + 0.5})
    found = by_method(multivariate_evidence(ref, cur, numeric_schema("a", "b"), policy()))
    dc, mmd = found["domain_classifier"], found["mmd"]
    assert (dc.n_reference, mmd.n_reference) == (20_000, 1_000)
    assert dc.drifted and dc.top_features[0].column == "b"
    assert all(0 <= r < n for r in dc.top_rows + mmd.top_rows)


# --- not tested -------------------------------------------------------------------------------


def test_too_few_rows_and_disabled() -> None:
    ref, cur = frames(20, seed=11)
    ev = multivariate_evidence(ref, cur, numeric_schema(*ref.columns), Policy())
    assert ev == (
        NotTested(
            id="not_tested:multivariate:domain_classifier",
            reason="20 reference and 20 current rows; at least 30 needed on each side",
        ),
        NotTested(
            id="not_tested:multivariate:mmd",
            reason="20 reference and 20 current rows; at least 30 needed on each side",
        ),
    )
    assert multivariate_evidence(ref, cur, numeric_schema("x0"), policy(enabled=False)) == ()


def test_without_scikit_learn_the_classifier_is_not_tested(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    ref, cur = frames(200, seed=12, shift=1.0)
    dc, mmd = multivariate_evidence(ref, cur, numeric_schema(*ref.columns), policy())
    assert dc == NotTested(id="not_tested:multivariate:domain_classifier", reason=SKLEARN_MISSING)
    assert SKLEARN_MISSING == "scikit-learn is not installed (pip install 'driftwise[sklearn]')"
    assert isinstance(mmd, MultivariateDrift) and mmd.drifted  # MMD needs numpy only


# --- MMD --------------------------------------------------------------------------------------


def plain_mmd2(x: np.ndarray, y: np.ndarray, sigma: float) -> float:
    """Unbiased MMD^2 written from the definition, one pair at a time."""

    def k(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.exp(-np.sum((a - b) ** 2) / (2 * sigma**2)))

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_mmd2_matches_the_definition_and_sklearn_kernel() -> None:
    rng = np.random.default_rng(13)
    x, y = rng.normal(size=(25, 3)), rng.normal(size=(30, 3)) + 0.4
    assert mmd2_unbiased(x, y, 1.3) == pytest.approx(plain_mmd2(x, y, 1.3), rel=1e-10)
    gamma = 1 / (2 * 1.3**2)
    kxx, kyy = rbf_kernel(x, x, gamma=gamma), rbf_kernel(y, y, gamma=gamma)
    kxy = rbf_kernel(x, y, gamma=gamma)
    expected = (kxx.sum() - 25) / (25 * 24) + (kyy.sum() - 30) / (30 * 29) - 2 * kxy.mean()
    assert mmd2_unbiased(x, y, 1.3) == pytest.approx(expected, rel=1e-10)


def test_mmd2_estimates_the_closed_form_population_value() -> None:
    # Gaussian kernel of width s, P = N(0, I_2), Q = N((1, 0), I_2):
    # E k(X, X') = (1 + 2/s^2)^(-1), E k(X, Y) = (1 + 2/s^2)^(-1) exp(-1 / (2 (s^2 + 2))).
    s = 1.0
    population = 2 / 3 - 2 / 3 * np.exp(-1 / 6)
    rng = np.random.default_rng(14)
    values = [
        mmd2_unbiased(rng.normal(size=(800, 2)), rng.normal(size=(800, 2)) + [1.0, 0.0], s)
        for _ in range(5)
    ]
    assert population == pytest.approx(0.102346, abs=1e-6)
    assert float(np.mean(values)) == pytest.approx(population, abs=0.006)


def test_median_heuristic_is_the_median_pairwise_distance() -> None:
    rng = np.random.default_rng(15)
    z = rng.normal(size=(40, 3))
    distances = [np.linalg.norm(z[i] - z[j]) for i in range(40) for j in range(i + 1, 40)]
    assert median_heuristic(z) == pytest.approx(float(np.median(distances)), rel=1e-10)
    assert median_heuristic(np.zeros((5, 2))) == 1.0


def test_critical_value_agrees_with_the_p_value() -> None:
    rng = np.random.default_rng(19)
    null = rng.normal(size=199)
    threshold = critical_value(null, 0.05)
    for statistic in np.linspace(-3, 3, 301):
        p = (1 + np.sum(null >= statistic)) / 200
        assert (p < 0.05) == (statistic > threshold)


def test_permutation_p_value_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(16)
    x, y = rng.normal(size=(20, 2)), rng.normal(size=(25, 2)) + 0.3
    t = mmd_test(x, y, permutations=60, seed=7)
    sigma = median_heuristic(np.vstack([x, y]))
    assert t.sigma == pytest.approx(sigma)
    assert t.statistic == pytest.approx(plain_mmd2(x, y, sigma), rel=1e-10)
    perm_rng = np.random.default_rng([7, 4])
    pooled = np.vstack([x, y])
    null = []
    for _ in range(60):
        mask = np.zeros(45, dtype=bool)
        mask[perm_rng.permutation(45)[:20]] = True
        null.append(mmd2_unbiased(pooled[mask], pooled[~mask], sigma))
    assert t.null == pytest.approx(np.array(null), rel=1e-9, abs=1e-12)
    expected_p = (1 + sum(v >= t.statistic for v in null)) / 61
    assert t.p_value == pytest.approx(expected_p)


def test_mmd_evidence_uses_the_standardised_inputs() -> None:
    rng = np.random.default_rng(17)
    ref = pd.DataFrame({"a": rng.normal(5, 10, 60), "b": rng.normal(size=60)})
    cur = pd.DataFrame({"a": rng.normal(5, 10, 50), "b": rng.normal(size=50)})
    ref.loc[3, "b"] = np.nan
    p = policy(mmd_rows=100, permutations=30)
    mmd = by_method(multivariate_evidence(ref, cur, numeric_schema("a", "b"), p))["mmd"]
    center, scale = ref.mean().to_numpy(), ref.std(ddof=0).to_numpy()
    x = np.nan_to_num((ref.to_numpy() - center) / scale)
    y = np.nan_to_num((cur.to_numpy() - center) / scale)
    sigma = median_heuristic(np.vstack([x, y]))
    assert mmd.statistic == pytest.approx(plain_mmd2(x, y, sigma), rel=1e-9)
    assert not mmd.drifted and mmd.p_value > 0.05
    assert mmd.threshold >= mmd.statistic
    null = np.sort(mmd_test(x, y, permutations=30, seed=0).null)
    assert mmd.threshold == null[-1]  # 30 permutations: only a value above all has p < 0.05


def test_mmd_finds_a_change_of_correlation_with_unchanged_marginals() -> None:
    rng = np.random.default_rng(18)
    ref = pd.DataFrame(rng.normal(size=(1500, 2)), columns=["a", "b"])
    cur = pd.DataFrame(
        rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], 1500), columns=["a", "b"]
    )
    found = by_method(multivariate_evidence(ref, cur, numeric_schema("a", "b"), policy()))
    assert found["mmd"].drifted and found["mmd"].p_value < 0.01
    assert found["mmd"].statistic > found["mmd"].threshold
    rows = cur.iloc[list(found["mmd"].top_rows)]
    assert (rows["a"] * rows["b"] > 0).all()  # the witness points at the newly dense diagonal
