"""Schema change: columns added, removed or retyped, values out of range, a changed unit.

Computed on the frames *as read* (before validation, which would reject a retyped column), with
the schema inferred on the reference. The result is one
:class:`~driftwise.signals.types.SchemaChange` (id ``schema``).

Added, removed
    Columns of the current frame absent from the reference (current order), and columns of the
    reference absent from the current frame (reference order). The target is never "removed":
    labels arrive late.
Retyped
    A column of the schema present on both sides (identifiers, ignored columns and the timestamp
    excepted) whose current values no longer fit its value type:

    - numeric in the reference, and more than half of its current non-missing values do not
      parse as numbers: ``numeric -> text``;
    - categorical (or text) in the reference, and at least 95% of its current non-missing values
      parse as numbers with more distinct values than both :data:`~driftwise.schema.infer.
      MAX_CATEGORIES` and twice the reference's: ``categorical -> numeric`` (codes became
      measurements).
Out of range
    For each numeric input: the share of current non-missing values outside ``[min, max]`` of the
    reference, listed when it is at least ``policy.schema_change.out_of_range_share`` (and above
    0). Inputs with fewer than ``policy.drift.min_rows`` values on a side are left out.
Rescaled
    For each numeric input, the 1st to 99th percentiles of the current values are fitted against
    the reference's by least squares: ``current ~ slope * reference + intercept``. The input
    looks *rescaled* (a new unit, a new sensor) when all of these hold:

    1. the fit's R^2 is at least ``policy.schema_change.rescale_r_squared``;
    2. the slope differs from 1 by more than :data:`SLOPE_TOLERANCE` (5%), or, for a mere
       offset, the fitted shift at the reference median is larger than :data:`OFFSET_SDS`
       reference standard deviations (Celsius to Kelvin); an ordinary shift of the mean is
       drift, left to the drift tests;
    3. the change is real, not sampling noise, at level ``policy.drift.alpha`` divided by the
       number of fits that could be examined (every numeric input, and each of its segments
       below: Bonferroni): for a slope, the Brown-Forsythe test of equal spread
       (:func:`scipy.stats.levene` with ``center="median"``) rejects even after the current
       values are brought 5% closer to their median (towards 1 by the tolerance), so that a mean
       shift with a noisy slope is not called a new unit; for an offset, the two-sample test of
       :func:`~driftwise.signals.univariate.compare_column` rejects with an effect of at least
       ``policy.drift.min_effect_numeric``.

    ``consistent_across_segments`` says whether the same transform holds inside every value of
    every declared segment key with at least ``policy.scope.min_segment_rows`` values of the input
    on both sides: the segment's current values are mapped back with the inverse transform and
    compared with its reference values by the same test (corrected across the segments with
    ``policy.drift.correction``); a segment where the mapped-back values still drift breaks the
    consistency. ``True`` when no segment could be checked. When the whole-data fit is not a
    rescaling, each segment is fitted alone; if some segments are rescaled, the one with the most
    current rows is reported, with ``consistent_across_segments=False`` (a local cause).

A linear change of the whole distribution is what a unit change looks like, but a pure change of
spread looks the same: the explanation says "looks rescaled", not "was rescaled".
``architecture_change_suggested`` is true when a column was added, or a model input was removed
or retyped: the model's inputs are not what they were.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema import SchemaOverrides, infer_schema
>>> rng = np.random.default_rng(0)
>>> ref = pd.DataFrame({"temp": rng.normal(15, 8, 2000), "id": np.arange(2000)})
>>> cur = pd.DataFrame({"temp": rng.normal(15, 8, 2000) * 1.8 + 32, "site": "a"})
>>> schema = infer_schema(ref, SchemaOverrides(), where="ref.csv")
>>> (e,) = schema_change_evidence(ref, cur, schema, Policy())
>>> e.added, e.removed, e.architecture_change_suggested
(('site',), ('id',), True)
>>> r = e.rescaled[0]
>>> r.column, round(r.slope, 1), round(r.intercept), r.consistent_across_segments
('temp', 1.8, 32, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from driftwise.data.validate import to_labels
from driftwise.policy.model import Policy
from driftwise.schema.infer import MAX_CATEGORIES
from driftwise.schema.roles import Role, Schema
from driftwise.signals.multitest import adjust
from driftwise.signals.types import ColumnRetype, Evidence, Rescaling, SchemaChange
from driftwise.signals.univariate import RawTest, compare_column

__all__ = [
    "MIN_NUMERIC_SHARE",
    "OFFSET_SDS",
    "QQFit",
    "SLOPE_TOLERANCE",
    "qq_fit",
    "schema_change_evidence",
]

SLOPE_TOLERANCE = 0.05
OFFSET_SDS = 3.0
MIN_NUMERIC_SHARE = 0.95
PERCENTILES = np.arange(1, 100) / 100.0
_SKIPPED_ROLES = (Role.ID, Role.IGNORED, Role.TIMESTAMP)
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class QQFit:
    """A least-squares line through matching quantiles: ``current ~ slope * reference + b``.

    >>> QQFit(slope=1.8, intercept=32.0, r_squared=0.999).slope
    1.8
    """

    slope: float
    intercept: float
    r_squared: float


def qq_fit(reference: FloatArray, current: FloatArray) -> QQFit | None:
    """Fit the current 1st..99th percentiles against the reference's (least squares).

    ``None`` when either side's percentiles are all equal (nothing to fit).

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(20, 5, 3000)
    >>> f = qq_fit(x, x * 1.8 + 32)
    >>> round(f.slope, 6), round(f.intercept, 6), round(f.r_squared, 6)
    (1.8, 32.0, 1.0)
    """
    qr = np.quantile(reference, PERCENTILES)
    qc = np.quantile(current, PERCENTILES)
    if np.ptp(qr) == 0 or np.ptp(qc) == 0:
        return None
    fit = stats.linregress(qr, qc)
    return QQFit(float(fit.slope), float(fit.intercept), float(fit.rvalue) ** 2)


def schema_change_evidence(
    reference_raw: pd.DataFrame, current_raw: pd.DataFrame, schema: Schema, policy: Policy
) -> tuple[Evidence, ...]:
    """The schema change between two frames as read (see the module docstring).

    Parameters
    ----------
    reference_raw, current_raw
        The frames as read, before validation.
    schema
        The schema inferred on the reference.
    policy
        ``policy.schema_change`` thresholds, ``policy.drift`` (alpha, min_rows, effect,
        correction) and ``policy.scope`` (segment sizes).

    Returns
    -------
    tuple
        One :class:`~driftwise.signals.types.SchemaChange`.

    Examples
    --------
    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),))
    >>> ref = pd.DataFrame({"x": [float(i) for i in range(100)]})
    >>> cur = pd.DataFrame({"x": ["n/a"] * 60 + [str(i) for i in range(40)]})
    >>> (e,) = schema_change_evidence(ref, cur, s, Policy())
    >>> e.retyped[0], e.architecture_change_suggested
    (ColumnRetype(column='x', reference='numeric', current='text'), True)
    """
    ref_names = [str(c) for c in reference_raw.columns]
    cur_names = [str(c) for c in current_raw.columns]
    added = tuple(c for c in cur_names if c not in set(ref_names))
    removed = tuple(c for c in ref_names if c not in set(cur_names) and c != schema.target)
    both = set(ref_names) & set(cur_names)
    found_types = (
        _retype(reference_raw[c.name], current_raw[c.name], c.name, c.value_type)
        for c in schema.columns
        if c.name in both and c.role not in _SKIPPED_ROLES
    )
    retyped = tuple(r for r in found_types if r is not None)
    changed = {r.column for r in retyped}
    keys = _keys(reference_raw, current_raw, schema, policy)
    out_of_range: dict[str, float] = {}
    inputs: list[tuple[str, FloatArray, FloatArray, list[_Segment]]] = []
    for name in schema.numeric:
        if name not in both or name in changed:
            continue
        ref, cur = _numbers(reference_raw[name]), _numbers(current_raw[name])
        if min(ref.size, cur.size) < policy.drift.min_rows:
            continue
        share = float(np.mean((cur < ref.min()) | (cur > ref.max())))
        if share > 0 and share >= policy.schema_change.out_of_range_share:
            out_of_range[name] = round(share, 6)
        inputs.append((name, ref, cur, _segments(name, reference_raw, current_raw, keys, policy)))
    alpha = policy.drift.alpha / max(sum(1 + len(segs) for *_, segs in inputs), 1)
    rescaled: list[Rescaling] = []
    local: dict[str, str] = {}
    for name, ref, cur, segments in inputs:
        found = _rescaling(name, ref, cur, segments, policy, alpha)
        if found is not None:
            rescaled.append(found[0])
            if found[1] is not None:
                local[name] = found[1]
    features = set(schema.features)
    suggested = bool(added) or any(c in features for c in removed) or bool(retyped)
    change = SchemaChange(
        added=added,
        removed=removed,
        retyped=retyped,
        out_of_range=out_of_range,
        rescaled=tuple(rescaled),
        architecture_change_suggested=suggested,
        explanation=_explain(added, removed, retyped, out_of_range, rescaled, local, suggested),
    )
    return (change,)


def _numbers(values: pd.Series) -> FloatArray:
    """Finite numbers of a raw column (text that does not parse counts as missing)."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        parsed = pd.to_numeric(values.astype(object), errors="coerce")
        arr = np.asarray(parsed, dtype=np.float64)
    finite: FloatArray = arr[np.isfinite(arr)]
    return finite


