"""The contract every training adapter meets, and the plumbing they share.

An adapter knows how to train one kind of model on the columns of a DataFrame, how to adapt a
trained model to new rows, how to apply it, and how to turn it into bytes and back. The
orchestration (``driftwise act``) only ever talks to :class:`Adapter`; the concrete adapters
(scikit-learn, XGBoost, LightGBM, PyTorch, your own functions) share :class:`BaseAdapter` for
the checks and choices that must not differ between them:

* the constructor keywords ``features``, ``target``, ``categorical``, ``seed``, ``replay_share``,
  checked once, with the same messages;
* labelled rows: rows with a missing target are skipped, and exactly two classes are required
  (labels may be numbers or strings; integer-valued floats such as ``1.0`` are read as ints);
* replay: a fine-tune trains on the new rows plus ``replay_share`` times as many rows sampled,
  seeded, from the older rows it is given, which limits forgetting;
* missing libraries: :func:`require_extra` says which ``pip install 'driftwise[...]'`` is needed.

>>> from driftwise.act.adapters import Adapter, SklearnAdapter
>>> isinstance(SklearnAdapter(["x"], "y"), Adapter)
True
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.errors import DriftwiseError

__all__ = ["ADAPTER_KINDS", "Adapter", "BaseAdapter", "require_extra"]

ADAPTER_KINDS: tuple[str, ...] = ("sklearn", "xgboost", "lightgbm", "torch", "callable")


@runtime_checkable
class Adapter(Protocol):
    """What the orchestration needs from a training adapter (binary classifiers for now).

    ``fit`` retrains from scratch on the labelled rows of a frame; ``fine_tune`` adapts a copy of
    a trained model to new labelled rows (plus a replay sample of older ones) and never mutates
    the model it is given; ``predict`` returns class labels with the target's values and dtype;
    ``predict_proba`` the probability of the positive class (the larger label), 1-D;
    ``accuracy`` the share of the labelled rows of a frame classified correctly;
    ``dumps``/``loads`` turn a model into bytes and back (the registry verifies the sha256
    before ``loads``); ``config()`` is JSON-able and ``make_adapter(kind, config)`` rebuilds an
    equal adapter.

    >>> from driftwise.act.adapters import LightGBMAdapter
    >>> adapter: Adapter = LightGBMAdapter(["x"], "y")
    >>> adapter.kind, adapter.features
    ('lightgbm', ('x',))
    """

    kind: ClassVar[str]

    @property
    def features(self) -> tuple[str, ...]: ...

    @property
    def target(self) -> str: ...

    @property
    def fine_tune_method(self) -> str: ...

    def fit(self, frame: pd.DataFrame) -> Any: ...

    def fine_tune(
        self, model: Any, frame: pd.DataFrame, replay: pd.DataFrame | None = None
    ) -> Any: ...

    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]: ...

    def predict_proba(self, model: Any, frame: pd.DataFrame) -> NDArray[np.float64]: ...

    def accuracy(self, model: Any, frame: pd.DataFrame) -> float: ...

    def dumps(self, model: Any) -> bytes: ...

    def loads(self, blob: bytes) -> Any: ...

    def config(self) -> dict[str, Any]: ...


def require_extra(module: str, *, kind: str, extra: str, where: str) -> None:
    """Raise a :class:`DriftwiseError` with the install command when ``module`` is missing.

    Only looks the module up (nothing is imported), so it is cheap to call in a constructor.

    >>> require_extra("numpy", kind="demo", extra="demo", where="Demo")
    >>> require_extra("no_such_lib", kind="xgboost", extra="xgboost", where="XGBoostAdapter")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: XGBoostAdapter: field 'adapter': found 'xgboost', whose
    library 'no_such_lib' is not installed; expected an installed library. Install it: pip
    install 'driftwise[xgboost]'.
    """
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise DriftwiseError.for_field(
            "adapter",
            where=where,
            found=f"{kind!r}, whose library {module!r} is not installed",
            expected="an installed library",
            hint=f"Install it: pip install 'driftwise[{extra}]'.",
        )


class BaseAdapter(ABC):
    """Shared checks and plumbing of the concrete adapters; not an adapter by itself.

    Parameters
    ----------
    features : sequence of str
        The model's input columns.
    target : str
        The label column (two classes; rows with a missing label are skipped).
    categorical : sequence of str or None
        The categorical features; ``None`` takes every feature whose dtype is not numeric in the
        frame given to ``fit``.
    seed : int
        Seed of every random choice.
    replay_share : float
        Replay rows mixed into a fine-tune, as a share of the new rows (0: no replay).

    >>> from driftwise.act.adapters import SklearnAdapter
    >>> SklearnAdapter(["x"], "y", replay_share=-1)
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: SklearnAdapter: field 'replay_share': found -1; expected a
    share >= 0.
    """

    kind: ClassVar[str] = ""

    def __init__(
        self,
        features: Sequence[str],
        target: str,
        *,
        categorical: Sequence[str] | None = None,
        seed: int = 0,
        replay_share: float = 0.3,
    ) -> None:
        where = type(self).__name__
        if isinstance(features, str):
            features = [features]
        self.features: tuple[str, ...] = tuple(features)
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
        self.target: str = target
        self.categorical = None if categorical is None else tuple(categorical)
        self._check_names(self.categorical or ())
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise DriftwiseError.for_field(
                "seed", where=where, found=repr(seed), expected="an integer >= 0"
            )
        if not _is_number(replay_share) or replay_share < 0:
            raise DriftwiseError.for_field(
                "replay_share", where=where, found=str(replay_share), expected="a share >= 0"
            )
        self.seed = seed
        self.replay_share = float(replay_share)

    # -- checks shared by the constructors -------------------------------------------------------

    def _check_names(self, names: Sequence[str]) -> None:
        for name in names:
            if name not in self.features:
                raise DriftwiseError.for_column(
                    name,
                    where=type(self).__name__,
                    found="a column that is not among the features",
                    expected="one of " + ", ".join(self.features),
                    options=self.features,
                )

    def _check_positive(self, name: str, value: Any, *, integer: bool = False) -> None:
        ok = (isinstance(value, int) and not isinstance(value, bool)) if integer else True
        if not (ok and _is_number(value) and value > 0):
            raise DriftwiseError.for_field(
                name,
                where=type(self).__name__,
                found=str(value),
                expected="a positive integer" if integer else "a positive number",
            )

    # -- rows and labels ---------------------------------------------------------------------------

    def _check_columns(self, frame: pd.DataFrame, where: str, *, target: bool = False) -> None:
        wanted = (*self.features, self.target) if target else self.features
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise DriftwiseError.for_column(
                missing[0],
                where=where,
                found="no such column",
                expected="one of the frame's columns",
                options=[str(c) for c in frame.columns],
            )

    def _labelled(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        """The rows of ``frame`` that carry a label, after checking columns and classes."""
        self._check_columns(frame, where, target=True)
        rows = frame[frame[self.target].notna()]
        n = rows[self.target].nunique()
        if n != 2:
            raise DriftwiseError.for_column(
                self.target,
                where=where,
                found=f"{n} distinct label(s) in {len(rows)} rows",
                expected=(
                    "labelled rows of both classes"
                    if n < 2
                    else "labelled rows of exactly two classes (binary classification)"
                ),
            )
        return rows

    def _labels(self, rows: pd.DataFrame) -> NDArray[Any]:
        """The label values; integer-valued floats (``0.0``/``1.0``) are read as ints."""
        y = rows[self.target].to_numpy()
        if pd.api.types.is_float_dtype(rows[self.target]) and np.all(y == np.round(y)):
            return y.astype(np.int64)
        return y

    def _blend(
        self,
        rows: pd.DataFrame,
        replay: pd.DataFrame | None,
        rng: np.random.Generator,
        where: str,
    ) -> pd.DataFrame:
        """``rows`` plus ``replay_share * len(rows)`` labelled rows sampled from ``replay``.

        Sampled without replacement when ``replay`` has enough labelled rows.
        """
        if replay is None or self.replay_share <= 0:
            return rows
        pool = self._labelled(replay, f"{where}(replay)")
        k = round(self.replay_share * len(rows))
        pick = rng.choice(len(pool), size=k, replace=k > len(pool))
        return pd.concat([rows, pool.iloc[pick]], ignore_index=True)

    # -- shared verbs ------------------------------------------------------------------------------

    def _base_config(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "target": self.target,
            "categorical": None if self.categorical is None else list(self.categorical),
            "seed": self.seed,
            "replay_share": self.replay_share,
        }

    @abstractmethod
    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]:
        """The predicted class of every row of ``frame``; each concrete adapter defines it."""

    def accuracy(self, model: Any, frame: pd.DataFrame) -> float:
        """Share of the labelled rows of ``frame`` that ``model`` classifies correctly.

        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> from driftwise.act.adapters import SklearnAdapter
        >>> rows = simulate(300, Regime(), np.random.default_rng(0))
        >>> adapter = SklearnAdapter(FEATURES, TARGET)
        >>> 0.5 < adapter.accuracy(adapter.fit(rows), rows) <= 1.0
        True
        """
        where = f"{type(self).__name__}.accuracy"
        self._check_columns(frame, where, target=True)
        rows = frame[frame[self.target].notna()]
        if rows.empty:
            raise DriftwiseError.for_column(
                self.target,
                where=where,
                found="no labelled rows",
                expected="at least one row with a label",
            )
        return float(np.mean(self.predict(model, rows) == self._labels(rows)))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({shown})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)
