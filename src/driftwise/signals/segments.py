"""Drift and performance inside segments, and the scope verdict: none, localized or global.

Segment keys are the schema's declared segment columns. When none is declared, categorical
features with 2 to ``policy.scope.max_segment_values`` distinct values are candidates, and the
``policy.scope.max_auto_keys`` whose own mix of values shifted most (largest total variation
distance between their whole-data category shares; then fewer values first) are tried: a
regional promotion shows first as more traffic from that region. Keys with more values are
skipped. A value of a key is tested when it has at least ``policy.scope.min_segment_rows``
rows on both sides: every feature except the key itself is tested inside it (the tests of all
values of one key are corrected together with ``policy.drift.correction``), and, with labels
and predictions, the segment's accuracy or MAE is compared with the same rule as overall. A
segment ``drifted`` when any feature drifted inside it; it is ``degraded`` when its metric
degraded *and* the p-value survives a Bonferroni correction over the values of its key whose
metric was compared (``alpha / m``), so that chance dips in some of many segments neither
raise alarms nor turn a localized change into a global one.

Tests inside segments run from histograms (:mod:`driftwise.profile.pair`): every feature is
profiled once with one grouped histogram per key, so a segment's test reads its row of counts
and the complement of a set of segments is the whole minus their rows (no pass over the data).
They are binned tests (``method="binned"`` for numeric columns); their calibrated threshold is
the whole-data column's null quantile carried to the segment's sizes.

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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.policy.model import Policy
from driftwise.profile.pair import Key
from driftwise.schema.roles import Schema
from driftwise.signals.multitest import finish
from driftwise.signals.performance import Outcomes, compare_performance, outcomes
from driftwise.signals.profiling import Profiles, profile_features
from driftwise.signals.types import FeatureDrift, Performance, Scope, SegmentDrift
from driftwise.signals.univariate import RawTest, Skipped, compare_rows

__all__ = ["SegmentReport", "SegmentResult", "segment_evidence"]


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


def segment_evidence(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    schema: Schema,
    policy: Policy,
    *,
    global_drift: Sequence[FeatureDrift] = (),
    profiles: Profiles | None = None,
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
    profiles
        Features already profiled by :func:`~driftwise.signals.profiling.profile_features`
        (profiled here when ``None``).
    performance
        Per-row outcomes (computed from the schema's target and prediction when ``None``).
    """
    prof = (
        profiles if profiles is not None else profile_features(reference, current, schema, policy)
    )
    out = performance if performance is not None else outcomes(reference, current, schema)
    skipped = list(prof.skipped)
    results: list[SegmentResult] = []
    per_key: list[tuple[Key, list[SegmentResult]]] = []
    for key in prof.keys:
        found, key_skipped = _test_key(key, prof, out, policy, len(reference), len(current))
        results.extend(found)
        skipped.extend(key_skipped)
        per_key.append((key, found))
    inputs = set(schema.features)
    overall = [f for f in global_drift if f.column in inputs and f.segment is None]
    scope = _scope(per_key, overall, prof, out, policy, schema)
    return SegmentReport(tuple(results), scope, tuple(skipped))


def _counts(groups: NDArray[np.integer], size: int) -> NDArray[np.int64]:
    return np.bincount(groups, minlength=size).astype(np.int64)


def _run_tests(
    key: Key,
    prof: Profiles,
    parts: Sequence[NDArray[np.intp]],
    segments: Sequence[str | None],
) -> tuple[list[RawTest], list[Skipped]]:
    """Every feature but the key, tested on each part (a set of the key's groups, added
    together); tests come part by part, features in schema order within a part."""
    per_part: list[list[RawTest | Skipped]] = [[] for _ in parts]
    for name, pair in prof.features.items():
        if name == key.name:
            continue
        grouped_ref, grouped_cur = pair.by_key[key.name]
        ref = np.stack([grouped_ref.counts[rows].sum(axis=0) for rows in parts])
        cur = np.stack([grouped_cur.counts[rows].sum(axis=0) for rows in parts])
        tests = compare_rows(
            pair, ref, cur, prof.rules, role=prof.roles[name], segments=segments,
            null=prof.null(name),
        )  # fmt: skip
        for found, test in zip(per_part, tests, strict=True):
            found.append(test)
    raw: list[RawTest] = []
    skipped: list[Skipped] = []
    for found, segment in zip(per_part, segments, strict=True):
        for test in found:
            if isinstance(test, RawTest):
                raw.append(test)
            elif segment is not None:  # a complement's gaps are not reported
                skipped.append(test)
    return raw, skipped


def _test_key(
    key: Key,
    prof: Profiles,
    out: Outcomes | None,
    policy: Policy,
    n_reference: int,
    n_current: int,
) -> tuple[list[SegmentResult], list[Skipped]]:
    k = len(key.labels)
    count_ref = _counts(key.reference.codes, k + 1)
    count_cur = _counts(key.current.codes, k + 1)
    need = policy.scope.min_segment_rows
    skipped: list[Skipped] = []
    tested: list[tuple[int, str]] = []
    for code in sorted(range(k), key=lambda c: key.labels[c]):
        label = f"{key.name}={key.labels[code]}"
        if count_ref[code] >= need and count_cur[code] >= need:
            tested.append((code, label))
        else:
            reason = (
                f"{count_ref[code]} reference and {count_cur[code]} current rows; "
                f"at least {need} needed on each side (policy.scope.min_segment_rows)"
            )
            skipped.append(Skipped(f"segment:{label}", reason))
    parts = [np.array([code]) for code, _ in tested]
    raw, gaps = _run_tests(key, prof, parts, [label for _, label in tested]) if tested else ([], [])
    skipped.extend(gaps)
    perf: dict[str, Performance | None] = {}
    for code, label in tested:
        perf[label] = None
        if out is not None:
            found_perf = compare_performance(
                out,
                policy.performance,
                min_rows=policy.drift.min_rows,
                reference_rows=np.flatnonzero(key.reference.codes == code),
                current_rows=np.flatnonzero(key.current.codes == code),
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
            value=key.labels[code],
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


def _complement_clean(
    key: Key,
    affected: Sequence[SegmentResult],
    prof: Profiles,
    out: Outcomes | None,
    policy: Policy,
) -> bool:
    """No drifted feature and no degradation in the rows outside ``affected`` segments."""
    codes = [key.labels.index(r.segment.value) for r in affected]
    rest = np.setdiff1d(np.arange(len(key.labels) + 1), codes)
    raw, _ = _run_tests(key, prof, [rest], [None])
    if any(f.drifted for f in finish(raw, policy.drift)):
        return False
    if out is None:
        return True
    p = compare_performance(
        out,
        policy.performance,
        min_rows=policy.drift.min_rows,
        reference_rows=np.flatnonzero(~np.isin(key.reference.codes, codes)),
        current_rows=np.flatnonzero(~np.isin(key.current.codes, codes)),
    )
    return not (isinstance(p, Performance) and p.degraded)


def _scope(
    per_key: Sequence[tuple[Key, Sequence[SegmentResult]]],
    overall: Sequence[FeatureDrift],
    prof: Profiles,
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
        if not _complement_clean(key, chosen, prof, out, policy):
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