def _numeric_share(current: pd.Series) -> tuple[float, int]:
    """Share of the non-missing values that parse as numbers, and how many distinct numbers.

    Each distinct value is parsed once (a 1M-row column of a few codes costs a count, not a
    million conversions).
    """
    counts = current.value_counts(dropna=True, sort=False)
    counts = counts[counts.to_numpy() > 0]
    total = int(counts.sum())
    if total == 0:
        return 0.0, 0
    parsed = pd.to_numeric(pd.Series(counts.index.astype(object)), errors="coerce")
    ok = parsed.notna().to_numpy()
    return float(counts.to_numpy()[ok].sum()) / total, int(parsed[ok].nunique())


def _retype(reference: pd.Series, current: pd.Series, name: str, kind: str) -> ColumnRetype | None:
    if kind == "datetime" or not current.notna().any():
        return None
    typed = pd.api.types.is_numeric_dtype(current.dtype) and not pd.api.types.is_bool_dtype(
        current.dtype
    )
    if kind == "numeric" and typed:
        return None  # numbers stay numbers
    share, distinct = (1.0, int(current.nunique())) if typed else _numeric_share(current)
    if kind == "numeric":
        now = "text" if share < 0.5 else kind
    else:
        many = distinct > max(MAX_CATEGORIES, 2 * int(reference.nunique()))
        now = "numeric" if share >= MIN_NUMERIC_SHARE and many else kind
    return None if now == kind else ColumnRetype(column=name, reference=kind, current=now)


