"""Profiles: mergeable per-column summaries that drift tests run from.

A numeric column is summarised by counts (and value sums) on bins cut at reference quantiles,
a categorical column by category counts. Summaries of chunks of the same column add up to the
summary of the whole, so a reference can be summarised once and reused, and big data can be
summarised in pieces.

>>> import numpy as np
>>> from driftwise.profile import reference_bins, NumericHistogram
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=10_000)
>>> bins = reference_bins(x, bins=64, seed=0)
>>> whole = NumericHistogram.of(bins, x)
>>> parts = NumericHistogram.of(bins, x[:4000]).merge(NumericHistogram.of(bins, x[4000:]))
>>> bool((parts.counts == whole.counts).all())
True
"""

from driftwise.profile.bins import Bins, reference_bins
from driftwise.profile.encode import Encoded, encode_pair
from driftwise.profile.histogram import CategoricalCounts, NumericHistogram

__all__ = [
    "Bins",
    "CategoricalCounts",
    "Encoded",
    "NumericHistogram",
    "encode_pair",
    "reference_bins",
]
