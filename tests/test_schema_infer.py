"""infer_schema: the inference rules on realistic frames, overrides winning, and exact errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftwise.errors import DriftwiseError
from driftwise.schema import Role, Schema, SchemaOverrides, infer_schema
from driftwise.schema.infer import value_kind


def compas_like(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """The shape of the COMPAS two-year-recidivism table (ProPublica)."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    return pd.DataFrame(
        {
            "compas_screening_date": days.strftime("%Y-%m-%d"),
            "sex": rng.choice(["Male", "Female"], n, p=[0.8, 0.2]),
            "age": rng.integers(18, 70, n),
            "race": rng.choice(
                ["African-American", "Caucasian", "Hispanic", "Other", "Asian", "Native American"],
                n,
            ),
            "priors_count": np.minimum(rng.poisson(3.0, n) * rng.integers(1, 4, n), 38),
            "two_year_recid": rng.integers(0, 2, n),
            "decile_score": np.arange(n) % 10 + 1,
        }
    )


def elec2_like(n: int = 400, seed: int = 1) -> pd.DataFrame:
    """The shape of Elec2: six normalised float features and an UP (1) / DOWN (0) label."""
    rng = np.random.default_rng(seed)
    names = ["period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"]
    df = pd.DataFrame({c: rng.random(n).round(6) for c in names})
    df["class"] = (df["nswprice"] > 0.5).astype(int)
    return df


def roles(schema: Schema) -> dict[str, str]:
    return {c.name: c.role.value for c in schema.columns}


def _error(df: pd.DataFrame, overrides: SchemaOverrides | None = None) -> str:
    with pytest.raises(DriftwiseError) as excinfo:
        infer_schema(df, overrides, where="ref.csv")
    return str(excinfo.value)


# --- realistic frames ---------------------------------------------------------------------------


def test_compas_like_without_overrides() -> None:
    schema = infer_schema(compas_like(), where="compas.csv")
    assert roles(schema) == {
        "compas_screening_date": "timestamp",
        "sex": "categorical",
        "age": "numeric",
        "race": "categorical",
        "priors_count": "numeric",
        "two_year_recid": "categorical",
        "decile_score": "categorical",  # exactly 10 distinct integers
    }
    assert schema.timestamp == "compas_screening_date"
    assert schema.target is None and schema.segments == () and schema.sensitive == ()


def test_compas_like_with_overrides() -> None:
    overrides = SchemaOverrides(
        target="two_year_recid", prediction="decile_score", sensitive=("race", "sex", "age")
    )
    schema = infer_schema(compas_like(), overrides, where="compas.csv")
    assert schema.target == "two_year_recid"
    assert schema.spec("two_year_recid").dtype == "categorical"
    assert schema.prediction == "decile_score"
    assert schema.spec("decile_score").dtype == "categorical"  # 10 values <= 20
    assert schema.features == ("sex", "age", "race", "priors_count")
    assert schema.sensitive == ("sex", "age", "race")  # column order
    assert schema.spec("age").role is Role.NUMERIC and schema.spec("age").sensitive
    assert schema.spec("race").role is Role.CATEGORICAL and not schema.spec("race").segment


def test_elec2_like() -> None:
    schema = infer_schema(elec2_like(), SchemaOverrides(target="class"), where="elec2.csv")
    assert schema.numeric == (
        "period",
        "nswprice",
        "nswdemand",
        "vicprice",
        "vicdemand",
        "transfer",
    )
    assert schema.categorical == ()
    assert schema.target == "class" and schema.spec("class").dtype == "categorical"
    assert schema.timestamp is None


# --- overrides win ------------------------------------------------------------------------------


def test_overrides_win_over_inference() -> None:
    df = compas_like()
    overrides = SchemaOverrides(
        categorical=("age",),
        numeric=("decile_score",),
        ignore=("race",),
        text=("sex",),
        weight="priors_count",
        scores=("two_year_recid",),
    )
    schema = infer_schema(df, overrides, where="ref.csv")
    assert roles(schema) == {
        "compas_screening_date": "timestamp",
        "sex": "text",
        "age": "categorical",
        "race": "ignored",
        "priors_count": "weight",
        "two_year_recid": "score",
        "decile_score": "numeric",
    }


def test_target_type_from_numeric_or_categorical_list() -> None:
    df = compas_like()
    numeric = infer_schema(
        df, SchemaOverrides(target="decile_score", numeric=("decile_score",)), where="r"
    )
    assert numeric.spec("decile_score").dtype == "numeric"
    categorical = infer_schema(df, SchemaOverrides(target="age", categorical=("age",)), where="r")
    assert categorical.spec("age").dtype == "categorical"


