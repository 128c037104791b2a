"""Challenger-versus-champion validation: golden accuracies, the bootstrap, the two gates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray
from scipy import stats
from sklearn.metrics import accuracy_score

from driftwise.act.sklearn import SklearnAdapter
from driftwise.act.validate import Validation, paired_bootstrap, validate
from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
from driftwise.errors import DriftwiseError


class Column:
    """A stand-in adapter whose "model" is the name of a column holding its predictions."""

    target = "y"

    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]:
        return frame[model].to_numpy()


def noisy(y: NDArray[np.int64], accuracy: float, rng: np.random.Generator) -> NDArray[np.int64]:
    return np.where(rng.random(len(y)) < accuracy, y, 1 - y)


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1500)
    recent = pd.DataFrame({"y": y, "old": noisy(y, 0.72, rng), "new": noisy(y, 0.80, rng)})
    z = rng.integers(0, 2, 1000)
    reference = pd.DataFrame({"y": z, "old": noisy(z, 0.85, rng), "new": noisy(z, 0.84, rng)})
    return recent, reference


def test_point_accuracies_equal_sklearn(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    recent, reference = frames
    v = validate("old", "new", recent, reference, adapter=Column())
    assert v.champion_recent == accuracy_score(recent["y"], recent["old"])
    assert v.challenger_recent == accuracy_score(recent["y"], recent["new"])
    assert v.champion_reference == accuracy_score(reference["y"], reference["old"])
    assert v.challenger_reference == accuracy_score(reference["y"], reference["new"])
    assert v.difference.value == pytest.approx(v.challenger_recent - v.champion_recent)
    assert (v.n_recent, v.n_reference) == (1500, 1000)


def test_paired_bootstrap_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    a = rng.random(800) < 0.75
    b = np.where(rng.random(800) < 0.8, a, rng.random(800) < 0.85)
    ours = paired_bootstrap(a, b, n_resamples=20_000, seed=2)
    ref = stats.bootstrap(
        (a.astype(float), b.astype(float)),
        lambda x, y, axis: y.mean(axis=axis) - x.mean(axis=axis),
        paired=True,
        vectorized=True,
        n_resamples=20_000,
        method="percentile",
        confidence_level=0.95,
        rng=np.random.default_rng(3),
    )
    assert ours.value == pytest.approx(b.mean() - a.mean())
    assert ours.low == pytest.approx(ref.confidence_interval.low, abs=0.003)
    assert ours.high == pytest.approx(ref.confidence_interval.high, abs=0.003)
    assert ours.n == 800 and ours.level == 0.95
    # Seeded: same seed, same interval.
    assert paired_bootstrap(a, b, seed=5) == paired_bootstrap(a, b, seed=5)


def test_a_better_challenger_that_keeps_the_reference_is_promoted(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    recent, reference = frames
    v = validate("old", "new", recent, reference, adapter=Column())
    assert v.promote
    assert v.difference.low > 0
    assert [g.name for g in v.gates] == ["gain", "forgetting", "fairness"]
    assert all(g.passed for g in v.gates)
    assert v.reasons[0].startswith("The challenger is more accurate on 1500 held-out recent rows:")
    assert "keeps the reference regime" in v.reasons[1]
    assert Validation.model_validate_json(v.model_dump_json()) == v


def test_a_challenger_that_forgets_the_reference_is_rejected_with_the_reason(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    recent, reference = frames
    forgetful = reference.assign(
        new=noisy(reference["y"].to_numpy(), 0.78, np.random.default_rng(4))
    )
    v = validate("old", "new", recent, forgetful, adapter=Column())
    assert not v.promote
    assert v.gates[0].passed and not v.gates[1].passed
    assert v.champion_reference is not None and v.challenger_reference is not None
    drop = v.champion_reference - v.challenger_reference
    assert drop > 0.02
    assert v.reasons[0] == (
        f"The challenger forgets the reference regime: on 1000 held-out reference rows its "
        f"accuracy falls from {v.champion_reference:.3f} to {v.challenger_reference:.3f} "
        f"(a drop of {drop:.3f}, more than the 0.020 allowed)."
    )
    # A looser limit lets it through.
    assert validate(
        "old", "new", recent, forgetful, adapter=Column(), max_reference_drop=0.2
    ).promote


def test_no_gain_is_rejected_and_tolerance_is_the_allowed_lower_bound(
    frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    recent, _ = frames
    same = validate("old", "old", recent, adapter=Column())
    assert not same.promote
    assert same.difference.value == 0
    assert same.reasons[0].startswith("The challenger is not reliably more accurate")
    rng = np.random.default_rng(6)
    y = recent["y"].to_numpy()
    # A challenger that differs from the champion on few rows, about as often for the better
    # as for the worse: a small positive difference whose interval straddles zero.
    redo = rng.random(len(y)) < 0.1
    close = recent.assign(new=np.where(redo, noisy(y, 0.8, rng), recent["old"]))
    strict = validate("old", "new", close, adapter=Column())
    assert strict.difference.value > 0 > strict.difference.low
    assert not strict.promote
    assert "lower bound is above +0.000" in strict.reasons[0]
    loose = validate("old", "new", close, adapter=Column(), tolerance=0.05)
    assert loose.promote


def test_unlabelled_rows_are_left_out(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    recent, reference = frames
    partly = recent.astype({"y": float})
    partly.loc[partly.index[:500], "y"] = np.nan
    v = validate("old", "new", partly, reference, adapter=Column())
    rest = recent.iloc[500:]
    assert v.n_recent == 1000
    assert v.champion_recent == accuracy_score(rest["y"], rest["old"])


def test_errors_name_the_column_or_field(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    recent, _ = frames
    with pytest.raises(DriftwiseError) as err:
        validate("old", "new", recent.assign(y=np.nan), adapter=Column())
    assert str(err.value) == (
        "validate(recent_holdout): column 'y': found no labelled rows; expected held-out recent "
        "rows with labels."
    )
    with pytest.raises(DriftwiseError) as err:
        validate("old", "new", recent.rename(columns={"y": "yy"}), adapter=Column())
    assert str(err.value) == (
        "validate(recent_holdout): column 'y': found no such column; expected the label column "
        "(did you mean 'yy'?)."
    )
    with pytest.raises(DriftwiseError) as err:
        validate("old", "new", recent, adapter=Column(), tolerance=-0.1)
    assert str(err.value) == "validate: field 'tolerance': found -0.1; expected a number >= 0."
    with pytest.raises(DriftwiseError) as err:
        paired_bootstrap(np.ones(3, bool), np.ones(4, bool))
    assert str(err.value) == (
        "paired_bootstrap: field 'challenger_correct': found shapes (3,) and (4,); expected two "
        "one-dimensional arrays of the same non-zero length."
    )


def test_with_real_models_a_fine_tune_on_a_localized_shift_is_promoted() -> None:
    adapter = SklearnAdapter(FEATURES, TARGET, interactions=(("region", "discount"),))
    old = simulate(5000, Regime(), np.random.default_rng(10))
    old_holdout = simulate(2000, Regime(), np.random.default_rng(11))
    new = simulate(2000, Regime(promotion="coast"), np.random.default_rng(12))
    new_holdout = simulate(2000, Regime(promotion="coast"), np.random.default_rng(13))
    champion = adapter.fit(old)
    challenger = adapter.fine_tune(champion, new, replay=old[old["region"] != "coast"])
    unaffected = old_holdout[old_holdout["region"] != "coast"]
    v = validate(champion, challenger, new_holdout, unaffected, adapter=adapter, seed=1)
    assert v.promote, v.reasons
    x = new_holdout[list(FEATURES)]
    y = new_holdout[TARGET]
    assert v.challenger_recent == accuracy_score(y, challenger.predict(x))
    assert v.champion_recent == accuracy_score(y, champion.predict(x))
