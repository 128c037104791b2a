"""A thin adapter that trains, fine-tunes and applies a scikit-learn classifier.

The model is a real scikit-learn :class:`~sklearn.pipeline.Pipeline`:

* ``prep``: a :class:`~sklearn.compose.ColumnTransformer` with a ``StandardScaler`` on the numeric
  features, a ``OneHotEncoder(handle_unknown="ignore")`` on the categorical ones and, for each
  ``(categorical, numeric)`` pair in ``interactions``, the one-hot columns of the categorical
  feature multiplied by the standardised numeric one. These products let a linear model learn a
  different slope per segment (a promotion that changes how one region responds to discounts).
* ``model``: by default an ``SGDClassifier(loss="log_loss")``, a logistic regression fitted by
  stochastic gradient descent, which can keep learning with ``partial_fit``. With ``estimator=``
  any scikit-learn classifier named by its import path (``"sklearn.ensemble.
  HistGradientBoostingClassifier"``) and built with ``estimator_params``; a path naming a
  function that returns a whole ``Pipeline`` (``"my.models:make_pipeline"``) is used as it is,
  with its own preprocessing.

:meth:`SklearnAdapter.fit` retrains from scratch: a fresh pipeline, every step refitted.
:meth:`SklearnAdapter.fine_tune` adapts a deep copy (the original is never modified) on the new
labelled rows plus a replay sample of older rows (``replay_share`` times as many as the new
ones). How depends on the final estimator, checked in this order (:attr:`fine_tune_method`
says which applies):

1. it has ``partial_fit`` (SGD, Perceptron, MLP, naive Bayes): the preprocessing is *frozen*
   (scaler means and encoder categories stay those of the original training data) and the
   estimator takes ``epochs`` shuffled passes of ``partial_fit``; the default SGD model does so
   at the constant learning rate ``eta0``.
2. it grows an ensemble under ``warm_start`` (``GradientBoosting``, ``HistGradientBoosting``,
   ``RandomForest``, ``ExtraTrees``, ``Bagging``): preprocessing frozen, ``warm_start=True``
   and ``extra_iterations`` more trees (``n_estimators``) or boosting iterations (``max_iter``)
   fitted on the new + replay rows; the existing trees are kept unchanged. What scikit-learn
   really does there: gradient boosting fits the extra trees to the residuals of the whole
   ensemble on the new rows; a forest adds trees grown on bootstrap samples of the new rows
   only; ``HistGradientBoosting`` re-learns its bin edges on the new rows and, while fitting,
   evaluates the *old* trees on the new rows binned with those *new* edges, so the residuals
   the extra trees fit are only an approximation of the ensemble's (on the demo data the
   starting log-odds are off by 0.58 on average). At prediction time every tree uses its real
   thresholds, so predictions are consistent; the approximation only affects what the extra
   trees learn.
3. neither (``LogisticRegression``, ``SVC`` ...): a documented fallback, which is a *retrain*
   on a blended window: a fresh pipeline fitted on the new rows plus the replay sample.

Models are saved with skops (no pickle); :meth:`SklearnAdapter.loads` trusts only the types a
scikit-learn pipeline needs (``sklearn.``, ``numpy.``, ``scipy.`` and this module's
``_products``) and refuses anything else by name. Everything is seeded by ``seed``.

>>> from driftwise.act.adapters import SklearnAdapter
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
import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.act.adapters.base import BaseAdapter, require_extra
from driftwise.act.adapters.imports import import_path
from driftwise.errors import DriftwiseError

__all__ = ["SklearnAdapter"]

Strategy = Literal["partial_fit", "warm_start", "refit"]
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.")
_TRUSTED_NAMES = frozenset(
    {"driftwise.act.adapters.skl._products", "driftwise.act.sklearn._products"}
)


def _products(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """One-hot columns times the last (numeric) column: a per-category slope.

    >>> import numpy as np
    >>> _products(np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])).tolist()
    [[2.0, 0.0], [0.0, -1.0]]
    """
    out: NDArray[np.float64] = np.asarray(x[:, :-1] * x[:, -1:], dtype=np.float64)
    return out


class SklearnAdapter(BaseAdapter):
    """Fit, fine-tune and apply a scikit-learn pipeline on the columns of a DataFrame.

    Parameters
    ----------
    features, target, categorical, seed, replay_share
        As for every adapter (see :class:`~driftwise.act.adapters.base.BaseAdapter`).
    interactions : sequence of (str, str)
        ``(categorical, numeric)`` pairs that get a separate slope per category.
    estimator : str or None
        Import path of the classifier (``"package.module.Class"`` or ``"package.module:func"``);
        ``None`` is the default ``SGDClassifier``. A ``random_state`` not given in
        ``estimator_params`` is set to ``seed``.
    estimator_params : mapping or None
        JSON-able keyword arguments of ``estimator``.
    alpha : float
        L2 penalty of the default classifier.
    max_iter : int
        Passes over the data of the default classifier in :meth:`fit`.
    epochs : int
        ``partial_fit`` passes in :meth:`fine_tune`.
    eta0 : float
        Constant learning rate of the default classifier's :meth:`fine_tune`.
    extra_iterations : int
        Trees or boosting iterations a ``warm_start`` fine-tune adds.

    >>> SklearnAdapter(["a"], "a")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: SklearnAdapter: field 'target': found 'a', which is also a
    feature; expected a column that is not a model input.
    >>> SklearnAdapter(["x"], "y", estimator="sklearn.linear_model.LogisticRegression",
    ...                estimator_params={"C": 0.5}).config()["estimator_params"]
    {'C': 0.5}
    """

    kind: ClassVar[str] = "sklearn"

    def __init__(
        self,
        features: Sequence[str],
        target: str,
        *,
        categorical: Sequence[str] | None = None,
        interactions: Sequence[Sequence[str]] = (),
        estimator: str | None = None,
        estimator_params: Mapping[str, Any] | None = None,
        alpha: float = 1e-3,
        max_iter: int = 100,
        epochs: int = 5,
        eta0: float = 0.01,
        extra_iterations: int = 50,
        replay_share: float = 0.3,
        seed: int = 0,
    ) -> None:
        where = "SklearnAdapter"
        require_extra("sklearn", kind=self.kind, extra="sklearn", where=where)
        super().__init__(
            features, target, categorical=categorical, seed=seed, replay_share=replay_share
        )
        self._check_names([c for pair in interactions for c in pair])
        self.interactions = tuple((str(pair[0]), str(pair[1])) for pair in interactions)
        for name, value in (("alpha", alpha), ("eta0", eta0)):
            self._check_positive(name, value)
        for name, value in (
            ("max_iter", max_iter),
            ("epochs", epochs),
            ("extra_iterations", extra_iterations),
        ):
            self._check_positive(name, value, integer=True)
        params = dict(estimator_params or {})
        try:
            json.dumps(params)
        except (TypeError, ValueError):
            raise DriftwiseError.for_field(
                "estimator_params",
                where=where,
                found=repr(params),
                expected="JSON-able keyword arguments (numbers, strings, lists, mappings)",
            ) from None
        if estimator is None and params:
            raise DriftwiseError.for_field(
                "estimator_params",
                where=where,
                found=repr(params),
                expected="nothing without an estimator (the default SGD model takes alpha, "
                "max_iter, eta0)",
            )
        self.estimator = estimator
        self.estimator_params = params
        # Resolved now so that a wrong path fails here, not at the first fit.
        self._factory = None if estimator is None else import_path(estimator, where=where)
        self.alpha = alpha
        self.max_iter = max_iter
        self.epochs = epochs
        self.eta0 = eta0
        self.extra_iterations = extra_iterations

    # -- building blocks -------------------------------------------------------------------------

    def _split_kinds(self, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
        if self.categorical is not None:
            cats = [f for f in self.features if f in self.categorical]
        else:
            cats = [f for f in self.features if not pd.api.types.is_numeric_dtype(frame[f])]
        return cats, [f for f in self.features if f not in cats]

    def _estimator(self) -> Any:
        """A fresh, unfitted final estimator (or the user's whole pipeline)."""
        if self._factory is None:
            from sklearn.linear_model import SGDClassifier

            return SGDClassifier(
                loss="log_loss",
                alpha=self.alpha,
                max_iter=self.max_iter,
                tol=None,
                random_state=self.seed,
            )
        est = self._factory(**self.estimator_params)
        if not hasattr(est, "fit") or not hasattr(est, "get_params"):
            raise DriftwiseError.for_field(
                "estimator",
                where="SklearnAdapter",
                found=f"{self.estimator!r}, which made a {type(est).__name__}",
                expected="a scikit-learn classifier or pipeline",
            )
        if "random_state" in est.get_params(deep=False) and (
            "random_state" not in self.estimator_params
        ):
            est.set_params(random_state=self.seed)
        return est

    def template(self, frame: pd.DataFrame) -> Any:
        """The unfitted pipeline for the columns of ``frame`` (a scikit-learn ``Pipeline``).

        >>> import pandas as pd
        >>> t = SklearnAdapter(["r", "x"], "y").template(pd.DataFrame({"r": ["a"], "x": [1.0]}))
        >>> [name for name, _ in t.steps]
        ['prep', 'model']
        """
        from sklearn.compose import ColumnTransformer
        from sklearn.pipeline import Pipeline, make_pipeline
        from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

        estimator = self._estimator()
        if isinstance(estimator, Pipeline):
            return estimator
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
        return Pipeline([("prep", ColumnTransformer(parts)), ("model", estimator)])

    @property
    def strategy(self) -> Strategy:
        """How :meth:`fine_tune` adapts a model: ``partial_fit``, ``warm_start`` or ``refit``.

        >>> SklearnAdapter(["x"], "y").strategy
        'partial_fit'
        >>> SklearnAdapter(["x"], "y", estimator="sklearn.ensemble.RandomForestClassifier").strategy
        'warm_start'
        >>> SklearnAdapter(["x"], "y", estimator="sklearn.svm.SVC").strategy
        'refit'
        """
        if self._factory is None:
            return "partial_fit"
        return _strategy(_final(self._estimator()))

    @property
    def fine_tune_method(self) -> str:
        """The fine-tune in plain words.

        >>> SklearnAdapter(["x"], "y").fine_tune_method
        'partial_fit: 5 shuffled epochs at a constant learning rate of 0.01 on the new rows + 30%
        replay, preprocessing frozen'
        """
        replay = f"the new rows + {self.replay_share:.0%} replay"
        strategy = self.strategy
        if strategy == "partial_fit":
            rate = f" at a constant learning rate of {self.eta0:g}" if self._factory is None else ""
            return (
                f"partial_fit: {self.epochs} shuffled epochs{rate} on {replay}, preprocessing "
                "frozen"
            )
        if strategy == "warm_start":
            hist = "max_iter" in _final(self._estimator()).get_params(deep=False)
            what = "boosting iterations (bin edges re-learned on those rows)" if hist else "trees"
            return (
                f"warm start: {self.extra_iterations} more {what} fitted on {replay}, existing "
                "trees and preprocessing kept"
            )
        return (
            f"fallback, a retrain: the estimator has neither partial_fit nor warm_start, so a "
            f"fresh pipeline is fitted on {replay}"
        )

    # -- the verbs -------------------------------------------------------------------------------

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
        """Adapt a deep copy of ``model`` to the labelled rows of ``frame`` (see the module doc).

        The training rows are the new rows plus ``replay_share * len(new rows)`` rows sampled
        (seeded, without replacement when possible) from the labelled rows of ``replay``.
        ``model`` itself is not modified; for the default model the copy's classifier keeps
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
        where = "SklearnAdapter.fine_tune"
        rows = self._labelled(frame, where)
        rng = np.random.default_rng(self.seed)
        rows = self._blend(rows, replay, rng, where)
        strategy = _strategy(_final(model))
        if strategy == "refit":
            return self.fit(rows)
        tuned = copy.deepcopy(model)
        estimator = _final(tuned)
        x: Any = rows[list(self.features)]
        if estimator is not tuned and len(tuned.steps) > 1:
            x = tuned[:-1].transform(x)
        y = self._labels(rows)
        if strategy == "warm_start":
            count = "max_iter" if "max_iter" in estimator.get_params() else "n_estimators"
            done = int(getattr(estimator, "n_iter_", None) or len(estimator.estimators_))
            estimator.set_params(warm_start=True, **{count: done + self.extra_iterations})
            estimator.fit(x, y)
            return tuned
        if self._factory is None:
            estimator.set_params(learning_rate="constant", eta0=self.eta0)
        for _ in range(self.epochs):
            order = rng.permutation(len(y))
            part = x.iloc[order] if isinstance(x, pd.DataFrame) else x[order]
            estimator.partial_fit(part, y[order], classes=estimator.classes_)
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
        self._check_columns(frame, "SklearnAdapter.predict")
        out: NDArray[Any] = np.asarray(model.predict(frame[list(self.features)]))
        return out

    def predict_proba(self, model: Any, frame: pd.DataFrame) -> NDArray[np.float64]:
        """The probability of the positive class (the larger label) for every row, 1-D.

        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> import numpy as np
        >>> rows = simulate(300, Regime(), np.random.default_rng(0))
        >>> adapter = SklearnAdapter(FEATURES, TARGET)
        >>> p = adapter.predict_proba(adapter.fit(rows), rows)
        >>> p.shape, bool(((p >= 0) & (p <= 1)).all())
        ((300,), True)
        """
        self._check_columns(frame, "SklearnAdapter.predict_proba")
        proba = model.predict_proba(frame[list(self.features)])
        out: NDArray[np.float64] = np.asarray(proba[:, 1], dtype=np.float64)
        return out

    def dumps(self, model: Any) -> bytes:
        """The model as skops bytes (no pickle).

        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> import numpy as np
        >>> rows = simulate(300, Regime(), np.random.default_rng(0))
        >>> adapter = SklearnAdapter(FEATURES, TARGET)
        >>> model = adapter.fit(rows)
        >>> again = adapter.loads(adapter.dumps(model))
        >>> bool((adapter.predict(again, rows) == adapter.predict(model, rows)).all())
        True
        """
        require_extra("skops", kind=self.kind, extra="sklearn", where="SklearnAdapter.dumps")
        import skops.io

        out: bytes = skops.io.dumps(model)
        return out

    def loads(self, blob: bytes) -> Any:
        """Read a model written by :meth:`dumps`, trusting only scikit-learn's own types.

        >>> SklearnAdapter(["x"], "y").loads(b"not a zip")
        Traceback (most recent call last):
        ...
        driftwise.errors.DriftwiseError: SklearnAdapter.loads: field 'blob': found bytes that are
        not a skops file; expected the bytes written by SklearnAdapter.dumps().
        """
        where = "SklearnAdapter.loads"
        require_extra("skops", kind=self.kind, extra="sklearn", where=where)
        import zipfile

        import skops.io

        try:
            untrusted = list(skops.io.get_untrusted_types(data=blob))
        except (zipfile.BadZipFile, KeyError, ValueError):
            raise DriftwiseError.for_field(
                "blob",
                where=where,
                found="bytes that are not a skops file",
                expected="the bytes written by SklearnAdapter.dumps()",
            ) from None
        refused = [
            t for t in untrusted if t not in _TRUSTED_NAMES and not t.startswith(_TRUSTED_PREFIXES)
        ]
        if refused:
            raise DriftwiseError.for_field(
                "blob",
                where=where,
                found="types outside the allow-list: " + ", ".join(sorted(refused)),
                expected="only scikit-learn, numpy and scipy types",
                hint="The artifact will not be loaded.",
            )
        return skops.io.loads(blob, trusted=untrusted)

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able: ``make_adapter("sklearn", config)`` rebuilds it.

        >>> SklearnAdapter(["r", "x"], "y", interactions=[("r", "x")]).config()["interactions"]
        [['r', 'x']]
        """
        return {
            **self._base_config(),
            "interactions": [list(pair) for pair in self.interactions],
            "estimator": self.estimator,
            "estimator_params": dict(self.estimator_params),
            "alpha": self.alpha,
            "max_iter": self.max_iter,
            "epochs": self.epochs,
            "eta0": self.eta0,
            "extra_iterations": self.extra_iterations,
        }


def _final(model: Any) -> Any:
    """The last step of a pipeline, or the model itself."""
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def _strategy(estimator: Any) -> Strategy:
    if hasattr(estimator, "partial_fit"):
        return "partial_fit"
    params = estimator.get_params(deep=False) if hasattr(estimator, "get_params") else {}
    grows = "n_estimators" in params or type(estimator).__name__.startswith("HistGradient")
    return "warm_start" if "warm_start" in params and grows else "refit"
