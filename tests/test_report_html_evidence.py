"""The HTML report of the later evidence kinds, and their SVG charts."""

from __future__ import annotations

import re

import pytest

from driftwise.decide.types import Decision
from driftwise.report import (
    evidence_anchors,
    render_html,
)
from driftwise.report.sections_data import MAX_BARS, MAX_ROWS_LISTED
from driftwise.signals.types import (
    EstimatedPerformance,
    LabelAvailability,
    MultivariateDrift,
)
from report_fixtures import NASTY, check_page, make_decision
from report_fixtures_kinds import (
    decision_with,
    estimates,
    fairness,
    labels_with_detail,
    make_full_decision,
    multivariate,
    text_drifts,
)

_NEW_SECTIONS = (
    "concept",
    "estimate",
    "timeline",
    "schema",
    "multivariate",
    "text-drift",
    "fairness",
    "feedback",
)


@pytest.fixture(scope="module")
def decision() -> Decision:
    return make_full_decision()


@pytest.fixture(scope="module")
def page(decision: Decision) -> str:
    return render_html(decision)


def _section(page: str, sid: str) -> str:
    start = page.index(f'<section id="{sid}">')
    return page[start : page.index("</section>", start)]


def _card(html: str, anchor: str) -> str:
    """The element that carries ``anchor``, up to the next card (cards do not nest)."""
    start = html.index(f'id="{anchor}"')
    end = html.find('<div class="card"', start)
    return html[start : end if end >= 0 else len(html)]


def test_page_is_balanced_self_contained_and_deterministic(page: str) -> None:
    check_page(page)
    assert render_html(make_full_decision()) == page
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "src=" not in page and "url(" not in page and "@import" not in page


def test_hostile_strings_are_escaped_everywhere(page: str) -> None:
    assert NASTY not in page and "<script>" not in page and "<label>" not in page
    assert page.count("&lt;b&gt;&amp;&#x27;&quot;") >= 12


def test_every_evidence_item_is_anchored_and_every_cite_links(
    page: str, decision: Decision
) -> None:
    checker = check_page(page)
    ids = checker.ids
    assert len(ids) == len(set(ids))
    anchors = evidence_anchors(e.id for e in decision.evidence)
    assert [a for a in anchors.values() if a not in ids] == []
    targets = [h[1:] for h in checker.hrefs]
    assert all(h.startswith("#") for h in checker.hrefs)
    assert [t for t in targets if t not in ids] == []
    cited = [e for r in decision.reasons for e in r.evidence]
    reasons = _section(page, "reasons")
    assert re.findall(r'href="#([^"]+)"', reasons) == [anchors[e] for e in cited]
    assert "missing" not in reasons


def test_nav_links_only_to_sections_that_exist(page: str) -> None:
    nav = page[page.index("<nav") : page.index("</nav>")]
    for sid in _NEW_SECTIONS:
        assert f'href="#{sid}"' in nav and f'<section id="{sid}">' in page
    old = render_html(make_decision())
    old_nav = old[old.index("<nav") : old.index("</nav>")]
    assert re.findall(r'href="#([^"]+)"', old_nav) == [
        "reasons",
        "alternatives",
        "scope",
        "performance",
        "drift",
        "features",
        "labels",
    ]
    assert not any(f'<section id="{sid}">' in old for sid in _NEW_SECTIONS)


def test_section_order(page: str) -> None:
    order = [
        "scope",
        "performance",
        "concept",
        "estimate",
        "timeline",
        "schema",
        "drift",
        "multivariate",
        "text-drift",
        "fairness",
        "feedback",
        "features",
        "labels",
        "not-tested",
    ]
    positions = [page.index(f'<section id="{sid}">') for sid in order]
    assert positions == sorted(positions)


def test_multivariate_section(page: str) -> None:
    html = _section(page, "multivariate")
    classifier = _card(html, "ev-multivariate-domain_classifier")
    assert (
        "AUC <b>0.731</b> <small>[0.709, 0.752]</small> against a threshold of 0.550" in classifier
    )
    assert "p 1.0e-04; 2,000 reference and 2,000 current rows" in classifier
    assert classifier.count("<svg") == 1 and classifier.count('height="13"') == 5
    assert "\u25b2 income" in classifier and "\u25b2 age" not in classifier
    assert ">0.412<" in classifier and "= drifted alone" in classifier
    assert "The top feature (income) carries <b>53.0%</b>" in classifier
    assert "<code>17, 4, 903, 1288, 56, 311, 7, 1999, 640, 1024</code>" in classifier
    mmd = _card(html, "ev-multivariate-mmd")
    assert "MMD&sup2; <b>0.0123</b> against a threshold of 0.01; p 0.002" in mmd
    assert "<svg" not in mmd and "<small>[" not in mmd.split("against")[0]


