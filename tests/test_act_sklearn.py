"""The scikit-learn adapter: retrain from scratch, fine-tune a copy, predict."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline

from driftwise.act.sklearn import SklearnAdapter
from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
from driftwise.errors import DriftwiseError

INTERACTIONS = (("region", "discount"),)


@pytest.fixture(scope="module")
def adapter() -> SklearnAdapter:
    return SklearnAdapter(FEATURES, TARGET, interactions=INTERACTIONS, seed=3)


@pytest.fixture(scope="module")
def old() -> pd.DataFrame:
    return simulate(6000, Regime(), np.random.default_rng(1))


@pytest.fixture(scope="module")
def old_holdout() -> pd.DataFrame:
    return simulate(4000, Regime(), np.random.default_rng(2))


@pytest.fixture(scope="module")
def promo() -> pd.DataFrame:
    return simulate(2500, Regime(promotion="coast"), np.random.default_rng(3))


@pytest.fixture(scope="module")
def promo_holdout() -> pd.DataFrame:
    return simulate(4000, Regime(promotion="coast"), np.random.default_rng(4))


@pytest.fixture(scope="module")
def champion(adapter: SklearnAdapter, old: pd.DataFrame) -> Pipeline:
    model: Pipeline = adapter.fit(old)
    return model


def test_fit_builds_a_real_sklearn_pipeline(champion: Pipeline, old_holdout: pd.DataFrame) -> None:
    assert isinstance(champion, Pipeline)
    assert isinstance(champion.named_steps["model"], SGDClassifier)
    assert champion.named_steps["model"].loss == "log_loss"
    prep = champion.named_steps["prep"]
    assert [name for name, _, _ in prep.transformers] == ["num", "cat", "region_x_discount"]
    assert list(prep.transformers[0][2]) == ["price", "discount", "temperature", "visits"]
    assert list(prep.transformers[1][2]) == ["region", "device"]
    # 4 scaled numbers, 8 + 3 one-hot columns, 8 region x discount slopes.
    assert champion.named_steps["model"].coef_.shape == (1, 4 + 11 + 8)
    # Clonable and picklable, as any scikit-learn model should be.
    assert clone(champion).get_params()["model__alpha"] == champion.get_params()["model__alpha"]
    x = old_holdout[list(FEATURES)]
    assert np.array_equal(pickle.loads(pickle.dumps(champion)).predict(x), champion.predict(x))


def test_fit_is_accurate_and_seeded(
    adapter: SklearnAdapter, champion: Pipeline, old: pd.DataFrame, old_holdout: pd.DataFrame
) -> None:
    x, y = old_holdout[list(FEATURES)], old_holdout[TARGET].astype(int)
    ours = adapter.accuracy(champion, old_holdout)
    assert ours == accuracy_score(y, champion.predict(x))
    # Close to an exact logistic regression on the same features.
    exact = clone(champion).set_params(model=LogisticRegression(max_iter=2000))
    exact.fit(old[list(FEATURES)], old[TARGET].astype(int))
    assert ours > 0.78
    assert ours == pytest.approx(accuracy_score(y, exact.predict(x)), abs=0.02)
    again = adapter.fit(old)
    assert np.array_equal(again[-1].coef_, champion[-1].coef_)


def test_fit_skips_rows_without_labels(adapter: SklearnAdapter, old: pd.DataFrame) -> None:
    partly = old.copy()
    partly.loc[partly.index[::2], TARGET] = np.nan
    model = adapter.fit(partly)
    same = adapter.fit(old.iloc[1::2])
    assert np.array_equal(model[-1].coef_, same[-1].coef_)


def test_fine_tune_repairs_a_localized_shift_without_touching_the_original(
    adapter: SklearnAdapter,
    champion: Pipeline,
    old: pd.DataFrame,
    old_holdout: pd.DataFrame,
    promo: pd.DataFrame,
    promo_holdout: pd.DataFrame,
) -> None:
    before = pickle.dumps(champion)
    tuned = adapter.fine_tune(champion, promo, replay=old)
    assert pickle.dumps(champion) == before
    assert tuned is not champion
    coast = promo_holdout[promo_holdout["region"] == "coast"]
    assert adapter.accuracy(tuned, coast) > adapter.accuracy(champion, coast) + 0.15
    assert (
        adapter.accuracy(tuned, promo_holdout) > adapter.accuracy(champion, promo_holdout) + 0.025
    )
    # Preprocessing is frozen: the scaler keeps the original training statistics.
    scaler, tuned_scaler = (
        champion[0].named_transformers_["num"],
        tuned[0].named_transformers_["num"],
    )
    assert np.array_equal(scaler.mean_, tuned_scaler.mean_)
    # Regions outside the promotion keep their accuracy on the old regime.
    others = old_holdout[old_holdout["region"] != "coast"]
    assert adapter.accuracy(tuned, others) > adapter.accuracy(champion, others) - 0.02
    # Seeded.
    assert np.array_equal(adapter.fine_tune(champion, promo, replay=old)[-1].coef_, tuned[-1].coef_)


def test_replay_changes_the_fine_tune(
    adapter: SklearnAdapter, champion: Pipeline, old: pd.DataFrame, promo: pd.DataFrame
) -> None:
    with_replay = adapter.fine_tune(champion, promo, replay=old)
    without = adapter.fine_tune(champion, promo)
    assert not np.array_equal(with_replay[-1].coef_, without[-1].coef_)
    no_share = SklearnAdapter(FEATURES, TARGET, interactions=INTERACTIONS, seed=3, replay_share=0)
    assert np.array_equal(
        no_share.fine_tune(champion, promo, replay=old)[-1].coef_, without[-1].coef_
    )


def test_predict_needs_no_labels_and_ignores_unknown_categories(
    adapter: SklearnAdapter, champion: Pipeline, old_holdout: pd.DataFrame
) -> None:
    rows = old_holdout.drop(columns=TARGET).head(50).copy()
    rows["region"] = "atlantis"
    out = adapter.predict(champion, rows)
    assert out.shape == (50,)
    assert set(out.tolist()) <= {0, 1}


def test_errors_name_the_column_or_field(
    adapter: SklearnAdapter, champion: Pipeline, old: pd.DataFrame
) -> None:
    with pytest.raises(DriftwiseError) as err:
        adapter.predict(champion, old.rename(columns={"price": "prize"}))
    assert str(err.value) == (
        "SklearnAdapter.predict: column 'price': found no such column; expected one of the "
        "frame's columns (did you mean 'prize'?)."
    )
    with pytest.raises(DriftwiseError) as err:
        adapter.fit(old.assign(purchased=1.0))
    assert str(err.value) == (
        "SklearnAdapter.fit: column 'purchased': found 1 distinct label(s) in 6000 rows; "
        "expected labelled rows of both classes."
    )
    with pytest.raises(DriftwiseError) as err:
        SklearnAdapter(FEATURES, TARGET, interactions=(("regoin", "discount"),))
    assert str(err.value) == (
        "SklearnAdapter: column 'regoin': found a column that is not among the features; "
        "expected one of region, device, price, discount, temperature, visits "
        "(did you mean 'region'?)."
    )
    with pytest.raises(DriftwiseError) as err:
        SklearnAdapter(FEATURES, TARGET, eta0=0)
    assert str(err.value) == "SklearnAdapter: field 'eta0': found 0; expected a positive number."
    with pytest.raises(DriftwiseError) as err:
        adapter.accuracy(champion, old.assign(purchased=np.nan))
    assert str(err.value) == (
        "SklearnAdapter.accuracy: column 'purchased': found no labelled rows; expected at least "
        "one row with a label."
    )
