"""The terminal summary and the shared number formats of driftwise.report.

``make_decision`` builds a realistic decision document by hand; the HTML tests import it too.
"""

from __future__ import annotations

import math

import pytest
from scipy.stats import false_discovery_control

from driftwise.decide.types import Alternative, CheckSummary, Decision, PolicyRef, Reason
from driftwise.report import render_text
from driftwise.report.format import (
    correction_label,
    drift_count_line,
    format_p,
    format_share,
    min_effect_label,
)
from driftwise.report.text import ascii_table
from driftwise.signals.types import (
    Distribution,
    FeatureDrift,
    Interval,
    LabelAvailability,
    Performance,
    Scope,
    SegmentDrift,
)

NASTY = "<b>&'\""

# column, role, test, p-value, effect, drifted, distribution
_NUMERIC_EDGES = (0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0)
_FEATURES: list[tuple[str, str, str, float, float, Distribution]] = [
    (
        "income",
        "numeric",
        "ks",
        1.2e-12,
        0.412,
        Distribution(
            edges=_NUMERIC_EDGES,
            reference=(0.05, 0.12, 0.2, 0.25, 0.18, 0.11, 0.06, 0.03),
            current=(0.02, 0.05, 0.1, 0.17, 0.24, 0.21, 0.14, 0.07),
        ),
    ),
    (
        "utilization",
        "numeric",
        "ks",
        3.2e-05,
        0.118,
        Distribution(
            edges=(0.0, 0.1, 0.2, 0.4, 0.8, 1.0),
            reference=(0.2, 0.2, 0.2, 0.2, 0.2),
            current=(0.1, 0.15, 0.2, 0.3, 0.25),
        ),
    ),
    (
        "region",
        "categorical",
        "chi2",
        4.0e-09,
        0.142,
        Distribution(
            labels=("coast", "inland", "mountain", "north-east"),
            reference=(0.5, 0.35, 0.15, 0.0),
            current=(0.62, 0.22, 0.1, 0.06),
        ),
    ),
    (
        NASTY,
        "categorical",
        "chi2",
        0.0021,
        0.031,
        Distribution(
            labels=("x", "<script>", "a&b"),
            reference=(1.0, 0.0, 0.0),
            current=(0.97, 0.02, 0.01),
        ),
    ),
    (
        "age",
        "numeric",
        "ks",
        0.41,
        0.012,
        Distribution(
            edges=(18.0, 30.0, 45.0, 60.0, 90.0),
            reference=(0.3, 0.3, 0.25, 0.15),
            current=(0.29, 0.31, 0.25, 0.15),
        ),
    ),
    (
        "tenure",
        "numeric",
        "ks",
        0.004,
        0.021,
        Distribution(
            edges=(0.0, 1.0, 2.0, 5.0, 10.0),
            reference=(0.2, 0.3, 0.3, 0.2),
            current=(0.22, 0.3, 0.29, 0.19),
        ),
    ),
]
_NEW = {"region": {"north-east": 0.06}, NASTY: {"<script>": 0.02, "a&b": 0.01}}


def _feature_drifts() -> list[FeatureDrift]:
    p = [f[3] for f in _FEATURES]
    q = [float(v) for v in false_discovery_control(p, method="bh")]
    out = []
    for (column, role, test, p_value, effect, dist), p_adj in zip(_FEATURES, q, strict=True):
        min_effect = 0.05 if role == "numeric" else 0.01
        significant, practical = p_adj < 0.05, effect >= min_effect
        out.append(
            FeatureDrift(
                id=f"drift:feature:{column}",
                column=column,
                role=role,
                test=test,
                statistic=round(effect * 0.8, 4),
                p_value=p_value,
                p_adjusted=p_adj,
                effect_size=effect,
                effect_measure="wasserstein_normed" if role == "numeric" else "total_variation",
                min_effect=min_effect,
                n_reference=5000,
                n_current=4000,
                significant=significant,
                practical=practical,
                drifted=significant and practical,
                missing_current=0.02 if column == "income" else 0.0,
                new_categories=_NEW.get(column, {}),
                distribution=dist,
            )
        )
    return out


def _interval(value: float, half: float, n: int) -> Interval:
    return Interval(value=value, low=value - half, high=value + half, n=n, method="wilson")


