"""The terminal summary of the model-side evidence: multivariate drift, concept drift,
label-free estimates, performance timelines and fairness."""

from __future__ import annotations

import pytest

from driftwise.report import render_text
from driftwise.report.text_model import (
    concept_lines,
    estimate_lines,
    fairness_lines,
    multivariate_lines,
    timeline_lines,
)
from driftwise.signals.types import Fairness, MultivariateDrift, PerformanceTimeline
from report_fixtures import NASTY, block
from report_fixtures_kinds import concept, estimates, make_full_decision, timelines


@pytest.fixture(scope="module")
def full() -> str:
    return render_text(make_full_decision())


def test_multivariateblock(full: str) -> None:
    assert block(full, "Multivariate drift") == [
        "Multivariate drift",
        "  domain classifier: DRIFTED, AUC 0.731 [0.709, 0.752] (threshold 0.550), p 1.0e-04, n "
        "2,000/2,000",
        "    top features: income 0.412, region 0.205, utilization 0.118, <b>&'\" 0.031, age 0.000 "
        "(top",
        "      feature holds 53.0% of importance)",
        "    current rows least like the reference (positions): 17, 4, 903, 1288, 56, 311, 7, "
        "1999, +2 more",
        "  MMD: DRIFTED, MMD^2 0.0123 (threshold 0.01), p 0.002, n 1,000/1,000",
    ]


def test_multivariate_without_drivers_or_interval() -> None:
    lone = MultivariateDrift(
        id="multivariate:domain_classifier",
        method="domain_classifier",
        statistic=0.5,
        p_value=1.0,
        threshold=0.55,
        n_reference=0,
        n_current=0,
        drifted=False,
    )
    assert multivariate_lines([lone], 100) == [
        "Multivariate drift",
        "  domain classifier: no drift, AUC 0.500 (threshold 0.550), p 1.000, n 0/0",
    ]
    assert multivariate_lines([], 100) == []


def test_conceptblock(full: str) -> None:
    assert block(full, "Concept drift:") == [
        "Concept drift: DETECTED (not explained by covariate shift alone)",
        "  accuracy: observed 0.871 [0.860, 0.882] vs expected 0.905 [0.893, 0.916] under "
        "covariate shift",
        "    alone; gap -0.034, p 3.1e-04",
        "  Accuracy on labelled current rows (0.871) is 0.034 below what covariate shift alone "
        "predicts",
        "  (0.905): the relation between inputs and <label> changed.",
        "  method importance_weighting; effective sample size 1,844; label drift p 0.210",
    ]


def test_concept_verdicts_and_missing_label_test() -> None:
    c = concept()
    explained = c.model_copy(
        update={
            "detected": False,
            "explained_by_covariate_shift": True,
            "label_drift_p_value": None,
        }
    )
    neither = explained.model_copy(update={"explained_by_covariate_shift": False})
    assert concept_lines([explained], 100)[0] == (
        "Concept drift: none (the performance change is explained by covariate shift)"
    )
    assert concept_lines([neither], 100)[0] == "Concept drift: none detected"
    assert concept_lines([explained], 100)[-1].endswith("; label drift p not tested")


def test_estimate_block_lists_warnings(full: str) -> None:
    assert block(full, "Estimated performance") == [
        "Estimated performance (without labels; cbpe)",
        "  metric    reference                 estimate              change  status"
        "                realized",
        "  --------  --------------------  --  --------------------  ------  --------------------"
        "  --------",
        "  accuracy  0.912 [0.905, 0.919]  ->  0.884 [0.871, 0.896]  -0.028  DEGRADED, UNRELIABLE"
        "     0.871",
        "  roc_auc   0.941 [0.935, 0.947]  ->  0.936 [0.927, 0.944]  -0.005  ok"
        "                           -",
        "  WARNING (accuracy): concept drift detected: CBPE assumes P(y|x) is unchanged",
        "  WARNING (accuracy): 12.0% of current rows score outside the reference's range & "
        "calibration",
    ]


def test_estimates_with_different_methods_name_them() -> None:
    a, b = estimates()
    lines = estimate_lines([a, b.model_copy(update={"method": "dle"})], 100)
    assert lines[0] == "Estimated performance (without labels)"
    assert lines[3].startswith("  accuracy (cbpe)") and lines[4].startswith("  roc_auc (dle)")


def test_timeline_block_and_empty_sides(full: str) -> None:
    lines = block(full, "Performance over time: accuracy")
    assert lines[3:5] == [
        "  current: 2024-W07 0.897, 2024-W08 0.884, 2024-W09 0.866, 2024-W10 0.852",
        "  latest: 2024-W10 0.852 [0.832, 0.872], n 300",
    ]
    mae = timelines()[1]
    assert timeline_lines([mae], 100) == [
        "Performance over time: mae, 0 reference and 1 current periods",
        "  reference: none",
        f"  current: {NASTY} 1,234",
        f"  latest: {NASTY} 1,234 [1,100, 1,400], n 12",
    ]
    empty = PerformanceTimeline(id="timeline:f1", metric="f1", reference=(), current=())
    assert timeline_lines([empty], 100) == [
        "Performance over time: f1, 0 reference and 0 current periods",
        "  reference: none",
        "  current: none",
    ]


def test_long_timelines_show_the_latest_periods() -> None:
    t = timelines()[0]
    long = t.model_copy(update={"reference": t.reference * 3})
    lines = timeline_lines([long], 200)
    assert lines[1].startswith(
        "  reference: (+10 earlier) 2024-W05 0.914, 2024-W06 0.908, 2024-W01"
    )


def test_fairness_block_with_bias_note(full: str) -> None:
    assert block(full, "Fairness: sex") == [
        "Fairness: sex, selection_rate: disparity 0.180 [0.149, 0.211] (reference 0.060, change "
        "+0.120,",
        "  tolerance 0.05): WORSENED",
        "  NOTE: the base model was already biased: on the reference the disparity (0.060) "
        "exceeded the",
        "    tolerance (0.05); restoring it is not enough.",
        "  group   current [CI]              n  reference",
        "  ------  --------------------  -----  ---------",
        "  female  0.320 [0.298, 0.342]  1,800      0.380",
        "  male    0.500 [0.479, 0.521]  2,200      0.440",
    ]
    age = block(full, "Fairness: age_band")
    assert "NOTE" not in "\n".join(age)
    assert age[-3:] == [
        "  18-30   0.862 [0.840, 0.882]  1,100          -",
        f"  {NASTY}  0.874 [0.850, 0.896]    900          -",
        "  empty   no rows                   0          -",
    ]


def test_fairness_without_groups() -> None:
    f = Fairness(
        id="fairness:sex:accuracy",
        attribute="sex",
        metric="accuracy",
        groups=(),
        disparity=0.0,
        disparity_low=0.0,
        disparity_high=0.0,
        tolerance=0.05,
        worsened=False,
        biased_reference=True,
    )
    lines = fairness_lines([f], 100)
    assert lines[1] == (
        "  NOTE: the base model was already biased: on the reference the disparity exceeded the "
        "tolerance"
    )
    assert len(lines) == 3 and fairness_lines([], 100) == []