def test_multivariate_caps_rows_and_bars() -> None:
    m = multivariate()[0]
    many = MultivariateDrift.model_validate(
        {
            **m.model_dump(),
            "top_rows": list(range(50)),
            "top_features": [{"column": f"c{i}", "importance": 1 / (i + 1)} for i in range(30)],
        }
    )
    page = render_html(decision_with(many))
    card = _card(_section(page, "multivariate"), "ev-multivariate-domain_classifier")
    assert f"{MAX_ROWS_LISTED - 1} and 30 more</code>" in card
    assert card.count('height="13"') == MAX_BARS


def test_concept_section(page: str) -> None:
    html = _section(page, "concept")
    assert 'id="ev-concept"' in html
    assert '<span class="verdict-tag global">CONCEPT DRIFT</span> P(y | x) changed' in html
    assert "<dd>0.871 <small>[0.860, 0.882]</small> on 1,200 rows</dd>" in html
    assert "<dd>0.905 <small>[0.893, 0.916]</small> under covariate shift alone</dd>" in html
    assert "<b>-0.034</b>" in html and "<dd>3.1e-04</dd>" in html
    assert "1,843.6 reweighted reference rows" in html and "<dd>0.210</dd>" in html
    assert "inputs and &lt;label&gt; changed." in html
    assert ">expected (covariate shift only)<" in html and "0.905 \u2192 0.871" in html


def test_concept_verdict_when_explained() -> None:
    c = make_full_decision().evidence_by_id()["concept"]
    explained = c.model_copy(
        update={
            "detected": False,
            "explained_by_covariate_shift": True,
            "label_drift_p_value": None,
        }
    )
    html = _section(render_html(decision_with(explained)), "concept")
    assert "EXPLAINED BY COVARIATE SHIFT" in html and "<dd>not tested</dd>" in html


def test_estimate_section_puts_warnings_first(page: str) -> None:
    html = _section(page, "estimate")
    acc = _card(html, "ev-estimate-accuracy")
    assert '<span class="status drifted">UNRELIABLE</span>' in acc
    warn = acc[acc.index('<div class="warn"') : acc.index("</div>", acc.index('class="warn"'))]
    assert "Unreliable estimate of accuracy" in warn
    assert "<li>concept drift detected: CBPE assumes P(y|x) is unchanged</li>" in warn
    assert "reference&#x27;s range &amp; calibration</li>" in warn
    assert acc.index('class="warn"') < acc.index("<svg")
    assert "<b>0.871</b> on the labelled current rows" in acc
    auc = _card(html, "ev-estimate-roc_auc")
    assert 'class="warn"' not in auc and "no labelled current rows" in auc
    assert '<span class="status calm">reliable</span>' in auc


def test_unreliable_estimate_without_reasons_says_so() -> None:
    e = EstimatedPerformance.model_validate({**estimates()[0].model_dump(), "warnings": ()})
    html = _section(render_html(decision_with(e)), "estimate")
    assert "No reason was recorded." in html
    reliable = e.model_copy(update={"reliable": True, "warnings": ("few rows",)})
    html = _section(render_html(decision_with(reliable)), "estimate")
    assert "&#9888; Warnings</b>" in html and "<li>few rows</li>" in html


def test_timeline_section(page: str) -> None:
    html = _section(page, "timeline")
    acc = html[html.index('id="ev-timeline-accuracy"') : html.index('id="ev-timeline-mae"')]
    assert acc.count("<g><title>") == 10 and acc.count("<circle") == 6 + 1  # points, legend
    assert "<title>2024-W07 (current): 0.897 [0.877, 0.917], n 300</title>" in acc
    assert "<title>2024-W01 (reference): 0.913 [0.901, 0.925], n 830</title>" in acc
    assert acc.count("<polygon") == 2 and ">reference<" in acc and ">current<" in acc
    assert acc.count('<tr class="affected">') == 4 and acc.count("<tr") == 11
    mae = html[html.index('id="ev-timeline-mae"') :]
    assert mae.count("<g><title>") == 1 and "&lt;b&gt;&amp;&#x27;&quot; (current)" in mae


def test_schema_section(page: str) -> None:
    html = _section(page, "schema")
    assert '<div class="card" id="ev-schema"><div class="warn" role="note">' in html
    assert "&#9888; Architecture change suggested</b>" in html
    assert '<code class="pill">&lt;b&gt;&amp;&#x27;&quot;_new</code>' in html
    assert "<dd>zip: float64 &rarr; str</dd>" in html
    assert ">62.0%<" in html and ">0.4%<" in html and "\u25b2 temperature" in html
    assert "\u25b2 &lt;b&gt;" not in html  # 0% outside: not highlighted
    assert (
        "<code>temperature ~ 1.800 x reference + 32.0, R^2 0.999, same in every segment</code>"
        in html
    )


def test_text_section(page: str) -> None:
    html = _section(page, "text-drift")
    comment = _card(html, "ev-text-comment")
    assert "<b>8.2%</b> of current tokens" in comment and "itself: 1.1%)" in comment
    assert "<dd><b>14.0%</b></dd>" in comment and "<dd>0.690</dd>" in comment
    assert comment.count("<svg") == 2 and ">rizz<" in comment and ">6.1%<" in comment
    assert ">&lt;script&gt;<" in comment and ">a&amp;b<" in comment
    assert ">channel=app<" in comment and ">21.0%<" in comment
    quiet = _card(html, "ev-text-b")
    assert "not run" in quiet and "No new frequent tokens." in quiet and "<svg" not in quiet