def make_decision() -> Decision:
    """A retrain decision with every kind of evidence, reasons citing it, and alternatives."""
    features = _feature_drifts()
    inside = FeatureDrift(
        id="drift:feature:income@region=coast",
        column="income",
        role="numeric",
        segment="region=coast",
        test="ks",
        statistic=0.41,
        p_value=1e-15,
        p_adjusted=6e-15,
        effect_size=0.655,
        effect_measure="wasserstein_normed",
        min_effect=0.05,
        n_reference=2500,
        n_current=2480,
        significant=True,
        practical=True,
        drifted=True,
    )
    perf = Performance(
        id="perf:accuracy",
        metric="accuracy",
        higher_is_better=True,
        reference=_interval(0.912, 0.007, 5000),
        current=_interval(0.871, 0.011, 1200),
        change=-0.041,
        p_value=2.1e-06,
        tolerance=0.01,
        degraded=True,
    )
    perf_coast = Performance(
        id="perf:accuracy@region=coast",
        metric="accuracy",
        higher_is_better=True,
        segment="region=coast",
        reference=_interval(0.905, 0.01, 2500),
        current=_interval(0.842, 0.018, 700),
        change=-0.063,
        p_value=1.4e-05,
        tolerance=0.01,
        degraded=True,
    )
    segments = [
        SegmentDrift(
            id="segment:region=coast",
            key="region",
            value="coast",
            share_reference=0.5,
            share_current=0.62,
            n_reference=2500,
            n_current=2480,
            drifted_features=("income", "utilization"),
            max_effect=0.655,
            performance_change=-0.063,
            performance_p_value=1.4e-05,
            degraded=True,
            drifted=True,
        ),
        SegmentDrift(
            id="segment:region=inland",
            key="region",
            value="inland",
            share_reference=0.35,
            share_current=0.22,
            n_reference=1750,
            n_current=880,
            drifted_features=(),
            max_effect=0.031,
            drifted=False,
        ),
        SegmentDrift(
            id="segment:region=mountain",
            key="region",
            value="mountain",
            share_reference=0.15,
            share_current=0.1,
            n_reference=750,
            n_current=400,
            drifted_features=(),
            max_effect=0.044,
            drifted=False,
        ),
    ]
    scope = Scope(
        verdict="localized",
        drifted_feature_share=4 / 6,
        drifted_features=("income", "utilization", "region", NASTY),
        drifted_segments=("region=coast",),
        drifted_traffic_share=0.62,
        explanation=(
            "Drift is concentrated in region=coast, which now carries 62.0% of traffic; the "
            "other regions are stable."
        ),
    )
    labels = LabelAvailability(
        n_current=4000,
        n_labelled=1200,
        share_labelled=0.3,
        sufficient_for_fine_tune=True,
        sufficient_for_retrain=False,
    )
    return Decision(
        driftwise_version="0.1.0",
        action="retrain",
        confidence=0.82,
        headline="Accuracy fell 4.1 points while income and region drifted.",
        reasons=(
            Reason(
                text="Accuracy fell from 0.912 to 0.871, beyond the 0.01 tolerance.",
                evidence=("perf:accuracy", "perf:accuracy@region=coast"),
            ),
            Reason(
                text="4 of 6 features drifted, led by income (0.412 sd).",
                evidence=("drift:feature:income", "drift:feature:region", f"drift:feature:{NASTY}"),
            ),
            Reason(
                text="The drift is localized in region=coast but it carries most traffic.",
                evidence=("scope", "segment:region=coast"),
            ),
            Reason(text="Enough labels to fine-tune but not to retrain.", evidence=("labels",)),
        ),
        alternatives=(
            Alternative(action="fine_tune", score=0.61, rationale="Cheaper; labels suffice."),
            Alternative(action="retrain", score=0.82, rationale="Restores accuracy broadly."),
            Alternative(action="monitor", score=0.2, rationale="Accuracy loss is significant."),
            Alternative(action="no_action", score=0.05, rationale="Ignores a degradation."),
        ),
        approvals_required=("model-owner", "risk-officer"),
        evidence=(*features, inside, perf, perf_coast, *segments, scope, labels),
        summary=CheckSummary(
            n_reference=5000,
            n_current=4000,
            n_features=6,
            n_labelled_current=1200,
            reference="reference.parquet",
            current="week-23.csv",
            target="default",
            segments=("region",),
        ),
        policy=PolicyRef(name="credit-risk", risk_tier="high", source="policy.yaml"),
    )


@pytest.fixture
def decision() -> Decision:
    return make_decision()


def test_headline_and_context(decision: Decision) -> None:
    lines = render_text(decision).splitlines()
    assert lines[0] == "Decision: RETRAIN (confidence 0.82)"
    assert lines[1] == "Accuracy fell 4.1 points while income and region drifted."
    assert lines[2] == "Policy: credit-risk (risk tier high)"
    assert (
        lines[3]
        == "Data: 5,000 reference rows (reference.parquet) vs 4,000 current rows (week-23.csv)"
    )


def test_reason_lines_cite_evidence(decision: Decision) -> None:
    out = render_text(decision)
    assert "  4. Enough labels to fine-tune but not to retrain. [labels]\n" in out
    assert (
        "  1. Accuracy fell from 0.912 to 0.871, beyond the 0.01 tolerance. [perf:accuracy,\n"
        "     perf:accuracy@region=coast]\n"
    ) in out


def test_alternatives_ranked_by_score(decision: Decision) -> None:
    out = render_text(decision)
    block = out[out.index("Alternatives (ranked)") :].splitlines()[1:7]
    assert block == [
        "  #  action            score  rationale",
        "  -  ----------------  -----  -----------------------------",
        "  1  retrain (chosen)  0.820  Restores accuracy broadly.",
        "  2  fine_tune         0.610  Cheaper; labels suffice.",
        "  3  monitor           0.200  Accuracy loss is significant.",
        "  4  no_action         0.050  Ignores a degradation.",
    ]
    assert "Approvals required: model-owner, risk-officer" in out


