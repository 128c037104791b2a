"""Training adapters behind one protocol: scikit-learn, XGBoost, LightGBM, PyTorch, your functions.

Every adapter meets :class:`Adapter` (fit, fine-tune, predict, predict_proba, dumps, loads,
config); :func:`make_adapter` rebuilds one from its kind and config, as the registry stores them.
Importing this package imports none of the training libraries: each adapter imports its own
when it first trains, and says which ``pip install 'driftwise[...]'`` is missing.

>>> from driftwise.act.adapters import make_adapter
>>> adapter = make_adapter("xgboost", {"features": ["x"], "target": "y", "rounds": 20})
>>> make_adapter(adapter.kind, adapter.config()) == adapter
True
>>> make_adapter("xgbost", {"features": ["x"], "target": "y"})
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: make_adapter: field 'adapter': found 'xgbost'; expected one of
sklearn, xgboost, lightgbm, torch, callable (did you mean 'xgboost'?).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from driftwise.act.adapters.base import ADAPTER_KINDS, Adapter, BaseAdapter, require_extra
from driftwise.act.adapters.encoding import Encoding
from driftwise.act.adapters.lgbm import LightGBMAdapter, LightGBMModel
from driftwise.act.adapters.python import CallableAdapter
from driftwise.act.adapters.skl import SklearnAdapter
from driftwise.act.adapters.torch_nn import TorchAdapter, TorchModel
from driftwise.act.adapters.xgb import XGBoostAdapter, XGBoostModel
from driftwise.errors import DriftwiseError

__all__ = [
    "ADAPTER_KINDS",
    "Adapter",
    "BaseAdapter",
    "CallableAdapter",
    "Encoding",
    "LightGBMAdapter",
    "LightGBMModel",
    "SklearnAdapter",
    "TorchAdapter",
    "TorchModel",
    "XGBoostAdapter",
    "XGBoostModel",
    "make_adapter",
    "require_extra",
]

_CLASSES: dict[str, tuple[str, str]] = {
    "sklearn": ("driftwise.act.adapters.skl", "SklearnAdapter"),
    "xgboost": ("driftwise.act.adapters.xgb", "XGBoostAdapter"),
    "lightgbm": ("driftwise.act.adapters.lgbm", "LightGBMAdapter"),
    "torch": ("driftwise.act.adapters.torch_nn", "TorchAdapter"),
    "callable": ("driftwise.act.adapters.python", "CallableAdapter"),
}


def make_adapter(kind: str, config: Mapping[str, Any]) -> Adapter:
    """Build the adapter of ``kind`` from ``config`` (the keyword arguments of its constructor).

    Unknown keys are refused by name, as are missing required ones.

    >>> make_adapter("lightgbm", {"features": ["x"], "target": "y", "rouns": 5})
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: make_adapter(lightgbm): field 'rouns': found an unknown key;
    expected one of features, target, categorical, rounds, learning_rate, num_leaves,
    min_data_in_leaf, fine_tune_rounds, fine_tune_learning_rate, threads, replay_share, seed
    (did you mean 'rounds'?).
    """
    if kind not in _CLASSES:
        raise DriftwiseError.for_field(
            "adapter",
            where="make_adapter",
            found=repr(kind),
            expected="one of " + ", ".join(ADAPTER_KINDS),
        ).with_near(str(kind), ADAPTER_KINDS)
    where = f"make_adapter({kind})"
    if not isinstance(config, Mapping):
        raise DriftwiseError.for_field(
            "config", where=where, found=type(config).__name__, expected="a mapping of parameters"
        )
    module, name = _CLASSES[kind]
    cls = getattr(importlib.import_module(module), name)
    params = [p for p in inspect.signature(cls).parameters.values() if p.name != "self"]
    names = [p.name for p in params]
    for key in config:
        if key not in names:
            raise DriftwiseError.for_field(
                str(key),
                where=where,
                found="an unknown key",
                expected="one of " + ", ".join(names),
                options=names,
            )
    for p in params:
        if p.default is inspect.Parameter.empty and p.name not in config:
            raise DriftwiseError.for_field(
                p.name, where=where, found="nothing", expected="a value (it is required)"
            )
    adapter: Adapter = cls(**config)
    return adapter
