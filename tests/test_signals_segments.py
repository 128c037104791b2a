"""Segments and the scope verdict: localized, global or none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from driftwise.policy.model import Policy, ScopeThresholds
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.collect import collect
from driftwise.signals.segments import SegmentReport, segment_evidence
from driftwise.signals.types import FeatureDrift, Scope, SegmentDrift
from driftwise.signals.univariate import Skipped

REGIONS = ("coast", "desert", "forest", "hills", "islands", "lakes", "plains", "valley")


def schema(declared: bool = True, labels: bool = False) -> Schema:
    cols = [ColumnSpec(name="region", role=Role.CATEGORICAL, segment=declared)]
    cols += [ColumnSpec(name=f"x{i}", role=Role.NUMERIC) for i in range(3)]
    cols += [ColumnSpec(name="plan", role=Role.CATEGORICAL)]
    if labels:
        cols += [ColumnSpec(name="y", role=Role.TARGET), ColumnSpec(name="p", role=Role.PREDICTION)]
    return Schema(columns=tuple(cols))


def frame(
    rng: np.random.Generator,
    n: int = 16_000,
    *,
    shift_in: str | None = None,
    rescale: bool = False,
    error_in: str | None = None,
) -> pd.DataFrame:
    region = rng.choice(REGIONS, n)
    data: dict[str, object] = {"region": pd.Series(region, dtype=object)}
    for i in range(3):
        x = rng.normal(20.0, 5.0, n)
        if i == 0 and shift_in is not None:
            x = x + np.where(region == shift_in, 2.5, 0.0)  # half a standard deviation
        if i == 0 and rescale:
            x = x * 1.8 + 32
        data[f"x{i}"] = x
    data["plan"] = pd.Series(
        rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.3, 0.2]), dtype=object
    )
    y = rng.choice(["no", "yes"], n)
    wrong_rate = np.where(region == error_in, 0.35, 0.10) if error_in else np.full(n, 0.10)
    wrong = rng.random(n) < wrong_rate
    data["y"] = pd.Series(y, dtype=object)
    data["p"] = pd.Series(np.where(wrong, np.where(y == "no", "yes", "no"), y), dtype=object)
    return pd.DataFrame(data)


def run(
    ref: pd.DataFrame, cur: pd.DataFrame, s: Schema, policy: Policy | None = None
) -> SegmentReport:
    return segment_evidence(ref, cur, s, policy or Policy())


def test_shift_in_one_of_eight_regions_is_localized() -> None:
    rng = np.random.default_rng(0)
    ref, cur = frame(rng), frame(rng, shift_in="coast")
    report = run(ref, cur, schema())
    scope = report.scope
    assert scope.verdict == "localized"
    assert scope.drifted_segments == ("region=coast",)
    share = float((cur["region"] == "coast").mean())
    assert scope.drifted_traffic_share == pytest.approx(share)
    assert scope.drifted_features == ("x0",)
    assert scope.explanation == (
        f"Drift confined to region=coast ({share:.1%} of current traffic); "
        "the other values of region show no drift."
    )
    coast = [r for r in report.results if r.segment.value == "coast"][0]
    assert coast.segment.drifted and coast.segment.drifted_features == ("x0",)
    assert coast.segment.id == "segment:region=coast" and coast.segment.key == "region"
    assert [r.segment.value for r in report.results] == sorted(REGIONS)
    assert not any(r.segment.drifted for r in report.results if r.segment.value != "coast")


def test_in_segment_tests_are_named_for_their_segment_and_skip_the_key() -> None:
    rng = np.random.default_rng(1)
    ref, cur = frame(rng), frame(rng, shift_in="coast")
    report = run(ref, cur, schema())
    coast = [r for r in report.results if r.segment.value == "coast"][0]
    assert [f.column for f in coast.features] == ["x0", "x1", "x2", "plan"]
    x0 = coast.features[0]
    assert x0.id == "drift:numeric:x0@region=coast"
    assert x0.segment == "region=coast" and x0.distribution is None and x0.drifted
    assert coast.segment.max_effect == pytest.approx(max(f.effect_size for f in coast.features))
    assert coast.segment.n_reference == int((ref["region"] == "coast").sum())
    assert coast.segment.share_current == pytest.approx(float((cur["region"] == "coast").mean()))
    assert x0.n_current == coast.segment.n_current


def test_rescaled_input_everywhere_is_global() -> None:
    rng = np.random.default_rng(2)
    ref, cur = frame(rng), frame(rng, rescale=True)
    drift = [_global_x0(ref, cur)]
    report = segment_evidence(ref, cur, schema(), Policy(), global_drift=drift)
    scope = report.scope
    assert scope.verdict == "global"
    assert set(scope.drifted_segments) == {f"region={r}" for r in REGIONS}
    assert scope.drifted_traffic_share == pytest.approx(1.0)
    assert scope.drifted_features == ("x0",)
    assert scope.drifted_feature_share == pytest.approx(1 / 5)
    assert scope.explanation == (
        "Drift is global: 1 of 5 features drifted overall (x0); "
        "changed segments of region carry 100.0% of current traffic."
    )


def _global_x0(ref: pd.DataFrame, cur: pd.DataFrame) -> FeatureDrift:
    from driftwise.signals.univariate import RawTest, compare_column

    raw = compare_column(
        ref["x0"],
        cur["x0"],
        column="x0",
        role="numeric",
        kind="numeric",
        min_effect=0.05,
        min_rows=30,
    )
    assert isinstance(raw, RawTest)
    return raw.to_evidence(raw.p_value, 0.05, "none")


def test_no_drift_is_none() -> None:
    rng = np.random.default_rng(3)
    report = run(frame(rng), frame(rng), schema())
    assert report.scope == Scope(
        verdict="none",
        drifted_feature_share=0.0,
        drifted_features=(),
        drifted_segments=(),
        drifted_traffic_share=0.0,
        explanation="No feature drifted overall or within any of 8 tested segments.",
    )
    assert len(report.results) == 8 and not report.skipped


def test_no_segment_keys_gives_none_or_global_from_global_tests() -> None:
    rng = np.random.default_rng(4)
    s = Schema(columns=(ColumnSpec(name="x0", role=Role.NUMERIC),))
    ref, cur = frame(rng), frame(rng, rescale=True)
    report = segment_evidence(ref, cur, s, Policy())
    assert report.results == () and report.scope.verdict == "none"
    assert report.scope.explanation == "No feature drifted overall; no segment was tested."
    report = segment_evidence(ref, cur, s, Policy(), global_drift=[_global_x0(ref, cur)])
    assert report.scope.verdict == "global"
    assert report.scope.drifted_traffic_share == 1.0
    assert report.scope.explanation == "Drift is global: 1 of 1 features drifted overall (x0)."


def test_categorical_features_are_candidate_keys_when_none_is_declared() -> None:
    rng = np.random.default_rng(5)
    report = run(frame(rng), frame(rng, shift_in="lakes"), schema(declared=False))
    keys = {r.segment.key for r in report.results}
    assert keys == {"region", "plan"}
    assert report.scope.verdict == "localized"
    assert report.scope.drifted_segments == ("region=lakes",)


def test_degradation_confined_to_one_region_is_localized() -> None:
    rng = np.random.default_rng(6)
    report = run(frame(rng), frame(rng, error_in="hills"), schema(labels=True))
    hills = [r for r in report.results if r.segment.value == "hills"][0]
    assert hills.segment.degraded and not hills.segment.drifted
    assert hills.segment.performance_change == pytest.approx(-0.25, abs=0.05)
    assert hills.segment.performance_p_value is not None
    assert hills.segment.performance_p_value < 1e-6
    assert (
        hills.performance is not None
        and hills.performance.id == "performance:accuracy@region=hills"
    )
    assert report.scope.verdict == "localized"
    assert report.scope.explanation.startswith("Degradation confined to region=hills (")
    assert report.scope.explanation.endswith(
        "the other values of region show no drift or degradation."
    )


def test_small_values_and_wide_keys_are_skipped_with_reasons() -> None:
    rng = np.random.default_rng(7)
    ref, cur = frame(rng, 4000), frame(rng, 4000)
    ref["store"] = pd.Series([f"s{i % 60}" for i in range(4000)], dtype=object)
    cur["store"] = pd.Series([f"s{i % 60}" for i in range(4000)], dtype=object)
    ref.loc[:3900, "region"] = "coast"  # leaves 98 rows for the other regions in the reference
    s = Schema(
        columns=(
            ColumnSpec(name="region", role=Role.CATEGORICAL, segment=True),
            ColumnSpec(name="store", role=Role.CATEGORICAL, segment=True),
            ColumnSpec(name="x0", role=Role.NUMERIC),
        )
    )
    report = segment_evidence(ref, cur, s, Policy(scope=ScopeThresholds(min_segment_rows=100)))
    assert [r.segment.id for r in report.results] == ["segment:region=coast"]
    assert (
        Skipped(
            "segment:store",
            "60 distinct values; a segment key needs 2 to 50 (policy.scope.max_segment_values)",
        )
        in report.skipped
    )
    desert = [k for k in report.skipped if k.id == "segment:region=desert"][0]
    assert desert.reason.endswith(
        "at least 100 needed on each side (policy.scope.min_segment_rows)"
    )


def test_numeric_segment_keys_are_labelled_as_numbers() -> None:
    rng = np.random.default_rng(8)
    ref, cur = frame(rng, 3000), frame(rng, 3000)
    ref["tier"] = rng.choice([1.0, 2.0, 2.5], 3000)
    cur["tier"] = rng.choice([1.0, 2.0, 2.5, np.nan], 3000)
    s = Schema(
        columns=(
            ColumnSpec(name="tier", role=Role.NUMERIC, segment=True),
            ColumnSpec(name="x1", role=Role.NUMERIC),
        )
    )
    report = run(ref, cur, s)
    assert [r.segment.id for r in report.results] == [
        "segment:tier=1",
        "segment:tier=2",
        "segment:tier=2.5",
    ]
    assert sum(r.segment.share_current for r in report.results) == pytest.approx(0.75, abs=0.03)


def test_collect_lists_segments_with_their_drifted_tests_only() -> None:
    rng = np.random.default_rng(9)
    evidence = collect(frame(rng), frame(rng, shift_in="coast"), schema(), Policy()).evidence
    segs = [e for e in evidence if isinstance(e, SegmentDrift)]
    assert len(segs) == 8
    inside = [e for e in evidence if isinstance(e, FeatureDrift) and e.segment is not None]
    assert [e.id for e in inside] == ["drift:numeric:x0@region=coast"]
    ids = [e.id for e in evidence]
    assert ids.index("drift:numeric:x0@region=coast") == ids.index("segment:region=coast") + 1


def test_segment_degradation_is_bonferroni_corrected_over_the_key() -> None:
    """8 regions of 1,000 labelled rows: a p=0.02 dip is chance, a 10-point drop is not."""
    from driftwise.signals.collect import compute_evidence

    rng = np.random.default_rng(0)
    correct_current = {"a": 900, "b": 860, "c": 800}  # others: 900, like the reference

    def side(current: bool) -> pd.DataFrame:
        parts = []
        for region in "abcdefgh":
            k = correct_current.get(region, 900) if current else 900
            y = np.ones(1000, dtype=int)
            pred = np.r_[np.ones(k, dtype=int), np.zeros(1000 - k, dtype=int)]
            parts.append(
                pd.DataFrame({"region": region, "x": rng.normal(size=1000), "y": y, "pred": pred})
            )
        frame = pd.concat(parts, ignore_index=True)
        for c in ("region", "y", "pred"):
            frame[c] = frame[c].astype(str).astype(object)
        return frame

    schema = Schema(
        columns=(
            ColumnSpec(name="region", role=Role.CATEGORICAL, segment=True),
            ColumnSpec(name="x", role=Role.NUMERIC),
            ColumnSpec(name="y", role=Role.TARGET, dtype="categorical"),
            ColumnSpec(name="pred", role=Role.PREDICTION, dtype="categorical"),
        )
    )
    ev = compute_evidence(side(False), side(True), schema, Policy())
    segs = {e.value: e for e in ev if isinstance(e, SegmentDrift)}
    assert segs["b"].performance_p_value is not None
    assert 0.05 / 8 < segs["b"].performance_p_value < 0.05  # significant alone, not among 8
    assert not segs["b"].degraded
    assert segs["c"].degraded
    assert not segs["a"].degraded


def test_auto_keys_are_capped_and_prefer_the_key_whose_mix_shifted() -> None:
    rng = np.random.default_rng(5)
    n = 4000

    def frame(shifted: bool) -> pd.DataFrame:
        cols: dict[str, object] = {f"k{i}": rng.choice(["a", "b", "c"], n) for i in range(6)}
        p = [0.5, 0.3, 0.2] if shifted else [0.2, 0.3, 0.5]
        cols["region"] = rng.choice(["r1", "r2", "r3"], n, p=p)
        cols["x"] = rng.normal(size=n)
        return pd.DataFrame(cols).astype({c: object for c in cols if c != "x"})

    names = [f"k{i}" for i in range(6)] + ["region"]
    schema = Schema(
        columns=(
            *(ColumnSpec(name=c, role=Role.CATEGORICAL) for c in names),
            ColumnSpec(name="x", role=Role.NUMERIC),
        )
    )
    found = collect(frame(False), frame(True), schema, Policy())
    keys = {e.key for e in found.evidence if isinstance(e, SegmentDrift)}
    assert "region" in keys
    assert len(keys) == Policy().scope.max_auto_keys == 3
