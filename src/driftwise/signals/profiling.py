"""Profile every feature of a check once: the input of all univariate and segment tests.

1. Categorical and text features are encoded (:func:`~driftwise.profile.encode.encode_pair`).
2. The segment keys are chosen: the schema's declared segment columns, or else the
   ``policy.scope.max_auto_keys`` categorical features (2 to ``policy.scope.max_segment_values``
   values) whose category shares moved most (total variation distance), then fewer values,
   then name. Declared keys with too many values are skipped with the reason.
3. Every feature is profiled with one grouped histogram per key
   (:func:`~driftwise.profile.pair.numeric_pair`, :func:`~driftwise.profile.pair.categorical_pair`);
   numeric columns with at most ``policy.drift.binned_above`` rows a side keep their sorted
   values for the exact tests.

Columns are profiled on two threads when the data is large and a second core is free: numpy's
element-wise calls and Arrow's encoding release the interpreter lock (``bincount`` does not).
On a machine already busy a second thread was measured to slow the work down, so it is then
not used. Results never depend on it (each column's subsample is seeded by the policy's seed
and the column name).

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> df = pd.DataFrame({"g": rng.choice(["a", "b"], 500), "x": rng.normal(size=500)})
>>> s = Schema(columns=(ColumnSpec(name="g", role=Role.CATEGORICAL),
...                     ColumnSpec(name="x", role=Role.NUMERIC)))
>>> p = profile_features(df, df, s, Policy())
>>> [k.name for k in p.keys], sorted(p.features), p.whole("x").method
(['g'], ['g', 'x'], 'exact')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from driftwise.policy.model import Policy
from driftwise.profile.encode import Encoded, encode_pair
from driftwise.profile.histogram import CategoricalCounts, Groups
from driftwise.profile.pair import (
    CategoricalPair,
    Key,
    KeySet,
    NumericPair,
    categorical_pair,
    numeric_pair,
)
from driftwise.schema.roles import Role, Schema
from driftwise.signals import statistics as st
from driftwise.signals.univariate import RawTest, Rules, Skipped, compare_pair

__all__ = ["Profiles", "free_cores", "map_columns", "profile_column", "profile_features"]

T = TypeVar("T")
R = TypeVar("R")
PARALLEL_CELLS = 2_000_000  # rows x columns above which columns are profiled on two threads


def free_cores() -> float:
    """Cores not busy with other work: the core count minus the 1-minute load average, this
    process's own running thread not counted (0 where the load cannot be read)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 0.0
    return (os.cpu_count() or 1) - max(load - 1.0, 0.0) - 1.0


def map_columns(fn: Callable[[T], R], items: Sequence[T], cells: int) -> list[R]:
    """``[fn(x) for x in items]``, on two threads when ``cells`` (rows x columns) is large and
    another core is free (on a busy machine a second thread only adds contention: measured)."""
    workers = min(2, os.cpu_count() or 1, len(items))
    if workers < 2 or cells < PARALLEL_CELLS or free_cores() < 0.75:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


@dataclass(frozen=True, eq=False)
class Profiles:
    """Every feature of a check, profiled once, and the segment keys they are grouped by.

    :meth:`whole` runs (once) the whole-data test of a feature; segment tests carry its
    calibrated null quantile to their own sizes.
    """

    features: Mapping[str, NumericPair | CategoricalPair]
    roles: Mapping[str, str]
    keys: tuple[Key, ...]
    skipped: tuple[Skipped, ...]
    rules: Rules
    _tests: dict[str, RawTest | Skipped] = field(default_factory=dict, repr=False)

    def whole(self, name: str) -> RawTest | Skipped:
        """The whole-data test of feature ``name`` (computed on first use)."""
        if name not in self._tests:
            pair = self.features[name]
            self._tests[name] = compare_pair(pair, self.rules, role=self.roles[name])
        return self._tests[name]

    def null(self, name: str) -> RawTest | None:
        """The whole-data test of ``name`` when it ran (its null quantile is reused)."""
        test = self.whole(name)
        return test if isinstance(test, RawTest) else None


def _floats(s: pd.Series[Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    return s.to_numpy(dtype=np.float64, na_value=np.nan)


def profile_column(
    reference: pd.Series[Any],
    current: pd.Series[Any],
    *,
    name: str,
    numeric: bool,
    rules: Rules,
    keys: Sequence[Key] = (),
    encoded: Encoded | None = None,
    whole: tuple[CategoricalCounts, CategoricalCounts] | None = None,
    joint: KeySet | None = None,
) -> NumericPair | CategoricalPair:
    """Profile one column of both sides (numeric or categorical), grouped by ``keys``."""
    if numeric:
        exact = max(len(reference), len(current)) <= rules.binned_above
        return numeric_pair(
            name,
            _floats(reference),
            _floats(current),
            bins=rules.bins,
            seed=rules.seed,
            exact=exact,
            keys=keys,
        )
    enc = encoded if encoded is not None else encode_pair(reference, current)
    return categorical_pair(name, enc, keys, whole, joint)


def _key(name: str, enc: Encoded) -> Key:
    k = len(enc.labels)
    return Key(name, enc.labels, Groups(enc.reference, k + 1), Groups(enc.current, k + 1))


def profile_features(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> Profiles:
    """Profile every feature of ``schema`` and choose the segment keys (module docstring)."""
    rules = Rules.of(policy)
    cells = max(len(reference), len(current)) * max(len(schema.features), 1)
    roles = {name: schema.spec(name).role.value for name in schema.features}
    categorical = [n for n in schema.features if schema.spec(n).role is not Role.NUMERIC]
    declared = schema.segments
    to_encode = list(dict.fromkeys([*categorical, *declared]))
    encoded = dict(
        zip(
            to_encode,
            map_columns(lambda n: encode_pair(reference[n], current[n]), to_encode, cells),
            strict=True,
        )
    )
    counts = {name: _counts(enc) for name, enc in encoded.items()}
    limit = policy.scope.max_segment_values
    keys: list[Key] = []
    skipped: list[Skipped] = []
    for name in declared or schema.categorical:
        n_values = len(encoded[name].labels)
        if 2 <= n_values <= limit:
            keys.append(_key(name, encoded[name]))
        elif declared:
            expected = f"2 to {limit} (policy.scope.max_segment_values)"
            reason = f"{n_values} distinct values; a segment key needs {expected}"
            skipped.append(Skipped(f"segment:{name}", reason))
    if not declared:
        effect = {
            k.name: st.total_variation(counts[k.name][0].n_values, counts[k.name][1].n_values)
            for k in keys
        }
        keys.sort(key=lambda k: (-effect[k.name], len(k.labels), k.name))
        keys = keys[: policy.scope.max_auto_keys]

    joint = KeySet.of(keys)

    def one(name: str) -> NumericPair | CategoricalPair:
        numeric = schema.spec(name).role is Role.NUMERIC
        return profile_column(
            reference[name],
            current[name],
            name=name,
            numeric=numeric,
            rules=rules,
            keys=keys,
            encoded=encoded.get(name),
            whole=counts.get(name),
            joint=joint,
        )

    pairs = map_columns(one, list(schema.features), cells)
    features = dict(zip(schema.features, pairs, strict=True))
    return Profiles(features, roles, tuple(keys), tuple(skipped), rules)


def _counts(enc: Encoded) -> tuple[CategoricalCounts, CategoricalCounts]:
    return (
        CategoricalCounts.of(enc.reference, enc.labels),
        CategoricalCounts.of(enc.current, enc.labels),
    )
