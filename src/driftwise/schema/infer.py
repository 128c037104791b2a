"""Infer the role of every column of a reference batch; the user's overrides win.

Rules, in order, for each column:

1. A column named in the overrides (:class:`~driftwise.schema.config.SchemaOverrides`) takes the
   role it is given. Every named column must exist; a column given two roles is an error (except
   the target or prediction also named under ``numeric`` or ``categorical``, which sets its
   value type).
2. The target and prediction are ``"categorical"`` when their values are booleans, text,
   categories or integers (integer-valued floats count: labels with missing values read from CSV
   are floats) with at most :data:`LABEL_MAX_CATEGORIES` distinct values; ``"numeric"``
   otherwise. Score and weight columns are numeric.
3. Booleans and pandas categories are categorical features. Integers (and integer-valued floats)
   with at most :data:`MAX_CATEGORIES` distinct values are categorical, other numbers numeric.
4. A datetime column, or a text column whose values (a sample of up to :data:`DATE_SAMPLE`
   evenly spaced non-missing values) all start like ``YYYY-MM-DD`` and parse as ISO 8601, is the
   timestamp when no timestamp is given and none was found before it; further ones are ignored.
5. Text with a mean length above :data:`TEXT_MIN_MEAN_LENGTH` characters and more than
   :data:`TEXT_MIN_DISTINCT` of distinct values is free text. Text where more than
   :data:`ID_MIN_DISTINCT` of at least :data:`ID_MIN_VALUES` non-missing values are distinct is an
   identifier (ignored by every test). Other text is categorical. These shares are measured on
   up to :data:`TEXT_SAMPLE` evenly spaced values, so that inference stays fast on big data: on
   a sample, a column with very many distinct values (say 500,000 in 1M rows) reads as an
   identifier, which is what it behaves like.
6. Columns of any other type (durations, complex numbers, intervals) are ignored.
7. A segment or sensitive column not named under a role is a feature: numeric when rule 3 says
   so, categorical otherwise.

A frame with no columns or no rows, and a column with only missing values (unless ignored), are
errors naming ``where``.

>>> import pandas as pd
>>> df = pd.DataFrame({"day": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
...                    "price": [9.5, 12.0, 7.25, 10.0], "region": ["n", "s", "n", "e"],
...                    "churned": [0, 1, 0, 0]})
>>> s = infer_schema(df, SchemaOverrides(target="churned", segments=["region"]), where="ref.csv")
>>> s.timestamp, s.numeric, s.categorical, s.target, s.spec("churned").dtype, s.segments
('day', ('price',), ('region',), 'churned', 'categorical', ('region',))
>>> infer_schema(df, SchemaOverrides(target="churn"), where="ref.csv")
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: ref.csv: column 'churn': found no such column ...
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

import numpy as np
import pandas as pd

from driftwise.errors import DriftwiseError
from driftwise.schema.config import SchemaOverrides
from driftwise.schema.roles import ColumnSpec, Role, Schema, ValueType

__all__ = [
    "DATE_SAMPLE",
    "ID_MIN_DISTINCT",
    "ID_MIN_VALUES",
    "LABEL_MAX_CATEGORIES",
    "MAX_CATEGORIES",
    "TEXT_MIN_DISTINCT",
    "TEXT_MIN_MEAN_LENGTH",
    "infer_schema",
    "value_kind",
]

MAX_CATEGORIES = 10
LABEL_MAX_CATEGORIES = 20
TEXT_MIN_MEAN_LENGTH = 30.0
TEXT_MIN_DISTINCT = 0.5
ID_MIN_VALUES = 50
ID_MIN_DISTINCT = 0.95
DATE_SAMPLE = 200
#: Text, identifier and category are told apart on this many values spread over the column.
TEXT_SAMPLE = 20_000

Kind = Literal["bool", "category", "integer", "float", "datetime", "string", "other"]

_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
_OBJECT_KINDS: dict[str, Kind] = {
    "boolean": "bool",
    "integer": "integer",
    "floating": "float",
    "mixed-integer-float": "float",
    "decimal": "float",
    "datetime": "datetime",
    "datetime64": "datetime",
    "date": "datetime",
}


def value_kind(s: pd.Series) -> Kind:
    """The kind of values a column holds, looking through ``object`` columns.

    Floats whose values are all whole numbers count as ``"integer"``.

    >>> import pandas as pd
    >>> value_kind(pd.Series([0.0, 1.0, None])), value_kind(pd.Series(["a", None]))
    ('integer', 'string')
    >>> value_kind(pd.Series([True, False])), value_kind(pd.Series([0.5, 1.0]))
    ('bool', 'float')
    """
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "integer" if _whole(s) else "float"
    if isinstance(dtype, pd.StringDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "O"):
        kind = _OBJECT_KINDS.get(pd.api.types.infer_dtype(s, skipna=True), "string")
        if kind == "float" and _whole(pd.to_numeric(s, errors="coerce")):
            return "integer"
        return kind
    return "other"


def _whole(s: pd.Series) -> bool:
    values = s.to_numpy(dtype="float64", na_value=np.nan)
    # Most float columns show a fraction within their first values: decide on those first.
    head = values[:1000]
    head = head[~np.isnan(head)]
    if not (np.isfinite(head).all() and (np.mod(head, 1.0) == 0.0).all()):
        return False
    values = values[~np.isnan(values)]
    return bool(np.isfinite(values).all() and (np.mod(values, 1.0) == 0.0).all())


def infer_schema(
    df: pd.DataFrame, overrides: SchemaOverrides | None = None, *, where: str
) -> Schema:
    """Infer a :class:`~driftwise.schema.roles.Schema` from the reference ``df``.

    Parameters
    ----------
    df
        The reference batch, one column per input, label, prediction, ...
    overrides
        The user's word on roles; wins over inference. See the module docstring for the rules.
    where
        The name of the data in messages, such as the file path.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=60), "k": rng.integers(0, 3, 60),
    ...                    "y": rng.integers(0, 2, 60)})
    >>> [(c.name, c.role.value, c.dtype) for c in infer_schema(df, where="ref").columns]
    [('x', 'numeric', None), ('k', 'categorical', None), ('y', 'categorical', None)]
    """
    _check_frame(df, where)
    given = SchemaOverrides() if overrides is None else overrides
    roles = given.roles(where=where)
    columns = [str(c) for c in df.columns]
    for field, names in given.named().items():
        for name in names:
            if name not in columns:
                raise DriftwiseError.for_column(
                    name,
                    where=where,
                    found=f"no such column (given as {field})",
                    expected="one of the columns of the data",
                    options=columns,
                )
    flagged = set(given.segments or ()) | set(given.sensitive or ())
    timestamp = given.timestamp
    specs: list[ColumnSpec] = []
    for name in columns:
        s = df[name]
        role = roles.get(name)
        if role is not Role.IGNORED and not s.notna().any():
            raise DriftwiseError.for_column(
                name,
                where=where,
                found="only missing values",
                expected="at least one value",
                hint="List it under 'ignore' to leave it out.",
            )
        kind = value_kind(s) if role is not Role.IGNORED else "other"
        if role is None:
            role = _infer_role(s, kind)
            if name in flagged and role not in (Role.NUMERIC, Role.CATEGORICAL):
                role = Role.CATEGORICAL
            elif role is Role.TIMESTAMP:
                if timestamp is None:
                    timestamp = name
                else:
                    role = Role.IGNORED
        dtype: ValueType | None = None
        if role in (Role.TARGET, Role.PREDICTION):
            dtype = _label_dtype(s, kind, given, name)
        specs.append(
            ColumnSpec(
                name=name,
                role=role,
                dtype=dtype,
                segment=name in (given.segments or ()),
                sensitive=name in (given.sensitive or ()),
            )
        )
    return Schema(columns=tuple(specs))


def _check_frame(df: pd.DataFrame, where: str) -> None:
    if df.shape[1] == 0:
        raise DriftwiseError(f"{where}: found no columns; expected at least one column.")
    if len(df) == 0:
        raise DriftwiseError(f"{where}: found no rows; expected at least one row.")
    odd = [c for c in df.columns if not isinstance(c, str)]
    if odd:
        raise DriftwiseError(
            f"{where}: found column name {odd[0]!r} of type {type(odd[0]).__name__}; expected "
            "text column names (read the data with driftwise.data.read_table)."
        )
    dups = [n for n, k in Counter(df.columns).items() if k > 1]
    if dups:
        raise DriftwiseError(
            f"{where}: found duplicated column name{'s' if len(dups) > 1 else ''} "
            + ", ".join(repr(n) for n in dups)
            + "; expected each column name once."
        )


def _label_dtype(s: pd.Series, kind: Kind, given: SchemaOverrides, name: str) -> ValueType:
    if name in (given.numeric or ()):
        return "numeric"
    if name in (given.categorical or ()):
        return "categorical"
    if kind == "integer":
        return "categorical" if s.nunique() <= LABEL_MAX_CATEGORIES else "numeric"
    return "numeric" if kind == "float" else "categorical"


def _infer_role(s: pd.Series, kind: Kind) -> Role:
    if kind == "category" and _string_categories(s):
        # Text read dictionary-encoded (Parquet) is still text: dates, free text, identifiers.
        return _text_role(_spread_sample(s.dropna(), TEXT_SAMPLE).astype(str))
    if kind in ("bool", "category"):
        return Role.CATEGORICAL
    if kind == "integer":
        return Role.CATEGORICAL if s.nunique() <= MAX_CATEGORIES else Role.NUMERIC
    if kind == "float":
        return Role.NUMERIC
    if kind == "datetime":
        return Role.TIMESTAMP
    if kind == "string":
        return _text_role(_spread_sample(s.dropna(), TEXT_SAMPLE).astype(str))
    return Role.IGNORED


def _string_categories(s: pd.Series) -> bool:
    cats = s.cat.categories
    return bool(len(cats)) and pd.api.types.infer_dtype(cats, skipna=True) == "string"


def _spread_sample(values: pd.Series, size: int) -> pd.Series:
    """Up to ``size`` values evenly spread over the column (deterministic)."""
    n = len(values)
    if n <= size:
        return values
    return values.iloc[np.linspace(0, n - 1, num=size).astype(np.int64)]


def _text_role(values: pd.Series) -> Role:
    """Timestamp, free text, identifier or categorical, for the non-missing values as text."""
    if _looks_like_dates(values):
        return Role.TIMESTAMP
    n = len(values)
    distinct = values.nunique() / n
    if values.str.len().mean() > TEXT_MIN_MEAN_LENGTH and distinct > TEXT_MIN_DISTINCT:
        return Role.TEXT
    if n >= ID_MIN_VALUES and distinct > ID_MIN_DISTINCT:
        return Role.ID
    return Role.CATEGORICAL


def _looks_like_dates(values: pd.Series) -> bool:
    n = len(values)
    take = np.unique(np.linspace(0, n - 1, num=min(n, DATE_SAMPLE)).astype(np.int64))
    sample = values.iloc[take]
    if not all(_ISO_DATE.match(v) for v in sample):
        return False
    try:
        parsed = pd.to_datetime(sample, format="ISO8601", errors="coerce")
    except ValueError:  # mixed time-zone offsets
        parsed = pd.to_datetime(sample, format="ISO8601", errors="coerce", utc=True)
    return bool(parsed.notna().all())
