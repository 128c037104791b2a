"""The terminal summary and the shared number formats of driftwise.report.

The decision documents are built by hand in ``report_fixtures``.
"""

from __future__ import annotations

import math

import pytest

from driftwise.decide.types import Decision, Reason
from driftwise.report import render_text
from driftwise.report.format import (
    correction_label,
    drift_count_line,
    format_p,
    format_share,
    min_effect_label,
)
from driftwise.report.text import ascii_table
from report_fixtures import feature_drifts, make_decision


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
    assert "Approvals required: model-owner; risk-officer" in out


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
    drifts = feature_drifts()
    assert correction_label(drifts) == "BH-corrected"
    bonferroni = [d.model_copy(update={"correction": "bonferroni"}) for d in drifts]
    assert correction_label(bonferroni) == "Bonferroni-corrected"
    raw = [d.model_copy(update={"correction": "none"}) for d in drifts]
    assert correction_label(raw) == "uncorrected"
    assert correction_label(drifts[:1] + raw[:1]) == "BH-corrected / uncorrected"


def test_min_effect_and_untested_features() -> None:
    d = make_decision()
    assert min_effect_label(feature_drifts()) == "min effect 0.05 sd / 0.01 TV"
    more = d.model_copy(update={"summary": d.summary.model_copy(update={"n_features": 9})})
    assert drift_count_line(more).endswith("; 3 not tested")


def test_ascii_table_cuts_last_column_to_width() -> None:
    lines = ascii_table(["a", "text"], [["1", "x" * 200]], width=40)
    assert lines[2] == "  1  " + "x" * 32 + "..."
    assert all(len(line) <= 40 for line in lines)
