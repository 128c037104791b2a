"""Categorical drift tests: chi-square and total variation on category counts.

See :mod:`driftwise.signals.univariate` for the rule; the counts lose nothing, so these tests
are exact at every size.

>>> import numpy as np
>>> from driftwise.profile.encode import encode_pair
>>> from driftwise.profile.pair import categorical_pair
>>> from driftwise.signals.drift_test import Rules
>>> p = categorical_pair("plan", encode_pair(["a"] * 60 + ["b"] * 40, ["a"] * 40 + ["b"] * 60))
>>> t = categorical_test(p, p.reference.counts[0], p.current.counts[0], Rules(), role="categorical",
...                      segment=None, null=None, whole=True)
>>> t.test, round(t.effect_size, 2), round(t.statistics["g"], 2)
('chi2', 0.2, 8.05)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from driftwise.profile.pair import CategoricalPair
from driftwise.signals import calibrate
from driftwise.signals import statistics as st
from driftwise.signals.calibrate import Null
from driftwise.signals.distribution import categorical_distribution
from driftwise.signals.drift_test import RawTest, Rules, common_fields, threshold
from driftwise.signals.statistics import chi2_homogeneity

__all__ = ["MAX_NEW", "categorical_test"]

MAX_NEW = 20


def categorical_test(
    pair: CategoricalPair,
    ref: NDArray[np.int64],
    cur: NDArray[np.int64],
    rules: Rules,
    *,
    role: str,
    segment: str | None,
    null: RawTest | None,
    whole: bool,
    chi: tuple[float, float] | None = None,
) -> RawTest:
    """The test of one row of counts (categories, then missing). ``whole``: the whole-data
    test (with every statistic and the distribution); ``null``: the whole-data test whose null
    is rescaled (drawn afresh when ``None``); ``chi`` may pass the chi-square statistic and
    p-value when computed already."""
    common = common_fields(pair.column, role, segment, rules, "categorical", ref, cur)
    labels = pair.labels
    counts_ref, counts_cur = ref[:-1], cur[:-1]
    n1, n2 = int(counts_ref.sum()), int(counts_cur.sum())
    table = None
    if chi is None or whole:
        test = chi2_homogeneity(counts_ref, counts_cur)
        chi, table = (test.statistic, test.p_value), test.table
    tvd = st.total_variation(counts_ref, counts_cur)
    extra: dict[str, float] = {}
    new: tuple[tuple[str, float], ...] = ()
    new_share = 0.0
    if whole and table is not None:
        g, g_p = st.g_test(table)
        extra = {"chi2": chi[0], "g": g, "g_p_value": g_p, "tvd": tvd}
        extra |= {
            "psi": st.psi(counts_ref, counts_cur),
            "js": st.jensen_shannon(counts_ref, counts_cur),
            "hellinger": st.hellinger(counts_ref, counts_cur),
        }
    absent = np.flatnonzero((counts_ref == 0) & (counts_cur > 0))
    if absent.size:
        share_cur = counts_cur / max(n2, 1)
        new_share = round(float(share_cur[absent].sum()), 6)
        top = _ranked(counts_cur, labels, absent)[:MAX_NEW]
        new = tuple((labels[i], round(float(share_cur[i]), 6)) for i in top)

    def draw() -> Null:
        return calibrate.null_total_variation(
            counts_ref, n1, n2, seed=rules.seed, column=pair.column
        )

    limit, found = threshold(rules, "categorical", null, n1, n2, draw)
    dist = categorical_distribution(counts_ref, counts_cur, labels) if whole else None
    return RawTest(
        test="chi2",
        statistic=chi[0],
        p_value=chi[1],
        effect_size=tvd,
        effect_measure="total_variation",
        new_categories=new,
        new_categories_share=new_share,
        distribution=dist,
        threshold=limit,
        method="exact",
        statistics=extra,
        null=found,
        **common,
    )


def _ranked(
    counts: NDArray[np.integer], labels: tuple[str, ...], idx: NDArray[np.intp]
) -> NDArray[np.intp]:
    """``idx`` ordered by count (descending), then label."""
    names = np.array([labels[i] for i in idx], dtype=str)
    return idx[np.lexsort((names, -counts[idx]))]
