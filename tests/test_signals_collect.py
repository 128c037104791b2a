"""compute_evidence: what is tested, ids, order, correction, labels, errors and speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.policy.model import DriftThresholds, LabelThresholds, Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.collect import collect, compute_evidence
from driftwise.signals.types import (
    Evidence,
    FeatureDrift,
    LabelAvailability,
    Performance,
    Scope,
    SegmentDrift,
)
from driftwise.signals.univariate import Skipped

SCHEMA = Schema(
    columns=(
        ColumnSpec(name="age", role=Role.NUMERIC),
        ColumnSpec(name="channel", role=Role.CATEGORICAL, segment=True),
        ColumnSpec(name="query", role=Role.TEXT),
        ColumnSpec(name="row_id", role=Role.ID),
        ColumnSpec(name="label", role=Role.TARGET),
        ColumnSpec(name="pred", role=Role.PREDICTION),
        ColumnSpec(name="score", role=Role.SCORE),
    )
)


def frame(
    rng: np.random.Generator, n: int, *, shift: float = 0.0, acc: float = 0.9, labelled: float = 1.0
) -> pd.DataFrame:
    label = rng.choice(["no", "yes"], n, p=[0.7 - shift / 4, 0.3 + shift / 4])
    wrong = rng.random(n) > acc
    pred = np.where(wrong, np.where(label == "no", "yes", "no"), label)
    label_obj = pd.Series(label, dtype=object)
    label_obj[rng.random(n) > labelled] = None
    return pd.DataFrame(
        {
            "age": rng.normal(40.0, 10.0, n) + 10.0 * shift,
            "channel": pd.Series(rng.choice(["web", "app", "shop"], n), dtype=object),
            "query": pd.Series(rng.choice(["hi there", "refund", "where is it"], n), dtype=object),
            "row_id": np.arange(n, dtype=float),
            "label": label_obj,
            "pred": pd.Series(pred, dtype=object),
            "score": rng.beta(2, 5, n) + 0.2 * shift,
        }
    )


def test_global_tests_ids_order_and_kinds() -> None:
    rng = np.random.default_rng(0)
    evidence = compute_evidence(frame(rng, 3000), frame(rng, 3000), SCHEMA, Policy())
    ids = [e.id for e in evidence]
    assert ids[:6] == [
        "drift:numeric:age",
        "drift:categorical:channel",
        "drift:text:query",
        "drift:prediction:pred",
        "drift:score:score",
        "drift:target:label",
    ]
    assert ids[6] == "performance:accuracy"
    assert ids[7:10] == ["segment:channel=app", "segment:channel=shop", "segment:channel=web"]
    assert ids[-2:] == ["scope", "labels"]
    kinds = {e.id: e for e in evidence if isinstance(e, FeatureDrift)}
    assert kinds["drift:text:query"].test == "chi2"
    assert kinds["drift:prediction:pred"].test == "chi2"
    assert kinds["drift:score:score"].test == "ks"
    assert all(f.distribution is not None for f in kinds.values())
    assert not any(f.drifted for f in kinds.values())
    assert "row_id" not in {f.column for f in kinds.values()}


def test_global_tests_are_corrected_together() -> None:
    rng = np.random.default_rng(1)
    ref, cur = frame(rng, 2000), frame(rng, 2000, shift=0.3)
    evidence = compute_evidence(ref, cur, SCHEMA, Policy())
    drift = [e for e in evidence if isinstance(e, FeatureDrift) and e.segment is None]
    assert len(drift) == 6
    expected = stats.false_discovery_control([f.p_value for f in drift])
    assert [f.p_adjusted for f in drift] == pytest.approx(list(expected), rel=1e-12)
    drifted = {f.column for f in drift if f.drifted}
    assert {"age", "score", "label"} <= drifted
    bonf = compute_evidence(
        ref, cur, SCHEMA, Policy(drift=DriftThresholds(correction="bonferroni"))
    )
    bonf_drift = [e for e in bonf if isinstance(e, FeatureDrift) and e.segment is None]
    assert [f.p_adjusted for f in bonf_drift] == pytest.approx(
        [min(1.0, f.p_value * 6) for f in drift]
    )


def test_label_drift_uses_labelled_rows_only() -> None:
    rng = np.random.default_rng(2)
    ref, cur = frame(rng, 3000), frame(rng, 3000, labelled=0.4)
    evidence = compute_evidence(ref, cur, SCHEMA, Policy())
    label = [e for e in evidence if e.id == "drift:target:label"][0]
    assert isinstance(label, FeatureDrift)
    assert label.missing_current == 0.0
    assert label.n_current == int(cur["label"].notna().sum())
    labels = evidence[-1]
    assert isinstance(labels, LabelAvailability)
    assert labels.n_current == 3000 and labels.n_labelled == label.n_current
    assert labels.share_labelled == pytest.approx(label.n_current / 3000)
    assert labels.sufficient_for_fine_tune and labels.sufficient_for_retrain


def test_label_availability_thresholds() -> None:
    rng = np.random.default_rng(3)
    policy = Policy(labels=LabelThresholds(min_for_fine_tune=100, min_for_retrain=500))
    cur = frame(rng, 3000, labelled=0.1)
    labels = compute_evidence(frame(rng, 3000), cur, SCHEMA, policy)[-1]
    assert isinstance(labels, LabelAvailability)
    assert 100 <= labels.n_labelled < 500
    assert labels.sufficient_for_fine_tune and not labels.sufficient_for_retrain


def test_accuracy_drop_gives_degraded_performance() -> None:
    rng = np.random.default_rng(4)
    evidence = compute_evidence(
        frame(rng, 2000, acc=0.9), frame(rng, 2000, acc=0.8), SCHEMA, Policy()
    )
    perf = [e for e in evidence if isinstance(e, Performance)]
    assert len(perf) == 1 and perf[0].degraded
    assert perf[0].change == pytest.approx(-0.1, abs=0.03)


def test_in_segment_tests_only_when_drifted() -> None:
    rng = np.random.default_rng(5)
    ref, cur = frame(rng, 6000), frame(rng, 6000)
    web = cur["channel"] == "web"
    cur.loc[web, "age"] = cur.loc[web, "age"] + 8.0
    result = collect(ref, cur, SCHEMA, Policy())
    inside = [e for e in result.evidence if isinstance(e, FeatureDrift) and e.segment]
    assert inside and all(e.drifted and e.segment == "channel=web" for e in inside)
    assert "drift:numeric:age@channel=web" in {e.id for e in inside}
    scope = [e for e in result.evidence if isinstance(e, Scope)][0]
    assert scope.verdict == "localized" and scope.drifted_segments == ("channel=web",)
    segs = [e for e in result.evidence if isinstance(e, SegmentDrift)]
    assert [s.drifted for s in segs] == [False, False, True]


def test_evidence_is_deterministic_and_round_trips_through_json() -> None:
    rng = np.random.default_rng(6)
    ref, cur = frame(rng, 1500), frame(rng, 1500, shift=0.2)
    first = compute_evidence(ref, cur, SCHEMA, Policy())
    assert compute_evidence(ref, cur, SCHEMA, Policy()) == first
    adapter = TypeAdapter(tuple[Evidence, ...])
    assert adapter.validate_json(adapter.dump_json(first)) == first


def test_numeric_prediction_and_regression_target() -> None:
    rng = np.random.default_rng(7)
    s = Schema(
        columns=(
            ColumnSpec(name="x", role=Role.NUMERIC),
            ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
            ColumnSpec(name="yhat", role=Role.PREDICTION, dtype="numeric"),
        )
    )

    def side(noise: float) -> pd.DataFrame:
        x = rng.normal(size=2000)
        y = 2 * x + rng.normal(size=2000)
        return pd.DataFrame({"x": x, "y": y, "yhat": 2 * x + rng.normal(0, noise, 2000)})

    evidence = compute_evidence(side(0.1), side(1.0), s, Policy())
    ids = [e.id for e in evidence]
    assert ids[:4] == [
        "drift:numeric:x",
        "drift:prediction:yhat",
        "drift:target:y",
        "performance:mae",
    ]
    perf = evidence[3]
    assert isinstance(perf, Performance) and perf.degraded and not perf.higher_is_better


def test_skipped_columns_are_reported() -> None:
    rng = np.random.default_rng(8)
    ref, cur = frame(rng, 500), frame(rng, 500, labelled=0.0)
    result = collect(ref, cur, SCHEMA, Policy())
    assert (
        Skipped(
            "drift:target:label",
            "500 non-missing reference and 0 current values; at least 30 needed on each side",
        )
        in result.skipped
    )
    assert (
        Skipped(
            "performance:accuracy",
            "500 labelled reference and 0 current rows; at least 30 needed on each side",
        )
        in result.skipped
    )
    assert not any(isinstance(e, Performance) for e in result.evidence)


def test_missing_column_message() -> None:
    rng = np.random.default_rng(9)
    ref, cur = frame(rng, 100), frame(rng, 100).rename(columns={"age": "agee"})
    with pytest.raises(DriftwiseError) as err:
        compute_evidence(ref, cur, SCHEMA, Policy())
    assert str(err.value) == (
        "current: column 'age': found no such column; expected every column of the schema in "
        "both frames (did you mean 'agee'?)."
    )


@pytest.mark.slow
def test_hundred_thousand_rows_by_twenty_columns_is_fast() -> None:
    rng = np.random.default_rng(10)
    n = 100_000
    cols = [ColumnSpec(name="region", role=Role.CATEGORICAL, segment=True)]
    cols += [ColumnSpec(name=f"x{i}", role=Role.NUMERIC) for i in range(13)]
    cols += [ColumnSpec(name=f"c{i}", role=Role.CATEGORICAL) for i in range(4)]
    cols += [ColumnSpec(name="y", role=Role.TARGET), ColumnSpec(name="p", role=Role.PREDICTION)]
    s = Schema(columns=tuple(cols))

    def side(shift: float) -> pd.DataFrame:
        data: dict[str, object] = {
            "region": pd.Series(rng.choice(list("abcdefgh"), n), dtype=object)
        }
        for i in range(13):
            data[f"x{i}"] = rng.normal(size=n) + (shift if i % 4 == 0 else 0.0)
        for i in range(4):
            data[f"c{i}"] = pd.Series(rng.choice(list("pqrstu")[: 2 + i], n), dtype=object)
        y = rng.choice(["0", "1"], n)
        data["y"] = pd.Series(y, dtype=object)
        data["p"] = pd.Series(np.where(rng.random(n) < 0.15, "1", y), dtype=object)
        return pd.DataFrame(data)

    ref, cur = side(0.0), side(0.1)
    start = time.perf_counter()
    evidence = compute_evidence(ref, cur, s, Policy())
    elapsed = time.perf_counter() - start
    assert any(isinstance(e, FeatureDrift) and e.drifted for e in evidence)
    assert elapsed < 10.0  # about 1 s on an idle 2-core machine; generous for shared runners


# --- detection and false alarms of the whole pipeline ---------------------------------------


def _mixed(
    rng: np.random.Generator, n: int, n_num: int, n_cat: int, *, shift: float, moved: float
) -> tuple[pd.DataFrame, pd.DataFrame, Schema]:
    """As in ANCHORS.md: N(0, 1) columns, the first 5 shifted by ``shift``; 10 equally likely
    categories, ``moved`` of probability from the second to the first in the first 5."""
    ref: dict[str, object] = {}
    cur: dict[str, object] = {}
    for i in range(n_num):
        ref[f"n{i:02d}"] = rng.normal(size=n)
        cur[f"n{i:02d}"] = rng.normal(size=n) + (shift if i < 5 else 0.0)
    labels = np.array([f"c{i}" for i in range(10)], dtype=object)
    base = np.full(10, 0.1)
    drift = base + np.r_[moved, -moved, np.zeros(8)]
    for i in range(n_cat):
        ref[f"c{i:02d}"] = pd.Series(labels[rng.choice(10, n, p=base)], dtype=object)
        cur[f"c{i:02d}"] = pd.Series(labels[rng.choice(10, n, p=drift if i < 5 else base)])
    cols = [ColumnSpec(name=f"n{i:02d}", role=Role.NUMERIC) for i in range(n_num)]
    cols += [ColumnSpec(name=f"c{i:02d}", role=Role.CATEGORICAL) for i in range(n_cat)]
    return pd.DataFrame(ref), pd.DataFrame(cur), Schema(columns=tuple(cols))


def _flagged(evidence: tuple[Evidence, ...], *, segments: bool = False) -> set[str]:
    """Drifted columns: whole-data tests, and with ``segments`` those inside segments too."""
    return {
        e.column
        for e in evidence
        if isinstance(e, FeatureDrift) and e.drifted and (segments or e.segment is None)
    }


@pytest.mark.slow
def test_tenth_of_a_standard_deviation_in_5_of_20_numeric_columns_is_found_alone() -> None:
    ref, cur, schema = _mixed(np.random.default_rng(30), 200_000, 20, 0, shift=0.1, moved=0.0)
    evidence = compute_evidence(ref, cur, schema, Policy())
    assert _flagged(evidence) == {f"n{i:02d}" for i in range(5)}
    drift = [e for e in evidence if isinstance(e, FeatureDrift)]
    assert all(e.method == "binned" for e in drift)
    assert all(e.threshold == 0.05 for e in drift)  # at 200k the null is far below the minimum


@pytest.mark.slow
def test_two_points_moved_in_5_of_20_categorical_columns_are_found_alone() -> None:
    ref, cur, schema = _mixed(np.random.default_rng(31), 200_000, 0, 20, shift=0.0, moved=0.02)
    evidence = compute_evidence(ref, cur, schema, Policy())
    assert _flagged(evidence) == {f"c{i:02d}" for i in range(5)}
    tvd = {
        e.column: e.effect_size
        for e in evidence
        if isinstance(e, FeatureDrift) and e.segment is None
    }
    assert all(tvd[f"c{i:02d}"] == pytest.approx(0.02, abs=0.004) for i in range(5))
    # The three keys whose own mix moved most were tried as segment keys.
    keys = {e.key for e in evidence if isinstance(e, SegmentDrift)}
    assert len(keys) == 3 and keys <= {f"c{i:02d}" for i in range(5)}


@pytest.mark.slow
def test_no_drift_raises_almost_no_alarm_over_40_seeds() -> None:
    alarms = 0
    for seed in range(40):
        ref, cur, schema = _mixed(
            np.random.default_rng(1000 + seed), 20_000, 6, 4, shift=0.0, moved=0.0
        )
        evidence = compute_evidence(ref, cur, schema, Policy(seed=seed))
        scope = [e for e in evidence if isinstance(e, Scope)][0]
        alarms += bool(_flagged(evidence, segments=True)) or scope.verdict != "none"
    assert alarms <= 2
