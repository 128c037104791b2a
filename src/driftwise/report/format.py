"""Number formats and evidence summaries shared by the text and HTML reports.

>>> format_p(3.2e-05), format_effect(0.23149), format_share(0.1234)
('3.2e-05', '0.231', '12.3%')
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from driftwise.decide.types import Decision
from driftwise.signals.types import FeatureDrift, Rescaling

__all__ = [
    "action_label",
    "by_effect",
    "correction_label",
    "drift_count_line",
    "effect_unit",
    "effect_with_threshold",
    "format_count",
    "format_effect",
    "format_p",
    "format_share",
    "format_value",
    "metric_format",
    "min_effect_label",
    "new_categories_label",
    "overall_drifts",
    "plain",
    "rescaling_label",
    "threshold_calibrated",
]


def action_label(action: str) -> str:
    """An action as people read it: capitals, spaces for underscores.

    >>> action_label("retrain"), action_label("no_action"), action_label("fine_tune")
    ('RETRAIN', 'NO ACTION', 'FINE TUNE')
    """
    return action.upper().replace("_", " ")


_UNITS = {"wasserstein_normed": "sd", "total_variation": "TV"}


def format_p(p: float) -> str:
    """A p-value: three decimals from 0.001 up, scientific below.

    >>> format_p(0.0321), format_p(3.2e-05), format_p(0.0), format_p(float("nan"))
    ('0.032', '3.2e-05', '<1e-300', 'n/a')
    """
    if not math.isfinite(p):
        return "n/a"
    if p <= 0:
        return "<1e-300"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def format_effect(x: float) -> str:
    """An effect size to three decimals.

    >>> format_effect(0.23149), format_effect(float("inf"))
    ('0.231', 'n/a')
    """
    return f"{x:.3f}" if math.isfinite(x) else "n/a"


def format_share(x: float) -> str:
    """A share as a percentage with one decimal; tiny non-zero shares as "<0.1%".

    >>> format_share(0.1234), format_share(0.0004), format_share(0.0)
    ('12.3%', '<0.1%', '0.0%')
    """
    if not math.isfinite(x):
        return "n/a"
    if 0 < x < 0.0005:
        return "<0.1%"
    return f"{x:.1%}"


def format_count(n: int) -> str:
    """A count with thousands separators.

    >>> format_count(12345)
    '12,345'
    """
    return f"{n:,}"


def effect_unit(measure: str) -> str:
    """The short unit of an effect measure: "sd" (Wasserstein / sd), "TV", or the name itself.

    >>> effect_unit("wasserstein_normed"), effect_unit("total_variation"), effect_unit("psi")
    ('sd', 'TV', 'psi')
    """
    return _UNITS.get(measure, measure)


def plain(text: str) -> str:
    r"""User text made safe for one terminal line: control characters become escapes.

    >>> plain("a\nb\tc")
    'a\\nb\\tc'
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def correction_label(drifts: Sequence[FeatureDrift]) -> str:
    """Name the multiple-testing correction recorded on the tests.

    >>> from driftwise.signals.types import FeatureDrift, Rescaling
    >>> def fd(c, how):
    ...     return FeatureDrift(id=c, column=c, role="numeric", test="ks", statistic=0.1,
    ...         p_value=0.01, p_adjusted=0.02, correction=how, effect_size=0.1,
    ...         effect_measure="wasserstein_normed", min_effect=0.05, n_reference=10,
    ...         n_current=10, significant=True, practical=True, drifted=True)
    >>> correction_label([fd("a", "bh"), fd("b", "bh")])
    'BH-corrected'
    >>> correction_label([fd("a", "bonferroni")]), correction_label([])
    ('Bonferroni-corrected', 'no tests')
    """
    names = {"bh": "BH-corrected", "bonferroni": "Bonferroni-corrected", "none": "uncorrected"}
    found = sorted({names[d.correction] for d in drifts})
    return " / ".join(found) if found else "no tests"


