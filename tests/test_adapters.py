"""The shared conformance suite: every adapter kind meets the same contract on the same data.

The data come from the demo's retail stream: a reference period (the champion's regime), a
*localized* shift (a promotion in the coast region) and a *global* one (the promotion plus the
temperature sensor switched to Fahrenheit for every row). As ``driftwise act`` does, the
forgetting gate of a fine-tune is checked on reference rows outside the changed segment (the
coast region's old behaviour is meant to be replaced). A new adapter kind joins by adding a
line to ``CASES``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from driftwise.act.adapters import ADAPTER_KINDS, Adapter, make_adapter
from driftwise.act.validate import validate
from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
from driftwise.errors import DriftwiseError

# -- functions for the callable adapter (importable as "test_adapters:...") ----------------------


def fit_logistic(x: pd.DataFrame, y: np.ndarray) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prep = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["region", "device"]),
            ("num", StandardScaler(), ["price", "discount", "temperature", "visits"]),
        ]
    )
    return Pipeline([("prep", prep), ("model", LogisticRegression(max_iter=500))]).fit(x, y)


def predict_logistic(model: Any, x: pd.DataFrame) -> Any:
    return model.predict(x)


def proba_logistic(model: Any, x: pd.DataFrame) -> Any:
    return model.predict_proba(x)


# kind -> (constructor parameters, parameters of a forgetful fine-tune)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "sklearn": ({"interactions": [["region", "discount"]]}, {"epochs": 50, "eta0": 0.5}),
    "xgboost": ({}, {"fine_tune_rounds": 200, "fine_tune_learning_rate": 0.3}),
    "lightgbm": ({}, {"fine_tune_rounds": 200, "fine_tune_learning_rate": 0.3}),
    "torch": ({}, {"fine_tune_epochs": 50, "fine_tune_lr": 0.05}),
    "callable": (
        {
            "fit": "test_adapters:fit_logistic",
            "predict": "test_adapters:predict_logistic",
            "predict_proba": "test_adapters:proba_logistic",
        },
        {},
    ),
}
CLASS_NAMES = {
    "sklearn": "SklearnAdapter",
    "xgboost": "XGBoostAdapter",
    "lightgbm": "LightGBMAdapter",
    "torch": "TorchAdapter",
    "callable": "CallableAdapter",
}
LIBRARIES = {"sklearn": "sklearn", "xgboost": "xgboost", "lightgbm": "lightgbm", "torch": "torch"}
OLD, PROMO = Regime(), Regime(promotion="coast")
SENSOR = Regime(promotion="coast", fahrenheit=True)


def _make(kind: str, **extra: Any) -> Adapter:
    params, _ = CASES[kind]
    return make_adapter(kind, {"features": list(FEATURES), "target": TARGET, **params, **extra})


def _rows(n: int, regime: Regime, seed: int) -> pd.DataFrame:
    return simulate(n, regime, np.random.default_rng(seed))


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    reference_holdout = _rows(2000, OLD, 12)
    localized = _rows(1500, PROMO, 13)
    return {
        "reference": _rows(3000, OLD, 11),
        "reference_holdout": reference_holdout,
        "unaffected_holdout": reference_holdout[reference_holdout["region"] != "coast"],
        "localized": localized,
        "localized_segment": localized[localized["region"] == "coast"],
        "localized_holdout": _rows(2000, PROMO, 14),
        "global": _rows(2000, SENSOR, 15),
        "global_holdout": _rows(2000, SENSOR, 16),
    }


@pytest.fixture(scope="module", params=list(CASES))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def adapter(kind: str) -> Adapter:
    return _make(kind)


@pytest.fixture(scope="module")
def champion(adapter: Adapter, data: dict[str, pd.DataFrame]) -> Any:
    return adapter.fit(data["reference"])


@pytest.fixture(scope="module")
def tuned(adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]) -> Any:
    return adapter.fine_tune(champion, data["localized"], replay=data["reference"])


def _accuracy(adapter: Adapter, model: Any, rows: pd.DataFrame) -> float:
    return float(np.mean(adapter.predict(model, rows) == rows[TARGET].to_numpy()))


def test_every_kind_is_covered() -> None:
    assert sorted(CASES) == sorted(ADAPTER_KINDS)


def test_meets_the_protocol_and_rebuilds_from_its_config(kind: str, adapter: Adapter) -> None:
    assert isinstance(adapter, Adapter)
    assert adapter.kind == kind
    assert adapter.features == FEATURES and adapter.target == TARGET
    assert isinstance(adapter.fine_tune_method, str) and "replay" in adapter.fine_tune_method
    config = adapter.config()
    assert json.loads(json.dumps(config)) == config
    again = make_adapter(kind, config)
    assert again == adapter
    assert again.config() == config
    assert make_adapter(kind, {**config, "seed": 1}) != adapter


def test_fit_is_accurate_on_the_reference_regime(
    adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    # Measured 0.80-0.81 for every kind; an exact logistic model reaches about the same.
    assert _accuracy(adapter, champion, data["reference_holdout"]) > 0.78


def test_predictions_are_labels_and_probabilities(
    adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    rows = data["reference_holdout"].drop(columns=TARGET)
    labels = adapter.predict(champion, rows)
    assert labels.shape == (len(rows),) and labels.dtype == np.int64
    assert set(labels.tolist()) == {0, 1}
    proba = adapter.predict_proba(champion, rows)
    assert proba.shape == (len(rows),) and proba.dtype == np.float64
    assert ((proba >= 0) & (proba <= 1)).all()
    assert np.array_equal(proba > 0.5, labels == 1)
    unseen = rows.head(20).assign(region="atlantis")
    assert adapter.predict(champion, unseen).shape == (20,)


def test_string_labels_come_back_as_strings(
    adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    worded = data["reference"].assign(
        purchased=data["reference"][TARGET].map({0.0: "no", 1.0: "yes"})
    )
    model = adapter.fit(worded)
    holdout = data["reference_holdout"]
    labels = adapter.predict(model, holdout)
    assert set(labels.tolist()) == {"no", "yes"}
    numeric = adapter.predict(champion, holdout)
    assert np.mean((labels == "yes") == (numeric == 1)) > 0.97


def test_rows_without_labels_are_skipped(adapter: Adapter, data: dict[str, pd.DataFrame]) -> None:
    partly = data["reference"].copy()
    partly.loc[partly.index[::2], TARGET] = np.nan
    rows = data["reference_holdout"]
    a = adapter.predict_proba(adapter.fit(partly), rows)
    b = adapter.predict_proba(adapter.fit(data["reference"].iloc[1::2]), rows)
    assert np.array_equal(a, b)


def test_fine_tune_repairs_a_localized_shift_without_forgetting(
    adapter: Adapter, champion: Any, tuned: Any, data: dict[str, pd.DataFrame]
) -> None:
    v = validate(
        champion,
        tuned,
        data["localized_holdout"],
        data["unaffected_holdout"],
        adapter=adapter,
    )
    assert v.challenger_recent > v.champion_recent + 0.03, v.reasons
    assert v.promote, v.reasons


def test_retrain_repairs_a_global_shift(
    adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    challenger = adapter.fit(data["global"])
    v = validate(champion, challenger, data["global_holdout"], None, adapter=adapter)
    assert v.challenger_recent > v.champion_recent + 0.1, v.reasons
    assert v.promote, v.reasons


def test_a_forgetful_fine_tune_is_rejected(
    kind: str, adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    # No replay, aggressive settings, and only the rows of the changed segment.
    _, aggressive = CASES[kind]
    forgetful = _make(kind, replay_share=0, **aggressive)
    challenger = forgetful.fine_tune(champion, data["localized_segment"], replay=data["reference"])
    v = validate(
        champion,
        challenger,
        data["localized_holdout"],
        data["unaffected_holdout"],
        adapter=adapter,
    )
    assert not v.promote
    forgetting = next(g for g in v.gates if g.name == "forgetting")
    assert not forgetting.passed
    assert forgetting.text.startswith("The challenger forgets the reference regime")
    assert v.champion_reference is not None and v.challenger_reference is not None
    assert v.champion_reference - v.challenger_reference > 0.1


def test_round_trip_predicts_identically(
    adapter: Adapter, champion: Any, tuned: Any, data: dict[str, pd.DataFrame]
) -> None:
    rows = data["localized_holdout"]
    for model in (champion, tuned):
        blob = adapter.dumps(model)
        assert isinstance(blob, bytes)
        again = adapter.loads(blob)
        assert np.array_equal(
            adapter.predict_proba(again, rows), adapter.predict_proba(model, rows)
        )
        assert np.array_equal(adapter.predict(again, rows), adapter.predict(model, rows))


def test_fine_tune_leaves_its_input_alone_and_is_seeded(
    kind: str, adapter: Adapter, champion: Any, tuned: Any, data: dict[str, pd.DataFrame]
) -> None:
    rows = data["reference_holdout"]
    before = adapter.predict_proba(champion, rows)
    again = adapter.fine_tune(champion, data["localized"], replay=data["reference"])
    assert again is not champion
    assert np.array_equal(adapter.predict_proba(champion, rows), before)
    assert np.array_equal(adapter.predict_proba(again, rows), adapter.predict_proba(tuned, rows))
    assert not np.array_equal(adapter.predict_proba(tuned, rows), before)


def test_same_seed_same_model(
    adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    rows = data["reference_holdout"]
    again = adapter.fit(data["reference"])
    assert np.array_equal(adapter.predict_proba(again, rows), adapter.predict_proba(champion, rows))


def test_replay_changes_the_fine_tune(
    kind: str, adapter: Adapter, tuned: Any, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    rows = data["reference_holdout"]
    without = adapter.fine_tune(champion, data["localized"])
    assert not np.array_equal(
        adapter.predict_proba(without, rows), adapter.predict_proba(tuned, rows)
    )
    no_share = _make(kind, replay_share=0)
    alike = no_share.fine_tune(champion, data["localized"], replay=data["reference"])
    assert np.array_equal(adapter.predict_proba(alike, rows), adapter.predict_proba(without, rows))


# -- bad input -----------------------------------------------------------------------------------


def test_missing_feature_column(
    kind: str, adapter: Adapter, champion: Any, data: dict[str, pd.DataFrame]
) -> None:
    renamed = data["reference"].rename(columns={"price": "prize"})
    name = CLASS_NAMES[kind]
    for verb, call in (
        ("fit", lambda: adapter.fit(renamed)),
        ("predict", lambda: adapter.predict(champion, renamed)),
        ("fine_tune", lambda: adapter.fine_tune(champion, renamed)),
    ):
        with pytest.raises(DriftwiseError) as err:
            call()
        assert str(err.value) == (
            f"{name}.{verb}: column 'price': found no such column; expected one of the frame's "
            "columns (did you mean 'prize'?)."
        )


def test_single_or_three_class_target(
    kind: str, adapter: Adapter, data: dict[str, pd.DataFrame]
) -> None:
    rows = data["reference"].head(500)
    name = CLASS_NAMES[kind]
    with pytest.raises(DriftwiseError) as err:
        adapter.fit(rows.assign(purchased=1.0))
    assert str(err.value) == (
        f"{name}.fit: column 'purchased': found 1 distinct label(s) in 500 rows; expected "
        "labelled rows of both classes."
    )
    with pytest.raises(DriftwiseError) as err:
        adapter.fit(rows.assign(purchased=np.arange(500) % 3))
    assert str(err.value) == (
        f"{name}.fit: column 'purchased': found 3 distinct label(s) in 500 rows; expected "
        "labelled rows of exactly two classes (binary classification)."
    )


def test_unknown_kind_and_unknown_key() -> None:
    with pytest.raises(DriftwiseError) as err:
        make_adapter("lightgbn", {"features": ["x"], "target": "y"})
    assert str(err.value) == (
        "make_adapter: field 'adapter': found 'lightgbn'; expected one of sklearn, xgboost, "
        "lightgbm, torch, callable (did you mean 'lightgbm'?)."
    )
    with pytest.raises(DriftwiseError) as err:
        make_adapter("torch", {"features": ["x"], "target": "y", "hiden": [8]})
    assert "field 'hiden': found an unknown key" in str(err.value)
    assert str(err.value).endswith("(did you mean 'hidden'?).")
    with pytest.raises(DriftwiseError) as err:
        make_adapter("sklearn", {"features": ["x"]})
    assert str(err.value) == (
        "make_adapter(sklearn): field 'target': found nothing; expected a value (it is required)."
    )


@pytest.mark.parametrize("kind", sorted(LIBRARIES))
def test_a_missing_library_names_the_extra(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    library = LIBRARIES[kind]
    monkeypatch.setitem(sys.modules, library, None)  # what an absent package looks like
    with pytest.raises(DriftwiseError) as err:
        make_adapter(kind, {"features": ["x"], "target": "y"})
    assert str(err.value) == (
        f"{CLASS_NAMES[kind]}: field 'adapter': found {kind!r}, whose library {library!r} is not "
        f"installed; expected an installed library. Install it: pip install 'driftwise[{kind}]'."
    )
