"""Read a batch of rows from a file or an in-memory table into a pandas DataFrame.

Supported sources: paths to ``.csv``, ``.csv.gz``, ``.tsv``, ``.tsv.gz``, ``.parquet`` and
``.pq`` files; pandas and polars DataFrames (polars is never imported: the object converts
itself); pyarrow Tables. Every problem is a :class:`~driftwise.errors.DriftwiseError` that names
the file: no such file, an unsupported extension, no rows, duplicated column names (pandas
would silently rename a second ``a`` to ``a.1``, so the header is read separately) and content
that cannot be parsed.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "ref.csv").write_text("age,region\\n31,north\\n45,south\\n")
>>> read_table(d / "ref.csv")
   age region
0   31  north
1   45  south
>>> _ = (d / "dup.csv").write_text("a,b,a\\n1,2,3\\n")
>>> read_table(d / "dup.csv")
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: .../dup.csv: found duplicated column name 'a'; ...
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pandas as pd

from driftwise.errors import DriftwiseError

__all__ = ["SUPPORTED_EXTENSIONS", "check_unique_names", "describe_source", "read_table"]

#: File name endings read by :func:`read_table`, with the kind of file each one is.
_KINDS: dict[str, str] = {
    ".csv.gz": "gzip-compressed CSV",
    ".tsv.gz": "gzip-compressed TSV",
    ".csv": "CSV",
    ".tsv": "TSV",
    ".parquet": "Parquet",
    ".pq": "Parquet",
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".parquet", ".pq")

_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def describe_source(source: object, *, name: str | None = None) -> str:
    """The name of ``source`` used in messages.

    A path is named as given; an in-memory table is named ``name`` when given (for example
    ``"reference"``), otherwise ``"<DataFrame>"`` (``"<Arrow Table>"`` for a pyarrow Table).

    >>> import pandas as pd
    >>> describe_source("data/ref.csv"), describe_source(pd.DataFrame({"a": [1]}))
    ('data/ref.csv', '<DataFrame>')
    >>> describe_source(pd.DataFrame({"a": [1]}), name="current")
    'current'
    """
    if isinstance(source, str | Path):
        return str(source)
    if name is not None:
        return name
    if type(source).__module__.startswith("pyarrow"):
        return "<Arrow Table>"
    return "<DataFrame>"


def read_table(source: object, *, name: str | None = None) -> pd.DataFrame:
    """Read ``source`` into a pandas DataFrame with unique, text column names and at least one row.

    Parameters
    ----------
    source
        A path (``str`` or ``Path``) to a CSV, TSV or Parquet file (see
        :data:`SUPPORTED_EXTENSIONS`), a pandas or polars DataFrame (or polars LazyFrame), or a
        pyarrow Table. A pandas DataFrame is returned as is (not copied) unless a column name
        must be turned into text.
    name
        The name used in messages for an in-memory source, such as ``"reference"``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pyarrow as pa
    >>> read_table(pa.table({"x": [1.5, 2.5], "y": ["a", "b"]}))
         x  y
    0  1.5  a
    1  2.5  b
    >>> read_table([1, 2], name="current")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: current: found a list; expected a file path, ...
    """
    where = describe_source(source, name=name)
    if isinstance(source, str | Path):
        df = _read_file(Path(source), where)
    else:
        df = _from_memory(source, where)
    return _checked(df, where)


def _from_memory(source: object, where: str) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    module = type(source).__module__
    if module.startswith("polars"):
        frame: Any = source
        if hasattr(frame, "collect"):  # a LazyFrame
            frame = frame.collect()
        if hasattr(frame, "to_pandas"):
            converted = frame.to_pandas()
            if isinstance(converted, pd.DataFrame):
                return converted
    if module.startswith("pyarrow"):
        import pyarrow as pa

        if isinstance(source, pa.Table):
            check_unique_names(source.column_names, where)
            table: pd.DataFrame = source.to_pandas()
            return table
    raise DriftwiseError(
        f"{where}: found a {type(source).__name__}; expected a file path, a pandas or polars "
        "DataFrame or a pyarrow Table."
    )


def _checked(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """Check the column names and the row count; turn non-text column names into text."""
    if df.columns.nlevels > 1:
        raise DriftwiseError(
            f"{where}: found {df.columns.nlevels} levels of column names; expected one level "
            "(flatten the columns first)."
        )
    if not all(isinstance(c, str) for c in df.columns):
        df = df.rename(columns=str)
    check_unique_names([str(c) for c in df.columns], where)
    if df.shape[1] == 0:
        raise DriftwiseError(f"{where}: found no columns; expected at least one column.")
    if len(df) == 0:
        raise DriftwiseError(f"{where}: found no rows; expected at least one row.")
    return df


def check_unique_names(names: Iterable[str], where: str) -> None:
    """Raise naming every column name that appears more than once (empty names are skipped).

    >>> check_unique_names(["a", "b", "a"], "ref.csv")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: ref.csv: found duplicated column name 'a'; ...
    """
    counts = Counter(n for n in names if n != "")
    dups = [n for n, k in counts.items() if k > 1]
    if dups:
        plural = "s" if len(dups) > 1 else ""
        listed = ", ".join(repr(n) for n in dups)
        raise DriftwiseError(
            f"{where}: found duplicated column name{plural} {listed}; "
            "expected each column name once."
        )


def _extension(path: Path) -> str | None:
    lowered = path.name.lower()
    for ext in _KINDS:  # longest endings first
        if lowered.endswith(ext):
            return ext
    return None


def _read_file(path: Path, where: str) -> pd.DataFrame:
    ext = _extension(path)
    if not path.exists():
        raise DriftwiseError(f"{where}: found no such file; expected a CSV, TSV or Parquet file.")
    if path.is_dir():
        raise DriftwiseError(f"{where}: found a directory; expected a CSV, TSV or Parquet file.")
    if ext is None:
        found = f"unsupported file type {path.suffix!r}" if path.suffix else "no file extension"
        raise DriftwiseError(
            f"{where}: found {found}; expected one of " + ", ".join(SUPPORTED_EXTENSIONS) + "."
        )
    if path.stat().st_size == 0:
        raise DriftwiseError(f"{where}: found no rows; expected at least one row.")
    kind = _KINDS[ext]
    if kind == "Parquet":
        return _read_parquet(path, where)
    return _read_delimited(path, where, kind, sep="\t" if "TSV" in kind else ",")


_PANDAS_INDEX = re.compile(r"__index_level_\d+__")


def _read_parquet(path: Path, where: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        check_unique_names(schema.names, where)
        # Text columns arrive dictionary-encoded (pandas categories): a 1M-row column of a few
        # distinct strings costs codes, not a million Python strings, and needs no re-hashing.
        text = [
            f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
        # One column at a time: peak memory stays near the data's own size (a whole-table
        # conversion holds the Arrow and the pandas copies together), and it is faster.
        parquet = pq.ParquetFile(path, read_dictionary=text or None)
        # A pandas index saved in the file is not data.
        names = [n for n in schema.names if not _PANDAS_INDEX.fullmatch(n)]
        columns: dict[str, Any] = {}
        for name in names:
            col = parquet.read(columns=[name]).column(0)
            numeric = pa.types.is_floating(col.type) or pa.types.is_integer(col.type)
            columns[name] = col.to_numpy() if numeric and col.null_count == 0 else col.to_pandas()
            del col
        df = pd.DataFrame(columns, columns=names, copy=False)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(where, "Parquet", exc) from None
    return df


def _open_text(path: Path, compressed: bool) -> IO[str]:
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _header(path: Path, sep: str, compressed: bool) -> list[str] | None:
    """The first non-empty row of a delimited file, read as pandas reads it."""
    with _open_text(path, compressed) as handle:
        for row in csv.reader(handle, delimiter=sep):
            if any(cell.strip() for cell in row):
                return row
    return None


def _read_delimited(path: Path, where: str, kind: str, *, sep: str) -> pd.DataFrame:
    compressed = kind.startswith("gzip")
    try:
        header = _header(path, sep, compressed)
        if header is None:
            raise DriftwiseError(f"{where}: found no rows; expected at least one row.")
        check_unique_names(header, where)
        return pd.read_csv(path, sep=sep, low_memory=False)
    except pd.errors.EmptyDataError:
        raise DriftwiseError(f"{where}: found no rows; expected at least one row.") from None
    except pd.errors.ParserError as exc:
        ragged = _RAGGED.search(str(exc))
        if ragged is None:
            raise _unreadable(where, kind, exc) from None
        want, line, saw = ragged.groups()
        raise DriftwiseError(
            f"{where}: found {saw} fields in line {line}; expected {want} fields like the "
            "header line."
        ) from None
    except (UnicodeDecodeError, OSError, EOFError, csv.Error) as exc:
        raise _unreadable(where, kind, exc) from None


def _unreadable(where: str, kind: str, exc: BaseException) -> DriftwiseError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DriftwiseError(
        f"{where}: found content that cannot be read as {kind} ({detail}); "
        f"expected a valid {kind} file."
    )