def test_given_timestamp_makes_inferred_ones_ignored() -> None:
    df = compas_like().assign(release_date=lambda d: d["compas_screening_date"])
    schema = infer_schema(df, SchemaOverrides(timestamp="release_date"), where="r")
    assert schema.timestamp == "release_date"
    assert schema.spec("compas_screening_date").role is Role.IGNORED


def test_timestamp_given_as_categorical() -> None:
    schema = infer_schema(
        compas_like(), SchemaOverrides(categorical=("compas_screening_date",)), where="r"
    )
    assert schema.spec("compas_screening_date").role is Role.CATEGORICAL
    assert schema.timestamp is None


def test_segment_that_looks_like_an_id_is_a_categorical_feature() -> None:
    df = pd.DataFrame({"store": [f"S{i:04d}" for i in range(60)], "x": np.linspace(0, 1, 60)})
    assert infer_schema(df, where="r").spec("store").role is Role.ID
    schema = infer_schema(df, SchemaOverrides(segments=("store",)), where="r")
    assert schema.spec("store").role is Role.CATEGORICAL
    assert schema.segments == ("store",)


def test_segment_can_be_ignored_as_a_feature() -> None:
    df = compas_like()
    schema = infer_schema(df, SchemaOverrides(segments=("race",), ignore=("race",)), where="r")
    assert schema.spec("race").role is Role.IGNORED and schema.segments == ("race",)


# --- rules, one at a time -----------------------------------------------------------------------


def test_integer_category_threshold() -> None:
    df = pd.DataFrame({"ten": np.arange(100) % 10, "eleven": np.arange(100) % 11})
    assert roles(infer_schema(df, where="r")) == {"ten": "categorical", "eleven": "numeric"}


def test_label_type_threshold() -> None:
    df = pd.DataFrame({"twenty": np.arange(100) % 20, "more": np.arange(100) % 21})
    s = infer_schema(df, SchemaOverrides(target="twenty", prediction="more"), where="r")
    assert s.spec("twenty").dtype == "categorical"
    assert s.spec("more").dtype == "numeric"


def test_label_types() -> None:
    df = pd.DataFrame(
        {
            "y_float": [0.5, 1.25, 3.0, 2.0],
            "y_text": ["UP", "DOWN", "UP", "UP"],
            "y_bool": [True, False, True, True],
            "y_late": [0.0, 1.0, None, None],  # 0/1 labels with missing values read as floats
        }
    )
    for column, dtype in [
        ("y_float", "numeric"),
        ("y_text", "categorical"),
        ("y_bool", "categorical"),
        ("y_late", "categorical"),
    ]:
        assert infer_schema(df, SchemaOverrides(target=column), where="r").spec(column).dtype == (
            dtype
        )


def test_scores_and_weights_are_numeric() -> None:
    df = pd.DataFrame({"p": [0.1, 0.9], "w": [1, 2], "x": [1.5, 2.5]})
    s = infer_schema(df, SchemaOverrides(scores=("p",), weight="w"), where="r")
    assert s.spec("p").value_type == "numeric" and s.spec("w").value_type == "numeric"
    assert s.scores == ("p",) and s.weight == "w"


def test_bool_category_and_whole_floats() -> None:
    df = pd.DataFrame(
        {
            "flag": [True, False, True],
            "tier": pd.Categorical(["a", "b", "a"]),
            "rating": [1.0, 2.0, np.nan],  # whole floats count as integers
            "price": [1.5, 2.0, 3.0],
        }
    )
    assert roles(infer_schema(df, where="r")) == {
        "flag": "categorical",
        "tier": "categorical",
        "rating": "categorical",
        "price": "numeric",
    }


def test_timestamps_first_one_wins() -> None:
    df = pd.DataFrame(
        {
            "opened": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "closed": ["2024-01-03T10:00:00", "2024-01-04T11:30:00+01:00"],
            "x": [1.5, 2.5],
        }
    )
    assert roles(infer_schema(df, where="r")) == {
        "opened": "timestamp",
        "closed": "ignored",
        "x": "numeric",
    }


def test_text_that_is_not_a_date() -> None:
    df = pd.DataFrame(
        {
            "compact": ["20240101", "20240102", "20240103"],  # parses as ISO 8601, but no dashes
            "one_bad": ["2024-01-01", "2024-01-02", "2024-02-30"],
            "years": ["2024", "2023", "2024"],
        }
    )
    assert set(roles(infer_schema(df, where="r")).values()) == {"categorical"}