def _is_rescaling(
    fit: QQFit | None, ref: FloatArray, cur: FloatArray, name: str, policy: Policy, alpha: float
) -> bool:
    """Rules 1 to 3 of the module docstring, the tests at level ``alpha``."""
    if fit is None or fit.r_squared < policy.schema_change.rescale_r_squared:
        return False
    if abs(fit.slope - 1.0) > SLOPE_TOLERANCE:
        # Bring the current spread the tolerance closer to the reference's: the change must be
        # larger than the tolerance beyond sampling noise, not merely different from none.
        factor = 1.0 + SLOPE_TOLERANCE if abs(fit.slope) > 1.0 else 1.0 - SLOPE_TOLERANCE
        centre = float(np.median(cur))
        closer = centre + (cur - centre) / factor
        return float(stats.levene(ref, closer, center="median").pvalue) < alpha
    median = float(np.median(ref))
    if abs(fit.slope * median + fit.intercept - median) <= OFFSET_SDS * float(np.std(ref)):
        return False
    test = _test(ref, cur, name, policy)
    return _drifted(test, test.p_value if test is not None else 1.0, alpha)


def _drifted(test: RawTest | None, p_value: float, alpha: float) -> bool:
    return test is not None and p_value < alpha and test.practical


def _test(ref: FloatArray, cur: FloatArray, name: str, policy: Policy) -> RawTest | None:
    d = policy.drift
    test = compare_column(
        ref,
        cur,
        column=name,
        role="numeric",
        kind="numeric",
        min_effect=d.min_effect_numeric,
        min_rows=d.min_rows,
        alpha=d.alpha,
        calibrate=d.calibrate,
        binned_above=d.binned_above,
        bins=d.bins,
        seed=policy.seed,
    )
    return test if isinstance(test, RawTest) else None


@dataclass(frozen=True)
class _Segment:
    label: str
    reference: FloatArray
    current: FloatArray


@dataclass(frozen=True)
class _Key:
    name: str
    reference: pd.Series  # labels of each reference row (NaN: missing)
    current: pd.Series
    values: tuple[str, ...]


