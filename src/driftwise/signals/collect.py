"""All first-layer evidence of one check, in a deterministic order.

1. :class:`~driftwise.signals.types.FeatureDrift` for every model input (text columns are
   compared as categories of whole strings), the prediction (numeric or categorical by its value
   type), every score column, and the target over labelled rows, corrected together with
   ``policy.drift.correction``; ids ``drift:<role>:<column>``, each with a distribution. Every
   column is profiled once (:mod:`driftwise.signals.profiling`): the whole-data tests and the
   segment tests all run from the same histograms (see :mod:`driftwise.signals.univariate`
   for the exact and binned paths and the calibrated thresholds).
2. :class:`~driftwise.signals.types.Performance` overall, when target and prediction exist and
   both sides have at least ``policy.drift.min_rows`` labelled rows.
3. Every tested :class:`~driftwise.signals.types.SegmentDrift`, each followed by the feature tests
   that drifted inside it (the others are left out to keep the document small).
4. :class:`~driftwise.signals.types.Scope` and
   :class:`~driftwise.signals.types.LabelAvailability`.

5. :class:`~driftwise.signals.types.NotTested` for what could not be tested (too few rows, too
   many segment values), with the reason; also listed in :attr:`EvidenceSet.skipped`.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> ref = pd.DataFrame({"x": rng.normal(size=3000), "z": rng.normal(size=3000)})
>>> cur = pd.DataFrame({"x": rng.normal(size=3000) + 0.5, "z": rng.normal(size=3000)})
>>> s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),
...                     ColumnSpec(name="z", role=Role.NUMERIC)))
>>> [(e.id, getattr(e, "drifted", None)) for e in compute_evidence(ref, cur, s, Policy())]
[('drift:numeric:x', True), ('drift:numeric:z', False), ('scope', None), ('labels', None)]
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy
from driftwise.schema.roles import Schema
from driftwise.signals.labels import label_evidence
from driftwise.signals.multitest import finish
from driftwise.signals.performance import compare_performance, outcomes
from driftwise.signals.profiling import Profiles, map_columns, profile_column, profile_features
from driftwise.signals.segments import segment_evidence
from driftwise.signals.types import Evidence, NotTested, Performance
from driftwise.signals.univariate import RawTest, Skipped, compare_pair

__all__ = ["EvidenceSet", "collect", "compute_evidence"]


@dataclass(frozen=True)
class EvidenceSet:
    """The evidence of one check and what was not tested (with the reason)."""

    evidence: tuple[Evidence, ...]
    skipped: tuple[Skipped, ...]


def compute_evidence(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> tuple[Evidence, ...]:
    """The evidence of one check (see the module docstring for what and in which order)."""
    return collect(reference, current, schema, policy).evidence


def collect(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> EvidenceSet:
    """The evidence of one check, plus the list of what was skipped and why.

    Raises
    ------
    DriftwiseError
        When a column of the schema is absent from either frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),))
    >>> collect(pd.DataFrame({"x": [1.0] * 5}), pd.DataFrame({"x": [2.0] * 5}), s,
    ...         Policy()).skipped[0].reason
    '5 non-missing reference and 5 current values; at least 30 needed on each side'
    >>> collect(pd.DataFrame({"y": [1.0]}), pd.DataFrame({"x": [2.0]}), s, Policy())
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: reference: column 'x': found no such column; ...
    """
    _check_columns(reference, current, schema)
    profiles = profile_features(reference, current, schema, policy)
    raw: list[RawTest] = []
    skipped: list[Skipped] = []
    for test in [profiles.whole(name) for name in schema.features] + _other_tests(
        reference, current, schema, profiles
    ):
        if isinstance(test, RawTest):
            raw.append(test)
        else:
            skipped.append(test)
    drift = finish(raw, policy.drift)
    evidence: list[Evidence] = list(drift)

    out = outcomes(reference, current, schema)
    if out is not None:
        perf = compare_performance(out, policy.performance, min_rows=policy.drift.min_rows)
        if isinstance(perf, Performance):
            evidence.append(perf)
        else:
            skipped.append(perf)

    report = segment_evidence(
        reference, current, schema, policy, global_drift=drift, profiles=profiles, performance=out
    )
    for result in report.results:
        evidence.append(result.segment)
        evidence.extend(f for f in result.features if f.drifted)
    skipped.extend(report.skipped)
    evidence.append(report.scope)
    evidence.append(label_evidence(reference, current, schema, policy))
    evidence.extend(NotTested(id=f"not_tested:{s.id}", reason=s.reason) for s in skipped)
    return EvidenceSet(tuple(evidence), tuple(skipped))


def _check_columns(reference: pd.DataFrame, current: pd.DataFrame, schema: Schema) -> None:
    for side, frame in (("reference", reference), ("current", current)):
        names = [str(c) for c in frame.columns]
        for name in _used_columns(schema):
            if name not in frame.columns:
                raise DriftwiseError.for_column(
                    name,
                    where=side,
                    found="no such column",
                    expected="every column of the schema in both frames",
                    options=names,
                )


def _used_columns(schema: Schema) -> tuple[str, ...]:
    extra = (schema.prediction, schema.target)
    used = (
        *schema.features,
        *(n for n in extra if n is not None),
        *schema.scores,
        *schema.segments,
    )
    return tuple(dict.fromkeys(used))


def _other_tests(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, profiles: Profiles
) -> list[RawTest | Skipped]:
    """The prediction, scores and the target (labelled rows only), in that order."""
    jobs: list[tuple[str, str, bool, pd.Series, pd.Series]] = []
    if schema.prediction is not None:
        name = schema.prediction
        numeric = schema.spec(name).value_type == "numeric"
        jobs.append((name, "prediction", numeric, reference[name], current[name]))
    for name in schema.scores:
        jobs.append((name, "score", True, reference[name], current[name]))
    if schema.target is not None:
        name = schema.target
        numeric = schema.spec(name).value_type == "numeric"
        ref, cur = reference[name], current[name]
        jobs.append((name, "target", numeric, ref[ref.notna()], cur[cur.notna()]))
    rules = profiles.rules

    def one(job: tuple[str, str, bool, pd.Series, pd.Series]) -> RawTest | Skipped:
        name, role, numeric, ref, cur = job
        pair = profile_column(ref, cur, name=name, numeric=numeric, rules=rules)
        return compare_pair(pair, rules, role=role)

    return map_columns(one, jobs, max(len(reference), len(current)) * len(jobs))
