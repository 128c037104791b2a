"""schema_change_evidence: added/removed/retyped columns, out-of-range values, unit changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter

from driftwise.policy.model import Policy, SchemaChangeThresholds
from driftwise.schema import SchemaOverrides, infer_schema
from driftwise.schema.roles import Schema
from driftwise.signals.schema_change import qq_fit, schema_change_evidence
from driftwise.signals.types import ColumnRetype, Evidence, SchemaChange

REGIONS = np.array(["north", "south", "east", "west"])


def sensors(rng: np.random.Generator, n: int) -> pd.DataFrame:
    region = rng.choice(REGIONS, n)
    return pd.DataFrame(
        {
            "region": region,
            "temp": rng.normal(15.0, 8.0, n) - np.where(region == "north", 5.0, 0.0),
            "load": rng.gamma(2.0, 10.0, n),
            "plan": rng.choice(["basic", "plus", "pro"], n),
            "y": rng.integers(0, 2, n),
        }
    )


def schema_of(ref: pd.DataFrame, segments: tuple[str, ...] = ("region",)) -> Schema:
    return infer_schema(ref, SchemaOverrides(target="y", segments=list(segments)), where="ref")


def change(ref: pd.DataFrame, cur: pd.DataFrame, schema: Schema, **kw: object) -> SchemaChange:
    policy = Policy.model_validate(kw) if kw else Policy()
    (e,) = schema_change_evidence(ref, cur, schema, policy)
    assert isinstance(e, SchemaChange)
    assert e.id == "schema"
    return e


def test_no_change_says_so() -> None:
    rng = np.random.default_rng(0)
    ref = sensors(rng, 3000)
    e = change(ref, sensors(rng, 3000), schema_of(ref))
    assert (e.added, e.removed, e.retyped, e.out_of_range, e.rescaled) == ((), (), (), {}, ())
    assert not e.architecture_change_suggested
    assert e.explanation == (
        "No column was added, removed or retyped; no input has values outside the reference "
        "range or looks rescaled."
    )


def test_celsius_to_fahrenheit_everywhere_is_a_consistent_rescaling() -> None:
    rng = np.random.default_rng(1)
    ref, cur = sensors(rng, 4000), sensors(rng, 4000)
    cur["temp"] = cur["temp"] * 1.8 + 32.0
    e = change(ref, cur, schema_of(ref))
    (r,) = e.rescaled
    assert r.column == "temp"
    assert r.slope == pytest.approx(1.8, abs=0.05)
    assert r.intercept == pytest.approx(32.0, abs=1.0)
    assert r.r_squared > 0.995
    assert r.consistent_across_segments
    assert e.out_of_range["temp"] > 0.5
    assert not e.architecture_change_suggested  # same columns, same types: a new unit
    assert f"'temp' looks rescaled (current = {r.slope:.3g} x reference + " in e.explanation
    assert "alike in every segment: like a new unit or sensor" in e.explanation


def test_rescaling_in_one_region_only_is_not_consistent() -> None:
    rng = np.random.default_rng(2)
    ref, cur = sensors(rng, 4000), sensors(rng, 4000)
    north = cur["region"] == "north"
    cur.loc[north, "temp"] = cur.loc[north, "temp"] * 1.8 + 32.0
    e = change(ref, cur, schema_of(ref))
    (r,) = e.rescaled
    assert r.column == "temp" and not r.consistent_across_segments
    assert r.slope == pytest.approx(1.8, abs=0.1)
    assert r.intercept == pytest.approx(32.0, abs=2.0)
    assert "only in region=north: a local cause" in e.explanation


def test_a_whole_data_fit_that_fails_inside_one_segment_is_not_consistent() -> None:
    """Everyone moved to Fahrenheit but the south, which was already off by a different fit."""
    rng = np.random.default_rng(3)
    ref, cur = sensors(rng, 6000), sensors(rng, 6000)
    south = cur["region"] == "south"
    cur["temp"] = cur["temp"] * 1.8 + 32.0
    cur.loc[south, "temp"] += 6.0
    e = change(ref, cur, schema_of(ref))
    (r,) = e.rescaled
    assert r.slope == pytest.approx(1.8, abs=0.2)
    assert not r.consistent_across_segments
    assert "but not alike in every segment" in e.explanation


def test_without_segment_keys_a_rescaling_is_consistent() -> None:
    rng = np.random.default_rng(4)
    ref, cur = sensors(rng, 2000), sensors(rng, 2000)
    cur["load"] = cur["load"] * 1000.0  # kW -> W
    (r,) = change(ref, cur, schema_of(ref, segments=())).rescaled
    assert r.column == "load" and r.slope == pytest.approx(1000.0, rel=0.03)
    assert r.consistent_across_segments


def test_a_shift_of_the_mean_is_drift_not_a_new_unit_but_kelvin_is() -> None:
    rng = np.random.default_rng(5)
    ref = sensors(rng, 3000)
    shifted = sensors(rng, 3000)
    shifted["temp"] += 4.0  # half a standard deviation
    assert change(ref, shifted, schema_of(ref)).rescaled == ()
    kelvin = sensors(rng, 3000)
    kelvin["temp"] += 273.15
    (r,) = change(ref, kelvin, schema_of(ref)).rescaled
    assert r.slope == pytest.approx(1.0, abs=0.05) and r.intercept == pytest.approx(273, abs=3)


def test_no_false_rescaling_on_small_same_distribution_batches() -> None:
    rng = np.random.default_rng(6)
    ref = sensors(rng, 1000)
    schema = schema_of(ref)
    found = [change(ref, sensors(rng, 60), schema).rescaled for _ in range(20)]
    assert all(r == () for r in found)


def test_same_distribution_batches_rarely_look_rescaled() -> None:
    """The Bonferroni budget over inputs and segments keeps false unit changes rare."""
    rng = np.random.default_rng(16)
    ref = sensors(rng, 1500)
    schema = schema_of(ref)
    found = sum(bool(change(ref, sensors(rng, 1500), schema).rescaled) for _ in range(30))
    assert found <= 1


def test_added_and_removed_columns_suggest_an_architecture_change() -> None:
    rng = np.random.default_rng(7)
    ref = sensors(rng, 500)
    cur = sensors(rng, 500).drop(columns=["load", "y"]).assign(humidity=rng.random(500))
    e = change(ref, cur, schema_of(ref))
    assert e.added == ("humidity",)
    assert e.removed == ("load",)  # the target may be absent: labels arrive late
    assert e.architecture_change_suggested
    assert e.explanation == (
        "Column 'humidity' added; column 'load' removed. The model's inputs changed: its "
        "architecture may need to change."
    )


def test_numeric_column_turned_to_text_is_retyped() -> None:
    rng = np.random.default_rng(8)
    ref, cur = sensors(rng, 500), sensors(rng, 500)
    cur["load"] = np.where(rng.random(500) < 0.8, "high", cur["load"].astype(str))
    e = change(ref, cur, schema_of(ref))
    assert e.retyped == (ColumnRetype(column="load", reference="numeric", current="text"),)
    assert "load" not in e.out_of_range  # a retyped column is not tested further
    assert e.architecture_change_suggested
    assert "'load' changed from numeric to text" in e.explanation


def test_numbers_as_text_are_not_a_retype() -> None:
    rng = np.random.default_rng(9)
    ref, cur = sensors(rng, 500), sensors(rng, 500)
    cur["temp"] = cur["temp"].map(lambda v: f"{v:.3f}")
    cur.loc[:10, "temp"] = "n/a"  # a few unreadable values are a data-quality matter
    assert change(ref, cur, schema_of(ref)).retyped == ()


def test_categorical_codes_that_became_measurements_are_retyped() -> None:
    rng = np.random.default_rng(10)
    ref = sensors(rng, 500).assign(grade=rng.integers(1, 6, 500))
    cur = sensors(rng, 500).assign(grade=rng.normal(3.0, 1.0, 500))
    schema = schema_of(ref)
    assert schema.spec("grade").value_type == "categorical"
    e = change(ref, cur, schema)
    assert e.retyped == (ColumnRetype(column="grade", reference="categorical", current="numeric"),)
    same = change(ref, sensors(rng, 500).assign(grade=rng.integers(1, 6, 500)), schema)
    assert same.retyped == ()


def test_text_categories_that_became_numbers_are_retyped() -> None:
    rng = np.random.default_rng(11)
    ref, cur = sensors(rng, 400), sensors(rng, 400)
    cur["plan"] = rng.normal(50, 10, 400).round(2)
    (r,) = change(ref, cur, schema_of(ref)).retyped
    assert (r.column, r.reference, r.current) == ("plan", "categorical", "numeric")


def test_out_of_range_share_is_measured_against_the_policy() -> None:
    rng = np.random.default_rng(12)
    ref, cur = sensors(rng, 2000), sensors(rng, 2000)
    top = float(ref["load"].max())
    cur.loc[:99, "load"] = top + 1.0 + rng.random(100)  # 5% above the reference maximum
    cur.loc[100:109, "temp"] = float(ref["temp"].min()) - 1.0  # 0.5% below the minimum
    e = change(ref, cur, schema_of(ref))
    inside = cur["load"].between(float(ref["load"].min()), top).mean()
    assert e.out_of_range["load"] == pytest.approx(1.0 - inside, abs=1e-6)
    assert 0.05 <= e.out_of_range["load"] < 0.06
    assert "temp" not in e.out_of_range  # below the default 1%
    strict = change(ref, cur, schema_of(ref), schema_change={"out_of_range_share": 0.001})
    outside = ~cur["temp"].between(float(ref["temp"].min()), float(ref["temp"].max()))
    assert strict.out_of_range["temp"] == pytest.approx(outside.mean(), abs=1e-6)
    assert 0.005 <= strict.out_of_range["temp"] < 0.01
    assert f"{e.out_of_range['load']:.1%} of 'load' outside the reference range" in e.explanation


def test_r_squared_threshold_comes_from_the_policy() -> None:
    rng = np.random.default_rng(13)
    ref, cur = sensors(rng, 3000), sensors(rng, 3000)
    cur["temp"] = cur["temp"] * 1.8 + 32.0
    assert SchemaChangeThresholds().rescale_r_squared < 1.0
    never = change(ref, cur, schema_of(ref), schema_change={"rescale_r_squared": 1.0})
    assert never.rescaled == ()


def test_qq_fit_matches_numpy_least_squares() -> None:
    rng = np.random.default_rng(14)
    ref, cur = rng.gamma(2.0, 3.0, 3000), rng.normal(10.0, 4.0, 2500)
    fit = qq_fit(ref, cur)
    assert fit is not None
    p = np.arange(1, 100) / 100
    qr, qc = np.quantile(ref, p), np.quantile(cur, p)
    slope, intercept = np.polyfit(qr, qc, 1)
    assert fit.slope == pytest.approx(slope, rel=1e-10)
    assert fit.intercept == pytest.approx(intercept, rel=1e-10)
    assert fit.r_squared == pytest.approx(np.corrcoef(qr, qc)[0, 1] ** 2, rel=1e-10)
    assert qq_fit(np.ones(100), cur) is None


def test_json_round_trip() -> None:
    rng = np.random.default_rng(15)
    ref, cur = sensors(rng, 2000), sensors(rng, 2000)
    cur["temp"] = cur["temp"] * 1.8 + 32.0
    e = change(ref, cur.assign(extra=1), schema_of(ref))
    assert TypeAdapter(Evidence).validate_json(e.model_dump_json()) == e
