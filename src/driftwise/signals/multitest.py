"""Multiple-testing correction of p-values.

When twenty columns are tested at once, about one of them looks "significant" at level 0.05 by
chance alone. Every family of tests in driftwise (the global tests of one check, the in-segment
tests of one segment key) is corrected together before any test is called significant.

- ``"bh"``: Benjamini-Hochberg adjusted p-values (controls the false-discovery rate), computed by
  :func:`scipy.stats.false_discovery_control`.
- ``"bonferroni"``: ``min(1, p * m)`` (controls the family-wise error rate).
- ``"none"``: the p-values unchanged.

:func:`finish` corrects a family of drift tests and turns each into its evidence: significant
when the adjusted p-value is below ``alpha``, drifted when also practical. With calibrated
thresholds, practical means an effect at least the ``1 - alpha / m`` quantile of the column's
null effect (``m`` tests in the family; see :mod:`driftwise.signals.calibrate`), so that noise
alone is as unlikely to look practical somewhere in the family as to look significant.

>>> from driftwise.signals.multitest import adjust
>>> adjust([0.01, 0.04, 0.03, 0.20], "bh").round(4).tolist()
[0.04, 0.0533, 0.0533, 0.2]
>>> adjust([0.01, 0.04, 0.03, 0.20], "bonferroni").round(4).tolist()
[0.04, 0.16, 0.12, 0.8]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from driftwise.errors import DriftwiseError, closest
from driftwise.policy.model import DriftThresholds
from driftwise.signals.types import FeatureDrift

if TYPE_CHECKING:
    from driftwise.signals.univariate import RawTest

__all__ = ["METHODS", "Correction", "adjust", "finish"]

Correction = Literal["bh", "bonferroni", "none"]
METHODS: tuple[Correction, ...] = ("bh", "bonferroni", "none")


def adjust(p_values: ArrayLike | Sequence[float], method: str) -> NDArray[np.float64]:
    """Adjust a family of p-values for multiple testing.

    Parameters
    ----------
    p_values
        One p-value per test, each in ``[0, 1]``. An empty family gives an empty array.
    method
        ``"bh"`` (Benjamini-Hochberg), ``"bonferroni"`` or ``"none"``.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values (float64, same order and length as ``p_values``), each in ``[0, 1]``.

    Raises
    ------
    DriftwiseError
        For an unknown method, or a p-value that is missing or outside ``[0, 1]``.

    Examples
    --------
    >>> adjust([0.001, 0.5], "none").tolist()
    [0.001, 0.5]
    >>> adjust([], "bh").tolist()
    []
    >>> adjust([0.2], "holm")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: multitest.adjust: field 'method': found 'holm'; ...
    """
    if method not in METHODS:
        near = closest(method, METHODS)
        raise DriftwiseError.for_field(
            "method",
            where="multitest.adjust",
            found=repr(method),
            expected="one of "
            + ", ".join(METHODS)
            + (f" (did you mean {near!r}?)" if near else ""),
        )
    p = np.asarray(p_values, dtype=np.float64).reshape(-1)
    if p.size == 0:
        return p.copy()
    bad = ~((p >= 0.0) & (p <= 1.0))
    if bad.any():
        raise DriftwiseError.for_field(
            "p_values",
            where="multitest.adjust",
            found=f"{float(p[np.argmax(bad)])!r} at position {int(np.argmax(bad))}",
            expected="p-values in [0, 1]",
        )
    if method == "bh":
        return np.asarray(stats.false_discovery_control(p, method="bh"), dtype=np.float64)
    if method == "bonferroni":
        return np.minimum(1.0, p * p.size)
    return p.copy()


def finish(tests: Sequence[RawTest], thresholds: DriftThresholds) -> tuple[FeatureDrift, ...]:
    """Correct a family of tests together and build their evidence, in the same order.

    >>> import numpy as np
    >>> from driftwise.policy.model import DriftThresholds
    >>> from driftwise.signals.univariate import compare_column
    >>> rng = np.random.default_rng(1)
    >>> a = compare_column(rng.normal(size=800), rng.normal(size=800), column="a",
    ...                    role="numeric", kind="numeric", min_effect=0.05, min_rows=30)
    >>> b = compare_column(rng.normal(size=800), rng.normal(1, 1, 800), column="b",
    ...                    role="numeric", kind="numeric", min_effect=0.05, min_rows=30)
    >>> [(e.id, e.drifted) for e in finish([a, b], DriftThresholds())]
    [('drift:numeric:a', False), ('drift:numeric:b', True)]
    """
    adjusted = adjust([t.p_value for t in tests], thresholds.correction)
    m = len(tests)
    return tuple(
        t.to_evidence(float(p), thresholds.alpha, thresholds.correction, family=m)
        for t, p in zip(tests, adjusted, strict=True)
    )
