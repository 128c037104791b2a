"""An adapter for XGBoost boosters (the Booster API, binary logistic objective).

* :meth:`XGBoostAdapter.fit` trains a new booster of ``rounds`` trees at ``learning_rate``.
* :meth:`XGBoostAdapter.fine_tune` *continues boosting*: ``fine_tune_rounds`` more trees,
  at the lower ``fine_tune_learning_rate``, grown on the new labelled rows plus a replay sample
  of older rows (``xgb_model=`` the champion's booster; XGBoost copies it, the champion is not
  modified). The existing trees and the column coding are kept; XGBoost starts the new trees
  from the existing ensemble's predictions on the new rows.

Categorical features use XGBoost's native categorical splits on the category's code (see
:class:`~driftwise.act.adapters.encoding.Encoding`); a category unseen at training time is a
missing value and follows each split's default direction, so it never crashes a prediction.

The artifact is the booster's UBJSON (``save_raw("ubj")``) behind a small JSON header with the
encoding: no pickle. Training uses ``threads`` threads and is seeded by ``seed``.

>>> import numpy as np
>>> from driftwise.act.adapters import XGBoostAdapter
>>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
>>> rows = simulate(2000, Regime(), np.random.default_rng(0))
>>> adapter = XGBoostAdapter(FEATURES, TARGET, rounds=50)
>>> model = adapter.fit(rows)
>>> model.booster.num_boosted_rounds(), bool(adapter.accuracy(model, rows) > 0.75)
(50, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.act.adapters.base import BaseAdapter, require_extra
from driftwise.act.adapters.encoding import Encoding, pack, unpack

__all__ = ["XGBoostAdapter", "XGBoostModel"]


@dataclass(frozen=True)
class XGBoostModel:
    """A trained booster with the column and label coding it was trained with."""

    booster: Any
    encoding: Encoding


class XGBoostAdapter(BaseAdapter):
    """Train, continue boosting and apply an XGBoost booster on the columns of a DataFrame.

    Parameters
    ----------
    features, target, categorical, seed, replay_share
        As for every adapter (see :class:`~driftwise.act.adapters.base.BaseAdapter`).
    rounds : int
        Trees of a new booster.
    learning_rate : float
        Shrinkage (``eta``) of a new booster.
    max_depth : int
        Depth of each tree.
    min_child_weight : float
        Smallest hessian sum in a leaf.
    fine_tune_rounds : int
        Trees added by a fine-tune.
    fine_tune_learning_rate : float
        Shrinkage of the added trees.
    threads : int
        Threads XGBoost may use.

    >>> XGBoostAdapter(["x"], "y", rounds=0)
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: XGBoostAdapter: field 'rounds': found 0; expected a positive
    integer.
    """

    kind: ClassVar[str] = "xgboost"

    def __init__(
        self,
        features: Sequence[str],
        target: str,
        *,
        categorical: Sequence[str] | None = None,
        rounds: int = 100,
        learning_rate: float = 0.1,
        max_depth: int = 4,
        min_child_weight: float = 1.0,
        fine_tune_rounds: int = 50,
        fine_tune_learning_rate: float = 0.05,
        threads: int = 1,
        replay_share: float = 0.3,
        seed: int = 0,
    ) -> None:
        require_extra("xgboost", kind=self.kind, extra="xgboost", where="XGBoostAdapter")
        super().__init__(
            features, target, categorical=categorical, seed=seed, replay_share=replay_share
        )
        for name, value in (
            ("rounds", rounds),
            ("max_depth", max_depth),
            ("fine_tune_rounds", fine_tune_rounds),
            ("threads", threads),
        ):
            self._check_positive(name, value, integer=True)
        for name, number in (
            ("learning_rate", learning_rate),
            ("min_child_weight", min_child_weight),
            ("fine_tune_learning_rate", fine_tune_learning_rate),
        ):
            self._check_positive(name, number)
        self.rounds = rounds
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.min_child_weight = min_child_weight
        self.fine_tune_rounds = fine_tune_rounds
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.threads = threads

    @property
    def fine_tune_method(self) -> str:
        """The fine-tune in plain words.

        >>> XGBoostAdapter(["x"], "y").fine_tune_method
        "continue boosting 50 rounds at learning rate 0.05 from the champion's booster on the new
        rows + 30% replay"
        """
        return (
            f"continue boosting {self.fine_tune_rounds} rounds at learning rate "
            f"{self.fine_tune_learning_rate:g} from the champion's booster on the new rows + "
            f"{self.replay_share:.0%} replay"
        )

    def _params(self, learning_rate: float) -> dict[str, Any]:
        return {
            "objective": "binary:logistic",
            "eval_metric": "logloss",
            "tree_method": "hist",
            "eta": learning_rate,
            "max_depth": self.max_depth,
            "min_child_weight": self.min_child_weight,
            "max_cat_to_onehot": 1,
            "nthread": self.threads,
            "seed": self.seed,
            "verbosity": 0,
        }

    def _matrix(self, encoding: Encoding, frame: pd.DataFrame, where: str, label: Any) -> Any:
        import xgboost

        return xgboost.DMatrix(
            encoding.matrix(frame, where=where),
            label=label,
            feature_names=list(encoding.features),
            feature_types=["c" if f in encoding.categories else "q" for f in encoding.features],
            enable_categorical=True,
            nthread=self.threads,
        )

    def fit(self, frame: pd.DataFrame) -> XGBoostModel:
        """Train a new booster on the labelled rows of ``frame`` (a retrain from scratch)."""
        import xgboost

        where = "XGBoostAdapter.fit"
        rows = self._labelled(frame, where)
        labels = self._labels(rows)
        encoding = Encoding.learn(rows, self.features, self.categorical, labels)
        data = self._matrix(encoding, rows, where, encoding.target01(labels))
        booster = xgboost.train(self._params(self.learning_rate), data, self.rounds)
        return XGBoostModel(booster, encoding)

    def fine_tune(
        self, model: XGBoostModel, frame: pd.DataFrame, replay: pd.DataFrame | None = None
    ) -> XGBoostModel:
        """Continue boosting a copy of ``model``'s booster on the new rows plus replay.

        >>> import numpy as np
        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> adapter = XGBoostAdapter(FEATURES, TARGET, rounds=20, fine_tune_rounds=10)
        >>> old = simulate(800, Regime(), np.random.default_rng(0))
        >>> base = adapter.fit(old)
        >>> tuned = adapter.fine_tune(base, simulate(400, Regime(promotion="coast"),
        ...                                          np.random.default_rng(1)), replay=old)
        >>> base.booster.num_boosted_rounds(), tuned.booster.num_boosted_rounds()
        (20, 30)
        """
        import xgboost

        where = "XGBoostAdapter.fine_tune"
        rows = self._labelled(frame, where)
        rows = self._blend(rows, replay, np.random.default_rng(self.seed), where)
        encoding = model.encoding
        data = self._matrix(encoding, rows, where, encoding.target01(self._labels(rows)))
        booster = xgboost.train(
            self._params(self.fine_tune_learning_rate),
            data,
            self.fine_tune_rounds,
            xgb_model=model.booster,
        )
        return XGBoostModel(booster, encoding)

    def predict_proba(self, model: XGBoostModel, frame: pd.DataFrame) -> NDArray[np.float64]:
        """The probability of the positive class (the larger label) for every row, 1-D."""
        where = f"{type(self).__name__}.predict"
        self._check_columns(frame, where)
        data = self._matrix(model.encoding, frame, where, None)
        out: NDArray[np.float64] = np.asarray(model.booster.predict(data), dtype=np.float64)
        return out

    def predict(self, model: XGBoostModel, frame: pd.DataFrame) -> NDArray[Any]:
        """The predicted class of every row of ``frame``, with the target's values."""
        return model.encoding.decode(self.predict_proba(model, frame))

    def dumps(self, model: XGBoostModel) -> bytes:
        """The booster's UBJSON behind a JSON header holding the encoding."""
        raw = bytes(model.booster.save_raw("ubj"))
        return pack(self.kind, {"encoding": model.encoding.model_dump(mode="json")}, raw)

    def loads(self, blob: bytes) -> XGBoostModel:
        """Read a model written by :meth:`dumps`.

        >>> XGBoostAdapter(["x"], "y").loads(b"junk")
        Traceback (most recent call last):
        ...
        driftwise.errors.DriftwiseError: XGBoostAdapter.loads: field 'blob': found bytes that are
        not a driftwise adapter artifact; expected the bytes written by the xgboost adapter's
        dumps().
        """
        import xgboost

        header, raw = unpack(blob, kind=self.kind, where="XGBoostAdapter.loads")
        booster = xgboost.Booster()
        booster.load_model(bytearray(raw))
        return XGBoostModel(booster, Encoding.model_validate(header["encoding"]))

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able: ``make_adapter("xgboost", config)`` rebuilds it.

        >>> XGBoostAdapter(["x"], "y").config()["fine_tune_rounds"]
        50
        """
        return {
            **self._base_config(),
            "rounds": self.rounds,
            "learning_rate": self.learning_rate,
            "max_depth": self.max_depth,
            "min_child_weight": self.min_child_weight,
            "fine_tune_rounds": self.fine_tune_rounds,
            "fine_tune_learning_rate": self.fine_tune_learning_rate,
            "threads": self.threads,
        }
