"""Numeric drift tests: exact from sorted samples, binned from reference-quantile histograms.

See :mod:`driftwise.signals.univariate` for the rule and ``docs/drift-tests.md`` for the paths
and their bounds. Whole-data tests come from :func:`numeric_exact` or :func:`numeric_binned`;
tests on parts of the rows (segments, complements) from :func:`numeric_rows`, vectorised over
the parts.

>>> import numpy as np
>>> _scale(np.array([0.1] * 10 + [0.1 + 1e-17]), np.array([0.0, 1.0]))  # float noise only
0.2434...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftwise.profile.pair import NumericPair
from driftwise.signals import calibrate
from driftwise.signals import statistics as st
from driftwise.signals.calibrate import Null
from driftwise.signals.distribution import binned_distribution, numeric_distribution
from driftwise.signals.drift_test import RawTest, Rules, Skipped, common_fields, skip, threshold

__all__ = ["AD_MAX_ROWS", "DECILES", "numeric_binned", "numeric_exact", "numeric_rows"]

FloatArray = NDArray[np.float64]
AD_MAX_ROWS = 10_000
DECILES = 10


def numeric_exact(pair: NumericPair, common: dict[str, Any], rules: Rules) -> RawTest:
    """The exact whole-data test of a column whose sorted values were kept."""
    assert pair.exact is not None
    ref, cur = pair.exact
    groups = st.tie_groups(ref, cur)
    d, w1, cvm, cvm_p = st.exact_summary(groups)
    scale = _scale(ref, cur)
    extra = {"ks": d, "wasserstein": w1, "cvm": cvm, "cvm_p_value": cvm_p}
    ad = st.anderson_darling(ref, cur) if max(ref.size, cur.size) <= AD_MAX_ROWS else None
    if ad is not None:
        extra["ad"], extra["ad_p_value"] = ad
    extra.update(_decile_distances(pair))
    h = pair.reference
    sums = h.sums[0, :-1] if h.sums is not None else np.zeros(h.counts.shape[1] - 1)
    scale_t = scale * h.bins.scale

    def draw() -> Null:
        return calibrate.null_wasserstein(
            h.counts[0, :-1], sums, scale_t, ref.size, cur.size,
            seed=rules.seed, column=pair.column,
        )  # fmt: skip

    limit, found = threshold(rules, "numeric", None, ref.size, cur.size, draw)
    extra["wasserstein_normed"] = w1 / scale
    return RawTest(
        test="ks",
        statistic=d,
        p_value=st.ks_p_value(d, ref.size, cur.size),
        effect_size=w1 / scale,
        effect_measure="wasserstein_normed",
        distribution=numeric_distribution(ref, cur, st.pooled_quantiles(groups, (0.005, 0.995))),
        threshold=limit,
        method="exact",
        statistics=extra,
        null=found,
        **common,
    )


def _scale(ref: FloatArray, cur: FloatArray) -> float:
    """The reference's standard deviation; pooled (or 1) when the reference is constant.

    >>> import numpy as np
    >>> _scale(np.array([0.1] * 10 + [0.1 + 1e-17]), np.array([0.0, 1.0]))  # float noise only
    0.2434...
    """
    std = float(np.std(ref))
    return _scale_from(std, float(np.mean(ref)), lambda: float(np.std(np.concatenate([ref, cur]))))


def _scale_from(std: float, mean: float, pooled: Any) -> float:
    # Rounding makes a constant column's std tiny but not zero (e.g. 1e-18): treat as zero.
    tiny = 1e-9 * (abs(mean) + 1e-300)
    if std > tiny:
        return std
    other = float(pooled())
    return other if other > tiny else 1.0


def _moments(counts: NDArray[Any], loc: FloatArray) -> tuple[float, float]:
    w = counts.astype(np.float64)
    n = max(float(w.sum()), 1.0)
    mean = float(w @ loc) / n
    return mean, float(np.sqrt(max(float(w @ loc**2) / n - mean**2, 0.0)))


def numeric_binned(
    pair: NumericPair,
    ref: NDArray[np.int64],
    cur: NDArray[np.int64],
    common: dict[str, Any],
    rules: Rules,
    null: RawTest | None,
    *,
    whole: bool,
) -> RawTest:
    """The binned test of one row of counts (the whole data when ``whole``, with the exact
    per-bin sums; otherwise each bin's values at its pooled mean)."""
    bins = pair.reference.bins
    cr, cc = ref[:-1], cur[:-1]
    n1, n2 = int(cr.sum()), int(cc.sum())
    loc = pair.locations
    if whole and pair.reference.sums is not None and pair.current.sums is not None:
        sr, sc = pair.reference.sums[0, :-1], pair.current.sums[0, :-1]
        std_t = float(pair.reference.std()[0])
        mean_t = float(sr.sum()) / max(n1, 1)
        pooled_t = float(pair.reference.merge(pair.current).std()[0])
    else:
        sr, sc = cr * loc, cc * loc
        mean_t, std_t = _moments(cr, loc)
        pooled_t = _moments(cr + cc, loc)[1]
    # The constant-reference rule in the column's units, then back to grid units.
    mean_x = bins.lo + (mean_t - 1.0) / bins.scale
    scale = _scale_from(std_t / bins.scale, mean_x, lambda: pooled_t / bins.scale)
    scale_t = scale * bins.scale
    d = st.ks_statistic(cr, cc)
    w1_t = st.wasserstein_binned(cr, cc, sr, sc, bins.grid_edges)
    effect = w1_t / scale_t
    extra: dict[str, float] = {}
    if whole:
        cvm, cvm_p = st.cramer_von_mises(cr, cc)
        mass = max(float(cr.max()) / max(n1, 1), float(cc.max()) / max(n2, 1))
        extra = {"ks": d, "wasserstein": w1_t / bins.scale, "wasserstein_normed": effect}
        extra |= {"cvm": cvm, "cvm_p_value": cvm_p, "max_bin_mass": mass}
        extra.update(_decile_distances(pair))

    def draw() -> Null:
        return calibrate.null_wasserstein(
            cr, sr, scale_t, n1, n2, seed=rules.seed, column=pair.column
        )

    limit, found = threshold(rules, "numeric", null, n1, n2, draw)
    return RawTest(
        test="ks",
        statistic=d,
        p_value=st.ks_p_limit(d, n1, n2),
        effect_size=effect,
        effect_measure="wasserstein_normed",
        distribution=binned_distribution(pair.reference, pair.current) if whole else None,
        threshold=limit,
        method="binned",
        statistics=extra,
        null=found,
        **common,
    )


def _decile_distances(pair: NumericPair) -> dict[str, float]:
    """PSI, Jensen-Shannon and Hellinger on the fine bins merged into reference deciles."""
    ref = pair.reference.counts[0, :-1].astype(np.float64)
    cur = pair.current.counts[0, :-1].astype(np.float64)
    share = np.cumsum(ref) / max(ref.sum(), 1.0)
    group = np.clip(np.ceil(share * DECILES - 1e-9).astype(np.intp) - 1, 0, DECILES - 1)
    r = np.bincount(group, weights=ref, minlength=DECILES)
    c = np.bincount(group, weights=cur, minlength=DECILES)
    return {"psi": st.psi(r, c), "js": st.jensen_shannon(r, c), "hellinger": st.hellinger(r, c)}


def _row_statistics(
    pair: NumericPair, ref: NDArray[np.int64], cur: NDArray[np.int64]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(D, normed Wasserstein, scale in grid units)`` of each row (counts only)."""
    bins = pair.reference.bins
    loc = pair.locations
    cr = ref[:, :-1].astype(np.float64)
    cc = cur[:, :-1].astype(np.float64)
    d = st.ks_statistic_rows(cr, cc)
    w1 = st.wasserstein_binned_rows(cr, cc, cr * loc, cc * loc, bins.grid_edges)
    scale = np.empty(cr.shape[0])
    for row in range(cr.shape[0]):
        mean_t, std_t = _moments(cr[row], loc)
        pooled_t = _moments(cr[row] + cc[row], loc)[1]
        mean_x = bins.lo + (mean_t - 1.0) / bins.scale
        scale[row] = bins.scale * _scale_from(
            std_t / bins.scale, mean_x, lambda p=pooled_t: p / bins.scale
        )
    return d, w1 / scale, scale


def numeric_rows(
    pair: NumericPair,
    ref: NDArray[np.int64],
    cur: NDArray[np.int64],
    rules: Rules,
    *,
    role: str,
    segments: Sequence[str | None],
    null: RawTest | None,
) -> list[RawTest | Skipped]:
    """Binned tests of each row of counts (see
    :func:`~driftwise.signals.univariate.compare_rows`)."""
    n1s, n2s = ref[:, :-1].sum(axis=1), cur[:, :-1].sum(axis=1)
    need = max(rules.min_rows, 1)
    ok = np.flatnonzero((n1s >= need) & (n2s >= need))
    d_all, effect_all, scale_all = _row_statistics(pair, ref[ok], cur[ok])
    out: list[RawTest | Skipped] = []
    for i, segment in enumerate(segments):
        n1, n2 = int(n1s[i]), int(n2s[i])
        if n1 < need or n2 < need:
            out.append(skip(role, pair.column, segment, n1, n2, need))
            continue
        j = int(np.searchsorted(ok, i))
        d, scale_t = float(d_all[j]), float(scale_all[j])

        def draw(row: int = i, scale: float = scale_t) -> Null:
            cr = ref[row, :-1]
            return calibrate.null_wasserstein(
                cr, cr * pair.locations, scale, int(n1s[row]), int(n2s[row]),
                seed=rules.seed, column=pair.column,
            )  # fmt: skip

        limit, found = threshold(rules, "numeric", null, n1, n2, draw)
        out.append(
            RawTest(
                test="ks",
                statistic=d,
                p_value=st.ks_p_limit(d, n1, n2),
                effect_size=float(effect_all[j]),
                effect_measure="wasserstein_normed",
                threshold=limit,
                method="binned",
                null=found,
                **common_fields(pair.column, role, segment, rules, "numeric", ref[i], cur[i]),
            )
        )
    return out
