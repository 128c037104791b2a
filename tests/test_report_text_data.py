"""The terminal summary of the data-side evidence (schema changes, free text, feedback), the
new fields of feature drift and labels, and the summary with every kind at once."""

from __future__ import annotations

import pytest

from driftwise.report import render_text
from driftwise.report.format import rescaling_label
from driftwise.report.text_data import (
    MAX_COUNTS,
    feedback_lines,
    label_detail_lines,
    schema_lines,
    text_drift_lines,
)
from driftwise.signals.types import (
    FeedbackRate,
    LabelAvailability,
    Rescaling,
    SchemaChange,
    TextDrift,
)
from report_fixtures import NASTY, block, make_decision
from report_fixtures_kinds import (
    decision_with,
    feedback,
    labels_with_detail,
    later_evidence,
    make_full_decision,
    schema_change,
    text_drifts,
)

_NEW_HEADERS = (
    "Multivariate drift",
    "Schema change:",
    "Text drift in",
    "Concept drift:",
    "Estimated performance",
    "Performance over time:",
    "Fairness:",
    "Feedback '",
    "labelled rows by segment",
    "representative of current traffic",
    "(binned)",
    "effect / threshold",
)


@pytest.fixture(scope="module")
def full() -> str:
    return render_text(make_full_decision())


def test_no_new_blocks_without_new_kinds() -> None:
    out = render_text(make_decision())
    assert [h for h in _NEW_HEADERS if h in out] == []


def test_every_kind_has_its_block_in_a_stable_order(full: str) -> None:
    heads = [
        "Drifted features:",
        "Multivariate drift",
        "Schema change:",
        "Text drift in 'comment'",
        "Performance\n",
        "Concept drift:",
        "Estimated performance",
        "Performance over time: accuracy",
        "Scope:",
        "Labels:",
        "Fairness: sex",
        "Feedback 'complaints'",
        "Not tested: 1",
    ]
    positions = [full.index(h) for h in heads]
    assert positions == sorted(positions)


def test_drift_table_shows_threshold_binned_and_calibration(full: str) -> None:
    lines = block(full, "Drifted features:")
    assert lines[3] == "  income       ks             0.412 / 0.080 sd*  7.2e-12"
    assert lines[4] == "  region       chi2 (binned)   0.142 / 0.010 TV  1.2e-08  'north-east' 6.0%"
    assert lines[5] == "  utilization  ks              0.118 / 0.050 sd  6.4e-05"
    assert (
        lines[6]
        == "  <b>&'\"       chi2                    0.031 TV    0.003  '<script>' 2.0%, 'a&b' 1.0%"
    )
    note = "  effect / threshold; * the threshold calibrated on reference resampling is above the"
    assert note + " policy minimum" in full


def test_schema_block_and_rescaling_sentence(full: str) -> None:
    lines = block(full, "Schema change:")
    assert lines[:5] == [
        "Schema change: ARCHITECTURE CHANGE SUGGESTED",
        "  added: sensor_v2, <b>&'\"_new; removed: legacy_flag",
        "  retyped: zip (float64 -> str)",
        "  outside the reference range: temperature 62.0%, pressure 0.4%, <b>&'\" 0.0%",
        "  rescaled: temperature ~ 1.800 x reference + 32.0, R^2 0.999, same in every segment",
    ]
    r = Rescaling(
        column="t", slope=-2.5, intercept=-0.25, r_squared=0.5, consistent_across_segments=False
    )
    assert rescaling_label(r) == (
        "t ~ -2.500 x reference - 0.25, R^2 0.500, not the same in every segment"
    )
    tiny = r.model_copy(update={"slope": 0.0004, "intercept": 0.0})
    assert rescaling_label(tiny).startswith("t ~ 0.0004 x reference + 0.0, ")


def test_schema_with_nothing_but_an_explanation() -> None:
    s = SchemaChange(architecture_change_suggested=False, explanation="Same columns.")
    assert schema_lines([s], 100) == [
        "Schema change: no architecture change suggested",
        "  Same columns.",
    ]


def test_textblock(full: str) -> None:
    assert block(full, "Text drift in 'comment'") == [
        "Text drift in 'comment': DRIFTED (OOV rate 8.2% vs 1.1% baseline; rows with new tokens "
        "14.0%;",
        "  classifier AUC 0.690; p 2.0e-08)",
        "  new tokens (share of rows): 'rizz' 6.1%, 'skibidi' 3.2%, '<script>' 0.4%, 'a&b' 0.2%, "
        "'\"q\"' 0.1%",
        "  new-token share by segment: channel=app 21.0%, channel=web 3.0%, channel=<b>&'\" 0.0%",
        "Text drift in '<b>&'\"': no drift (OOV rate 0.0% vs 0.0% baseline; rows with new tokens "
        "0.0%; p",
        "  1.000)",
    ]


def test_text_tokens_are_capped_and_control_characters_escaped() -> None:
    t = text_drifts()[0].model_copy(
        update={
            "column": "com\nment",
            "new_tokens": {f"tok{i:02d}": 0.01 * (20 - i) for i in range(12)},
            "segments": {},
        }
    )
    lines = text_drift_lines([t], 100)
    assert lines[0].startswith("Text drift in 'com\\nment': DRIFTED")
    assert lines[-1].endswith("'tok07' 13.0%, +4 more")
    assert not any("by segment" in line for line in lines)


