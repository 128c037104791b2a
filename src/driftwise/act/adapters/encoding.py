"""How adapters turn a DataFrame into numbers, labels into 0/1, and models into bytes.

:class:`Encoding` is learned once, when a model is trained from scratch, and then kept with the
model (a fine-tune reuses it unchanged):

* each categorical feature is coded by its position in the sorted list of the categories seen at
  training time; a category never seen before, or a missing value, becomes ``NaN`` (a missing
  value for the boosters, an all-zero one-hot row for the network), so new categories never crash
  a prediction;
* numeric features are read as floats;
* the two label values are sorted; the second is the *positive* class, whose probability
  ``predict_proba`` returns (the same convention as scikit-learn's ``classes_[1]``).

:func:`pack` and :func:`unpack` frame an artifact as a small JSON header (the adapter kind and
the encoding) followed by the library's own bytes (XGBoost UBJSON, LightGBM text): no pickle.

>>> import pandas as pd
>>> rows = pd.DataFrame({"region": ["a", "b", "a"], "x": [1.0, 2.0, 3.0]})
>>> enc = Encoding.learn(rows, ("region", "x"), None, np.array(["no", "yes", "no"], dtype=object))
>>> enc.categories, enc.classes
({'region': ('a', 'b')}, ('no', 'yes'))
>>> enc.matrix(pd.DataFrame({"region": ["b", "zz"], "x": [5, 6]}), where="demo").tolist()
[[1.0, 5.0], [nan, 6.0]]
>>> header, payload = unpack(pack("demo", {"encoding": enc.model_dump(mode="json")}, b"raw"),
...                          kind="demo", where="demo")
>>> Encoding.model_validate(header["encoding"]) == enc, payload
(True, b'raw')
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from driftwise.errors import DriftwiseError

__all__ = ["Encoding", "pack", "unpack"]

MAGIC = b"driftwise-adapter-artifact\n"
_LENGTH = struct.Struct(">Q")


class Encoding(BaseModel):
    """The column and label coding of one trained model; JSON-able, kept in its artifact.

    Parameters
    ----------
    features : tuple of str
        The model's input columns, in matrix order.
    categories : dict of str to tuple of str
        For each categorical feature, its training categories (as text), sorted.
    classes : tuple
        The two label values, sorted; ``classes[1]`` is the positive class.

    >>> enc = Encoding(features=("x",), categories={}, classes=(0, 1))
    >>> enc.decode(np.array([0.2, 0.9])).tolist()
    [0, 1]
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    features: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    classes: tuple[bool | int | float | str, ...]

    @classmethod
    def learn(
        cls,
        rows: pd.DataFrame,
        features: Sequence[str],
        categorical: Sequence[str] | None,
        labels: NDArray[Any],
    ) -> Encoding:
        """Learn the coding from training ``rows`` and their ``labels``.

        ``categorical=None`` takes every feature whose dtype is not numeric.

        >>> import pandas as pd
        >>> rows = pd.DataFrame({"n": [3, 1], "c": ["x", "y"]})
        >>> Encoding.learn(rows, ("n", "c"), ("n",), np.array([1, 0])).categories
        {'n': ('1', '3')}
        """
        if categorical is None:
            cats = [f for f in features if not pd.api.types.is_numeric_dtype(rows[f])]
        else:
            cats = [f for f in features if f in categorical]
        categories = {c: tuple(sorted(set(rows[c].dropna().astype(str)))) for c in cats}
        classes = tuple(np.unique(labels).tolist())
        return cls(features=tuple(features), categories=categories, classes=classes)

    @property
    def numeric(self) -> tuple[str, ...]:
        """The features that are not categorical, in order."""
        return tuple(f for f in self.features if f not in self.categories)

    def matrix(self, frame: pd.DataFrame, *, where: str) -> NDArray[np.float64]:
        """The ``(rows, features)`` float matrix: category codes (``NaN`` when unseen) and numbers.

        >>> enc = Encoding(features=("c",), categories={"c": ("a",)}, classes=(0, 1))
        >>> enc.matrix(pd.DataFrame({"c": ["a", None]}), where="demo").tolist()
        [[0.0], [nan]]
        """
        out = np.empty((len(frame), len(self.features)), dtype=np.float64)
        for j, name in enumerate(self.features):
            column = frame[name]
            if name in self.categories:
                codes = pd.Index(self.categories[name]).get_indexer(pd.Index(column.astype(str)))
                values = codes.astype(np.float64)
                values[(codes < 0) | column.isna().to_numpy()] = np.nan
                out[:, j] = values
            elif pd.api.types.is_numeric_dtype(column):
                out[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
            else:
                raise DriftwiseError.for_column(
                    name,
                    where=where,
                    found=f"values of dtype {column.dtype} in a numeric feature",
                    expected="numbers, as at training time",
                )
        return out

    def target01(self, labels: NDArray[Any]) -> NDArray[np.float64]:
        """1.0 where the label is the positive class ``classes[1]``, else 0.0.

        >>> Encoding(features=("x",), categories={}, classes=("no", "yes")).target01(
        ...     np.array(["yes", "no"], dtype=object)).tolist()
        [1.0, 0.0]
        """
        out: NDArray[np.float64] = (labels == self.classes[1]).astype(np.float64)
        return out

    def decode(self, proba: NDArray[np.float64]) -> NDArray[Any]:
        """Class labels from positive-class probabilities (positive when above 0.5).

        String labels come back as an ``object`` array, numbers with their numpy dtype.

        >>> Encoding(features=("x",), categories={}, classes=("no", "yes")).decode(
        ...     np.array([0.7])).tolist()
        ['yes']
        """
        values = np.asarray(self.classes)
        if values.dtype.kind == "U":
            values = values.astype(object)
        out: NDArray[Any] = values[(np.asarray(proba) > 0.5).astype(np.int64)]
        return out


def pack(kind: str, header: Mapping[str, Any], payload: bytes) -> bytes:
    """Frame ``payload`` behind a JSON ``header`` that names the adapter ``kind``.

    >>> pack("x", {}, b"!")[-4:]
    b'x"}!'
    """
    head = json.dumps({**header, "kind": kind}, sort_keys=True).encode("utf-8")
    return MAGIC + _LENGTH.pack(len(head)) + head + payload


def unpack(blob: bytes, *, kind: str, where: str) -> tuple[dict[str, Any], bytes]:
    """Split an artifact made by :func:`pack` into its header and payload; check its ``kind``.

    >>> unpack(b"not an artifact", kind="xgboost", where="XGBoostAdapter.loads")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: XGBoostAdapter.loads: field 'blob': found bytes that are not
    a driftwise adapter artifact; expected the bytes written by the xgboost adapter's dumps().
    """
    expected = f"the bytes written by the {kind} adapter's dumps()"
    start = len(MAGIC) + _LENGTH.size
    header: Any = None
    if blob[: len(MAGIC)] == MAGIC and len(blob) >= start:
        (size,) = _LENGTH.unpack(blob[len(MAGIC) : start])
        try:
            header = json.loads(blob[start : start + size].decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            header = None
    if not isinstance(header, dict):
        raise DriftwiseError.for_field(
            "blob",
            where=where,
            found="bytes that are not a driftwise adapter artifact",
            expected=expected,
        )
    if header.get("kind") != kind:
        raise DriftwiseError.for_field(
            "blob",
            where=where,
            found=f"an artifact of the {header.get('kind')!r} adapter",
            expected=expected,
        )
    return header, bytes(blob[start + size :])
