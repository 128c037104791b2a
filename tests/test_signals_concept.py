"""Concept drift: observed performance against what covariate shift alone predicts."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from driftwise.policy.model import ConceptThresholds, Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.concept import CLIP, concept_evidence, label_drift_p_value, weighted_mean
from driftwise.signals.multivariate import SKLEARN_MISSING, encode_inputs, out_of_fold
from driftwise.signals.types import ConceptDrift, NotTested

SCHEMA = Schema(
    columns=(
        ColumnSpec(name="a", role=Role.NUMERIC),
        ColumnSpec(name="b", role=Role.NUMERIC),
        ColumnSpec(name="y", role=Role.TARGET),
        ColumnSpec(name="p", role=Role.PREDICTION),
    )
)
REGRESSION = Schema(
    columns=(
        ColumnSpec(name="a", role=Role.NUMERIC),
        ColumnSpec(name="b", role=Role.NUMERIC),
        ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
        ColumnSpec(name="p", role=Role.PREDICTION, dtype="numeric"),
    )
)


def world(rng: np.random.Generator, n: int, mean_a: float = 0.0, flip: bool = False):
    """The model predicts ``a > 0``. The truth follows ``a`` below 1; above 1 it is a coin with
    P(1) = 0.6, so the model is much worse there. ``flip`` turns labels over where ``b > 0.8``
    (a change of P(y|x) with P(x) unchanged)."""
    a, b = rng.normal(mean_a, 1, n), rng.normal(size=n)
    y = np.where(a < 1, a + 0.3 * rng.normal(size=n) > 0, rng.random(n) < 0.6)
    if flip:
        y = np.where(b > 0.8, ~y, y)
    labels = pd.Series(np.where(y, "1", "0"), dtype=object)
    return pd.DataFrame({"a": a, "b": b, "y": labels, "p": np.where(a > 0, "1", "0")}).astype(
        {"p": object}
    )


def only(evidence: tuple[object, ...]) -> ConceptDrift:
    assert len(evidence) == 1 and isinstance(evidence[0], ConceptDrift), evidence
    return evidence[0]


def test_a_change_of_p_y_given_x_is_detected_and_not_explained() -> None:
    rng = np.random.default_rng(1)
    c = only(concept_evidence(world(rng, 2500), world(rng, 2500, flip=True), SCHEMA, Policy()))
    assert c.detected and not c.explained_by_covariate_shift
    assert c.p_value < 1e-6 and c.gap < -0.1
    assert abs(c.expected.value - 0.84) < 0.03  # weights near 1: the reference's own accuracy
    assert c.explanation.startswith(f"Current accuracy {c.observed.value:.3f} is ")
    assert "P(y|x) changed" in c.explanation


def test_pure_covariate_shift_explains_the_drop() -> None:
    rng = np.random.default_rng(2)
    ref, cur = world(rng, 2500), world(rng, 2500, mean_a=1.0)
    c = only(concept_evidence(ref, cur, SCHEMA, Policy()))
    reference_accuracy = float((ref["y"] == ref["p"]).mean())
    assert c.observed.value < reference_accuracy - 0.05  # the model is worse where a > 1
    assert not c.detected and c.explained_by_covariate_shift
    assert abs(c.gap) < 0.04
    assert c.expected.value < reference_accuracy - 0.05  # the weights see the shift
    assert "covariate shift explains the drop" in c.explanation
    assert c.label_drift_p_value is not None and c.label_drift_p_value < 1e-6


def test_no_change_is_neither_detected_nor_explained() -> None:
    rng = np.random.default_rng(3)
    c = only(concept_evidence(world(rng, 2500), world(rng, 2500), SCHEMA, Policy()))
    assert not c.detected and not c.explained_by_covariate_shift
    assert c.p_value > 0.5
    assert "no sign that P(y|x) changed" in c.explanation
    assert c.effective_sample_size > 2000


def test_expected_is_the_weighted_mean_of_cross_fitted_weights() -> None:
    rng = np.random.default_rng(4)
    ref, cur = world(rng, 800), world(rng, 600, mean_a=0.5)
    cur.loc[::4, "y"] = None  # unlabelled rows take no part
    policy = Policy(seed=3)
    c = only(concept_evidence(ref, cur, SCHEMA, policy))
    labelled = np.flatnonzero(cur["y"].notna().to_numpy())
    inputs = encode_inputs(ref, cur, ["a", "b"], (), np.arange(800), labelled)
    x, y = inputs.stacked()
    scores, _ = out_of_fold(x, y, inputs.categorical, seed=3)
    p = np.clip(scores[:800], 0.01, 0.99)
    w = p / (1 - p) * 800 / labelled.size
    right = (ref["y"] == ref["p"]).to_numpy(dtype=float)
    expected = np.average(right, weights=w)
    assert CLIP == 0.01
    assert c.expected.value == pytest.approx(expected, rel=1e-12)
    assert c.effective_sample_size == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-12)
    se_expected = np.sqrt(
        np.average((right - expected) ** 2, weights=w) / w.sum() ** 2 * (w**2).sum()
    )
    observed = cur.loc[labelled, "y"] == cur.loc[labelled, "p"]
    k, n = int(observed.sum()), labelled.size
    assert (c.observed.value, c.observed.n) == (pytest.approx(k / n), n)
    wilson = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
    assert (c.observed.low, c.observed.high) == pytest.approx((wilson.low, wilson.high))
    se = np.hypot(se_expected, np.std(observed.to_numpy(float), ddof=1) / np.sqrt(n))
    gap = k / n - expected
    assert c.gap == pytest.approx(gap)
    assert c.p_value == pytest.approx(stats.norm.cdf((gap + 0.02) / se), rel=1e-9)
    half = stats.norm.ppf(0.975) * se_expected
    assert (c.expected.low, c.expected.high) == pytest.approx((expected - half, expected + half))


def test_weighted_mean_golden() -> None:
    rng = np.random.default_rng(5)
    values, weights = rng.random(50), rng.random(50) * 3
    mean, se, n_eff = weighted_mean(values, weights)
    assert mean == pytest.approx(np.average(values, weights=weights))
    assert n_eff == pytest.approx(weights.sum() ** 2 / np.sum(weights**2))
    variance = np.cov(values, aweights=weights, bias=True)
    assert se == pytest.approx(np.sqrt(variance / n_eff))
    assert weighted_mean(values, np.ones(50))[2] == pytest.approx(50)


def test_label_drift_matches_scipy_chi_square() -> None:
    ref = pd.Series(["a"] * 300 + ["b"] * 500 + ["c"] * 200 + [None] * 40, dtype=object)
    cur = pd.Series(["a"] * 350 + ["b"] * 420 + ["c"] * 230, dtype="category")
    table = [[300, 500, 200], [350, 420, 230]]
    expected = stats.chi2_contingency(table, correction=False).pvalue
    assert label_drift_p_value(ref, cur, numeric=False) == pytest.approx(expected, rel=1e-9)


def test_numeric_label_drift_uses_reference_deciles() -> None:
    rng = np.random.default_rng(6)
    ref, cur = pd.Series(rng.normal(size=2000)), pd.Series(rng.normal(0.2, 1, 1500))
    edges = np.quantile(ref, np.linspace(0.1, 0.9, 9))
    counts = [
        np.bincount(np.searchsorted(edges, s, side="right"), minlength=10) for s in (ref, cur)
    ]
    expected = stats.chi2_contingency(counts, correction=False).pvalue
    assert label_drift_p_value(ref, cur, numeric=True) == pytest.approx(expected, rel=1e-9)


def regression_world(rng: np.random.Generator, n: int, mean_a: float = 0.0, noisy: bool = False):
    """The model predicts ``a``; the error grows where ``a > 1`` (and where ``b > 0.8`` when
    ``noisy``: a change of P(y|x))."""
    a, b = rng.normal(mean_a, 1, n), rng.normal(size=n)
    scale = np.where(a > 1, 2.0, 0.5) * np.where(noisy & (b > 0.8), 3.0, 1.0)
    return pd.DataFrame({"a": a, "b": b, "y": a + scale * rng.normal(size=n), "p": a})


def test_regression_concept_drift_and_covariate_shift() -> None:
    rng = np.random.default_rng(7)
    ref = regression_world(rng, 2500)
    concept = only(
        concept_evidence(ref, regression_world(rng, 2500, noisy=True), REGRESSION, Policy())
    )
    assert concept.metric == "mae" and concept.detected and concept.gap < 0
    assert concept.observed.method == "t"
    shifted = only(
        concept_evidence(ref, regression_world(rng, 2500, mean_a=1.0), REGRESSION, Policy())
    )
    assert not shifted.detected and shifted.explained_by_covariate_shift
    assert shifted.observed.value > float(np.mean(np.abs(ref["y"] - ref["p"]))) * 1.2


def test_categories_and_category_dtype_labels() -> None:
    rng = np.random.default_rng(8)
    ref, cur = world(rng, 1500), world(rng, 1500, flip=True)
    ref["g"] = pd.Categorical(rng.choice(["u", "v"], 1500))
    cur["g"] = pd.Series(rng.choice(["u", "v"], 1500), dtype=object)
    schema = Schema(columns=(*SCHEMA.columns, ColumnSpec(name="g", role=Role.CATEGORICAL)))
    as_category = ref.astype({"y": "category", "p": "category"})
    c = only(concept_evidence(as_category, cur, schema, Policy()))
    assert c.detected
    assert only(concept_evidence(ref, cur, schema, Policy())) == c


def test_not_tested_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(9)
    ref, cur = world(rng, 400), world(rng, 400)
    few = cur.copy()
    few.loc[20:, "y"] = None
    assert concept_evidence(ref, few, SCHEMA, Policy()) == (
        NotTested(
            id="not_tested:concept",
            reason="400 labelled reference and 20 current rows; at least 30 needed on each side",
        ),
    )
    text_only = Schema(
        columns=(
            ColumnSpec(name="q", role=Role.TEXT),
            ColumnSpec(name="y", role=Role.TARGET),
            ColumnSpec(name="p", role=Role.PREDICTION),
        )
    )
    (skip,) = concept_evidence(ref.assign(q="x"), cur.assign(q="y"), text_only, Policy())
    assert isinstance(skip, NotTested)
    assert skip.reason == "no numeric or categorical inputs to reweight"
    monkeypatch.setitem(sys.modules, "sklearn", None)
    assert concept_evidence(ref, cur, SCHEMA, Policy()) == (
        NotTested(id="not_tested:concept", reason=SKLEARN_MISSING),
    )


def test_inputs_outside_the_reference_give_no_verdict() -> None:
    rng = np.random.default_rng(10)
    ref, cur = world(rng, 1500), world(rng, 1500, mean_a=8.0)
    (skip,) = concept_evidence(ref, cur, SCHEMA, Policy())
    assert isinstance(skip, NotTested)
    assert skip.reason.startswith("the reference covers an estimated ")
    assert skip.reason.endswith(
        "of the current inputs; at least 75% needed (the current inputs lie outside the "
        "reference's)"
    )


def test_too_small_an_effective_sample_gives_no_verdict() -> None:
    rng = np.random.default_rng(11)
    ref, cur = world(rng, 600), world(rng, 600, mean_a=1.5)
    strict = Policy(concept=ConceptThresholds(min_effective_sample_size=500, min_coverage=0.0))
    (skip,) = concept_evidence(ref, cur, SCHEMA, strict)
    assert isinstance(skip, NotTested)
    assert skip.reason.startswith("the reweighted reference has an effective sample size of ")
    assert skip.reason.endswith("at least 500 needed (the inputs of the two sides barely overlap)")


def test_deterministic_for_the_seed() -> None:
    rng = np.random.default_rng(12)
    ref, cur = world(rng, 700), world(rng, 700, mean_a=0.5)
    first = concept_evidence(ref, cur, SCHEMA, Policy(seed=4))
    assert first == concept_evidence(ref, cur, SCHEMA, Policy(seed=4))
    assert first != concept_evidence(ref, cur, SCHEMA, Policy(seed=5))
