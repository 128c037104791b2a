"""Drift and performance inside segments, and the scope verdict: none, localized or global.

Segment keys are the schema's declared segment columns. When none is declared, categorical
features with 2 to ``policy.scope.max_segment_values`` distinct values are candidates, and the
``policy.scope.max_auto_keys`` whose own mix of values shifted most (largest effect size of
their whole-data drift test; then fewer values first) are tried: a regional promotion shows
first as more traffic from that region. Keys with more values are skipped. A value of a key is
tested when it has at least ``policy.scope.min_segment_rows`` rows on both sides: every feature
except the key itself is tested inside it (the tests of all values of one key are corrected
together with ``policy.drift.correction``), and, with labels and predictions, the segment's
accuracy or MAE is compared with the same rule as overall. A segment ``drifted`` when any
feature drifted inside it; it is ``degraded`` when its metric degraded *and* the p-value
survives a Bonferroni correction over the values of its key whose metric was compared (``alpha /
m``), so that chance dips in some of many segments neither raise alarms nor turn a localized
change into a global one.

Scope rule
    1. A segment is *affected* when it drifted or degraded. For each key, its affected traffic
       share is the sum of the current shares of its affected segments.
    2. Keys whose affected share is above 0 and below ``policy.scope.global_traffic_share`` are
       tried from the smallest share up. The first whose complement (every row of that key's
       unaffected values, missing key values included) shows no drifted feature (same tests,
       corrected together) and no degradation gives ``"localized"``, naming its affected
       segments. Trying the keys in turn, rather than only the smallest, keeps one spurious
       small segment of another key from hiding a truly localized change.
    3. Otherwise, if any feature drifted overall or any segment is affected: ``"global"``.
    4. Otherwise ``"none"``.

Only model inputs (numeric, categorical, text) count as drifted features here; prediction,
score and label drift are evidence of their own.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> def frame(shift):
...     g = rng.choice(["a", "b", "c", "d"], 4000)
...     x = rng.normal(size=4000) + np.where(g == "a", shift, 0.0)
...     return pd.DataFrame({"g": pd.Series(g, dtype=object), "x": x})
>>> s = Schema(columns=(ColumnSpec(name="g", role=Role.CATEGORICAL, segment=True),
...                     ColumnSpec(name="x", role=Role.NUMERIC)))
>>> report = segment_evidence(frame(0.0), frame(1.0), s, Policy())
>>> report.scope.verdict, report.scope.drifted_segments
('localized', ('g=a',))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.policy.model import Policy
from driftwise.schema.roles import Role, Schema
from driftwise.signals.multitest import finish
from driftwise.signals.performance import Outcomes, compare_performance, outcomes
from driftwise.signals.types import FeatureDrift, Performance, Scope, SegmentDrift
from driftwise.signals.univariate import (
    Kind,
    Prepared,
    RawTest,
    Rows,
    Skipped,
    compare_prepared,
    prepare,
)

__all__ = ["SegmentReport", "SegmentResult", "prepare_features", "segment_evidence"]


@dataclass(frozen=True)
class SegmentResult:
    """One tested segment and every feature test run inside it (corrected within its key)."""

    segment: SegmentDrift
    features: tuple[FeatureDrift, ...]
    performance: Performance | None = None


@dataclass(frozen=True)
class SegmentReport:
    """All tested segments (by key, then value), the scope verdict, and what was skipped."""

    results: tuple[SegmentResult, ...]
    scope: Scope
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class _Key:
    name: str
    prepared: Prepared  # categorical codes of the key's values


def prepare_features(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema
) -> dict[str, Prepared]:
    """Encode every feature once (numeric as float64, categorical and text as codes).

    >>> import pandas as pd
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="t", role=Role.TEXT),))
    >>> prepare_features(pd.DataFrame({"t": ["hi"]}), pd.DataFrame({"t": ["yo"]}), s)["t"].labels
    ('hi', 'yo')
    """
    out: dict[str, Prepared] = {}
    for name in schema.features:
        role = schema.spec(name).role
        kind: Kind = "numeric" if role is Role.NUMERIC else "categorical"
        out[name] = prepare(reference[name], current[name], column=name, role=role.value, kind=kind)
    return out


def segment_evidence(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    schema: Schema,
    policy: Policy,
    *,
    global_drift: Sequence[FeatureDrift] = (),
    prepared: Mapping[str, Prepared] | None = None,
    performance: Outcomes | None = None,
) -> SegmentReport:
    """Test every segment of every key and give the scope verdict (see the module docstring).

    Parameters
    ----------
    reference, current
        Validated frames.
    schema, policy
        Column roles and thresholds.
    global_drift
        The corrected whole-data feature tests (only model inputs are used).
    prepared
        Features already encoded by :func:`prepare_features` (encoded here when ``None``).
    performance
        Per-row outcomes (computed from the schema's target and prediction when ``None``).
    """
    feats = dict(prepared) if prepared is not None else prepare_features(reference, current, schema)
    out = performance if performance is not None else outcomes(reference, current, schema)
    keys, skipped = _keys(reference, current, schema, policy, global_drift)
    results: list[SegmentResult] = []
    per_key: list[tuple[_Key, list[SegmentResult]]] = []
    for key in keys:
        found, key_skipped = _test_key(key, feats, out, policy, len(reference), len(current))
        results.extend(found)
        skipped.extend(key_skipped)
        per_key.append((key, found))
    inputs = set(schema.features)
    overall = [f for f in global_drift if f.column in inputs and f.segment is None]
    scope = _scope(per_key, overall, feats, out, policy, schema)
    return SegmentReport(tuple(results), scope, tuple(skipped))


def _keys(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    schema: Schema,
    policy: Policy,
    global_drift: Sequence[FeatureDrift] = (),
) -> tuple[list[_Key], list[Skipped]]:
    declared = schema.segments
    names = declared or schema.categorical
    limit = policy.scope.max_segment_values
    keys: list[_Key] = []
    skipped: list[Skipped] = []
    for name in names:
        ref, cur = _key_values(reference[name]), _key_values(current[name])
        key = _Key(name, prepare(ref, cur, column=name, role="segment", kind="categorical"))
        n_values = len(key.prepared.labels)
        if 2 <= n_values <= limit:
            keys.append(key)
        elif declared:
            expected = f"2 to {limit} (policy.scope.max_segment_values)"
            reason = f"{n_values} distinct values; a segment key needs {expected}"
            skipped.append(Skipped(f"segment:{name}", reason))
    if not declared:
        effect = {f.column: f.effect_size for f in global_drift if f.segment is None}
        keys.sort(key=lambda k: (-effect.get(k.name, 0.0), len(k.prepared.labels), k.name))
        keys = keys[: policy.scope.max_auto_keys]
    return keys, skipped


def _key_values(column: pd.Series[Any]) -> NDArray[np.object_]:
    """Key values as strings (``3.0`` -> ``"3"``), ``None`` for missing."""
    values = column.to_numpy(dtype=object)
    if pd.api.types.is_bool_dtype(column.dtype) or not pd.api.types.is_numeric_dtype(column.dtype):
        return values
    codes, uniques = pd.factorize(column.to_numpy(dtype=np.float64, na_value=np.nan))
    text = [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in uniques]
    labels = np.array([*text, None], dtype=object)
    return labels[np.asarray(codes)]  # code -1 (missing) picks the trailing None


def _test_key(
    key: _Key,
    feats: Mapping[str, Prepared],
    out: Outcomes | None,
    policy: Policy,
    n_reference: int,
    n_current: int,
) -> tuple[list[SegmentResult], list[Skipped]]:
    codes_ref, codes_cur = key.prepared.reference, key.prepared.current
    k = len(key.prepared.labels)
    count_ref = np.bincount(codes_ref[codes_ref >= 0], minlength=k)
    count_cur = np.bincount(codes_cur[codes_cur >= 0], minlength=k)
    need = policy.scope.min_segment_rows
    skipped: list[Skipped] = []
    tested: list[tuple[int, str]] = []
    for code in sorted(range(k), key=lambda c: key.prepared.labels[c]):
        label = f"{key.name}={key.prepared.labels[code]}"
        if count_ref[code] >= need and count_cur[code] >= need:
            tested.append((code, label))
        else:
            reason = (
                f"{count_ref[code]} reference and {count_cur[code]} current rows; "
                f"at least {need} needed on each side (policy.scope.min_segment_rows)"
            )
            skipped.append(Skipped(f"segment:{label}", reason))
    raw: list[RawTest] = []
    perf: dict[str, Performance | None] = {}
    for code, label in tested:
        rows_ref, rows_cur = np.flatnonzero(codes_ref == code), np.flatnonzero(codes_cur == code)
        found, gaps = _run_tests(key.name, feats, policy, rows_ref, rows_cur, label)
        raw.extend(found)
        skipped.extend(gaps)
        perf[label] = None
        if out is not None:
            found_perf = compare_performance(
                out,
                policy.performance,
                min_rows=policy.drift.min_rows,
                reference_rows=rows_ref,
                current_rows=rows_cur,
                segment=label,
            )
            if isinstance(found_perf, Performance):
                perf[label] = found_perf
            else:
                skipped.append(found_perf)
    corrected = finish(raw, policy.drift)
    cut = policy.performance.alpha / max(sum(p is not None for p in perf.values()), 1)
    results: list[SegmentResult] = []
    for code, label in tested:
        inside = tuple(f for f in corrected if f.segment == label)
        p = perf[label]
        drifted = tuple(f.column for f in inside if f.drifted)
        segment = SegmentDrift(
            id=f"segment:{label}",
            key=key.name,
            value=key.prepared.labels[code],
            share_reference=float(count_ref[code]) / max(n_reference, 1),
            share_current=float(count_cur[code]) / max(n_current, 1),
            n_reference=int(count_ref[code]),
            n_current=int(count_cur[code]),
            drifted_features=drifted,
            max_effect=max((f.effect_size for f in inside), default=0.0),
            performance_change=None if p is None else p.change,
            performance_p_value=None if p is None else p.p_value,
            degraded=p is not None and p.degraded and p.p_value < cut,
            drifted=bool(drifted),
        )
        results.append(SegmentResult(segment, inside, p))
    return results, skipped


def _run_tests(
    key: str,
    feats: Mapping[str, Prepared],
    policy: Policy,
    rows_ref: Rows,
    rows_cur: Rows,
    segment: str | None,
) -> tuple[list[RawTest], list[Skipped]]:
    raw: list[RawTest] = []
    skipped: list[Skipped] = []
    for name, prep in feats.items():
        if name == key:
            continue
        numeric = prep.kind == "numeric"
        test = compare_prepared(
            prep,
            min_effect=policy.drift.min_effect_numeric
            if numeric
            else policy.drift.min_effect_categorical,
            min_rows=policy.drift.min_rows,
            reference_rows=rows_ref,
            current_rows=rows_cur,
            segment=segment,
            distribution=False,
        )
        if isinstance(test, RawTest):
            raw.append(test)
        elif segment is not None:
            skipped.append(test)
    return raw, skipped


def _complement_clean(
    key: _Key,
    affected: Sequence[SegmentResult],
    feats: Mapping[str, Prepared],
    out: Outcomes | None,
    policy: Policy,
) -> bool:
    """No drifted feature and no degradation in the rows outside ``affected`` segments."""
    codes = [key.prepared.labels.index(r.segment.value) for r in affected]
    rows_ref = np.flatnonzero(~np.isin(key.prepared.reference, codes))
    rows_cur = np.flatnonzero(~np.isin(key.prepared.current, codes))
    raw, _ = _run_tests(key.name, feats, policy, rows_ref, rows_cur, None)
    if any(f.drifted for f in finish(raw, policy.drift)):
        return False
    if out is None:
        return True
    p = compare_performance(
        out,
        policy.performance,
        min_rows=policy.drift.min_rows,
        reference_rows=rows_ref,
        current_rows=rows_cur,
    )
    return not (isinstance(p, Performance) and p.degraded)


def _scope(
    per_key: Sequence[tuple[_Key, Sequence[SegmentResult]]],
    overall: Sequence[FeatureDrift],
    feats: Mapping[str, Prepared],
    out: Outcomes | None,
    policy: Policy,
    schema: Schema,
) -> Scope:
    n_features = max(len(schema.features), 1)
    global_drifted = {f.column for f in overall if f.drifted}
    affected = {
        key.name: [r for r in found if r.segment.drifted or r.segment.degraded]
        for key, found in per_key
    }
    shares = {name: sum(r.segment.share_current for r in rs) for name, rs in affected.items()}
    order = {key.name: i for i, (key, _) in enumerate(per_key)}
    candidates = [
        key for key, _ in per_key if 0 < shares[key.name] < policy.scope.global_traffic_share
    ]
    candidates.sort(key=lambda key: (shares[key.name], order[key.name]))

    def features_of(results: Sequence[SegmentResult]) -> tuple[str, ...]:
        names = global_drifted | {c for r in results for c in r.segment.drifted_features}
        return tuple(n for n in schema.features if n in names)

    for key in candidates:
        chosen = affected[key.name]
        if not _complement_clean(key, chosen, feats, out, policy):
            continue
        names = features_of(chosen)
        ids = tuple(f"{key.name}={r.segment.value}" for r in chosen)
        what = "Drift" if any(r.segment.drifted for r in chosen) else "Degradation"
        rest = "show no drift" + (" or degradation" if out is not None else "")
        return Scope(
            verdict="localized",
            drifted_feature_share=len(names) / n_features,
            drifted_features=names,
            drifted_segments=ids,
            drifted_traffic_share=shares[key.name],
            explanation=(
                f"{what} confined to {', '.join(ids)} ({shares[key.name]:.1%} of current "
                f"traffic); the other values of {key.name} {rest}."
            ),
        )
    all_affected = [r for key, _ in per_key for r in affected[key.name]]
    if global_drifted or all_affected:
        names = features_of(all_affected)
        parts = []
        if global_drifted:
            listed = [n for n in schema.features if n in global_drifted]
            shown = ", ".join(listed[:5]) + (
                f" and {len(listed) - 5} more" if len(listed) > 5 else ""
            )
            parts.append(
                f"{len(listed)} of {len(schema.features)} features drifted overall ({shown})"
            )
        share = 1.0
        if all_affected:
            widest = max(shares, key=lambda name: (shares[name], -order[name]))
            share = shares[widest]
            part = f"changed segments of {widest} carry {share:.1%} of current traffic"
            if share < policy.scope.global_traffic_share:  # its complement was tried: it changed
                part += ", and its other values also show drift when pooled"
            parts.append(part)
        return Scope(
            verdict="global",
            drifted_feature_share=len(names) / n_features,
            drifted_features=names,
            drifted_segments=tuple(r.segment.id.removeprefix("segment:") for r in all_affected),
            drifted_traffic_share=share,
            explanation="Drift is global: " + "; ".join(parts) + ".",
        )
    n_segments = sum(len(found) for _, found in per_key)
    if n_segments:
        explanation = f"No feature drifted overall or within any of {n_segments} tested segments."
    else:
        explanation = "No feature drifted overall; no segment was tested."
    return Scope(
        verdict="none",
        drifted_feature_share=0.0,
        drifted_features=(),
        drifted_segments=(),
        drifted_traffic_share=0.0,
        explanation=explanation,
    )
