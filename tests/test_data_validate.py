"""validate_pair: coercion to common types, schema mismatches and bad values, messages exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftwise.data import read_table, to_labels, validate_pair
from driftwise.data.validate import factorize_labels, to_categories
from driftwise.errors import DriftwiseError
from driftwise.schema import ColumnSpec, Role, Schema, SchemaOverrides, infer_schema

REF = pd.DataFrame(
    {
        "day": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
        "price": [9.5, 12.0, 7.25, 10.0],
        "region": ["north", "south", "north", "east"],
        "units": [1, 2, 3, 1],
        "y": [0, 1, 0, 1],
    }
)
SCHEMA = infer_schema(REF, SchemaOverrides(target="y"), where="ref.csv")


def pair(current: pd.DataFrame, schema: Schema = SCHEMA, reference: pd.DataFrame = REF) -> tuple[
    pd.DataFrame, pd.DataFrame
]:  # fmt: skip
    return validate_pair(
        reference, current, schema, reference_name="ref.csv", current_name="cur.csv"
    )


def error(current: pd.DataFrame, schema: Schema = SCHEMA, reference: pd.DataFrame = REF) -> str:
    with pytest.raises(DriftwiseError) as excinfo:
        pair(current, schema, reference)
    return str(excinfo.value)


def plain(s: pd.Series) -> list[object]:
    """Values with missing ones as None, for comparisons (nan != nan)."""
    return [None if pd.isna(v) else v for v in s]


def test_schema_of_the_fixture() -> None:
    assert SCHEMA.timestamp == "day"
    assert SCHEMA.numeric == ("price",)
    assert SCHEMA.categorical == ("region", "units")
    assert SCHEMA.target == "y" and SCHEMA.spec("y").dtype == "categorical"


# --- coercion -----------------------------------------------------------------------------------


def test_types_after_coercion() -> None:
    cur = pd.DataFrame(
        {
            "day": ["2024-02-01", "2024-02-02T08:30:00", None],
            "price": ["8.5", " 11 ", None],  # numbers read as text
            "region": ["north", "west", None],  # 'west' is new: not an error
            "units": [1.0, 4.0, np.nan],  # integers with a missing value read as floats
            "y": [1, 0, 1],
        }
    )
    ref, out = pair(cur)
    for df in (ref, out):
        assert list(df.columns) == ["day", "price", "region", "units", "y"]
        assert df["day"].dtype == "datetime64[us]"
        assert df["price"].dtype == "float64"
        # Categorical roles: pandas category with str categories, shared by both sides.
        for name in ("region", "units", "y"):
            assert isinstance(df[name].dtype, pd.CategoricalDtype)
            assert all(type(c) is str for c in df[name].cat.categories)
            assert df[name].dtype == ref[name].dtype
    assert out["price"].tolist()[:2] == [8.5, 11.0] and np.isnan(out["price"].iloc[2])
    assert out["units"].tolist()[:2] == ["1", "4"] and pd.isna(out["units"].iloc[2])
    assert ref["units"].tolist() == ["1", "2", "3", "1"]
    assert out["region"].tolist()[:2] == ["north", "west"] and pd.isna(out["region"].iloc[2])
    assert out["day"].tolist()[:2] == [
        pd.Timestamp("2024-02-01"),
        pd.Timestamp("2024-02-02 08:30:00"),
    ]
    assert pd.isna(out["day"].iloc[2])
    assert ref["y"].tolist() == ["0", "1", "0", "1"] and out["y"].tolist() == ["1", "0", "1"]


def test_inputs_are_not_changed_and_index_kept() -> None:
    cur = REF.copy().set_axis([10, 11, 12, 13])
    before = cur.copy()
    ref, out = pair(cur)
    pd.testing.assert_frame_equal(cur, before)
    assert REF["price"].dtype == "float64" and REF["day"].dtype != "datetime64[us]"
    assert list(out.index) == [10, 11, 12, 13] and list(ref.index) == [0, 1, 2, 3]


def test_current_columns_follow_reference_order() -> None:
    cur = REF[["y", "units", "region", "price", "day"]]
    _, out = pair(cur)
    assert list(out.columns) == ["day", "price", "region", "units", "y"]


def test_integer_and_float_labels_agree() -> None:
    assert (
        to_labels(pd.Series([1, 2, 3])).tolist() == to_labels(pd.Series([1.0, 2.0, 3.0])).tolist()
    )
    assert plain(to_labels(pd.Series([1, None], dtype="Int64"))) == ["1", None]
    assert to_labels(pd.Series([1, "1", 1.0, 2.5, True], dtype=object)).tolist() == [
        "1",
        "1",
        "1",
        "2.5",
        "True",
    ]
    assert to_labels(pd.Series([np.inf, 1e300])).tolist() == ["inf", "1e+300"]
    assert plain(to_labels(pd.Series(["a", None], dtype="string"))) == ["a", None]
    assert plain(to_labels(pd.Series(["a", None]))) == ["a", None]
    assert plain(to_labels(pd.Series(pd.Categorical([2, 1, None])))) == ["2", "1", None]
    assert plain(to_labels(pd.Series([1.0, np.nan, 0.5]))) == ["1", None, "0.5"]
    for s in (pd.Series(["a", None], dtype="string"), pd.Series([1.0, np.nan])):
        assert to_labels(s).dtype == object


def test_time_zones_become_naive_utc() -> None:
    cur = REF.assign(
        day=["2024-02-01T10:00:00+01:00", "2024-02-01T10:00:00+02:00", "2024-02-01", None]
    )
    _, out = pair(cur)
    assert out["day"].tolist()[:3] == [
        pd.Timestamp("2024-02-01 09:00"),
        pd.Timestamp("2024-02-01 08:00"),
        pd.Timestamp("2024-02-01 00:00"),
    ]
    aware = REF.assign(day=pd.to_datetime(REF["day"]).dt.tz_localize("Europe/Paris"))
    _, out = pair(aware)
    assert out["day"].dtype == "datetime64[us]"
    assert out["day"].iloc[0] == pd.Timestamp("2023-12-31 23:00")


def test_bool_and_nullable_numbers_in_numeric_roles() -> None:
    schema = Schema(
        columns=(ColumnSpec(name="a", role=Role.NUMERIC), ColumnSpec(name="b", role=Role.SCORE))
    )
    ref = pd.DataFrame({"a": [True, False], "b": pd.array([1, None], dtype="Int64")})
    out, _ = pair(ref, schema, ref)
    assert out["a"].tolist() == [1.0, 0.0]
    assert out["b"].dtype == "float64" and out["b"].iloc[0] == 1.0 and np.isnan(out["b"].iloc[1])


def test_identifiers_and_ignored_columns_pass_through() -> None:
    schema = Schema(
        columns=(
            ColumnSpec(name="id", role=Role.ID),
            ColumnSpec(name="junk", role=Role.IGNORED),
            ColumnSpec(name="x", role=Role.NUMERIC),
        )
    )
    ref = pd.DataFrame({"id": ["a", "b"], "junk": [None, None], "x": [1.0, 2.0]})
    cur = pd.DataFrame({"id": [7, 8], "junk": [None, None], "x": [3.0, 4.0]})
    _, out = pair(cur, schema, ref)
    assert out["id"].tolist() == [7, 8] and out["id"].dtype == "int64"


def test_target_may_be_missing_or_absent_in_current() -> None:
    _, out = pair(REF.assign(y=np.nan))
    assert out["y"].isna().all() and isinstance(out["y"].dtype, pd.CategoricalDtype)
    _, out = pair(REF.drop(columns="y"))
    assert list(out.columns) == ["day", "price", "region", "units", "y"]
    assert out["y"].isna().all()


def test_numeric_target_absent_is_float() -> None:
    schema = infer_schema(REF, SchemaOverrides(target="price"), where="ref.csv")
    _, out = pair(REF.drop(columns="price"), schema)
    assert out["price"].dtype == "float64" and out["price"].isna().all()


# --- mismatched columns -------------------------------------------------------------------------


def test_missing_column() -> None:
    assert error(REF.drop(columns="units")) == (
        "cur.csv: found missing column 'units'; expected the same columns as ref.csv."
    )


def test_unexpected_columns() -> None:
    assert error(REF.assign(extra=1, more=2)) == (
        "cur.csv: found unexpected columns 'extra', 'more'; expected the same columns as ref.csv."
    )


def test_renamed_columns_are_suggested() -> None:
    cur = REF.rename(columns={"price": "prices", "region": "regions"}).assign(other=1)
    assert error(cur) == (
        "cur.csv: found missing columns 'price', 'region' and unexpected columns 'prices', "
        "'regions', 'other'; expected the same columns as ref.csv (did you rename 'price' to "
        "'prices' and 'region' to 'regions'?)."
    )


def test_reference_must_match_its_schema() -> None:
    assert error(REF, SCHEMA, REF.drop(columns="day")) == (
        "ref.csv: found missing column 'day'; expected the columns of the schema."
    )


def test_current_without_rows_or_with_duplicate_names() -> None:
    assert error(REF.iloc[:0]) == "cur.csv: found no rows; expected at least one row."
    dup = pd.concat([REF, REF[["price"]]], axis=1)
    assert (
        error(dup)
        == "cur.csv: found duplicated column name 'price'; expected each column name once."
    )


# --- bad values ---------------------------------------------------------------------------------


def test_non_numeric_value_names_file_column_value_and_row() -> None:
    cur = REF.assign(price=["8.5", "9", "abc", "x"])
    assert error(cur) == (
        "cur.csv: column 'price': found non-numeric value 'abc' (row 3); expected numbers like "
        "the reference."
    )


def test_non_numeric_value_in_reference() -> None:
    schema = Schema(columns=(ColumnSpec(name="a", role=Role.NUMERIC),))
    ref = pd.DataFrame({"a": ["1", "two"]})
    assert error(ref, schema, ref) == (
        "ref.csv: column 'a': found non-numeric value 'two' (row 2); expected numbers."
    )


def test_long_bad_value_is_shortened() -> None:
    cur = REF.assign(price=["1", "x" * 100, "2", "3"])
    assert error(cur) == (
        f"cur.csv: column 'price': found non-numeric value '{'x' * 37}...' (row 2); expected "
        "numbers like the reference."
    )


def test_dates_in_a_numeric_role() -> None:
    cur = REF.assign(price=pd.to_datetime(REF["day"]))
    assert error(cur) == (
        "cur.csv: column 'price': found values of type datetime64[us]; expected numbers like the "
        "reference."
    )


def test_non_date_value() -> None:
    cur = REF.assign(day=["2024-01-01", None, "soon", "2024-01-02"])
    assert error(cur) == (
        "cur.csv: column 'day': found non-date value 'soon' (row 3); expected ISO 8601 dates like "
        "the reference."
    )


def test_numbers_in_the_timestamp_role() -> None:
    assert error(REF.assign(day=[1, 2, 3, 4])) == (
        "cur.csv: column 'day': found values of type int64; expected dates like the reference."
    )


def test_current_column_with_only_missing_values() -> None:
    assert error(REF.assign(region=None)) == (
        "cur.csv: column 'region': found only missing values; expected values like ref.csv."
    )
    assert error(REF.assign(price=np.nan)) == (
        "cur.csv: column 'price': found only missing values; expected values like ref.csv."
    )


# --- from files, end to end ---------------------------------------------------------------------


def test_files_end_to_end(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    ref = pd.DataFrame(
        {
            "price": rng.normal(50, 5, 30).round(2),
            "region": rng.choice(["n", "s"], 30),
            "y": rng.integers(0, 2, 30),
        }
    )
    ref.to_csv(tmp_path / "ref.csv", index=False)
    cur = ref.copy()
    cur["price"] = cur["price"].astype(str)
    cur.loc[16, "price"] = "abc"
    cur["y"] = np.nan  # no labels yet
    cur.to_csv(tmp_path / "cur.csv", index=False)
    ref_path, cur_path = str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv")
    reference = read_table(ref_path)
    schema = infer_schema(reference, SchemaOverrides(target="y"), where=ref_path)
    with pytest.raises(DriftwiseError) as excinfo:
        validate_pair(
            reference,
            read_table(cur_path),
            schema,
            reference_name=ref_path,
            current_name=cur_path,
        )
    assert str(excinfo.value) == (
        f"{cur_path}: column 'price': found non-numeric value 'abc' (row 17); expected numbers "
        "like the reference."
    )
    cur.loc[16, "price"] = "51.5"
    cur.to_csv(tmp_path / "cur.csv", index=False)
    r, c = validate_pair(
        reference, read_table(cur_path), schema, reference_name=ref_path, current_name=cur_path
    )
    assert c["price"].iloc[16] == 51.5
    assert r["region"].tolist() == ref["region"].tolist()


def test_duplicated_index_labels_are_kept_in_place() -> None:
    cur = REF.set_axis([5, 5, 5, 5]).assign(price=["1", "2", "3", "4"])
    _, out = pair(cur)
    assert list(out.index) == [5, 5, 5, 5]
    assert out["price"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert out["units"].tolist() == ["1", "2", "3", "1"]


def test_categories_are_shared_and_whole_numbers_lose_their_point() -> None:
    ref = REF.assign(units=[1, 2, 3, 1])
    cur = REF.assign(units=[1.0, 5.0, np.nan, 2.0], region=["east", "north", "mars", None])
    r, c = pair(cur, reference=ref)
    assert list(r["units"].cat.categories) == ["1", "2", "3", "5"]
    assert r["units"].dtype == c["units"].dtype
    assert plain(c["units"]) == ["1", "5", None, "2"]
    assert list(c["region"].cat.categories) == ["north", "south", "east", "mars"]
    assert plain(c["region"]) == ["east", "north", "mars", None]
    # Codes, not Python strings: one byte per row.
    assert c["region"].cat.codes.dtype == np.int8


def test_arrow_text_and_mixed_objects_are_labelled_alike() -> None:
    arrow = pd.Series(["b", None, "a", "b"], dtype="str")
    mixed = pd.Series([1, "1", 1.0, True, None], dtype=object)
    r, c = to_categories(arrow, mixed)
    assert plain(r) == ["b", None, "a", "b"]
    assert plain(c) == ["1", "1", "1", "True", None]
    assert list(r.cat.categories) == ["b", "a", "1", "True"]
    codes, labels = factorize_labels(pd.Series(pd.Categorical([2.0, 1.0, 2.0])))
    assert (codes.tolist(), labels) == ([1, 0, 1], ("1", "2"))


def test_dictionary_encoded_dates_parse_once_and_name_the_bad_row() -> None:
    from driftwise.data.validate import _to_datetime
    from driftwise.schema.roles import ColumnSpec, Role

    spec = ColumnSpec(name="d", role=Role.TIMESTAMP)
    good = pd.Series(pd.Categorical(["2024-01-01", None, "2024-01-02", "2024-01-01"]))
    parsed = _to_datetime(good, spec, "cur.parquet", reference=False)
    assert parsed.tolist()[0] == pd.Timestamp("2024-01-01") and pd.isna(parsed.iloc[1])
    bad = pd.Series(pd.Categorical(["2024-01-01", None, "oops", "2024-01-01"]))
    with pytest.raises(DriftwiseError) as err:
        _to_datetime(bad, spec, "cur.parquet", reference=False)
    assert str(err.value) == (
        "cur.parquet: column 'd': found non-date value 'oops' (row 3); expected ISO 8601 dates "
        "like the reference."
    )