def min_effect_label(drifts: Sequence[FeatureDrift]) -> str:
    """The minimum effect sizes in force, per measure: "min effect 0.05 sd / 0.01 TV".

    >>> min_effect_label([])
    'no effect threshold'
    """
    by_unit: dict[str, set[float]] = {}
    for d in sorted(
        drifts, key=lambda d: (d.effect_measure != "wasserstein_normed", d.effect_measure)
    ):
        by_unit.setdefault(effect_unit(d.effect_measure), set()).add(d.min_effect)
    if not by_unit:
        return "no effect threshold"
    parts = [", ".join(f"{v:g}" for v in sorted(vals)) + f" {u}" for u, vals in by_unit.items()]
    return "min effect " + " / ".join(parts)


def overall_drifts(decision: Decision) -> list[FeatureDrift]:
    """Feature drift tests run on all rows (not inside one segment), in evidence order.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> overall_drifts(d)
    []
    """
    return [e for e in decision.evidence if isinstance(e, FeatureDrift) and e.segment is None]


def by_effect(drifts: Sequence[FeatureDrift]) -> list[FeatureDrift]:
    """Largest effect first; ties by column, then segment, so the order is stable.

    >>> from driftwise.signals.types import FeatureDrift, Rescaling
    >>> def fd(c, e):
    ...     return FeatureDrift(id=c, column=c, role="numeric", test="ks", statistic=0.1,
    ...         p_value=0.01, p_adjusted=0.01, effect_size=e, effect_measure="wasserstein_normed",
    ...         min_effect=0.05, n_reference=10, n_current=10, significant=True,
    ...         practical=True, drifted=True)
    >>> [d.column for d in by_effect([fd("b", 0.1), fd("a", 0.1), fd("c", 0.3)])]
    ['c', 'a', 'b']
    """

    def key(d: FeatureDrift) -> tuple[float, str, str]:
        effect = d.effect_size if math.isfinite(d.effect_size) else -math.inf
        return (-effect, d.column, d.segment or "")

    return sorted(drifts, key=key)


def drift_count_line(decision: Decision) -> str:
    """ "4 of 12 features drifted (BH-corrected, min effect 0.05 sd / 0.01 TV)".

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> drift_count_line(d)
    'No feature drift tests in the evidence.'
    """
    tests = [t for t in overall_drifts(decision) if t.role in ("numeric", "categorical", "text")]
    if not tests:
        return "No feature drift tests in the evidence."
    n_drifted = sum(d.drifted for d in tests)
    noun = "feature" if len(tests) == 1 else "features"
    line = f"{n_drifted} of {len(tests)} {noun} drifted"
    line += f" ({correction_label(tests)}, {min_effect_label(tests)})"
    untested = decision.summary.n_features - len(tests)
    if untested > 0:
        line += f"; {untested} not tested"
    return line


def metric_format(values: Sequence[float]) -> str:
    """A format spec for metric values of this size: three decimals below 10, fewer above.

    >>> metric_format([0.91, 0.87]), metric_format([123.4]), metric_format([12345.0])
    ('.3f', '.2f', ',.0f')
    """
    finite = [abs(v) for v in values if math.isfinite(v)]
    top = max(finite, default=0.0)
    return ".3f" if top < 10 else ".2f" if top < 1000 else ",.0f"


