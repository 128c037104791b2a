"""Integer codes of a categorical column over the union of both sides' categories.

Values are labelled as the data layer labels them (:func:`driftwise.data.validate.factorize_labels`:
``1`` and ``1.0`` are both ``"1"``), so a raw frame and a validated one give the same labels.
The reference's categories come first (in the order the data gives them), then those seen only
in the current batch. A missing value gets the code ``len(labels)``. Codes are stored in the
smallest integer type that holds them (one byte per row for up to 127 categories).

Columns of pandas ``category`` dtype are not hashed again: their codes are reused, and two
sides with the same categories (as :func:`~driftwise.data.validate.validate_pair` gives them)
need no re-mapping at all.

>>> import pandas as pd
>>> e = encode_pair(pd.Series(["b", None, "a"]), pd.Series([1.0, "b"], dtype=object))
>>> e.labels, e.reference.tolist(), e.current.tolist()
(('b', 'a', '1'), [0, 3, 1], [2, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.data.validate import factorize_labels

__all__ = ["Encoded", "encode_pair"]

Values = pd.Series | NDArray[Any] | Sequence[Any]


@dataclass(frozen=True, eq=False)
class Encoded:
    """Codes of both sides over ``labels``; ``len(labels)`` marks a missing value."""

    labels: tuple[str, ...]
    reference: NDArray[np.integer]
    current: NDArray[np.integer]

    @property
    def missing(self) -> int:
        """The code of a missing value."""
        return len(self.labels)


def _compact(codes: NDArray[np.integer], missing: int) -> NDArray[np.integer]:
    """``codes`` with -1 replaced by ``missing``, in the smallest signed type that fits."""
    out: NDArray[np.integer]
    if missing < 127:
        out = codes.astype(np.int8)
    elif missing < 32767:
        out = codes.astype(np.int16)
    else:
        out = codes.astype(np.int32)
    if out.size and int(out.min()) < 0:
        out[out < 0] = missing
    return out


def _factorize(values: Values) -> tuple[NDArray[np.integer], tuple[str, ...]]:
    """Codes (-1 for missing) and the distinct labels they point to."""
    if isinstance(values, pd.Series):
        return factorize_labels(values)
    return factorize_labels(pd.Series(np.asarray(values, dtype=object), dtype=object))


def encode_pair(reference: Values, current: Values) -> Encoded:
    """Encode one categorical column of both sides (see the module docstring).

    Parameters
    ----------
    reference, current
        The column on each side: a pandas Series of any dtype (object, ``str``, ``category``,
        numbers, booleans) or an array-like.

    Returns
    -------
    Encoded

    Examples
    --------
    >>> import pandas as pd
    >>> dtype = pd.CategoricalDtype(["x", "y"])
    >>> e = encode_pair(pd.Series(["y", "x"], dtype=dtype), pd.Series(["y", None], dtype=dtype))
    >>> e.labels, e.reference.tolist(), e.current.tolist(), e.reference.dtype.name
    (('x', 'y'), [1, 0], [1, 2], 'int8')
    """
    ref_codes, ref_labels = _factorize(reference)
    cur_codes, cur_labels = _factorize(current)
    if cur_labels == ref_labels:
        k = len(ref_labels)
        return Encoded(ref_labels, _compact(ref_codes, k), _compact(cur_codes, k))
    index = pd.Index(np.array(ref_labels, dtype=object))
    where = index.get_indexer(np.array(cur_labels, dtype=object))
    new = [label for label, i in zip(cur_labels, where, strict=True) if i < 0]
    labels = ref_labels + tuple(new)
    where[where < 0] = np.arange(len(ref_labels), len(labels))
    remap = np.append(where, -1).astype(np.intp)
    k = len(labels)
    return Encoded(labels, _compact(ref_codes, k), _compact(remap[cur_codes], k))
