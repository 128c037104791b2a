"""label_evidence: counts, sufficiency, by-segment counts and representativeness of labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray
from pydantic import TypeAdapter
from scipy import stats

from driftwise.policy.model import Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.labels import label_evidence
from driftwise.signals.types import Evidence, LabelAvailability

SCHEMA = Schema(
    columns=(
        ColumnSpec(name="region", role=Role.CATEGORICAL, segment=True),
        ColumnSpec(name="plan", role=Role.CATEGORICAL),
        ColumnSpec(name="age", role=Role.NUMERIC),
        ColumnSpec(name="note", role=Role.TEXT),
        ColumnSpec(name="y", role=Role.TARGET),
    )
)


def traffic(rng: np.random.Generator, n: int, labelled: NDArray[np.bool_]) -> pd.DataFrame:
    """Current rows, with a target value where ``labelled`` is true."""
    frame = pd.DataFrame(
        {
            "region": pd.Series(rng.choice(["north", "south", "east", "west"], n), dtype=object),
            "plan": pd.Series(rng.choice(["basic", "plus", "pro"], n), dtype=object),
            "age": rng.normal(40.0, 10.0, n),
            "note": pd.Series(rng.choice(["ok", "late", "broken"], n), dtype=object),
        }
    )
    y = pd.Series(rng.choice(["no", "yes"], n), dtype=object)
    frame["y"] = y.where(labelled, None)
    return frame


def evidence(current: pd.DataFrame, policy: Policy | None = None) -> LabelAvailability:
    return label_evidence(current.iloc[:0], current, SCHEMA, policy or Policy())


def test_labels_from_one_region_only_are_unrepresentative() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    region = rng.choice(["north", "south", "east", "west"], n)
    cur = traffic(rng, n, np.zeros(n, dtype=bool))
    cur["region"] = pd.Series(region, dtype=object)
    cur["y"] = pd.Series(rng.choice(["no", "yes"], n), dtype=object).where(region == "north", None)
    e = evidence(cur)
    n_north = int((region == "north").sum())
    assert e.n_labelled == n_north and e.n_current == n
    assert e.share_labelled == pytest.approx(n_north / n)
    assert e.by_segment == {
        "region=east": 0,
        "region=north": n_north,
        "region=south": 0,
        "region=west": 0,
    }
    assert e.representative is False
    assert e.unrepresentative_features == ("region",)
    assert e.representativeness_effect == pytest.approx(1.0 - n_north / n, abs=1e-9)
    assert e.representativeness_p_value is not None and e.representativeness_p_value < 1e-10


def test_random_labels_are_representative() -> None:
    rng = np.random.default_rng(1)
    n = 4000
    e = evidence(traffic(rng, n, rng.random(n) < 0.3))
    assert e.representative is True
    assert e.unrepresentative_features == ()
    assert e.representativeness_p_value is not None and e.representativeness_p_value > 0.05
    assert e.representativeness_effect is not None and e.representativeness_effect < 0.05
    assert sum(e.by_segment.values()) == e.n_labelled


def test_labels_only_for_old_customers_name_the_numeric_input() -> None:
    rng = np.random.default_rng(2)
    cur = traffic(rng, 3000, np.zeros(3000, dtype=bool))
    cur["y"] = cur["y"].astype(object).where(cur["age"] < 45, "yes")
    e = evidence(cur)
    assert e.unrepresentative_features == ("age",) and e.representative is False


def test_p_value_and_effect_match_scipy() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    cur = traffic(rng, n, np.zeros(n, dtype=bool))
    lab = (rng.random(n) < np.where(cur["plan"] == "pro", 0.5, 0.3)) & (cur["age"] > 30)
    cur["y"] = pd.Series("yes", index=cur.index, dtype=object).where(lab, None)
    e = evidence(cur)
    sub = cur[lab]
    p_values = []
    for name in ("region", "plan"):
        table = pd.crosstab(
            np.r_[np.zeros(len(sub)), np.ones(n)], np.r_[sub[name].to_numpy(), cur[name]]
        )
        p_values.append(stats.chi2_contingency(table.to_numpy(), correction=False).pvalue)
    p_values.append(stats.ks_2samp(sub["age"], cur["age"], method="asymp").pvalue)
    adjusted = stats.false_discovery_control(p_values, method="bh")
    assert e.representativeness_p_value == pytest.approx(adjusted.min(), rel=1e-6)
    effects = [
        0.5
        * float(
            (sub[name].value_counts(normalize=True) - cur[name].value_counts(normalize=True))
            .abs()
            .sum()
        )
        for name in ("region", "plan")
    ]
    # The labelled rows play the reference: the Wasserstein distance in their standard deviation
    effects.append(stats.wasserstein_distance(sub["age"], cur["age"]) / float(np.std(sub["age"])))
    assert e.representativeness_effect == pytest.approx(max(effects), rel=1e-9)
    assert set(e.unrepresentative_features) == {"plan", "age"}


def test_bonferroni_from_the_policy() -> None:
    rng = np.random.default_rng(4)
    cur = traffic(rng, 2000, rng.random(2000) < 0.5)
    bh = evidence(cur)
    bonf = evidence(cur, Policy.model_validate({"drift": {"correction": "bonferroni"}}))
    assert bonf.representativeness_p_value is not None
    assert bh.representativeness_p_value is not None
    assert bonf.representativeness_p_value >= bh.representativeness_p_value


def test_sufficiency_follows_the_policy() -> None:
    rng = np.random.default_rng(5)
    cur = traffic(rng, 1000, np.arange(1000) < 300)
    e = evidence(cur)
    assert (e.n_labelled, e.sufficient_for_fine_tune, e.sufficient_for_retrain) == (
        300,
        True,
        False,
    )
    strict = Policy.model_validate({"labels": {"min_for_fine_tune": 301, "min_for_retrain": 10}})
    e = evidence(cur, strict)
    assert (e.sufficient_for_fine_tune, e.sufficient_for_retrain) == (False, True)


def test_too_few_labels_are_not_tested() -> None:
    rng = np.random.default_rng(6)
    e = evidence(traffic(rng, 500, np.arange(500) < 29))
    assert e.n_labelled == 29
    assert e.representative is None
    assert e.representativeness_p_value is None and e.representativeness_effect is None
    assert sum(e.by_segment.values()) == 29
    e = evidence(traffic(rng, 500, np.arange(500) < 30))
    assert e.representative is not None


def test_no_target_column_or_no_target_role_means_no_labels() -> None:
    rng = np.random.default_rng(7)
    cur = traffic(rng, 200, np.ones(200, dtype=bool)).drop(columns=["y"])
    e = evidence(cur)
    assert (e.n_labelled, e.share_labelled, e.representative) == (0, 0.0, None)
    no_target = Schema(columns=(ColumnSpec(name="age", role=Role.NUMERIC),))
    e = label_evidence(cur, cur, no_target, Policy())
    assert (e.n_labelled, e.by_segment) == (0, {})
    empty = label_evidence(cur.iloc[:0], cur.iloc[:0], SCHEMA, Policy())
    assert (empty.n_current, empty.share_labelled) == (0, 0.0)


def test_category_dtype_gives_the_same_result() -> None:
    rng = np.random.default_rng(8)
    n = 2000
    cur = traffic(rng, n, np.zeros(n, dtype=bool))
    cur["y"] = cur["y"].astype(object).where(cur["region"].isin(["north", "east"]), "no")
    cat = cur.astype({"region": "category", "plan": "category", "y": "category"})
    as_cat, plain = evidence(cat), evidence(cur)
    assert as_cat.model_dump(exclude={"representativeness_effect"}) == plain.model_dump(
        exclude={"representativeness_effect"}
    )
    assert as_cat.representativeness_effect == pytest.approx(plain.representativeness_effect)
    assert as_cat.unrepresentative_features == ("region",)


def test_segment_keys_with_too_many_values_are_not_counted() -> None:
    rng = np.random.default_rng(9)
    cur = traffic(rng, 300, np.ones(300, dtype=bool))
    cur["shop"] = [f"s{i % 60}" for i in range(300)]
    s = Schema(columns=(*SCHEMA.columns, ColumnSpec(name="shop", role=Role.ID, segment=True)))
    e = label_evidence(cur, cur, s, Policy())
    assert not any(k.startswith("shop=") for k in e.by_segment)
    loose = Policy.model_validate({"scope": {"max_segment_values": 60}})
    counted = label_evidence(cur, cur, s, loose).by_segment
    assert counted["shop=s0"] == 5


def test_json_round_trip() -> None:
    rng = np.random.default_rng(10)
    e = evidence(traffic(rng, 1000, rng.random(1000) < 0.4))
    assert TypeAdapter(Evidence).validate_json(e.model_dump_json()) == e
