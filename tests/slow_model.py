"""Functions for the callable adapter whose fine-tune can be made to hang (for the kill test).

With ``DRIFTWISE_TEST_SLOW_MARKER`` set to a path, :func:`fine_tune` creates that file and then
sleeps for a minute: the test waits for the file and kills the process mid-run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from test_adapters import fit_logistic, predict_logistic, proba_logistic

__all__ = ["fine_tune", "fit", "predict", "predict_proba"]


def fit(x: pd.DataFrame, y: np.ndarray) -> Any:
    return fit_logistic(x, y)


def predict(model: Any, x: pd.DataFrame) -> Any:
    return predict_logistic(model, x)


def predict_proba(model: Any, x: pd.DataFrame) -> Any:
    return proba_logistic(model, x)


def fine_tune(model: Any, x: pd.DataFrame, y: np.ndarray) -> Any:
    marker = os.environ.get("DRIFTWISE_TEST_SLOW_MARKER")
    if marker:
        Path(marker).write_text(str(os.getpid()))
        time.sleep(60)
    return fit_logistic(x, y)
