"""Reading batches and checking a current batch against its reference.

>>> import pandas as pd
>>> from driftwise.data import read_table
>>> read_table(pd.DataFrame({"a": [1, 2]})).shape
(2, 1)
"""

from driftwise.data.readers import SUPPORTED_EXTENSIONS, describe_source, read_table
from driftwise.data.validate import to_labels, validate_pair

__all__ = ["SUPPORTED_EXTENSIONS", "describe_source", "read_table", "to_labels", "validate_pair"]
