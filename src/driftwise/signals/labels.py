"""Labels of the current batch: how many, where, and do they look like current traffic?

A fine-tune or a retrain learns from the labelled current rows. Enough of them is not enough:
if labels came only from one region (say, the one whose complaints are reviewed by hand), a
model trained on them learns that region. :func:`label_evidence` gives one
:class:`~driftwise.signals.types.LabelAvailability`:

Counts
    ``n_labelled`` current rows with a target value, their share, and whether they reach
    ``policy.labels.min_for_fine_tune`` and ``min_for_retrain``.
By segment
    For every declared segment key with at most ``policy.scope.max_segment_values`` values:
    ``"key=value"`` -> labelled current rows, for every value seen in the current batch (zero
    included: a region without labels is worth seeing), values in sorted order.
Representativeness
    Each numeric and categorical model input (text columns are left to the text signal) is
    compared between the labelled current rows and *all* current rows with
    :func:`~driftwise.signals.univariate.compare_column` (Kolmogorov-Smirnov or chi-square, with
    their effect sizes); the p-values are corrected together with ``policy.drift.correction``
    (Benjamini-Hochberg by default). An input is *unrepresentative* when its adjusted p-value is
    below ``policy.labels.representativeness_alpha`` and its effect reaches the policy's minimum
    (``min_effect_numeric`` or ``min_effect_categorical``, raised to the calibrated null
    quantile when ``policy.drift.calibrate``; see :mod:`driftwise.signals.univariate`; the
    labelled rows play the reference). ``representative`` is true when no
    input is; ``representativeness_p_value`` is the smallest adjusted p-value,
    ``representativeness_effect`` the largest effect size. The labelled rows are part of all
    rows, so the comparison is conservative: it measures how far the training data would be
    from the traffic the model will serve. Not tested (``None``) with fewer than
    ``policy.drift.min_rows`` labelled rows or when no input could be tested.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> region = rng.choice(["north", "south"], 2000)
>>> y = np.where(region == "north", "ok", None)  # labels only from the north
>>> cur = pd.DataFrame({"region": region, "x": rng.normal(size=2000), "y": y})
>>> s = Schema(columns=(ColumnSpec(name="region", role=Role.CATEGORICAL, segment=True),
...                     ColumnSpec(name="x", role=Role.NUMERIC),
...                     ColumnSpec(name="y", role=Role.TARGET)))
>>> e = label_evidence(cur, cur, s, Policy())
>>> e.n_labelled, e.by_segment, e.representative, e.unrepresentative_features
(957, {'region=north': 957, 'region=south': 0}, False, ('region',))
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.data.validate import to_labels
from driftwise.policy.model import Policy
from driftwise.schema.roles import Schema
from driftwise.signals.multitest import adjust
from driftwise.signals.types import LabelAvailability
from driftwise.signals.univariate import Kind, RawTest, compare_column

__all__ = ["label_evidence"]


def label_evidence(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> LabelAvailability:
    """How many current rows are labelled, where, and whether they are representative.

    Parameters
    ----------
    reference
        The validated reference frame (accepted for the common signature of signals; the
        labels that matter are the current ones).
    current
        The validated current frame. A target column that is absent means no labels.
    schema
        Column roles: the target, the inputs and the segment keys.
    policy
        ``policy.labels``, ``policy.drift`` (min_rows, effect sizes, correction) and
        ``policy.scope.max_segment_values``.

    Examples
    --------
    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),
    ...                     ColumnSpec(name="y", role=Role.TARGET)))
    >>> cur = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": ["a", None, "b"]})
    >>> e = label_evidence(cur, cur, s, Policy())
    >>> e.n_labelled, round(e.share_labelled, 3), e.sufficient_for_fine_tune, e.representative
    (2, 0.667, False, None)
    """
    n_current = len(current)
    target = schema.target
    if target is not None and target in current.columns:
        labelled = current[target].notna().to_numpy(dtype=np.bool_)
    else:
        labelled = np.zeros(n_current, dtype=np.bool_)
    n_labelled = int(labelled.sum())
    representative: bool | None = None
    p_value: float | None = None
    effect: float | None = None
    unrepresentative: tuple[str, ...] = ()
    if n_labelled >= policy.drift.min_rows:
        tests = _tests(current, labelled, schema, policy)
        if tests:
            adjusted = adjust([t.p_value for t in tests], policy.drift.correction)
            alpha = policy.labels.representativeness_alpha
            unrepresentative = tuple(
                t.column
                for t, p in zip(tests, adjusted, strict=True)
                if float(p) < alpha and t.practical
            )
            representative = not unrepresentative
            p_value = float(adjusted.min())
            effect = max(t.effect_size for t in tests)
    return LabelAvailability(
        n_current=n_current,
        n_labelled=n_labelled,
        share_labelled=n_labelled / n_current if n_current else 0.0,
        sufficient_for_fine_tune=n_labelled >= policy.labels.min_for_fine_tune,
        sufficient_for_retrain=n_labelled >= policy.labels.min_for_retrain,
        by_segment=_by_segment(current, labelled, schema, policy),
        representative=representative,
        representativeness_p_value=p_value,
        representativeness_effect=effect,
        unrepresentative_features=unrepresentative,
    )


def _tests(
    current: pd.DataFrame, labelled: NDArray[np.bool_], schema: Schema, policy: Policy
) -> list[RawTest]:
    """Labelled current rows against all current rows, one test per numeric/categorical input."""
    tests: list[RawTest] = []
    for name in schema.features:
        spec = schema.spec(name)
        if spec.value_type not in ("numeric", "categorical") or name not in current.columns:
            continue
        kind: Kind = "numeric" if spec.value_type == "numeric" else "categorical"
        column = current[name]
        drift = policy.drift
        test = compare_column(
            column[labelled],
            column,
            column=name,
            role=spec.role.value,
            kind=kind,
            min_effect=drift.min_effect_numeric
            if kind == "numeric"
            else drift.min_effect_categorical,
            min_rows=drift.min_rows,
            alpha=policy.labels.representativeness_alpha,
            calibrate=drift.calibrate,
            binned_above=drift.binned_above,
            bins=drift.bins,
            seed=policy.seed,
        )
        if isinstance(test, RawTest):
            tests.append(test)
    return tests


def _by_segment(
    current: pd.DataFrame, labelled: NDArray[np.bool_], schema: Schema, policy: Policy
) -> dict[str, int]:
    out: dict[str, int] = {}
    for key in schema.segments:
        if key not in current.columns:
            continue
        values = to_labels(current[key])
        distinct = sorted(set(values.dropna()))
        if len(distinct) > policy.scope.max_segment_values:
            continue
        counts = values[labelled].value_counts()
        for value in distinct:
            out[f"{key}={value}"] = int(counts.get(value, 0))
    return out