def test_drifted_features_table(decision: Decision) -> None:
    out = render_text(decision)
    assert (
        "Drifted features: 4 of 6 features drifted (BH-corrected, min effect 0.05 sd / 0.01 TV)"
        in out
    )
    block = out[out.index("Drifted features:") :].splitlines()
    assert block[1].split() == ["column", "test", "effect", "p", "adj", "new", "categories"]
    assert block[3] == "  income       ks    0.412 sd  7.2e-12"
    assert block[4] == "  region       chi2  0.142 TV  1.2e-08  'north-east' 6.0%"
    assert block[5] == "  utilization  ks    0.118 sd  6.4e-05"
    assert block[6] == "  <b>&'\"       chi2  0.031 TV    0.003  '<script>' 2.0%, 'a&b' 1.0%"
    assert "age" not in "\n".join(block[:8])


def test_segment_level_drift_listed_apart(decision: Decision) -> None:
    out = render_text(decision)
    assert "Drifted inside segments: 1 feature test(s)" in out
    assert "  income  region=coast  ks    0.655 sd  6.0e-15" in out


def test_performance_scope_segments_labels(decision: Decision) -> None:
    out = render_text(decision)
    assert (
        "  accuracy  overall       0.912 [0.905, 0.919]  ->  0.871 [0.860, 0.882]  -0.041  2.1e-06"
        "  DEGRADED"
    ) in out
    assert "Scope: LOCALIZED (drifted segments carry 62.0% of current traffic; 66.7% of" in out
    assert "Segments: 1 of 3 affected" in out
    assert "  region=coast  50.0% -> 62.0%" in out
    assert (
        "Labels: 1,200 of 4,000 current rows labelled (30.0%); enough to fine-tune: yes, to "
        "retrain: no"
    ) in out


def test_output_is_deterministic_ascii_layout_within_width(decision: Decision) -> None:
    out = render_text(decision, width=100)
    assert out == render_text(make_decision(), width=100)
    assert not out.endswith("\n") and "\n\n\n" not in out
    assert all(len(line) <= 100 for line in out.splitlines())
    narrow = render_text(decision, width=72)
    prose = narrow[narrow.index("Reasons") : narrow.index("Alternatives")].splitlines()
    prose += narrow[narrow.index("Scope:") : narrow.index("Segments:")].splitlines()
    assert len(prose) > 8 and all(len(line) <= 72 for line in prose)


def test_unknown_evidence_id_is_flagged() -> None:
    d = make_decision()
    d = d.model_copy(update={"reasons": (Reason(text="Odd.", evidence=("nope",)),)})
    assert "  1. Odd. [nope (not in evidence)]" in render_text(d)


def test_no_evidence_sections_say_so() -> None:
    d = make_decision().model_copy(update={"evidence": (), "alternatives": (), "reasons": ()})
    out = render_text(d)
    assert "Drifted features: No feature drift tests in the evidence." in out
    assert "Performance: not measured (no performance evidence)" in out
    assert "Scope: not assessed (no scope evidence)" in out
    assert "Labels: no label information" in out
    assert "Alternatives: none recorded" in out
    assert "  (none given)" in out


def test_control_characters_in_names_stay_on_one_line() -> None:
    d = make_decision()
    odd = d.evidence[0].model_copy(update={"column": "in\ncome"})
    d = d.model_copy(update={"evidence": (odd, *d.evidence[1:])})
    assert "  in\\ncome " in render_text(d)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (0.5, "0.500"),
        (0.001, "0.001"),
        (0.00099, "9.9e-04"),
        (3.2e-05, "3.2e-05"),
        (0.0, "<1e-300"),
    ],
)
def test_format_p(p: float, expected: str) -> None:
    assert format_p(p) == expected


def test_format_share() -> None:
    assert [format_share(x) for x in (1.0, 0.1234, 0.0004, math.nan)] == [
        "100.0%",
        "12.3%",
        "<0.1%",
        "n/a",
    ]


def test_correction_label_reads_the_recorded_method() -> None:
    drifts = _feature_drifts()
    assert correction_label(drifts) == "BH-corrected"
    bonferroni = [d.model_copy(update={"correction": "bonferroni"}) for d in drifts]
    assert correction_label(bonferroni) == "Bonferroni-corrected"
    raw = [d.model_copy(update={"correction": "none"}) for d in drifts]
    assert correction_label(raw) == "uncorrected"
    assert correction_label(drifts[:1] + raw[:1]) == "BH-corrected / uncorrected"


def test_min_effect_and_untested_features() -> None:
    d = make_decision()
    assert min_effect_label(_feature_drifts()) == "min effect 0.05 sd / 0.01 TV"
    more = d.model_copy(update={"summary": d.summary.model_copy(update={"n_features": 9})})
    assert drift_count_line(more).endswith("; 3 not tested")


def test_ascii_table_cuts_last_column_to_width() -> None:
    lines = ascii_table(["a", "text"], [["1", "x" * 200]], width=40)
    assert lines[2] == "  1  " + "x" * 32 + "..."
    assert all(len(line) <= 40 for line in lines)
