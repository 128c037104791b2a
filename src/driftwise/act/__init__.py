"""Act: carry out a decision (fine-tune or retrain a model) and validate the result.

>>> from driftwise.act import SklearnAdapter, validate
>>> SklearnAdapter(["x"], "y").target
'y'
"""

from driftwise.act.sklearn import SklearnAdapter
from driftwise.act.validate import Gate, Predictor, Validation, paired_bootstrap, validate

__all__ = ["Gate", "Predictor", "SklearnAdapter", "Validation", "paired_bootstrap", "validate"]