def test_feedbackblock(full: str) -> None:
    assert block(full, "Feedback 'complaints'") == [
        "Feedback 'complaints': SURGED (rate 4.14 -> 9.29, ratio 2.24 [1.78, 2.83], p 1.2e-07; "
        "14 baseline",
        "  and 7 current periods)",
        "  counts: 3 5 4 4 6 3 5 4 2 5 4 6 3 4 | 9 11 8 10 9 12 6",
        "Feedback 'thumbs_down': no significant rise (rate 0 -> 0, ratio 1.00 [0.00, 0.00], p "
        "1.000; 0",
        "  baseline and 0 current periods)",
    ]


@pytest.mark.parametrize(
    ("series", "n_current", "counts"),
    [
        ((1.0, 2.0), 5, "| 1 2"),
        ((1.0, 2.0), 0, "1 2"),
        ((0.5, 2.25), 1, "0.5 | 2.25"),
        (tuple(float(i) for i in range(40)), 2, "(+12 earlier) 12 13"),
    ],
)
def test_feedback_counts_split_and_cap(
    series: tuple[float, ...], n_current: int, counts: str
) -> None:
    f = feedback()[0].model_copy(update={"series": series, "periods_current": n_current})
    line = " ".join(feedback_lines([f], 400)[1].split())
    assert line.startswith("counts: " + counts)
    if len(series) > MAX_COUNTS:
        assert line.endswith("| 38 39") and len(line.split()) == MAX_COUNTS + 4


def test_label_details(full: str) -> None:
    assert block(full, "Labels:")[1:] == [
        f"  labelled rows by segment: region=coast 800, region=inland 400, region={NASTY} 0",
        "  representative of current traffic: NO (p 2.3e-05, largest effect 0.210); labelled "
        "rows differ on:",
        f"    income, {NASTY}",
    ]
    untested = LabelAvailability(
        n_current=10,
        n_labelled=0,
        share_labelled=0.0,
        sufficient_for_fine_tune=False,
        sufficient_for_retrain=False,
        by_segment={"region=a": 0},
    )
    assert label_detail_lines(untested, 100) == ["  labelled rows by segment: region=a 0"]
    bare = labels_with_detail().model_copy(
        update={
            "by_segment": {},
            "representative": True,
            "representativeness_p_value": None,
            "representativeness_effect": None,
            "unrepresentative_features": (),
        }
    )
    assert label_detail_lines(bare, 100) == ["  representative of current traffic: yes"]


def test_full_summary_is_deterministic_and_within_width(full: str) -> None:
    assert render_text(make_full_decision()) == full
    assert all(len(line) <= 100 for line in full.splitlines())
    assert "\n\n\n" not in full and not full.endswith("\n")
    narrow = render_text(make_full_decision(), width=80)
    # Wrapped prose keeps to the width; only table rows (aligned with double spaces) and the
    # drift count line may run over.
    too_long = [line for line in narrow.splitlines() if len(line) > 80]
    assert too_long and all(
        line.startswith("Drifted features:") or "  " in line.strip() for line in too_long
    )


_HEADER_OF_KIND = {
    "multivariate_drift": "Multivariate drift",
    "concept_drift": "Concept drift: ",
    "estimated_performance": "Estimated performance (without labels; cbpe)",
    "schema_change": "Schema change: ",
    "text_drift": "Text drift in '",
    "feedback": "Feedback '",
    "fairness": "Fairness: ",
    "performance_timeline": "Performance over time: ",
    "not_tested": "Not tested: 1",
}


def test_each_kind_alone_gets_its_block() -> None:
    for item in later_evidence():
        out = render_text(decision_with(item))
        assert "\n\n" + _HEADER_OF_KIND[item.kind] in out and out == render_text(
            decision_with(item)
        )
        others = [h for k, h in _HEADER_OF_KIND.items() if k != item.kind]
        assert [h for h in others if "\n\n" + h in out] == []


def test_schema_change_lists_every_retyped_column() -> None:
    s = schema_change()
    lines = schema_lines([s.model_copy(update={"retyped": s.retyped * 2})], 100)
    assert lines[2] == "  retyped: zip (float64 -> str), zip (float64 -> str)"


def test_text_without_classifier_or_segments() -> None:
    t = TextDrift(
        id="text:x",
        column="x",
        oov_rate=0.5,
        reference_oov_rate=0.1,
        new_tokens={"a": 0.5},
        new_token_traffic_share=0.5,
        p_value=0.01,
        drifted=True,
    )
    assert text_drift_lines([t], 200) == [
        "Text drift in 'x': DRIFTED (OOV rate 50.0% vs 10.0% baseline; rows with new tokens "
        "50.0%; p 0.010)",
        "  new tokens (share of rows): 'a' 50.0%",
    ]


def test_feedback_without_series_has_no_counts_line() -> None:
    f = FeedbackRate.model_validate({**feedback()[0].model_dump(), "series": ()})
    assert len(feedback_lines([f], 200)) == 1