def new_categories_label(d: FeatureDrift) -> str:
    """The largest new categories with their current share, at most three named.

    >>> from driftwise.signals.types import FeatureDrift, Rescaling
    >>> d = FeatureDrift(id="c", column="c", role="categorical", test="chi2", statistic=9.0,
    ...     p_value=0.01, p_adjusted=0.01, effect_size=0.1, effect_measure="total_variation",
    ...     min_effect=0.01, n_reference=10, n_current=10, significant=True, practical=True,
    ...     drifted=True, new_categories={"w": 0.01, "x": 0.03, "y": 0.02, "z": 0.001})
    >>> new_categories_label(d)
    "'x' 3.0%, 'y' 2.0%, 'w' 1.0%, +1 more"
    """
    items = sorted(d.new_categories.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [f"'{k}' {format_share(v)}" for k, v in items[:3]]
    if len(items) > 3:
        shown.append(f"+{len(items) - 3} more")
    return ", ".join(shown)


def threshold_calibrated(d: FeatureDrift) -> bool:
    """True when the calibrated threshold is above the policy minimum (the null distribution of
    reference resampling at this sample size asked for more than the minimum effect).

    >>> from driftwise.signals.types import FeatureDrift, Rescaling
    >>> d = FeatureDrift(id="a", column="a", role="numeric", test="ks", statistic=0.1,
    ...     p_value=0.01, p_adjusted=0.01, effect_size=0.1, effect_measure="wasserstein_normed",
    ...     min_effect=0.05, n_reference=10, n_current=10, significant=True, practical=True,
    ...     drifted=True, threshold=0.08)
    >>> threshold_calibrated(d), threshold_calibrated(d.model_copy(update={"threshold": 0.05}))
    (True, False)
    """
    return d.threshold > d.min_effect


def effect_with_threshold(d: FeatureDrift) -> str:
    """ "0.412 sd", or "0.412 / 0.080 sd" when a threshold was recorded (effect / threshold).

    >>> from driftwise.signals.types import FeatureDrift, Rescaling
    >>> d = FeatureDrift(id="a", column="a", role="numeric", test="ks", statistic=0.1,
    ...     p_value=0.01, p_adjusted=0.01, effect_size=0.412, effect_measure="wasserstein_normed",
    ...     min_effect=0.05, n_reference=10, n_current=10, significant=True, practical=True,
    ...     drifted=True)
    >>> effect_with_threshold(d), effect_with_threshold(d.model_copy(update={"threshold": 0.08}))
    ('0.412 sd', '0.412 / 0.080 sd')
    """
    unit = effect_unit(d.effect_measure)
    if d.threshold <= 0:
        return f"{format_effect(d.effect_size)} {unit}"
    return f"{format_effect(d.effect_size)} / {format_effect(d.threshold)} {unit}"


def format_value(x: float) -> str:
    """A statistic of any size with three significant digits; "n/a" when not finite.

    >>> format_value(0.012345), format_value(1843.6), format_value(2.0), format_value(1e-7)
    ('0.0123', '1.84e+03', '2', '1e-07')
    """
    return f"{x:.3g}" if math.isfinite(x) else "n/a"


def _coefficient(x: float, decimals: int, small: float) -> str:
    return f"{x:.{decimals}f}" if x == 0 or abs(x) >= small else f"{x:.3g}"


def rescaling_label(r: Rescaling) -> str:
    """A unit or scale change in words: "temperature ~ 1.800 x reference + 32.0, R^2 0.999, ...".

    >>> from driftwise.signals.types import Rescaling
    >>> print(rescaling_label(Rescaling(column="temperature", slope=1.8, intercept=32.0,
    ...     r_squared=0.9991, consistent_across_segments=True)))
    temperature ~ 1.800 x reference + 32.0, R^2 0.999, same in every segment
    >>> print(rescaling_label(Rescaling(column="w", slope=0.001, intercept=-0.004,
    ...     r_squared=0.97, consistent_across_segments=False)))
    w ~ 0.001 x reference - 0.004, R^2 0.970, not the same in every segment
    """
    sign = "-" if r.intercept < 0 else "+"
    slope = _coefficient(r.slope, 3, 0.001)
    intercept = _coefficient(abs(r.intercept), 1, 1.0)
    where = (
        "same in every segment" if r.consistent_across_segments else "not the same in every segment"
    )
    return f"{r.column} ~ {slope} x reference {sign} {intercept}, R^2 {r.r_squared:.3f}, {where}"
