"""Check a current batch against the schema of its reference and bring both to common types.

After :func:`validate_pair` every column has one type on both sides:

- numeric roles (numeric features, scores, weights, a numeric target or prediction): ``float64``;
- categorical roles (categorical and text features, a categorical target or prediction):
  pandas ``category`` with ``str`` categories, the *same* categories on both sides (the
  reference's values first, in the order met, then those new in the current batch), missing
  values as missing codes; numbers are written without a trailing ``.0`` when whole, so ``1``
  and ``1.0`` are both ``"1"``. One byte per row instead of a Python string, and a column is
  hashed once here rather than by every test (:func:`to_categories`);
- the timestamp: ``datetime64[us]``; ISO 8601 text is parsed, time-zone-aware values are
  converted to UTC and made naive;
- identifiers and ignored columns are left as they are.

Errors name the file and the column: columns missing on one side or the other (with the likely
renames), a value that does not fit the role (with its row: data rows count from 1, the header
excluded), a current column with only missing values where the reference has values. The target
may be entirely missing, or absent, in the current batch: labels arrive late. New categories are
not errors; they are evidence that the signals measure.

>>> import pandas as pd
>>> from driftwise.schema import SchemaOverrides, infer_schema
>>> ref = pd.DataFrame({"price": [1.5, 2.0, 3.25], "region": [1, 2, 1], "y": [0, 1, 0]})
>>> cur = pd.DataFrame({"price": ["4.5", "5", None], "region": [1.0, 3.0, None], "y": None})
>>> schema = infer_schema(ref, SchemaOverrides(target="y"), where="ref.csv")
>>> r, c = validate_pair(ref, cur, schema, reference_name="ref.csv", current_name="cur.csv")
>>> c["price"].tolist(), c["region"].tolist(), r["region"].tolist(), c["y"].tolist()
([4.5, 5.0, nan], ['1', '3', nan], ['1', '2', '1'], [nan, nan, nan])
>>> list(c["region"].cat.categories), r["region"].dtype == c["region"].dtype
(['1', '2', '3'], True)
>>> bad = cur.assign(price=["4.5", "abc", None])
>>> validate_pair(ref, bad, schema, reference_name="ref.csv", current_name="cur.csv")
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: cur.csv: column 'price': found non-numeric value 'abc' (row 2); ...
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.data.readers import check_unique_names
from driftwise.errors import DriftwiseError, closest
from driftwise.schema.roles import ColumnSpec, Role, Schema

__all__ = ["factorize_labels", "to_categories", "to_labels", "validate_pair"]

_KEEP = (Role.ID, Role.IGNORED)
_MAX_SHOWN = 40  # characters of an offending value shown in a message
_PARALLEL_CELLS = 2_000_000  # rows x columns above which columns are coerced on two threads
# Object columns whose values are of one kind: safe to label distinct values only.
_UNIFORM = frozenset(
    {"string", "integer", "floating", "mixed-integer-float", "boolean", "empty", "decimal"}
)


def validate_pair(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    schema: Schema,
    *,
    reference_name: str,
    current_name: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check ``current`` against ``schema`` (inferred on ``reference``); return both coerced.

    Parameters
    ----------
    reference, current
        The two batches. Neither is changed.
    schema
        The roles of the reference's columns, from :func:`~driftwise.schema.infer_schema`.
    reference_name, current_name
        Names used in messages, such as the file paths.

    Returns
    -------
    tuple of pandas.DataFrame
        The reference and the current batch with the schema's columns, in the schema's order,
        with the types listed in the module docstring. A target absent from ``current`` is
        added with only missing values.

    Examples
    --------
    >>> import pandas as pd
    >>> from driftwise.schema import infer_schema
    >>> ref = pd.DataFrame({"price": [1.0, 2.0], "region": ["n", "s"]})
    >>> cur = pd.DataFrame({"prices": [1.0, 2.0], "region": ["n", "e"]})
    >>> validate_pair(ref, cur, infer_schema(ref, where="ref.csv"),
    ...               reference_name="ref.csv", current_name="cur.csv")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: cur.csv: found missing column 'price' and unexpected column ...
    """
    names = [c.name for c in schema.columns]
    for df, where in ((reference, reference_name), (current, current_name)):
        _check_frame(df, where)
    _compare(names, reference, reference_name, "the columns of the schema")
    optional = {schema.target} if schema.target is not None else set()
    _compare(names, current, current_name, f"the same columns as {reference_name}", optional)
    ref_out = reference[names].copy(deep=False)
    cur_out = current[[n for n in names if n in current.columns]].copy(deep=False)

    def coerce(spec: ColumnSpec) -> tuple[pd.Series, pd.Series]:
        if spec.name in current.columns:
            cur_in = current[spec.name]
        else:  # the target, absent: no labels yet
            cur_in = pd.Series(np.full(len(current), np.nan), index=current.index, dtype=object)
        if spec.value_type in ("numeric", "datetime"):
            ref_col = _coerce(reference[spec.name], spec, reference_name, reference=True)
            return ref_col, _coerce(cur_in, spec, current_name, reference=False)
        return to_categories(reference[spec.name], cur_in)

    specs = [spec for spec in schema.columns if spec.role not in _KEEP]
    cells = max(len(reference), len(current)) * len(specs)
    for spec, (ref_col, cur_col) in zip(specs, _in_order(coerce, specs, cells), strict=True):
        if spec.role is not Role.TARGET and not cur_col.notna().any() and ref_col.notna().any():
            raise DriftwiseError.for_column(
                spec.name,
                where=current_name,
                found="only missing values",
                expected=f"values like {reference_name}",
            )
        ref_out[spec.name] = _on_index(ref_col, reference.index)
        cur_out[spec.name] = _on_index(cur_col, current.index)
    return ref_out, cur_out[names]


