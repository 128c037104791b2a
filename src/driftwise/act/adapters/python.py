"""An adapter around your own functions, for any model the other adapters do not cover.

You give the functions; the adapter does the shared work (column checks, skipping unlabelled
rows, the two-class check, the seeded replay sample) and calls them with plain inputs:

* ``fit(x, y) -> model``: ``x`` the feature columns of the labelled rows (a DataFrame), ``y`` the
  labels (a numpy array; integer-valued floats read as ints);
* ``predict(model, x) -> labels`` with the target's values;
* ``fine_tune(model, x, y) -> model`` (optional): gets a deep copy of the model, so it may
  update it in place. Without it, the documented fallback is a retrain: ``fit`` on the new rows
  plus the replay sample;
* ``predict_proba(model, x) -> probability of the positive class`` (optional; 1-D, or 2-D whose
  second column is taken);
* ``dumps(model) -> bytes`` and ``loads(bytes) -> model`` (optional). Without them the model is
  pickled. Unpickling runs code, which is acceptable here only because the registry checks the
  artifact's sha256 against the one it recorded before calling ``loads``: the bytes are those
  this adapter wrote.

Each function is a callable or an import path ``"package.module:function"``. The config stores
import paths, so that the adapter can be rebuilt: a callable given directly must be importable
(a module-level function); for a lambda or a nested function :meth:`CallableAdapter.config`
raises an error saying so.

>>> import numpy as np, pandas as pd
>>> from driftwise.act.adapters import CallableAdapter
>>> def fit_threshold(x, y):  # predicts 1 above the midpoint of the two class means
...     return float((x["v"][y == 0].mean() + x["v"][y == 1].mean()) / 2)
>>> def predict_threshold(cut, x):
...     return (x["v"].to_numpy() > cut).astype(np.int64)
>>> adapter = CallableAdapter(["v"], "y", fit=fit_threshold, predict=predict_threshold)
>>> rows = pd.DataFrame({"v": [0.0, 1.0, 2.0, 3.0], "y": [0, 0, 1, 1]})
>>> cut = adapter.fit(rows)
>>> cut, adapter.predict(cut, rows).tolist(), adapter.loads(adapter.dumps(cut))
(1.5, [0, 0, 1, 1], 1.5)
>>> adapter.config()
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: CallableAdapter.config: field 'fit': found fit_threshold,
which cannot be imported; expected a function importable as 'package.module:function', so that
the adapter can be rebuilt from its config.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.act.adapters.base import BaseAdapter
from driftwise.act.adapters.imports import import_path, path_of
from driftwise.errors import DriftwiseError

__all__ = ["CallableAdapter"]

Function = Callable[..., Any] | str
_NAMES = ("fit", "predict", "fine_tune", "predict_proba", "dumps", "loads")


class CallableAdapter(BaseAdapter):
    """Train, fine-tune and apply a model through functions you provide.

    Parameters
    ----------
    features, target, categorical, seed, replay_share
        As for every adapter (see :class:`~driftwise.act.adapters.base.BaseAdapter`);
        ``categorical`` is only recorded, your functions do their own encoding.
    fit, predict : callable or str
        Required functions (or their import paths); see the module doc for their signatures.
    fine_tune, predict_proba, dumps, loads : callable, str or None
        Optional functions; ``None`` takes the documented fallback.

    >>> CallableAdapter(["x"], "y", fit="json:nope", predict="json:dumps")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: CallableAdapter: field 'fit': found 'json:nope', which
    cannot be imported; expected an import path such as 'package.module:function' or
    'package.module.Class'.
    """

    kind: ClassVar[str] = "callable"

    def __init__(
        self,
        features: Sequence[str],
        target: str,
        *,
        fit: Function,
        predict: Function,
        fine_tune: Function | None = None,
        predict_proba: Function | None = None,
        dumps: Function | None = None,
        loads: Function | None = None,
        categorical: Sequence[str] | None = None,
        replay_share: float = 0.3,
        seed: int = 0,
    ) -> None:
        super().__init__(
            features, target, categorical=categorical, seed=seed, replay_share=replay_share
        )
        values = (fit, predict, fine_tune, predict_proba, dumps, loads)
        given = dict(zip(_NAMES, values, strict=True))
        self.functions: dict[str, Callable[..., Any] | None] = {}
        self._paths: dict[str, str] = {}
        for name, value in given.items():
            if isinstance(value, str):
                self._paths[name] = value
                value = import_path(value, where="CallableAdapter", field=name)
            if (
                value is None
                and name in ("fit", "predict")
                or not (value is None or callable(value))
            ):
                raise DriftwiseError.for_field(
                    name,
                    where="CallableAdapter",
                    found=repr(value),
                    expected="a function or an import path 'package.module:function'",
                )
            self.functions[name] = value

    def _call(self, name: str, *args: Any) -> Any:
        function = self.functions[name]
        if function is None:
            raise DriftwiseError.for_field(
                name,
                where=f"CallableAdapter.{name}",
                found="none",
                expected=f"a {name} function given to the adapter",
            )
        return function(*args)

    @property
    def fine_tune_method(self) -> str:
        """The fine-tune in plain words.

        >>> CallableAdapter(["x"], "y", fit="json:loads", predict="json:dumps").fine_tune_method
        'fallback, a retrain: fit on the new rows + 30% replay (no fine_tune function was given)'
        """
        replay = f"the new rows + {self.replay_share:.0%} replay"
        if self.functions["fine_tune"] is None:
            return f"fallback, a retrain: fit on {replay} (no fine_tune function was given)"
        name = getattr(self.functions["fine_tune"], "__qualname__", "fine_tune")
        return f"your function {name} on a copy of the model, with {replay}"

    def fit(self, frame: pd.DataFrame) -> Any:
        """Call your ``fit(x, y)`` on the labelled rows of ``frame``."""
        rows = self._labelled(frame, "CallableAdapter.fit")
        return self._call("fit", rows[list(self.features)], self._labels(rows))

    def fine_tune(self, model: Any, frame: pd.DataFrame, replay: pd.DataFrame | None = None) -> Any:
        """Call your ``fine_tune(copy of model, x, y)``, or ``fit(x, y)``, on new rows + replay."""
        where = "CallableAdapter.fine_tune"
        rows = self._labelled(frame, where)
        rows = self._blend(rows, replay, np.random.default_rng(self.seed), where)
        x, y = rows[list(self.features)], self._labels(rows)
        if self.functions["fine_tune"] is None:
            return self._call("fit", x, y)
        return self._call("fine_tune", copy.deepcopy(model), x, y)

    def _rows_out(self, name: str, model: Any, frame: pd.DataFrame) -> NDArray[Any]:
        where = f"CallableAdapter.{name}"
        self._check_columns(frame, where)
        out = np.asarray(self._call(name, model, frame[list(self.features)]))
        if name == "predict_proba" and out.ndim == 2 and out.shape[1] == 2:
            out = out[:, 1]
        if out.shape != (len(frame),):
            raise DriftwiseError.for_field(
                name,
                where=where,
                found=f"an output of shape {out.shape}",
                expected=f"one value per row, shape ({len(frame)},)",
            )
        return out

    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]:
        """Your ``predict(model, x)``, checked to give one label per row."""
        return self._rows_out("predict", model, frame)

    def predict_proba(self, model: Any, frame: pd.DataFrame) -> NDArray[np.float64]:
        """Your ``predict_proba(model, x)`` as a 1-D float array (positive class)."""
        out: NDArray[np.float64] = self._rows_out("predict_proba", model, frame).astype(np.float64)
        return out

    def dumps(self, model: Any) -> bytes:
        """Your ``dumps(model)``, or ``pickle.dumps`` (see the module doc)."""
        if self.functions["dumps"] is None:
            return pickle.dumps(model)
        return bytes(self._call("dumps", model))

    def loads(self, blob: bytes) -> Any:
        """Your ``loads(blob)``, or ``pickle.loads`` on bytes whose sha256 was checked."""
        if self.functions["loads"] is None:
            return pickle.loads(blob)
        return self._call("loads", blob)

    def config(self) -> dict[str, Any]:
        """The constructor's arguments with every function as its import path.

        >>> CallableAdapter(["x"], "y", fit="json:loads", predict="json:dumps").config()["fit"]
        'json:loads'
        """
        where = "CallableAdapter.config"
        functions = {
            name: self._paths.get(name) or path_of(value, where=where, field=name)
            for name, value in self.functions.items()
            if value is not None
        }
        return {**self._base_config(), **{name: functions.get(name) for name in _NAMES}}
