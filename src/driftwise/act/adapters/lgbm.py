"""An adapter for LightGBM boosters (``lightgbm.train``, binary objective).

* :meth:`LightGBMAdapter.fit` trains a new booster of ``rounds`` trees at ``learning_rate``.
* :meth:`LightGBMAdapter.fine_tune` *continues boosting* from the champion's booster
  (``init_model=``): ``fine_tune_rounds`` more trees at the lower ``fine_tune_learning_rate``,
  grown on the new labelled rows plus a replay sample of older rows. LightGBM starts the new
  trees from the existing ensemble's predictions on those rows (computed on the raw values, not
  on re-binned ones); the existing trees and the column coding are kept and the champion's
  booster is not modified.

Categorical features use LightGBM's categorical splits on the category's code (see
:class:`~driftwise.act.adapters.encoding.Encoding`); an unseen category is a missing value.
Training is quiet (``verbosity=-1``), deterministic, on ``threads`` threads, seeded by ``seed``.
The artifact is ``model_to_string()`` behind a small JSON header with the encoding: no pickle.

>>> import numpy as np
>>> from driftwise.act.adapters import LightGBMAdapter
>>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
>>> rows = simulate(2000, Regime(), np.random.default_rng(0))
>>> adapter = LightGBMAdapter(FEATURES, TARGET, rounds=50)
>>> model = adapter.fit(rows)
>>> model.booster.current_iteration(), bool(adapter.accuracy(model, rows) > 0.75)
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

__all__ = ["LightGBMAdapter", "LightGBMModel"]


@dataclass(frozen=True)
class LightGBMModel:
    """A trained booster with the column and label coding it was trained with."""

    booster: Any
    encoding: Encoding


class LightGBMAdapter(BaseAdapter):
    """Train, continue boosting and apply a LightGBM booster on the columns of a DataFrame.

    Parameters
    ----------
    features, target, categorical, seed, replay_share
        As for every adapter (see :class:`~driftwise.act.adapters.base.BaseAdapter`).
    rounds : int
        Trees of a new booster.
    learning_rate : float
        Shrinkage of a new booster.
    num_leaves : int
        Leaves per tree.
    min_data_in_leaf : int
        Smallest number of rows in a leaf.
    fine_tune_rounds : int
        Trees added by a fine-tune.
    fine_tune_learning_rate : float
        Shrinkage of the added trees.
    threads : int
        Threads LightGBM may use (1 or 2 on a small machine).

    >>> LightGBMAdapter(["x"], "y", num_leaves=1.5)
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: LightGBMAdapter: field 'num_leaves': found 1.5; expected a
    positive integer.
    """

    kind: ClassVar[str] = "lightgbm"

    def __init__(
        self,
        features: Sequence[str],
        target: str,
        *,
        categorical: Sequence[str] | None = None,
        rounds: int = 100,
        learning_rate: float = 0.1,
        num_leaves: int = 15,
        min_data_in_leaf: int = 20,
        fine_tune_rounds: int = 50,
        fine_tune_learning_rate: float = 0.05,
        threads: int = 1,
        replay_share: float = 0.3,
        seed: int = 0,
    ) -> None:
        require_extra("lightgbm", kind=self.kind, extra="lightgbm", where="LightGBMAdapter")
        super().__init__(
            features, target, categorical=categorical, seed=seed, replay_share=replay_share
        )
        for name, value in (
            ("rounds", rounds),
            ("num_leaves", num_leaves),
            ("min_data_in_leaf", min_data_in_leaf),
            ("fine_tune_rounds", fine_tune_rounds),
            ("threads", threads),
        ):
            self._check_positive(name, value, integer=True)
        for name, number in (
            ("learning_rate", learning_rate),
            ("fine_tune_learning_rate", fine_tune_learning_rate),
        ):
            self._check_positive(name, number)
        self.rounds = rounds
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_data_in_leaf = min_data_in_leaf
        self.fine_tune_rounds = fine_tune_rounds
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.threads = threads

    @property
    def fine_tune_method(self) -> str:
        """The fine-tune in plain words.

        >>> LightGBMAdapter(["x"], "y", replay_share=0.5).fine_tune_method
        "continue boosting 50 rounds at learning rate 0.05 from the champion's booster
        (init_model) on the new rows + 50% replay"
        """
        return (
            f"continue boosting {self.fine_tune_rounds} rounds at learning rate "
            f"{self.fine_tune_learning_rate:g} from the champion's booster (init_model) on the "
            f"new rows + {self.replay_share:.0%} replay"
        )

    def _params(self, learning_rate: float) -> dict[str, Any]:
        return {
            "objective": "binary",
            "learning_rate": learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "num_threads": self.threads,
            "seed": self.seed,
            "deterministic": True,
            "force_col_wise": True,
            "verbosity": -1,
        }

    def _dataset(self, encoding: Encoding, rows: pd.DataFrame, where: str) -> Any:
        import lightgbm

        return lightgbm.Dataset(
            encoding.matrix(rows, where=where),
            label=encoding.target01(self._labels(rows)),
            feature_name=list(encoding.features),
            categorical_feature=[
                j for j, f in enumerate(encoding.features) if f in encoding.categories
            ],
            params={"verbosity": -1},
            free_raw_data=False,
        )

    def fit(self, frame: pd.DataFrame) -> LightGBMModel:
        """Train a new booster on the labelled rows of ``frame`` (a retrain from scratch)."""
        import lightgbm

        where = "LightGBMAdapter.fit"
        rows = self._labelled(frame, where)
        encoding = Encoding.learn(rows, self.features, self.categorical, self._labels(rows))
        data = self._dataset(encoding, rows, where)
        booster = lightgbm.train(self._params(self.learning_rate), data, self.rounds)
        return LightGBMModel(booster, encoding)

    def fine_tune(
        self, model: LightGBMModel, frame: pd.DataFrame, replay: pd.DataFrame | None = None
    ) -> LightGBMModel:
        """Continue boosting from ``model``'s booster on the new rows plus replay.

        >>> import numpy as np
        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> adapter = LightGBMAdapter(FEATURES, TARGET, rounds=20, fine_tune_rounds=10)
        >>> old = simulate(800, Regime(), np.random.default_rng(0))
        >>> base = adapter.fit(old)
        >>> tuned = adapter.fine_tune(base, simulate(400, Regime(promotion="coast"),
        ...                                          np.random.default_rng(1)), replay=old)
        >>> base.booster.current_iteration(), tuned.booster.current_iteration()
        (20, 30)
        """
        import lightgbm

        where = "LightGBMAdapter.fine_tune"
        rows = self._labelled(frame, where)
        rows = self._blend(rows, replay, np.random.default_rng(self.seed), where)
        data = self._dataset(model.encoding, rows, where)
        booster = lightgbm.train(
            self._params(self.fine_tune_learning_rate),
            data,
            self.fine_tune_rounds,
            init_model=model.booster,
            keep_training_booster=False,
        )
        return LightGBMModel(booster, model.encoding)

    def predict_proba(self, model: LightGBMModel, frame: pd.DataFrame) -> NDArray[np.float64]:
        """The probability of the positive class (the larger label) for every row, 1-D."""
        where = "LightGBMAdapter.predict"
        self._check_columns(frame, where)
        x = model.encoding.matrix(frame, where=where)
        out: NDArray[np.float64] = np.asarray(
            model.booster.predict(x, num_threads=self.threads), dtype=np.float64
        )
        return out

    def predict(self, model: LightGBMModel, frame: pd.DataFrame) -> NDArray[Any]:
        """The predicted class of every row of ``frame``, with the target's values."""
        return model.encoding.decode(self.predict_proba(model, frame))

    def dumps(self, model: LightGBMModel) -> bytes:
        """The booster's text model behind a JSON header holding the encoding."""
        text = str(model.booster.model_to_string())
        header = {"encoding": model.encoding.model_dump(mode="json")}
        return pack(self.kind, header, text.encode("utf-8"))

    def loads(self, blob: bytes) -> LightGBMModel:
        """Read a model written by :meth:`dumps`.

        >>> LightGBMAdapter(["x"], "y").loads(b"junk")
        Traceback (most recent call last):
        ...
        driftwise.errors.DriftwiseError: LightGBMAdapter.loads: field 'blob': found bytes that
        are not a driftwise adapter artifact; expected the bytes written by the lightgbm
        adapter's dumps().
        """
        import lightgbm

        header, raw = unpack(blob, kind=self.kind, where="LightGBMAdapter.loads")
        booster = lightgbm.Booster(model_str=raw.decode("utf-8"))
        return LightGBMModel(booster, Encoding.model_validate(header["encoding"]))

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able: ``make_adapter("lightgbm", config)`` rebuilds it.

        >>> LightGBMAdapter(["x"], "y").config()["num_leaves"]
        15
        """
        return {
            **self._base_config(),
            "rounds": self.rounds,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "fine_tune_rounds": self.fine_tune_rounds,
            "fine_tune_learning_rate": self.fine_tune_learning_rate,
            "threads": self.threads,
        }
