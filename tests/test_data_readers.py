"""read_table and describe_source: every kind of source and every bad input, messages exact."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftwise.data import SUPPORTED_EXTENSIONS, describe_source, read_table
from driftwise.errors import DriftwiseError

EXPECTED = pd.DataFrame({"age": [31, 45, 27], "region": ["north", "south", "north"]})


def _msg(excinfo: pytest.ExceptionInfo[DriftwiseError]) -> str:
    return str(excinfo.value)


def _raises(source: object, message: str, name: str | None = None) -> None:
    with pytest.raises(DriftwiseError) as excinfo:
        read_table(source, name=name)
    assert _msg(excinfo) == message


def _same(df: pd.DataFrame, expected: pd.DataFrame = EXPECTED) -> None:
    assert list(df.columns) == list(expected.columns)
    assert df["age"].tolist() == expected["age"].tolist()
    assert df["region"].tolist() == expected["region"].tolist()


# --- reading each kind of source ----------------------------------------------------------------


def test_reads_csv(tmp_path: Path) -> None:
    p = tmp_path / "ref.csv"
    p.write_text("age,region\n31,north\n45,south\n27,north\n")
    df = read_table(p)
    _same(df)
    assert df["age"].dtype == "int64"
    _same(read_table(str(p)))


def test_reads_csv_with_missing_values_and_byte_order_mark(tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffage,region\n31,\n,south\n".encode())
    df = read_table(p)
    assert list(df.columns) == ["age", "region"]
    assert df["age"].isna().tolist() == [False, True]
    assert df["region"].isna().tolist() == [True, False]


def test_reads_gzipped_csv(tmp_path: Path) -> None:
    p = tmp_path / "ref.csv.gz"
    p.write_bytes(gzip.compress(b"age,region\n31,north\n45,south\n27,north\n"))
    _same(read_table(p))


def test_reads_tsv_and_gzipped_tsv(tmp_path: Path) -> None:
    p = tmp_path / "ref.tsv"
    p.write_text("age\tregion\n31\tnorth\n45\tsouth\n27\tnorth\n")
    _same(read_table(p))
    gz = tmp_path / "ref.tsv.gz"
    gz.write_bytes(gzip.compress(p.read_bytes()))
    _same(read_table(gz))


@pytest.mark.parametrize("suffix", [".parquet", ".pq", ".PARQUET"])
def test_reads_parquet(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"ref{suffix}"
    pq.write_table(pa.Table.from_pandas(EXPECTED, preserve_index=False), p)
    _same(read_table(p))


def test_pandas_frame_is_returned_without_copy() -> None:
    assert read_table(EXPECTED) is EXPECTED


def test_pandas_frame_with_non_text_names_gets_text_names() -> None:
    df = read_table(pd.DataFrame({0: [1.0], 1: [2.0]}))
    assert list(df.columns) == ["0", "1"]


def test_reads_polars_frame_and_lazy_frame() -> None:
    frame = pl.DataFrame({"age": [31, 45, 27], "region": ["north", "south", "north"]})
    _same(read_table(frame))
    _same(read_table(frame.lazy()))


def test_reads_arrow_table() -> None:
    table = pa.table({"age": [31, 45, 27], "region": ["north", "south", "north"]})
    df = read_table(table)
    assert isinstance(df, pd.DataFrame)
    _same(df)


def test_supported_extensions_listed() -> None:
    assert SUPPORTED_EXTENSIONS == (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".parquet", ".pq")


def test_describe_source() -> None:
    assert describe_source("data/ref.csv") == "data/ref.csv"
    assert describe_source(Path("data/ref.csv")) == "data/ref.csv"
    assert describe_source(Path("data/ref.csv"), name="reference") == "data/ref.csv"
    assert describe_source(EXPECTED) == "<DataFrame>"
    assert describe_source(EXPECTED, name="current") == "current"
    assert describe_source(pa.table({"a": [1]})) == "<Arrow Table>"
    assert describe_source(pl.DataFrame({"a": [1]})) == "<DataFrame>"


def test_import_stays_light() -> None:
    code = (
        "import sys, driftwise.data\n"
        "print(sorted(m for m in ('polars', 'sklearn', 'pyarrow.parquet') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- bad inputs ---------------------------------------------------------------------------------


def test_no_such_file(tmp_path: Path) -> None:
    p = tmp_path / "missing.csv"
    _raises(p, f"{p}: found no such file; expected a CSV, TSV or Parquet file.")


def test_directory(tmp_path: Path) -> None:
    _raises(tmp_path, f"{tmp_path}: found a directory; expected a CSV, TSV or Parquet file.")


def test_unsupported_extension(tmp_path: Path) -> None:
    p = tmp_path / "ref.xlsx"
    p.write_bytes(b"PK\x03\x04")
    _raises(
        p,
        f"{p}: found unsupported file type '.xlsx'; expected one of .csv, .csv.gz, .tsv, "
        ".tsv.gz, .parquet, .pq.",
    )


def test_no_extension(tmp_path: Path) -> None:
    p = tmp_path / "ref"
    p.write_text("a\n1\n")
    _raises(
        p,
        f"{p}: found no file extension; expected one of .csv, .csv.gz, .tsv, .tsv.gz, "
        ".parquet, .pq.",
    )


@pytest.mark.parametrize("name", ["empty.csv", "empty.parquet", "empty.csv.gz"])
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    p.write_bytes(b"")
    _raises(p, f"{p}: found no rows; expected at least one row.")


@pytest.mark.parametrize("content", ["age,region\n", "age,region", "\n\n", "  \n"])
def test_header_only_or_blank_csv(tmp_path: Path, content: str) -> None:
    p = tmp_path / "head.csv"
    p.write_text(content)
    _raises(p, f"{p}: found no rows; expected at least one row.")


def test_gzipped_csv_with_header_only(tmp_path: Path) -> None:
    p = tmp_path / "head.csv.gz"
    p.write_bytes(gzip.compress(b"age,region\n"))
    _raises(p, f"{p}: found no rows; expected at least one row.")


def test_parquet_without_rows(tmp_path: Path) -> None:
    p = tmp_path / "none.parquet"
    pq.write_table(pa.table({"a": pa.array([], pa.int64())}), p)
    _raises(p, f"{p}: found no rows; expected at least one row.")


def test_duplicated_csv_columns_are_named(tmp_path: Path) -> None:
    p = tmp_path / "dup.csv"
    p.write_text("a,b,a,c,b,d\n1,2,3,4,5,6\n")
    _raises(p, f"{p}: found duplicated column names 'a', 'b'; expected each column name once.")


def test_duplicated_column_in_gzipped_tsv(tmp_path: Path) -> None:
    p = tmp_path / "dup.tsv.gz"
    p.write_bytes(gzip.compress(b"a\tx\ta\n1\t2\t3\n"))
    _raises(p, f"{p}: found duplicated column name 'a'; expected each column name once.")


def test_duplicated_parquet_columns(tmp_path: Path) -> None:
    p = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["a", "a"]), p)
    _raises(p, f"{p}: found duplicated column name 'a'; expected each column name once.")


def test_duplicated_arrow_and_pandas_columns() -> None:
    table = pa.table([pa.array([1]), pa.array([2])], names=["x", "x"])
    _raises(
        table,
        "current: found duplicated column name 'x'; expected each column name once.",
        name="current",
    )
    frame = pd.DataFrame([[1, 2]], columns=["x", "x"])
    _raises(frame, "<DataFrame>: found duplicated column name 'x'; expected each column name once.")


def test_ragged_csv(tmp_path: Path) -> None:
    p = tmp_path / "ragged.csv"
    p.write_text("a,b\n1,2\n3,4,5\n")
    _raises(p, f"{p}: found 3 fields in line 3; expected 2 fields like the header line.")


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "latin.csv"
    p.write_bytes("name,n\n\xe9t\xe9,1\n".encode("latin-1"))
    _raises(
        p,
        f"{p}: found content that cannot be read as CSV ('utf-8' codec can't decode byte 0xe9 "
        "in position 7: invalid continuation byte); expected a valid CSV file.",
    )


def test_gz_file_that_is_not_gzip(tmp_path: Path) -> None:
    p = tmp_path / "fake.csv.gz"
    p.write_text("a,b\n1,2\n")
    _raises(
        p,
        f"{p}: found content that cannot be read as gzip-compressed CSV (Not a gzipped file "
        "(b'a,')); expected a valid gzip-compressed CSV file.",
    )


def test_parquet_that_is_not_parquet(tmp_path: Path) -> None:
    p = tmp_path / "fake.parquet"
    p.write_text("a,b\n1,2\n")
    _raises(
        p,
        f"{p}: found content that cannot be read as Parquet (Parquet magic bytes not found in "
        "footer. Either the file is corrupted or this is not a parquet file.); expected a valid "
        "Parquet file.",
    )


def test_unsupported_object() -> None:
    _raises(
        [1, 2],
        "<DataFrame>: found a list; expected a file path, a pandas or polars DataFrame or a "
        "pyarrow Table.",
    )
    _raises(
        {"a": [1]},
        "reference: found a dict; expected a file path, a pandas or polars DataFrame or a "
        "pyarrow Table.",
        name="reference",
    )


def test_empty_frames() -> None:
    _raises(pd.DataFrame({"a": []}), "<DataFrame>: found no rows; expected at least one row.")
    _raises(
        pd.DataFrame(index=[0, 1]),
        "cur: found no columns; expected at least one column.",
        name="cur",
    )
    _raises(pl.DataFrame({"a": []}), "<DataFrame>: found no rows; expected at least one row.")


def test_multilevel_columns() -> None:
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")]))
    _raises(
        frame,
        "<DataFrame>: found 2 levels of column names; expected one level (flatten the columns "
        "first).",
    )
