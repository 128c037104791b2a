"""Real datasets bundled with driftwise, for examples, tests and replays (no download).

- ``elec2``: the Electricity market stream (Harries, 1999), New South Wales, 45,312 half-hourly
  rows in time order, 6 normalised numeric features and a binary ``target`` (price went up).
- ``compas``: ProPublica's COMPAS two-year recidivism data (7,214 rows, names and identifiers
  removed), screening dates 2013-2014.

See the README's "Data" section for sources and licences.

>>> from driftwise.datasets import load
>>> df = load("elec2")
>>> df.shape
(45312, 7)
>>> load("compas").shape
(7214, 12)
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from driftwise.errors import DriftwiseError

__all__ = ["DATASETS", "load", "path"]

DATASETS = {"elec2": "elec2.csv.gz", "compas": "compas_two_years.csv.gz"}


def path(name: str) -> str:
    """The file path of a bundled dataset."""
    if name not in DATASETS:
        raise DriftwiseError.for_field(
            name,
            where="driftwise.datasets",
            found="no such dataset",
            expected="one of " + ", ".join(DATASETS),
            options=DATASETS,
        )
    return str(resources.files("driftwise.datasets").joinpath(DATASETS[name]))


def load(name: str) -> pd.DataFrame:
    """Load a bundled dataset as a pandas DataFrame."""
    return pd.read_csv(path(name))
