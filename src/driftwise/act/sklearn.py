"""A thin adapter that trains, fine-tunes and applies a scikit-learn classifier.

The model is a real scikit-learn :class:`~sklearn.pipeline.Pipeline`:

* ``prep``: a :class:`~sklearn.compose.ColumnTransformer` with a ``StandardScaler`` on the numeric
  features, a ``OneHotEncoder(handle_unknown="ignore")`` on the categorical ones and, for each
  ``(categorical, numeric)`` pair in ``interactions``, the one-hot columns of the categorical
  feature multiplied by the standardised numeric one. These products let a linear model learn a
  different slope per segment (a promotion that changes how one region responds to discounts).
* ``model``: an ``SGDClassifier(loss="log_loss")``, a logistic regression fitted by stochastic
  gradient descent, which can keep learning with ``partial_fit``.

Two ways to update it:

* :meth:`SklearnAdapter.fit` retrains from scratch: a fresh clone of the template, every step
  (scaler, encoder, classifier) refitted on the new rows.
* :meth:`SklearnAdapter.fine_tune` adapts a deep copy of an existing model: the preprocessing is
  *frozen* (scaler means and encoder categories stay those of the original training data) and
  the classifier takes ``epochs`` shuffled passes of ``partial_fit`` at the constant learning rate
  ``eta0`` over the new labelled rows mixed with a replay sample of older rows (``replay_share``
  times as many rows as the new ones), which limits forgetting of what the new rows do not show.
  The original model object is never modified.

Everything is seeded by ``seed``.

>>> from driftwise.act.sklearn import SklearnAdapter
>>> from driftwise.demo.scenario import FEATURES, TARGET, generate, default_scenario
>>> data = generate(default_scenario(batch_rows=300, reference_rows=2000), seed=0)
>>> adapter = SklearnAdapter(FEATURES, TARGET, interactions=(("region", "discount"),))
>>> model = adapter.fit(data.reference)
>>> type(model).__name__, adapter.predict(model, data.reference.head(3)).dtype
('Pipeline', dtype('int64'))
>>> bool(adapter.accuracy(model, data.reference) > 0.7)
True
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.errors import DriftwiseError

__all__ = ["SklearnAdapter"]


def _products(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """One-hot columns times the last (numeric) column: a per-category slope.

    >>> import numpy as np
    >>> _products(np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])).tolist()
    [[2.0, 0.0], [0.0, -1.0]]
    """
    out: NDArray[np.float64] = np.asarray(x[:, :-1] * x[:, -1:], dtype=np.float64)
    return out


class SklearnAdapter:
    """Fit, fine-tune and apply a scikit-learn pipeline on the columns of a DataFrame.

    Parameters
    ----------
    features : sequence of str
        The model's input columns.
    target : str
        The label column (0/1 or any two classes; rows with a missing label are skipped).
    categorical : sequence of str or None
        The categorical features; ``None`` takes every feature whose dtype is not numeric in
        the first frame seen by :meth:`fit`.
    interactions : sequence of (str, str)
        ``(categorical, numeric)`` pairs that get a separate slope per category.
    alpha : float
        L2 penalty of the classifier.
    max_iter : int
        Passes over the data in :meth:`fit`.
    epochs : int
        ``partial_fit`` passes in :meth:`fine_tune`.
    eta0 : float
        Constant learning rate of :meth:`fine_tune`.
    replay_share : float
        Replay rows mixed into a fine-tune, as a share of the new rows.
    seed : int
        Seed of every random choice (classifier, shuffles, replay sample).

    >>> SklearnAdapter(["a"], "a")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: SklearnAdapter: field 'target': found 'a', which is also a
    feature; expected a column that is not a model input.
    """

    def __init__(
        self,
        features: Sequence[str],
        target: str,
        *,
        categorical: Sequence[str] | None = None,
        interactions: Sequence[tuple[str, str]] = (),
        alpha: float = 1e-3,
        max_iter: int = 100,
        epochs: int = 5,
        eta0: float = 0.01,
        replay_share: float = 0.3,
        seed: int = 0,
    ) -> None:
        where = "SklearnAdapter"
        self.features = tuple(features)
        if not self.features:
            raise DriftwiseError.for_field(
                "features", where=where, found="none", expected="at least one column"
            )
        if target in self.features:
            raise DriftwiseError.for_field(
                "target",
                where=where,
                found=f"{target!r}, which is also a feature",
                expected="a column that is not a model input",
            )
        self.target = target
        self.categorical = None if categorical is None else tuple(categorical)
        for name in (*(self.categorical or ()), *(c for pair in interactions for c in pair)):
            if name not in self.features:
                raise DriftwiseError.for_column(
                    name,
                    where=where,
                    found="a column that is not among the features",
                    expected="one of " + ", ".join(self.features),
                    options=self.features,
                )
        self.interactions = tuple((c, n) for c, n in interactions)
        for name, value, low in (
            ("alpha", alpha, 0.0),
            ("eta0", eta0, 0.0),
            ("max_iter", max_iter, 0.0),
            ("epochs", epochs, 0.0),
        ):
            if not value > low:
                raise DriftwiseError.for_field(
                    name, where=where, found=str(value), expected="a positive number"
                )
        if replay_share < 0:
            raise DriftwiseError.for_field(
                "replay_share", where=where, found=str(replay_share), expected="a share >= 0"
            )
        self.alpha = alpha
        self.max_iter = max_iter
        self.epochs = epochs
        self.eta0 = eta0
        self.replay_share = replay_share
        self.seed = seed

    # -- building blocks -------------------------------------------------------------------------

    def _split_kinds(self, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
        if self.categorical is not None:
            cats = [f for f in self.features if f in self.categorical]
        else:
            cats = [f for f in self.features if not pd.api.types.is_numeric_dtype(frame[f])]
        return cats, [f for f in self.features if f not in cats]

    def template(self, frame: pd.DataFrame) -> Any:
        """The unfitted pipeline for the columns of ``frame`` (a scikit-learn ``Pipeline``).

        >>> import pandas as pd
        >>> t = SklearnAdapter(["r", "x"], "y").template(pd.DataFrame({"r": ["a"], "x": [1.0]}))
        >>> [name for name, _ in t.steps]
        ['prep', 'model']
        """
        from sklearn.compose import ColumnTransformer
        from sklearn.linear_model import SGDClassifier
        from sklearn.pipeline import Pipeline, make_pipeline
        from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

        cats, nums = self._split_kinds(frame)
        parts: list[tuple[str, Any, list[str]]] = []
        if nums:
            parts.append(("num", StandardScaler(), nums))
        if cats:
            parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), cats))
        for cat, num in self.interactions:
            inner = ColumnTransformer(
                [
                    ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False), [cat]),
                    ("scale", StandardScaler(), [num]),
                ]
            )
            product = FunctionTransformer(_products, feature_names_out="one-to-one")
            parts.append((f"{cat}_x_{num}", make_pipeline(inner, product), [cat, num]))
        estimator = SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            max_iter=self.max_iter,
            tol=None,
            random_state=self.seed,
        )
        return Pipeline([("prep", ColumnTransformer(parts)), ("model", estimator)])

    def _labelled(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        missing = [c for c in (*self.features, self.target) if c not in frame.columns]
        if missing:
            raise DriftwiseError.for_column(
                missing[0],
                where=where,
                found="no such column",
                expected="one of the frame's columns",
                options=[str(c) for c in frame.columns],
            )
        rows = frame[frame[self.target].notna()]
        if rows[self.target].nunique() < 2:
            raise DriftwiseError.for_column(
                self.target,
                where=where,
                found=f"{rows[self.target].nunique()} distinct label(s) in {len(rows)} rows",
                expected="labelled rows of both classes",
            )
        return rows

    def _labels(self, rows: pd.DataFrame) -> NDArray[Any]:
        y = rows[self.target].to_numpy()
        if pd.api.types.is_float_dtype(rows[self.target]) and np.all(y == np.round(y)):
            return y.astype(np.int64)
        return y

    # -- the three verbs ---------------------------------------------------------------------------

    def fit(self, frame: pd.DataFrame) -> Any:
        """Train a fresh pipeline on the labelled rows of ``frame`` (a retrain from scratch).

        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> import numpy as np
        >>> rows = simulate(500, Regime(), np.random.default_rng(0))
        >>> model = SklearnAdapter(FEATURES, TARGET).fit(rows)
        >>> model.named_steps["model"].classes_.tolist()
        [0, 1]
        """
        rows = self._labelled(frame, "SklearnAdapter.fit")
        model = self.template(rows)
        model.fit(rows[list(self.features)], self._labels(rows))
        return model

    def fine_tune(self, model: Any, frame: pd.DataFrame, replay: pd.DataFrame | None = None) -> Any:
        """Adapt a deep copy of ``model`` to the labelled rows of ``frame``.

        The preprocessing stays frozen; the classifier takes ``epochs`` shuffled ``partial_fit``
        passes at learning rate ``eta0`` over the new rows plus ``replay_share * len(new rows)``
        rows sampled (seeded, without replacement when possible) from the labelled rows of
        ``replay``. ``model`` itself is not modified; the copy's classifier keeps
        ``learning_rate="constant"`` and ``eta0``, so a later fine-tune continues the same way.

        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> import numpy as np
        >>> adapter = SklearnAdapter(FEATURES, TARGET)
        >>> old = simulate(800, Regime(), np.random.default_rng(0))
        >>> new = simulate(400, Regime(promotion="coast"), np.random.default_rng(1))
        >>> base = adapter.fit(old)
        >>> tuned = adapter.fine_tune(base, new, replay=old)
        >>> tuned is base, bool((tuned[-1].coef_ != base[-1].coef_).any())
        (False, True)
        """
        rows = self._labelled(frame, "SklearnAdapter.fine_tune")
        rng = np.random.default_rng(self.seed)
        if replay is not None and self.replay_share > 0:
            pool = self._labelled(replay, "SklearnAdapter.fine_tune(replay)")
            k = round(self.replay_share * len(rows))
            pick = rng.choice(len(pool), size=k, replace=k > len(pool))
            rows = pd.concat([rows, pool.iloc[pick]], ignore_index=True)
        tuned = copy.deepcopy(model)
        prep, estimator = tuned[:-1], tuned[-1]
        x = prep.transform(rows[list(self.features)])
        y = self._labels(rows)
        estimator.set_params(learning_rate="constant", eta0=self.eta0)
        for _ in range(self.epochs):
            order = rng.permutation(len(y))
            estimator.partial_fit(x[order], y[order], classes=estimator.classes_)
        return tuned

    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]:
        """The predicted class of every row of ``frame`` (labels need not be present).

        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> import numpy as np
        >>> rows = simulate(300, Regime(), np.random.default_rng(0))
        >>> adapter = SklearnAdapter(FEATURES, TARGET)
        >>> adapter.predict(adapter.fit(rows), rows.drop(columns=TARGET)).shape
        (300,)
        """
        missing = [c for c in self.features if c not in frame.columns]
        if missing:
            raise DriftwiseError.for_column(
                missing[0],
                where="SklearnAdapter.predict",
                found="no such column",
                expected="one of the frame's columns",
                options=[str(c) for c in frame.columns],
            )
        out: NDArray[Any] = np.asarray(model.predict(frame[list(self.features)]))
        return out

    def accuracy(self, model: Any, frame: pd.DataFrame) -> float:
        """Share of the labelled rows of ``frame`` that ``model`` classifies correctly.

        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> import numpy as np
        >>> rows = simulate(300, Regime(), np.random.default_rng(0))
        >>> adapter = SklearnAdapter(FEATURES, TARGET)
        >>> 0.5 < adapter.accuracy(adapter.fit(rows), rows) <= 1.0
        True
        """
        rows = frame[frame[self.target].notna()]
        if rows.empty:
            raise DriftwiseError.for_column(
                self.target,
                where="SklearnAdapter.accuracy",
                found="no labelled rows",
                expected="at least one row with a label",
            )
        return float(np.mean(self.predict(model, rows) == self._labels(rows)))
