"""Accuracy estimated without labels from calibrated scores (CBPE style)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.isotonic import IsotonicRegression

from driftwise.policy.model import EstimateThresholds, Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.estimate import (
    Calibrator,
    confidences,
    estimate_evidence,
    expected_calibration_error,
)
from driftwise.signals.multivariate import SKLEARN_MISSING
from driftwise.signals.types import EstimatedPerformance, NotTested

BINARY = Schema(
    columns=(
        ColumnSpec(name="s", role=Role.SCORE),
        ColumnSpec(name="p", role=Role.PREDICTION),
        ColumnSpec(name="y", role=Role.TARGET),
    )
)


def calibrated(rng: np.random.Generator, n: int, spread: float, labels: bool = True):
    """A perfectly calibrated score ``s`` = P(y = "1"), prediction at 0.5."""
    s = 1 / (1 + np.exp(-rng.normal(0, spread, n)))
    y = np.where(rng.random(n) < s, "1", "0")
    frame = pd.DataFrame({"s": s, "p": np.where(s > 0.5, "1", "0"), "y": y}).astype(
        {"p": object, "y": object}
    )
    if not labels:
        frame["y"] = None
    return frame


def only(evidence: tuple[object, ...]) -> EstimatedPerformance:
    assert len(evidence) == 1 and isinstance(evidence[0], EstimatedPerformance), evidence
    return evidence[0]


def test_estimate_is_isotonic_calibration_as_sklearn_computes_it() -> None:
    rng = np.random.default_rng(1)
    ref, cur = calibrated(rng, 3000, 2.0), calibrated(rng, 2000, 1.0, labels=False)
    e = only(estimate_evidence(ref, cur, BINARY, Policy()))
    conf_ref = np.maximum(ref["s"], 1 - ref["s"]).to_numpy()
    conf_cur = np.maximum(cur["s"], 1 - cur["s"]).to_numpy()
    right = (ref["y"] == ref["p"]).to_numpy(dtype=float)
    iso = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(conf_ref, right)
    assert e.estimate.value == pytest.approx(iso.predict(conf_cur).mean(), rel=1e-12)
    assert e.reference.value == pytest.approx(right.mean())
    assert e.change == pytest.approx(e.estimate.value - e.reference.value)
    assert (e.id, e.metric, e.method, e.realized) == ("estimate:accuracy", "accuracy", "cbpe", None)


def test_perfectly_calibrated_scores_estimate_the_true_accuracy() -> None:
    hits = 0
    for seed in range(40):
        rng = np.random.default_rng(100 + seed)
        ref, cur = calibrated(rng, 2000, 2.0), calibrated(rng, 2000, 1.2)
        e = only(estimate_evidence(ref, cur.assign(y=None), BINARY, Policy(seed=seed)))
        true = float((cur["y"] == cur["p"]).mean())
        hits += e.estimate.low <= true <= e.estimate.high
    assert hits >= 36  # a 95% interval: about 38 of 40


def test_labels_in_current_report_the_realized_accuracy() -> None:
    rng = np.random.default_rng(2)
    ref, cur = calibrated(rng, 3000, 2.0), calibrated(rng, 3000, 2.0)
    e = only(estimate_evidence(ref, cur, BINARY, Policy()))
    assert e.realized == pytest.approx(float((cur["y"] == cur["p"]).mean()))
    assert e.reliable and e.warnings == () and not e.degraded
    assert e.estimate.low <= e.realized <= e.estimate.high


def test_less_confident_scores_are_a_degradation() -> None:
    rng = np.random.default_rng(3)
    ref, cur = calibrated(rng, 4000, 3.0), calibrated(rng, 4000, 1.0, labels=False)
    e = only(estimate_evidence(ref, cur, BINARY, Policy()))
    assert e.degraded and e.reliable
    assert e.estimate.high < e.reference.value - 0.02
    loose = Policy(estimate=EstimateThresholds(tolerance=0.5))
    assert not only(estimate_evidence(ref, cur, BINARY, loose)).degraded


def test_scores_outside_the_reference_range_are_flagged() -> None:
    rng = np.random.default_rng(4)
    ref = calibrated(rng, 3000, 1.0)
    ref = ref[(ref["s"] > 0.2) & (ref["s"] < 0.8)].reset_index(drop=True)
    cur = calibrated(rng, 3000, 3.0, labels=False)
    e = only(estimate_evidence(ref, cur, BINARY, Policy()))
    outside = float(((cur["s"] < ref["s"].min()) | (cur["s"] > ref["s"].max())).mean())
    assert not e.reliable
    assert e.warnings == (
        f"{outside:.1%} of current rows have scores outside the reference's range "
        "(above the 5.0% allowed)",
    )


def test_a_changed_meaning_of_the_scores_is_flagged_by_the_labels() -> None:
    rng = np.random.default_rng(5)
    ref, cur = calibrated(rng, 3000, 2.0), calibrated(rng, 3000, 2.0)
    flip = rng.random(3000) < 0.2
    cur.loc[flip, "y"] = np.where(cur.loc[flip, "y"] == "1", "0", "1")  # concept drift
    e = only(estimate_evidence(ref, cur, BINARY, Policy()))
    assert not e.reliable and e.realized is not None
    assert e.realized < e.estimate.low - 0.02
    (warning,) = e.warnings
    assert warning.startswith("on the 3000 labelled current rows the realized accuracy ")
    assert warning.endswith("(concept drift)")


def test_poor_calibration_on_the_reference_is_flagged() -> None:
    rng = np.random.default_rng(6)
    ref, cur = calibrated(rng, 400, 2.0), calibrated(rng, 400, 2.0, labels=False)
    strict = Policy(estimate=EstimateThresholds(max_calibration_error=0.001))
    (warning,) = only(estimate_evidence(ref, cur, BINARY, strict)).warnings
    assert warning.startswith("calibration on the reference does not carry over: ")
    assert warning.endswith("is above 0.001")
    assert only(estimate_evidence(ref, cur, BINARY, Policy())).reliable


def test_expected_calibration_error_golden() -> None:
    rng = np.random.default_rng(7)
    prob, right = rng.random(500), (rng.random(500) < 0.6) * 1.0
    total = 0.0
    for b in range(10):
        inside = (prob >= b / 10) & (prob < (b + 1) / 10) if b < 9 else prob >= 0.9
        if inside.any():
            total += inside.mean() * abs(right[inside].mean() - prob[inside].mean())
    assert expected_calibration_error(prob, right) == pytest.approx(total)


def test_interval_adds_bernoulli_and_calibration_variances() -> None:
    conf = np.repeat([0.6, 0.9], [300, 700])
    right = np.r_[np.ones(180), np.zeros(120), np.ones(630), np.zeros(70)]
    cal = Calibrator.fit(conf, right)
    assert cal.block_rows.tolist() == [300.0, 700.0]
    current = np.repeat([0.6, 0.9], [100, 300])
    iv = cal.estimate(current, 0.95)
    c = np.repeat([0.6, 0.9], [100, 300])
    p = np.array([(180 + 0.5) / 301, (630 + 0.5) / 701])
    var = np.sum(c * (1 - c)) / 400**2 + np.sum(
        np.array([0.25, 0.75]) ** 2 * p * (1 - p) / [300, 700]
    )
    assert iv.value == pytest.approx(c.mean())
    assert iv.high - iv.value == pytest.approx(1.959963984540054 * np.sqrt(var))


def test_threshold_and_class_of_the_score_are_found() -> None:
    rng = np.random.default_rng(8)

    def frame(n: int, labels: bool) -> pd.DataFrame:
        s = rng.random(n)  # P(class "no") = s; the model says "no" above 0.3
        y = np.where(rng.random(n) < s, "no", "yes")
        out = pd.DataFrame({"s": s, "p": np.where(s > 0.3, "no", "yes"), "y": y}, dtype=object)
        return out.astype({"s": float}).assign(y=y if labels else None)

    ref, cur = frame(4000, True), frame(4000, True)
    conf_ref, _ = confidences(ref, cur, "p", ("s",))
    expected = np.where(ref["p"] == "no", ref["s"], 1 - ref["s"])
    assert conf_ref == pytest.approx(expected)
    e = only(estimate_evidence(ref, cur.assign(y=None), BINARY, Policy()))
    assert abs(e.estimate.value - float((cur["y"] == cur["p"]).mean())) < 0.02


def test_multiclass_uses_the_largest_score() -> None:
    rng = np.random.default_rng(9)
    schema = Schema(
        columns=(
            ColumnSpec(name="pa", role=Role.SCORE),
            ColumnSpec(name="pb", role=Role.SCORE),
            ColumnSpec(name="pc", role=Role.SCORE),
            ColumnSpec(name="p", role=Role.PREDICTION),
            ColumnSpec(name="y", role=Role.TARGET),
        )
    )

    def frame(n: int) -> pd.DataFrame:
        logits = rng.normal(0, 1.5, (n, 3))
        prob = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        y = np.array([rng.choice(3, p=row) for row in prob])
        names = np.array(["a", "b", "c"])
        return pd.DataFrame(
            {
                "pa": prob[:, 0],
                "pb": prob[:, 1],
                "pc": prob[:, 2],
                "p": pd.Categorical(names[prob.argmax(axis=1)]),
                "y": names[y],
            }
        ).astype({"y": object})

    ref, cur = frame(3000), frame(3000)
    e = only(estimate_evidence(ref, cur.assign(y=None), schema, Policy()))
    true = float((cur["y"] == cur["p"].astype(object)).mean())
    assert e.estimate.low <= true <= e.estimate.high


def test_not_tested_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(10)
    ref, cur = calibrated(rng, 500, 2.0), calibrated(rng, 500, 2.0)
    three = ref.assign(p=np.resize(["a", "b", "c"], 500))
    assert estimate_evidence(three, cur, BINARY, Policy()) == (
        NotTested(
            id="not_tested:estimate:accuracy",
            reason="one score column needs a binary prediction; found 3 predicted classes in "
            "column 'p'",
        ),
    )
    regression = Schema(
        columns=(
            ColumnSpec(name="s", role=Role.SCORE),
            ColumnSpec(name="p", role=Role.PREDICTION, dtype="numeric"),
            ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
        )
    )
    (skip,) = estimate_evidence(ref, cur, regression, Policy())
    assert skip == NotTested(
        id="not_tested:estimate:accuracy",
        reason="estimates a classifier's accuracy; the target 'y' is numeric",
    )
    few = ref.assign(y=[*ref["y"][:20], *[None] * 480])
    (skip,) = estimate_evidence(few, cur, BINARY, Policy())
    assert isinstance(skip, NotTested)
    assert skip.reason == (
        "20 labelled, scored reference rows and 500 scored current rows; "
        "at least 30 needed on each side"
    )
    assert (
        estimate_evidence(ref, cur, BINARY, Policy(estimate=EstimateThresholds(enabled=False)))
        == ()
    )
    monkeypatch.setitem(sys.modules, "sklearn", None)
    assert estimate_evidence(ref, cur, BINARY, Policy()) == (
        NotTested(id="not_tested:estimate:accuracy", reason=SKLEARN_MISSING),
    )


def test_missing_scores_are_left_out_and_category_dtypes_work() -> None:
    rng = np.random.default_rng(11)
    ref, cur = calibrated(rng, 2000, 2.0), calibrated(rng, 2000, 2.0, labels=False)
    cur.loc[::10, "s"] = np.nan
    e = only(estimate_evidence(ref, cur, BINARY, Policy()))
    assert e.estimate.n == 1800
    as_category = ref.astype({"p": "category", "y": "category"})
    assert only(estimate_evidence(as_category, cur, BINARY, Policy())) == e


def test_a_million_rows_per_side() -> None:
    rng = np.random.default_rng(12)
    ref, cur = calibrated(rng, 1_000_000, 2.0), calibrated(rng, 1_000_000, 2.0, labels=False)
    e = only(estimate_evidence(ref, cur, BINARY, Policy()))
    assert e.reference.n == 1_000_000 and e.estimate.n == 1_000_000
    assert abs(e.change) < 0.01 and e.reliable and not e.degraded
