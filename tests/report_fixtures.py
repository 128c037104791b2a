"""Hand-built decision documents for the report tests (text and HTML), and an HTML checker.

``make_decision`` is a retrain decision with the first evidence kinds (feature drift,
performance, segments, scope, labels). ``report_fixtures_kinds.make_full_decision`` adds every
later kind. ``NASTY`` is a hostile string used in names, groups and tokens.
"""

from __future__ import annotations

from html.parser import HTMLParser

from scipy.stats import false_discovery_control

from driftwise.decide.types import Alternative, CheckSummary, Decision, PolicyRef, Reason
from driftwise.signals.types import (
    Distribution,
    FeatureDrift,
    Interval,
    LabelAvailability,
    Performance,
    Scope,
    SegmentDrift,
)

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class PageChecker(HTMLParser):
    """Records tag balance problems, element ids and in-page link targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            if name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def check_page(page: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    return checker


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


def feature_drifts() -> list[FeatureDrift]:
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
    features = feature_drifts()
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


def block(out: str, head: str) -> list[str]:
    """The lines of the text block that starts with ``head``, up to the next blank line."""
    start = out.index(head)
    end = out.find("\n\n", start)
    return out[start : end if end >= 0 else len(out)].splitlines()