def _in_order(
    fn: Callable[[ColumnSpec], tuple[pd.Series, pd.Series]], specs: list[ColumnSpec], cells: int
) -> list[tuple[pd.Series, pd.Series]]:
    """``fn`` of each column, on two threads for big data when a second core is free (Arrow
    and numpy release the interpreter lock; on a busy machine a second thread only adds
    contention); the first error in column order is the one raised."""
    workers = min(2, os.cpu_count() or 1, len(specs))
    if workers < 2 or cells < _PARALLEL_CELLS or _free_cores() < 0.75:
        return [fn(spec) for spec in specs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, specs))


def _free_cores() -> float:
    """The core count minus the 1-minute load average (this process not counted)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 0.0
    return (os.cpu_count() or 1) - max(load - 1.0, 0.0) - 1.0


def _on_index(s: pd.Series, index: pd.Index) -> pd.Series:
    """``s`` with ``index``, keeping its dtype and values (not copied)."""
    return pd.Series(s.array, index=index, name=s.name, copy=False)


def _check_frame(df: pd.DataFrame, where: str) -> None:
    if len(df) == 0:
        raise DriftwiseError(f"{where}: found no rows; expected at least one row.")
    check_unique_names([str(c) for c in df.columns], where)


def _plural(word: str, names: Sequence[str]) -> str:
    return f"{word}{'s' if len(names) > 1 else ''} " + ", ".join(repr(n) for n in names)


def _compare(
    names: Sequence[str],
    df: pd.DataFrame,
    where: str,
    expected: str,
    optional: set[str] | frozenset[str] = frozenset(),
) -> None:
    """One error listing the columns missing from ``df`` and those it has in excess."""
    have = [str(c) for c in df.columns]
    missing = [n for n in names if n not in have and n not in optional]
    extra = [c for c in have if c not in names]
    if not missing and not extra:
        return
    parts = []
    if missing:
        parts.append(_plural("missing column", missing))
    if extra:
        parts.append(_plural("unexpected column", extra))
    renames: list[str] = []
    unused = list(extra)
    for name in missing:
        near = closest(name, unused)
        if near is not None:
            renames.append(f"{name!r} to {near!r}")
            unused.remove(near)
    hint = f" (did you rename {' and '.join(renames)}?)" if renames else ""
    raise DriftwiseError(f"{where}: found {' and '.join(parts)}; expected {expected}{hint}.")


def _coerce(s: pd.Series, spec: ColumnSpec, where: str, *, reference: bool) -> pd.Series:
    if spec.value_type == "numeric":
        return _to_float(s, spec, where, "numbers" + ("" if reference else " like the reference"))
    return _to_datetime(s, spec, where, reference=reference)


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "...")


def _first_lost(s: pd.Series, parsed: pd.Series) -> str | None:
    """Describe the first value of ``s`` that ``parsed`` lost (``'abc' (row 2)``), if any."""
    lost = np.flatnonzero(s.notna().to_numpy() & parsed.isna().to_numpy())
    if len(lost) == 0:
        return None
    row = int(lost[0])
    return f"{_shown(s.iloc[row])} (row {row + 1})"


def _type_error(s: pd.Series, spec: ColumnSpec, where: str, expected: str) -> DriftwiseError:
    return DriftwiseError.for_column(
        spec.name, where=where, found=f"values of type {s.dtype}", expected=expected
    )


def _to_float(s: pd.Series, spec: ColumnSpec, where: str, expected: str) -> pd.Series:
    dtype = s.dtype
    if dtype == np.float64:
        return s  # already right: not copied
    if pd.api.types.is_bool_dtype(dtype) or (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)
    ):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        return pd.Series(values, index=s.index, name=s.name)
    if not (_is_text(s) or isinstance(dtype, pd.CategoricalDtype)):
        raise _type_error(s, spec, where, expected)
    parsed = pd.to_numeric(s.astype(object), errors="coerce")
    lost = _first_lost(s, parsed)
    if lost is not None:
        raise DriftwiseError.for_column(
            spec.name, where=where, found=f"non-numeric value {lost}", expected=expected
        )
    return parsed.astype("float64")


def _to_datetime(s: pd.Series, spec: ColumnSpec, where: str, *, reference: bool) -> pd.Series:
    expected = "dates" + ("" if reference else " like the reference")
    if isinstance(s.dtype, pd.CategoricalDtype):
        # Dictionary-encoded text (Parquet): parse each distinct value once, then spread.
        try:
            cats = _to_datetime(
                pd.Series(s.cat.categories.astype(object), name=s.name),
                spec,
                where,
                reference=reference,
            )
        except DriftwiseError:  # say which row, as for plain text
            return _to_datetime(s.astype(object), spec, where, reference=reference)
        codes = np.asarray(s.cat.codes)
        values = cats.to_numpy()[np.where(codes < 0, 0, codes)] if len(cats) else codes
        parsed = pd.Series(values, index=s.index, name=s.name).where(codes >= 0)
        return parsed.astype("datetime64[us]")
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        parsed = s
    elif _is_text(s):
        try:
            parsed = pd.to_datetime(s, format="ISO8601", errors="coerce")
        except ValueError:  # mixed time-zone offsets
            parsed = pd.to_datetime(s, format="ISO8601", errors="coerce", utc=True)
        lost = _first_lost(s, parsed)
        if lost is not None:
            raise DriftwiseError.for_column(
                spec.name,
                where=where,
                found=f"non-date value {lost}",
                expected=f"ISO 8601 {expected}",
            )
    else:
        raise _type_error(s, spec, where, expected)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _is_text(s: pd.Series) -> bool:
    return _is_object(s) or isinstance(s.dtype, pd.StringDtype)


def _is_object(s: pd.Series) -> bool:
    return isinstance(s.dtype, np.dtype) and s.dtype.kind == "O"


def _label(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return np.nan
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return np.nan
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else str(v)
    return str(value)


def to_labels(s: pd.Series) -> pd.Series:
    """``s`` as ``object`` holding ``str`` labels; missing values stay ``NaN``.

    Whole numbers lose their ``.0`` so that a column read as integers on one side and as floats
    (because of a missing value) on the other gives the same labels.

    >>> import pandas as pd
    >>> to_labels(pd.Series([1.0, None, 2.5])).tolist(), to_labels(pd.Series([1, 2])).tolist()
    (['1', nan, '2.5'], ['1', '2'])
    >>> to_labels(pd.Series([True, None], dtype=object)).tolist()
    ['True', nan]
    """
    dtype = s.dtype
    if isinstance(dtype, pd.StringDtype):
        return s.astype(object).where(s.notna(), np.nan)
    if _is_object(s) and pd.api.types.infer_dtype(s, skipna=True) not in _UNIFORM:
        # booleans may hide among numbers (True == 1 when hashing): label each value
        values = np.empty(len(s), dtype=object)
        values[:] = [_label(v) for v in s.to_numpy(dtype=object)]
        return pd.Series(values, index=s.index, name=s.name, dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    labels = np.empty(len(uniques) + 1, dtype=object)
    labels[:-1] = [_label(u) for u in uniques]
    labels[-1] = np.nan  # code -1: missing
    values = labels[codes]
    return pd.Series(values, index=s.index, name=s.name, dtype=object)


def _arrow_codes(s: pd.Series) -> tuple[NDArray[np.intp], list[str]] | None:
    """Codes and values of a pyarrow-backed text column, from Arrow's dictionary encoding
    (faster than hashing through pandas); ``None`` for any other column."""
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    chunked = s.array.__arrow_array__()
    array = chunked.combine_chunks() if isinstance(chunked, pa.ChunkedArray) else chunked
    encoded = pc.dictionary_encode(array)
    indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    values = [str(v) for v in encoded.dictionary.to_pylist()]
    return np.asarray(indices, dtype=np.intp), values


def factorize_labels(values: pd.Series) -> tuple[NDArray[np.integer], tuple[str, ...]]:
    """Integer codes (-1 for missing) and the distinct labels they point to.

    Labels are those of :func:`to_labels`; values sharing a label (``1`` and ``1.0``) share a
    code. A ``category`` column reuses its codes; pyarrow text is encoded by Arrow.

    >>> import pandas as pd
    >>> codes, labels = factorize_labels(pd.Series([2.0, 1, None, "1"], dtype=object))
    >>> codes.tolist(), labels
    ([0, 1, -1, 1], ('2', '1'))
    """
    codes: NDArray[np.integer]
    uniques: list[object]
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        uniques = list(values.cat.categories)
    else:
        arrow = _arrow_codes(values)
        if arrow is not None:
            codes, uniques = arrow[0], list(arrow[1])
        else:
            if _is_object(values) and pd.api.types.infer_dtype(values, skipna=True) not in _UNIFORM:
                values = to_labels(values)  # True == 1 when hashing: label each value first
            found = pd.factorize(values, use_na_sentinel=True)
            codes, uniques = np.asarray(found[0]), list(found[1])
    raw = np.empty(len(uniques), dtype=object)
    raw[:] = uniques
    if not all(type(v) is str for v in raw):
        raw = to_labels(pd.Series(raw, dtype=object)).to_numpy(dtype=object)
    index = pd.Index(raw, dtype=object)
    if index.is_unique:
        return codes, tuple(str(v) for v in raw)
    merged = index[~index.duplicated(keep="first")]
    remap = np.append(merged.get_indexer(index), -1)
    return remap[codes], tuple(str(v) for v in merged)


def to_categories(reference: pd.Series, current: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Both sides of a categorical column as ``category`` with the same ``str`` categories.

    The reference's labels come first, in the order met, then those only in ``current``;
    labels follow :func:`to_labels`. Missing values stay missing. Indexes and names are kept.

    >>> import pandas as pd
    >>> r, c = to_categories(pd.Series([1, 2, None]), pd.Series(["2", "3"], dtype=object))
    >>> list(r.cat.categories), r.tolist(), c.tolist(), r.dtype == c.dtype
    (['1', '2', '3'], ['1', '2', nan], ['2', '3'], True)
    """
    ref_codes, ref_labels = factorize_labels(reference)
    cur_codes, cur_labels = factorize_labels(current)
    labels = ref_labels
    if cur_labels != ref_labels:
        where = pd.Index(np.array(ref_labels, dtype=object)).get_indexer(
            np.array(cur_labels, dtype=object)
        )
        new = [label for label, i in zip(cur_labels, where, strict=True) if i < 0]
        labels = ref_labels + tuple(new)
        where[where < 0] = np.arange(len(ref_labels), len(labels))
        cur_codes = np.append(where, -1)[cur_codes]
    dtype = pd.CategoricalDtype(pd.Index(list(labels), dtype=object))

    def series(codes: NDArray[np.integer], like: pd.Series) -> pd.Series:
        cat = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
        return pd.Series(cat, index=like.index, name=like.name)

    return series(ref_codes, reference), series(cur_codes, current)
