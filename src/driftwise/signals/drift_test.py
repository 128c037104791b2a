"""The outcome of one univariate drift test, before correction, and the settings it needs.

:class:`RawTest` holds what a test found (statistic, p-value, effect size, calibrated null);
:func:`~driftwise.signals.multitest.finish` corrects a family of them and turns each into its
:class:`~driftwise.signals.types.FeatureDrift` evidence (:meth:`RawTest.to_evidence`).
:class:`Skipped` says why something was not tested; :class:`Rules` carries ``policy.drift``
and ``policy.seed``.

>>> drift_id("categorical", "plan", "region=coast")
'drift:categorical:plan@region=coast'
>>> Rules().min_effect("numeric"), Rules().bins
(0.05, 2048)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from driftwise.policy.model import Policy
from driftwise.signals.calibrate import Null
from driftwise.signals.types import Distribution, FeatureDrift

__all__ = [
    "Kind",
    "RawTest",
    "Rows",
    "Rules",
    "Skipped",
    "common_fields",
    "drift_id",
    "skip",
    "threshold",
]

Kind = Literal["numeric", "categorical"]
Rows = NDArray[np.bool_] | NDArray[np.intp] | None  # a boolean mask or row positions; None = all


@dataclass(frozen=True)
class Skipped:
    """Something that was not tested, and why (for the caller to report)."""

    id: str
    reason: str


@dataclass(frozen=True)
class Rules:
    """The drift settings a test needs (from ``policy.drift`` and ``policy.seed``)."""

    min_effect_numeric: float = 0.05
    min_effect_categorical: float = 0.01
    min_rows: int = 30
    alpha: float = 0.05
    calibrate: bool = True
    binned_above: int = 100_000
    bins: int = 2048
    seed: int = 0

    @classmethod
    def of(cls, policy: Policy) -> Rules:
        """The rules of a policy."""
        d = policy.drift
        return cls(
            d.min_effect_numeric,
            d.min_effect_categorical,
            d.min_rows,
            d.alpha,
            d.calibrate,
            d.binned_above,
            d.bins,
            policy.seed,
        )

    def min_effect(self, kind: Kind) -> float:
        """The policy's minimum effect for a kind of column."""
        return self.min_effect_numeric if kind == "numeric" else self.min_effect_categorical


@dataclass(frozen=True)
class RawTest:
    """The outcome of one test before multiple-testing correction."""

    column: str
    role: str
    segment: str | None
    test: str
    statistic: float
    p_value: float
    effect_size: float
    effect_measure: str
    min_effect: float
    n_reference: int
    n_current: int
    missing_reference: float
    missing_current: float
    new_categories: tuple[tuple[str, float], ...] = ()
    new_categories_share: float = 0.0
    distribution: Distribution | None = None
    threshold: float = 0.0
    method: Literal["exact", "binned"] = "exact"
    statistics: dict[str, float] = field(default_factory=dict)
    null: Null | None = field(default=None, compare=False)  # calibration (not evidence)

    @property
    def id(self) -> str:
        """``drift:<role>:<column>``, with ``@<key>=<value>`` inside a segment."""
        return drift_id(self.role, self.column, self.segment)

    @property
    def practical(self) -> bool:
        """Is the effect at least the threshold (or, uncalibrated, the minimum) that matters?

        The threshold of a test judged alone; :meth:`to_evidence` judges it in its family.
        """
        return self.effect_size >= max(self.min_effect, self.threshold)

    def threshold_for(self, alpha: float, family: int) -> float:
        """The calibrated threshold when ``family`` tests are judged together: the null's
        ``1 - alpha / family`` quantile, at least ``min_effect`` (0 when not calibrated)."""
        if self.null is None:
            return self.threshold
        return max(self.min_effect, self.null.quantile(1.0 - alpha / max(family, 1)))

    def to_evidence(
        self,
        p_adjusted: float,
        alpha: float,
        correction: Literal["bh", "bonferroni", "none"],
        family: int = 1,
    ) -> FeatureDrift:
        """The final evidence, given the corrected p-value, the significance level and the
        number of tests judged together (see :mod:`driftwise.signals.calibrate`)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "null"}
        values["new_categories"] = dict(self.new_categories)
        values["statistics"] = dict(self.statistics)
        values["threshold"] = threshold = self.threshold_for(alpha, family)
        significant = p_adjusted < alpha
        practical = self.effect_size >= max(self.min_effect, threshold)
        return FeatureDrift(
            id=self.id,
            p_adjusted=p_adjusted,
            correction=correction,
            significant=significant,
            practical=practical,
            drifted=significant and practical,
            **values,
        )


def drift_id(role: str, column: str, segment: str | None = None) -> str:
    """The evidence id of a drift test.

    >>> drift_id("numeric", "price"), drift_id("numeric", "price", "region=coast")
    ('drift:numeric:price', 'drift:numeric:price@region=coast')
    """
    return f"drift:{role}:{column}" + (f"@{segment}" if segment else "")


def skip(role: str, column: str, segment: str | None, n1: int, n2: int, need: int) -> Skipped:
    reason = (
        f"{n1} non-missing reference and {n2} current values; at least {need} needed on each side"
    )
    return Skipped(drift_id(role, column, segment), reason)


def common_fields(
    column: str, role: str, segment: str | None, rules: Rules, kind: Kind, ref: Any, cur: Any
) -> dict[str, Any]:
    n1, n2 = int(ref[:-1].sum()), int(cur[:-1].sum())
    return {
        "column": column,
        "role": role,
        "segment": segment,
        "min_effect": rules.min_effect(kind),
        "n_reference": n1,
        "n_current": n2,
        "missing_reference": float(ref[-1]) / max(float(ref.sum()), 1.0),
        "missing_current": float(cur[-1]) / max(float(cur.sum()), 1.0),
    }


def threshold(
    rules: Rules, kind: Kind, null: RawTest | None, n1: int, n2: int, draw: Any
) -> tuple[float, Null | None]:
    """``(threshold of the test alone, its null)``: drawn, or carried from the whole-data
    test ``null`` to these sizes."""
    if not rules.calibrate:
        return 0.0, None
    if null is None or null.null is None:
        found: Null = draw()
    else:
        found = null.null.scaled(null.n_reference, null.n_current, n1, n2)
    return max(rules.min_effect(kind), found.quantile(1.0 - rules.alpha)), found