def test_free_text_identifier_and_categories() -> None:
    n = 60
    rng = np.random.default_rng(3)
    words = np.array(["slow", "delivery", "great", "broken", "refund", "support", "late", "box"])
    reviews = [" ".join(rng.choice(words, 8)) for _ in range(n)]
    df = pd.DataFrame(
        {
            "review": reviews,
            "order_id": [f"ORD-{i:06d}" for i in range(n)],
            "city": rng.choice(["Lyon", "Paris", "Nice"], n),
        }
    )
    assert roles(infer_schema(df, where="r")) == {
        "review": "text",
        "order_id": "id",
        "city": "categorical",
    }


def test_few_unique_codes_are_categorical_not_identifiers() -> None:
    df = pd.DataFrame({"code": [f"C{i}" for i in range(49)]})  # fewer than 50 values
    assert roles(infer_schema(df, where="r")) == {"code": "categorical"}


def test_other_types_are_ignored() -> None:
    df = pd.DataFrame({"wait": pd.to_timedelta([1, 2], unit="h"), "x": [1.5, 2.5]})
    assert roles(infer_schema(df, where="r")) == {"wait": "ignored", "x": "numeric"}


def test_value_kind() -> None:
    assert value_kind(pd.Series([1, 2], dtype="Int64")) == "integer"
    assert value_kind(pd.Series([1, "a"], dtype=object)) == "string"
    assert value_kind(pd.Series([1, 2], dtype=object)) == "integer"
    assert value_kind(pd.Series([1.5, 2], dtype=object)) == "float"
    assert value_kind(pd.Series([np.inf, 1.0])) == "float"
    assert value_kind(pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC"))) == "datetime"


# --- errors -------------------------------------------------------------------------------------


def test_unknown_override_column() -> None:
    msg = _error(compas_like(), SchemaOverrides(target="two_year_recidd"))
    assert msg == (
        "ref.csv: column 'two_year_recidd': found no such column (given as target); expected one "
        "of the columns of the data (did you mean 'two_year_recid'?)."
    )
    msg = _error(compas_like(), SchemaOverrides(segments=("zzz",)))
    assert msg == (
        "ref.csv: column 'zzz': found no such column (given as segments); expected one of the "
        "columns of the data."
    )


def test_two_roles() -> None:
    msg = _error(compas_like(), SchemaOverrides(numeric=("age",), categorical=("age",)))
    assert msg == (
        "ref.csv: column 'age': found more than one role (numeric, categorical); expected one "
        "role per column."
    )


def test_column_with_only_missing_values() -> None:
    df = compas_like().assign(empty=np.nan)
    assert _error(df) == (
        "ref.csv: column 'empty': found only missing values; expected at least one value. List "
        "it under 'ignore' to leave it out."
    )
    schema = infer_schema(df, SchemaOverrides(ignore=("empty",)), where="ref.csv")
    assert schema.spec("empty").role is Role.IGNORED


def test_target_with_only_missing_values() -> None:
    df = pd.DataFrame({"x": [1.5, 2.5], "y": [None, None]})
    assert _error(df, SchemaOverrides(target="y")) == (
        "ref.csv: column 'y': found only missing values; expected at least one value. List it "
        "under 'ignore' to leave it out."
    )


def test_empty_frames() -> None:
    assert _error(pd.DataFrame(index=[0, 1])) == (
        "ref.csv: found no columns; expected at least one column."
    )
    assert _error(pd.DataFrame({"a": []})) == "ref.csv: found no rows; expected at least one row."


def test_bad_column_names() -> None:
    assert _error(pd.DataFrame({0: [1.0]})) == (
        "ref.csv: found column name 0 of type int; expected text column names (read the data "
        "with driftwise.data.read_table)."
    )
    assert _error(pd.DataFrame([[1, 2]], columns=["a", "a"])) == (
        "ref.csv: found duplicated column name 'a'; expected each column name once."
    )


def test_parquet_text_read_as_categories_keeps_its_roles(tmp_path: Path) -> None:
    """Parquet text arrives dictionary-encoded; dates, free text and ids are still recognised."""
    from driftwise.api import check
    from driftwise.data import read_table

    n = 2000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": [f"user-{i}" for i in range(n)],
            "date": pd.date_range("2024-01-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M"),
            "review": [f"a longer free text review number {i} with some words" for i in range(n)],
            "cat": rng.choice(["a", "b"], n),
            "x": rng.normal(size=n),
        }
    )
    path = tmp_path / "ref.parquet"
    frame.to_parquet(path)
    df = read_table(path)
    assert isinstance(df["cat"].dtype, pd.CategoricalDtype)
    roles = {c.name: c.role.value for c in infer_schema(df, where=str(path)).columns}
    assert roles == {
        "id": "id",
        "date": "timestamp",
        "review": "text",
        "cat": "categorical",
        "x": "numeric",
    }
    decision = check(path, path)
    assert decision.action == "no_action"
