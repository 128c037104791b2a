"""Act: carry out a decision (fine-tune or retrain a model) and validate the result.

The training adapters (:mod:`driftwise.act.adapters`) share one protocol; none of their
libraries is imported until an adapter trains.

>>> from driftwise.act import SklearnAdapter, make_adapter, validate
>>> SklearnAdapter(["x"], "y").target
'y'
>>> make_adapter("torch", {"features": ["x"], "target": "y"}).kind
'torch'
"""

from driftwise.act.adapters import (
    ADAPTER_KINDS,
    Adapter,
    CallableAdapter,
    LightGBMAdapter,
    SklearnAdapter,
    TorchAdapter,
    XGBoostAdapter,
    make_adapter,
)
from driftwise.act.validate import Gate, Predictor, Validation, paired_bootstrap, validate

__all__ = [
    "ADAPTER_KINDS",
    "Adapter",
    "CallableAdapter",
    "Gate",
    "LightGBMAdapter",
    "Predictor",
    "SklearnAdapter",
    "TorchAdapter",
    "Validation",
    "XGBoostAdapter",
    "make_adapter",
    "paired_bootstrap",
    "validate",
]
