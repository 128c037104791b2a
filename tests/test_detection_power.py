"""Detection power and false alarms of the drift tests at the default policy, small and seeded.

The same checks as ``benchmarks/validate.py`` (1M rows, 100 seeds), at sizes that keep this file
fast: no drift gives no alarm; +0.1 sd in 5 of 20 numeric columns and 2 points of probability
moved in 5 of 20 categorical columns are found with no false column; an effect below the policy's
minimum is significant (reported) but not drifted (no alarm).

A batch *alarms* when any model input's global test is ``drifted``. The automatic search for
segment keys does not change the global tests, so it is switched off here to save time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from driftwise.policy import Policy, default_policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.collect import compute_evidence
from driftwise.signals.types import FeatureDrift

LABELS = pd.Index([f"c{i}" for i in range(10)])
SHIFTED = 5


def _policy() -> Policy:
    base = default_policy()
    return base.model_copy(update={"scope": base.scope.model_copy(update={"max_auto_keys": 0})})


def _frames(
    rows: int, seed: int, *, numeric: int, categorical: int, shift: float = 0.0, moved: float = 0.0
) -> tuple[pd.DataFrame, pd.DataFrame, Schema]:
    """N(0, 1) columns (the first 5 shifted by ``shift`` sd in the current) and columns of 10
    equally likely categories (in the first 5, ``moved`` of probability goes from c1 to c0)."""
    rng = np.random.default_rng(seed)
    num = [f"n{i:02d}" for i in range(numeric)]
    cat = [f"c{i:02d}" for i in range(categorical)]
    sides = []
    for current in (False, True):
        cols: dict[str, object] = {}
        for i, name in enumerate(num):
            cols[name] = rng.standard_normal(rows) + (shift if current and i < SHIFTED else 0.0)
        for i, name in enumerate(cat):
            codes = rng.integers(0, 10, rows, dtype=np.int8)
            if current and i < SHIFTED and moved:
                ones = np.flatnonzero(codes == 1)
                codes[ones[rng.random(ones.size) < moved * 10]] = 0
            cols[name] = pd.Categorical.from_codes(codes, categories=LABELS)
        sides.append(pd.DataFrame(cols))
    schema = Schema(
        columns=(
            *(ColumnSpec(name=n, role=Role.NUMERIC) for n in num),
            *(ColumnSpec(name=n, role=Role.CATEGORICAL) for n in cat),
        )
    )
    return sides[0], sides[1], schema


def _inputs(ref: pd.DataFrame, cur: pd.DataFrame, schema: Schema) -> dict[str, FeatureDrift]:
    evidence = compute_evidence(ref, cur, schema, _policy())
    return {
        e.column: e
        for e in evidence
        if isinstance(e, FeatureDrift)
        and e.segment is None
        and e.role in ("numeric", "categorical")
    }


def test_frames_move_exactly_the_asked_share() -> None:
    ref, cur, _ = _frames(200_000, 0, numeric=1, categorical=6, shift=0.1, moved=0.02)
    shares = cur["c00"].value_counts(normalize=True)
    assert shares["c0"] == pytest.approx(0.12, abs=0.003)
    assert shares["c1"] == pytest.approx(0.08, abs=0.003)
    assert cur["n00"].mean() - ref["n00"].mean() == pytest.approx(0.1, abs=0.01)
    assert cur["c05"].value_counts(normalize=True)["c0"] == pytest.approx(0.1, abs=0.003)


def test_no_drift_no_alarm_over_ten_seeds() -> None:
    alarms = {}
    for seed in range(10):
        ref, cur, schema = _frames(20_000, seed, numeric=20, categorical=20)
        tests = _inputs(ref, cur, schema)
        assert len(tests) == 40
        alarms[seed] = sorted(c for c, e in tests.items() if e.drifted)
    assert alarms == {seed: [] for seed in range(10)}


def test_numeric_shift_of_a_tenth_sd_found_in_all_five_at_100k() -> None:
    ref, cur, schema = _frames(100_000, 1, numeric=20, categorical=0, shift=0.1)
    tests = _inputs(ref, cur, schema)
    drifted = sorted(c for c, e in tests.items() if e.drifted)
    assert drifted == ["n00", "n01", "n02", "n03", "n04"]
    assert all(0.07 < tests[c].effect_size < 0.13 for c in drifted)


def test_two_points_moved_found_in_all_five_categorical_at_100k() -> None:
    ref, cur, schema = _frames(100_000, 2, numeric=0, categorical=20, moved=0.02)
    tests = _inputs(ref, cur, schema)
    drifted = sorted(c for c, e in tests.items() if e.drifted)
    assert drifted == ["c00", "c01", "c02", "c03", "c04"]
    assert all(tests[c].test == "chi2" for c in drifted)


def test_effect_below_the_minimum_is_reported_but_not_alarmed_at_300k() -> None:
    ref, cur, schema = _frames(300_000, 3, numeric=10, categorical=10, shift=0.02, moved=0.005)
    tests = _inputs(ref, cur, schema)
    shifted = [f"n{i:02d}" for i in range(SHIFTED)] + [f"c{i:02d}" for i in range(SHIFTED)]
    assert [c for c in shifted if not tests[c].significant] == []
    assert [c for c, e in tests.items() if e.drifted] == []
    assert all(not tests[c].practical for c in shifted)
    assert all(tests[c].effect_size < tests[c].min_effect for c in shifted)