def _keys(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> list[_Key]:
    """Declared segment keys on both sides with at most ``max_segment_values`` values."""
    out: list[_Key] = []
    for key in schema.segments:
        if key not in reference.columns or key not in current.columns:
            continue
        ref, cur = to_labels(reference[key]), to_labels(current[key])
        values = tuple(sorted(set(ref.dropna()) | set(cur.dropna())))
        if len(values) <= policy.scope.max_segment_values:
            out.append(_Key(key, ref, cur, values))
    return out


def _segments(
    name: str, reference: pd.DataFrame, current: pd.DataFrame, keys: list[_Key], policy: Policy
) -> list[_Segment]:
    """Every value of every segment key with enough values of ``name`` on both sides."""
    out: list[_Segment] = []
    for key in keys:
        if key.name == name:
            continue
        for value in key.values:
            ref = _numbers(reference[name][(key.reference == value).to_numpy()])
            cur = _numbers(current[name][(key.current == value).to_numpy()])
            if min(ref.size, cur.size) >= policy.scope.min_segment_rows:
                out.append(_Segment(f"{key.name}={value}", ref, cur))
    return out


def _rescaling(
    name: str,
    ref: FloatArray,
    cur: FloatArray,
    segments: list[_Segment],
    policy: Policy,
    alpha: float,
) -> tuple[Rescaling, str | None] | None:
    """The rescaling of one input, and the segments it is confined to (``None``: everywhere).

    ``alpha`` is the level of each drift test (Bonferroni over every fit examined)."""
    fit = qq_fit(ref, cur)
    where: str | None = None
    if fit is not None and _is_rescaling(fit, ref, cur, name, policy, alpha):
        consistent = _consistent(fit, segments, name, policy)
    else:
        fits = [(seg, qq_fit(seg.reference, seg.current)) for seg in segments]
        local = [
            (seg, f)
            for seg, f in fits
            if f is not None and _is_rescaling(f, seg.reference, seg.current, name, policy, alpha)
        ]
        if not local:
            return None
        fit = max(local, key=lambda sf: sf[0].current.size)[1]
        consistent, where = False, ", ".join(seg.label for seg, _ in local)
    return Rescaling(
        column=name,
        slope=fit.slope,
        intercept=fit.intercept,
        r_squared=fit.r_squared,
        consistent_across_segments=consistent,
    ), where


def _consistent(fit: QQFit, segments: Sequence[_Segment], name: str, policy: Policy) -> bool:
    """Does the whole-data transform, inverted, bring every segment back to its reference?"""
    tests = [
        _test(seg.reference, (seg.current - fit.intercept) / fit.slope, name, policy)
        for seg in segments
    ]
    done = [t for t in tests if t is not None]
    if not done:
        return True
    adjusted = adjust([t.p_value for t in done], policy.drift.correction)
    alpha = policy.drift.alpha
    return not any(_drifted(t, float(p), alpha) for t, p in zip(done, adjusted, strict=True))


def _names(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _explain(
    added: Sequence[str],
    removed: Sequence[str],
    retyped: Sequence[ColumnRetype],
    out_of_range: dict[str, float],
    rescaled: Sequence[Rescaling],
    local: dict[str, str],
    suggested: bool,
) -> str:
    parts: list[str] = []
    if added:
        parts.append(f"column{'s' if len(added) > 1 else ''} {_names(added)} added")
    if removed:
        parts.append(f"column{'s' if len(removed) > 1 else ''} {_names(removed)} removed")
    parts.extend(f"{r.column!r} changed from {r.reference} to {r.current}" for r in retyped)
    parts.extend(
        f"{share:.1%} of {name!r} outside the reference range"
        for name, share in out_of_range.items()
    )
    for r in rescaled:
        if r.column in local:
            where = f"only in {local[r.column]}: a local cause"
        elif r.consistent_across_segments:
            where = "alike in every segment: like a new unit or sensor"
        else:
            where = "but not alike in every segment"
        parts.append(
            f"{r.column!r} looks rescaled (current = {r.slope:.3g} x reference "
            f"{'+' if r.intercept >= 0 else '-'} {abs(r.intercept):.3g}) {where}"
        )
    if not parts:
        return (
            "No column was added, removed or retyped; no input has values outside the "
            "reference range or looks rescaled."
        )
    text = "; ".join(parts)
    text = text[0].upper() + text[1:] + "."
    if suggested:
        text += " The model's inputs changed: its architecture may need to change."
    return text
