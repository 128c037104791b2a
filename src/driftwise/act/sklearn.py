"""The scikit-learn adapter, kept importable here: it lives in :mod:`driftwise.act.adapters.skl`.

>>> from driftwise.act.sklearn import SklearnAdapter
>>> SklearnAdapter(["x"], "y").kind
'sklearn'
"""

from driftwise.act.adapters.skl import SklearnAdapter, _products

__all__ = ["SklearnAdapter", "_products"]