def test_text_tokens_are_capped() -> None:
    t = text_drifts()[0]
    many = t.model_copy(update={"new_tokens": {f"t{i:02d}": 0.001 * (i + 1) for i in range(40)}})
    html = _section(render_html(decision_with(many)), "text-drift")
    assert f"The chart shows the {MAX_BARS} largest of 40." in html and ">t39<" in html
    assert ">t00<" not in html


def test_fairness_section(page: str) -> None:
    html = _section(page, "fairness")
    sex = _card(html, "ev-fairness-sex-selection_rate")
    assert '<span class="status drifted">worsened</span>' in sex
    assert "&#9888; Base model already biased</b> On the reference the disparity (0.060)" in sex
    assert "<b>0.180</b> <small>[0.149, 0.211]</small>" in sex and "<b>+0.120</b>" in sex
    assert "<td>0.320 <small>[0.298, 0.342]</small></td><td>1,800</td><td>0.380</td>" in sex
    assert "<td>-0.060</td>" in sex and "0.38 \u2192 0.32" in sex
    assert sex.count("<circle") == 2 + 1  # reference points, legend
    age = _card(html, "ev-fairness-age_band-b")
    assert "already biased" not in age and "<dd>not measured</dd>" in age
    assert "&ndash; <small>(no rows)</small>" in age and "n/a \u2192 n/a" in age
    assert "whiskers: intervals now" in age


def test_fairness_without_groups() -> None:
    f = fairness()[0].model_copy(update={"groups": ()})
    html = _section(render_html(decision_with(f)), "fairness")
    assert "No groups measured." in html and "<svg" not in html


def test_feedback_section(page: str) -> None:
    html = _section(page, "feedback")
    complaints = _card(html, "ev-feedback-complaints")
    assert "4.14 before &rarr; <b>9.29</b> now" in complaints
    assert "<b>2.24</b> <small>[1.78, 2.83]</small>" in complaints
    assert "<dd>1.2e-07</dd>" in complaints and "14 baseline, 7 current" in complaints
    assert complaints.count("(current window): ") == 7 and complaints.count("(baseline): ") == 14
    assert "baseline mean 4.14" in complaints
    silent = _card(html, "ev-feedback-thumbs_down")
    assert "No counts recorded." in silent and "<svg" not in silent


def test_features_table_shows_thresholds_methods_and_statistics(page: str) -> None:
    html = _section(page, "features")
    income = html[html.index('id="ev-drift-feature-income"') :].split("</tr>")[0]
    assert "0.412 / 0.080 sd<br><span class=" in income and ">calibrated</span>" in income
    assert "<summary>+5 statistics</summary><ul><li>cvm 12.4</li><li>hellinger 0.187</li>" in income
    region = html[html.index('id="ev-drift-feature-region"') :].split("</tr>")[0]
    assert ">binned</span>" in region and "0.142 / 0.010 TV <small>(= min)</small>" in region
    assert ">calibrated</span>" not in region
    age = html[html.index('id="ev-drift-feature-age"') :].split("</tr>")[0]
    assert "0.012 sd <small>(min 0.05)</small>" in age and "<details" not in age
    drift = _section(page, "drift")
    assert "effect 0.412 / 0.080 sd <span class=" in drift and drift.count(">calibrated<") == 1


def test_labels_section(page: str) -> None:
    html = _section(page, "labels")
    assert 'Representative of current traffic: <span class="no">&#10007; no</span>' in html
    assert "<small>(p 2.3e-05, largest effect 0.210)</small>" in html
    assert '<code class="pill">income</code> <code class="pill">&lt;b&gt;' in html
    assert "<td>800</td><td>66.7%</td>" in html and "<td>0</td><td>0.0%</td>" in html


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        ({"representative": None, "n_labelled": 0, "by_segment": {}}, None),
        ({"representative": None}, "Representative of current traffic: not tested."),
        (
            {"representative": True, "unrepresentative_features": (), "by_segment": {"a": 0}},
            '<span class="yes">&#10003; yes</span>',
        ),
    ],
)
def test_labels_representativeness_states(update: dict[str, object], expected: str | None) -> None:
    x = LabelAvailability.model_validate({**labels_with_detail().model_dump(), **update})
    html = _section(render_html(decision_with(x)), "labels")
    if expected is None:
        assert "Representative" not in html and "<table" not in html
    else:
        assert expected in html
    if update.get("by_segment") == {"a": 0}:
        assert "<td>0</td><td>&ndash;</td>" in html


def test_each_kind_alone_gives_a_valid_page(decision: Decision) -> None:
    for item in decision.evidence:
        page = render_html(decision_with(item))
        checker = check_page(page)
        assert evidence_anchors([item.id])[item.id] in checker.ids
