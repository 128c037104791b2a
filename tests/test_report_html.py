"""The HTML report, its SVG charts and the files written next to it."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from driftwise.decide.types import Decision, Reason
from driftwise.errors import DriftwiseError
from driftwise.report import (
    category_bars,
    evidence_anchors,
    hbar_chart,
    histogram_overlay,
    interval_chart,
    render_html,
    write_outputs,
)
from driftwise.report.sections import MAX_FEATURE_CHARTS, MAX_SEGMENT_BARS
from driftwise.signals.types import Distribution, FeatureDrift, Interval, SegmentDrift
from report_fixtures import NASTY, check_page, make_decision


def _section(page: str, sid: str) -> str:
    start = page.index(f'<section id="{sid}">')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def decision() -> Decision:
    return make_decision()


@pytest.fixture
def page(decision: Decision) -> str:
    return render_html(decision)


def test_page_is_balanced_and_deterministic(page: str, decision: Decision) -> None:
    checker = check_page(page)
    assert page.startswith("<!DOCTYPE html>")
    assert checker.tags.count("html") == 1 and checker.tags.count("style") == 1
    assert render_html(make_decision()) == page


def test_page_is_self_contained(page: str) -> None:
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "src=" not in page and "url(" not in page and "@import" not in page


def test_user_text_is_escaped(page: str) -> None:
    assert NASTY not in page
    assert "&lt;b&gt;&amp;&#x27;&quot;" in page
    assert "<script>" not in page and "&#x27;&lt;script&gt;&#x27; 2.0%" in page


def test_every_evidence_item_has_one_anchor(page: str, decision: Decision) -> None:
    ids = check_page(page).ids
    assert len(ids) == len(set(ids))
    anchors = evidence_anchors(e.id for e in decision.evidence)
    assert set(anchors.values()) <= set(ids)
    assert anchors["scope"] == "ev-scope"
    assert anchors[f"drift:feature:{NASTY}"] == "ev-drift-feature-b"


def test_every_reason_link_target_exists(page: str, decision: Decision) -> None:
    checker = check_page(page)
    targets = [h[1:] for h in checker.hrefs if h.startswith("#")]
    assert len(targets) == len(checker.hrefs)
    missing = [t for t in targets if t not in checker.ids]
    assert missing == []
    reasons = _section(page, "reasons")
    cited = [e for r in decision.reasons for e in r.evidence]
    linked = re.findall(r'href="#([^"]+)"', reasons)
    anchors = evidence_anchors(e.id for e in decision.evidence)
    assert linked == [anchors[e] for e in cited]


def test_reason_citing_unknown_evidence_is_not_a_link(decision: Decision) -> None:
    d = decision.model_copy(update={"reasons": (Reason(text="Odd.", evidence=("nope",)),)})
    reasons = _section(render_html(d), "reasons")
    assert 'title="not in the evidence">nope</span>' in reasons and "href" not in reasons


def test_banner_alternatives_and_footer(page: str) -> None:
    banner = page[page.index("<header") : page.index("</header>")]
    assert '<span class="action">RETRAIN</span>' in banner
    assert "confidence <b>0.82</b>" in banner
    assert "Accuracy fell 4.1 points while income and region drifted." in banner
    assert "Policy <b>credit-risk</b> &middot; risk tier <b>high</b>" in banner
    assert "Needs approval from: <b>model-owner, risk-officer</b>" in banner
    alts = _section(page, "alternatives")
    assert re.findall(r"<tr[^>]*><td>(\d)</td><td>(\w+)", alts) == [
        ("1", "retrain"),
        ("2", "fine_tune"),
        ("3", "monitor"),
        ("4", "no_action"),
    ]
    assert '<span style="width:100%">' in alts
    assert "driftwise 0.1.0 &middot; decision schema 1.1" in page


def test_scope_and_performance_sections(page: str) -> None:
    scope = _section(page, "scope")
    assert '<span class="verdict-tag localized">LOCALIZED</span>' in scope
    assert scope.count("<svg") == 2 and "\u25b2 region=coast" in scope
    assert 'id="ev-segment-region-coast" class="affected"' in scope
    perf = _section(page, "performance")
    assert perf.count("<svg") == 1 and perf.count("<circle") == 3
    assert "0.912 <small>[0.905, 0.919]</small>" in perf and "2.1e-06" in perf


def test_one_chart_per_drifted_feature(page: str, decision: Decision) -> None:
    drift = _section(page, "drift")
    charted = [
        e
        for e in decision.evidence
        if isinstance(e, FeatureDrift) and e.drifted and e.distribution is not None
    ]
    assert drift.count("<svg") == len(charted) == 4
    assert "4 of 6 features drifted (BH-corrected, min effect 0.05 sd / 0.01 TV)" in drift
    captions = re.findall(r'<figcaption><a href="#([^"]+)">', drift)
    assert captions == [
        "ev-drift-feature-income",
        "ev-drift-feature-region",
        "ev-drift-feature-utilization",
        "ev-drift-feature-b",
    ]
    table = _section(page, "features")
    assert table.count("<tr") == 1 + 7


def _many_features(n: int) -> Decision:
    base = make_decision()
    template = next(e for e in base.evidence if isinstance(e, FeatureDrift) and e.role == "numeric")
    extra = tuple(
        template.model_copy(update={"id": f"drift:feature:f{i}", "column": f"f{i}"})
        for i in range(n)
    )
    return base.model_copy(update={"evidence": (*base.evidence, *extra)})


def test_charts_are_capped(decision: Decision) -> None:
    page = render_html(_many_features(20))
    check_page(page)
    drift = _section(page, "drift")
    assert drift.count("<svg") == MAX_FEATURE_CHARTS == 12
    assert "Charts show 12 of 25 drifted feature tests" in drift


def test_segment_charts_are_capped_but_keep_affected_segments() -> None:
    base = make_decision()
    stores = tuple(
        SegmentDrift(
            id=f"segment:store={i}",
            key="store",
            value=f"s{i:02d}",
            share_reference=0.02,
            share_current=0.02 + i / 10000,
            n_reference=100,
            n_current=100,
            drifted_features=("income",) if i == 0 else (),
            max_effect=0.1 if i == 0 else 0.01,
            drifted=i == 0,
        )
        for i in range(30)
    )
    page = render_html(base.model_copy(update={"evidence": (*base.evidence, *stores)}))
    check_page(page)
    scope = _section(page, "scope")
    assert f"Charts show {MAX_SEGMENT_BARS} of 33 segments" in scope
    first_chart = scope[scope.index("<svg") : scope.index("</svg>")]
    assert "\u25b2 store=s00" in first_chart and "\u25b2 region=coast" in first_chart
    assert first_chart.count('height="13"') == MAX_SEGMENT_BARS
    assert scope.count('<tr id="ev-segment-store') == 30


def test_duplicate_and_colliding_ids_stay_unique() -> None:
    anchors = evidence_anchors(["a:b", "a b", "a-b", "a:b", "", "!"])
    assert anchors == {"a:b": "ev-a-b", "a b": "ev-a-b-2", "a-b": "ev-a-b-3", "": "ev-item"} | {
        "!": "ev-item-2"
    }
    d = make_decision()
    page = render_html(d.model_copy(update={"evidence": (*d.evidence, d.evidence[0])}))
    ids = check_page(page).ids
    assert len(ids) == len(set(ids))


def test_empty_decision_renders() -> None:
    d = make_decision().model_copy(
        update={"evidence": (), "alternatives": (), "reasons": (), "approvals_required": ()}
    )
    page = render_html(d)
    check_page(page)
    assert "No feature drift tests in the evidence." in page
    assert "No approval required by the policy." in page
    assert "<svg" not in page


# --- SVG helpers -------------------------------------------------------------------------


def _svg_ok(svg: str) -> None:
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>" in svg and 'role="img"' in svg and "aria-label=" in svg
    assert "nan" not in svg.lower().replace("no data", "") and "inf" not in svg
    check_page(svg)


@pytest.mark.parametrize(
    "dist",
    [
        Distribution(reference=(), current=()),
        Distribution(edges=(0.0, 1.0, 2.0), reference=(0.0, 0.0), current=(0.0, 0.0)),
        Distribution(edges=(0.0, 1.0), reference=(1.0,), current=(1.0,)),
        Distribution.model_construct(
            edges=(0.0, 1.0, 2.0), reference=(math.nan, 1.0), current=(0.5, math.nan)
        ),
        Distribution.model_construct(
            edges=(-math.inf, 0.0, math.inf), reference=(0.5, 0.5), current=(0.3, 0.7)
        ),
        Distribution.model_construct(edges=(-math.inf, math.inf), reference=(1.0,), current=(1.0,)),
        Distribution(edges=(0.0, 0.0, 1.0), reference=(0.5, 0.5), current=(0.5, 0.5)),
        Distribution.model_construct(
            edges=(0.0, math.nan, 1.0), reference=(0.5, 0.5), current=(0.5, 0.5)
        ),
        Distribution(edges=(0.0, 1.0), reference=(0.2, 0.8), current=(1.0,)),
        Distribution(reference=(0.5, 0.5), current=(0.1, 0.9)),
        Distribution(labels=("a",), reference=(1.0, 0.0), current=(0.5, 0.5, 0.0)),
    ],
)
def test_svg_helpers_survive_degenerate_distributions(dist: Distribution) -> None:
    _svg_ok(histogram_overlay(dist, "t"))
    _svg_ok(category_bars(dist, "t"))


def test_histogram_shares_and_densities() -> None:
    equal = Distribution(edges=(0.0, 1.0, 2.0), reference=(0.25, 0.75), current=(0.5, 0.5))
    svg = histogram_overlay(equal, "x")
    assert ">share<" in svg and ">75%<" in svg and svg.count("<rect") == 2 + 1  # bars, legend
    unequal = Distribution(edges=(0.0, 1.0, 5.0), reference=(0.5, 0.5), current=(0.5, 0.5))
    svg = histogram_overlay(unequal, "x")
    assert ">density<" in svg and ">0.5<" in svg
    opened = Distribution.model_construct(
        edges=(-math.inf, 0.0, math.inf), reference=(0.5, 0.5), current=(1, 0)
    )
    svg = histogram_overlay(opened, "x")
    assert "\u2212\u221e" in svg and "+\u221e" in svg and "open-ended" in svg
    assert "no data" in histogram_overlay(Distribution(reference=(), current=()), "x")


def test_category_bars_fold_many_categories_and_escape() -> None:
    labels = tuple(f"c{i:02d}" for i in range(30))
    share = tuple(1 / 30 for _ in labels)
    svg = category_bars(Distribution(labels=labels, reference=share, current=share), "<many>")
    _svg_ok(svg)
    assert "other (16)" in svg and "<title>&lt;many&gt;</title>" in svg
    long = category_bars(Distribution(labels=("x" * 40,), reference=(1.0,), current=(1.0,)), "l")
    assert "<title>" + "x" * 40 + "</title>" in long and "x" * 9 + "\u2026" + "x" * 9 in long


def test_hbar_and_interval_charts_degenerate() -> None:
    for rows in ([], [("a", 0.0, False)], [("a", math.nan, True), ("b", -1.0, False)]):
        _svg_ok(hbar_chart(rows, "t", ".1%"))
    assert ">n/a<" in hbar_chart([("a", math.nan, True)], "t", ".2f")
    iv = Interval(value=0.5, low=0.5, high=0.5, n=1, method="exact")
    bad = Interval.model_construct(value=math.nan, low=math.nan, high=math.nan, n=0, method="none")
    for rows in ([], [("a", iv, iv)], [("a", bad, bad)], [("a", iv, bad)]):
        svg = interval_chart(rows, "m")
        _svg_ok(svg)
    assert "0.5 \u2192 n/a" in interval_chart([("a", iv, bad)], "m")


# --- write_outputs -----------------------------------------------------------------------


def test_write_outputs_round_trips(tmp_path: Path, decision: Decision) -> None:
    paths = write_outputs(decision, tmp_path / "nested" / "out")
    assert paths == {
        "decision": tmp_path / "nested" / "out" / "decision.json",
        "report": tmp_path / "nested" / "out" / "report.html",
    }
    text = paths["decision"].read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "schema_version": "1.1"')
    assert Decision.model_validate_json(text) == decision
    assert paths["report"].read_text(encoding="utf-8") == render_html(decision)
    again = write_outputs(decision, str(tmp_path / "nested" / "out"))
    assert again == paths


def test_write_outputs_refuses_a_file(tmp_path: Path, decision: Decision) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DriftwiseError) as err:
        write_outputs(decision, blocker)
    assert str(err.value) == (
        f"write_outputs: field 'out_dir': found a file at '{blocker}'; expected a folder or a "
        "path that does not exist yet."
    )


def test_evidence_refuses_non_finite_numbers() -> None:
    # JSON has no inf or NaN: the types refuse them where they are made.
    with pytest.raises(ValueError, match="finite number"):
        Distribution(edges=(0.0, math.inf), reference=(1.0,), current=(1.0,))
