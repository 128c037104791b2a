"""Validate a challenger against the champion before it is promoted.

Three gates, all must pass:

* **gain**: on held-out *recent* rows the challenger is more accurate than the champion, and the
  paired bootstrap interval of the difference (challenger minus champion) has its lower bound
  above ``-tolerance``. With the default ``tolerance=0`` the interval must exclude zero: the
  gain is unlikely to be luck of the holdout.
* **forgetting**: on held-out *reference* rows (the regime the champion was built for) the
  challenger's accuracy is not more than ``max_reference_drop`` below the champion's. When no
  reference rows are given (the old regime is gone, as after a global shift) the gate is
  recorded as not applied and passes.
* **fairness**: per sensitive group, on the same held-out rows, no group's metric worsens and no
  between-group gap grows by more than ``fairness_tolerance``
  (:func:`driftwise.act.gates.fairness_gate`). Without sensitive columns the gate is recorded
  as not applied and passes.

The bootstrap is paired: each resample draws rows with replacement and compares both models on
the same rows, so the interval reflects the correlation of their errors. Each row contributes
``d = correct(challenger) - correct(champion)``, which is -1, 0 or 1; resampling ``n`` rows with
replacement is the same as drawing the counts of those three values from a multinomial, which
is how it is computed (exact, and fast for any ``n``). The interval is the percentile interval.

>>> import numpy as np, pandas as pd
>>> from driftwise.act.validate import validate
>>> class Column:  # a "model" that reads its prediction from a column
...     target = "y"
...     def predict(self, model, frame):
...         return frame[model].to_numpy()
>>> rng = np.random.default_rng(0)
>>> y = rng.integers(0, 2, 1000)
>>> recent = pd.DataFrame({"y": y, "old": np.where(rng.random(1000) < 0.7, y, 1 - y),
...                        "new": np.where(rng.random(1000) < 0.9, y, 1 - y)})
>>> v = validate("old", "new", recent, None, adapter=Column(), seed=0)
>>> v.promote, round(v.challenger_recent - v.champion_recent, 3)
(True, 0.203)
>>> print(v.gates[1].text)
Forgetting not checked: no held-out reference rows were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from driftwise.act.gates import DEFAULT_METRICS, Gate, fairness_gate
from driftwise.act.groups import GapComparison, GroupComparison
from driftwise.errors import DriftwiseError
from driftwise.policy.model import FairnessMetric, ValidationPolicy
from driftwise.signals.types import Interval

__all__ = [
    "Gate",
    "Predictor",
    "Validation",
    "paired_bootstrap",
    "validate",
    "validate_with_policy",
]


class Predictor(Protocol):
    """What validation needs from an adapter: the label column and a way to predict.

    :class:`~driftwise.act.sklearn.SklearnAdapter` is one.

    >>> from driftwise.act.sklearn import SklearnAdapter
    >>> adapter: Predictor = SklearnAdapter(["x"], "y")
    >>> adapter.target
    'y'
    """

    @property
    def target(self) -> str: ...

    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]: ...


class Validation(BaseModel):
    """The outcome of :func:`validate`: the figures, the gates and the verdict.

    >>> from driftwise.signals.types import Interval
    >>> v = Validation(promote=False, champion_recent=0.8, challenger_recent=0.8,
    ...                difference=Interval(value=0.0, low=-0.01, high=0.01, n=100, method="x"),
    ...                n_recent=100, gates=(Gate(name="gain", passed=False, text="No gain."),))
    >>> v.reasons
    ('No gain.',)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    promote: bool
    metric: Literal["accuracy"] = "accuracy"
    champion_recent: float
    challenger_recent: float
    difference: Interval  # challenger minus champion on the recent holdout
    champion_reference: float | None = None
    challenger_reference: float | None = None
    n_recent: int
    n_reference: int = 0
    gates: tuple[Gate, ...]
    groups: tuple[GroupComparison, ...] = ()  # per sensitive group (fairness gate)
    gaps: tuple[GapComparison, ...] = ()  # between-group gaps (fairness gate)

    @property
    def reasons(self) -> tuple[str, ...]:
        """The gates' explanations, failed gates first."""
        return tuple(g.text for g in sorted(self.gates, key=lambda g: g.passed))


def paired_bootstrap(
    champion_correct: NDArray[np.bool_],
    challenger_correct: NDArray[np.bool_],
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap interval of the accuracy difference, challenger minus champion.

    >>> import numpy as np
    >>> a = np.array([True] * 70 + [False] * 30)
    >>> b = np.array([True] * 85 + [False] * 15)
    >>> iv = paired_bootstrap(a, b, seed=0)
    >>> round(iv.value, 2), iv.low > 0, iv.method
    (0.15, True, 'paired percentile bootstrap (1000 resamples)')
    """
    a = np.asarray(champion_correct, dtype=bool)
    b = np.asarray(challenger_correct, dtype=bool)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise DriftwiseError.for_field(
            "challenger_correct",
            where="paired_bootstrap",
            found=f"shapes {a.shape} and {b.shape}",
            expected="two one-dimensional arrays of the same non-zero length",
        )
    if n_resamples < 100 or not 0 < level < 1:
        raise DriftwiseError.for_field(
            "n_resamples" if n_resamples < 100 else "level",
            where="paired_bootstrap",
            found=str(n_resamples if n_resamples < 100 else level),
            expected="at least 100 resamples and a level in (0, 1)",
        )
    d = b.astype(np.int64) - a.astype(np.int64)
    n = d.size
    shares = np.array([np.mean(d == -1), np.mean(d == 0), np.mean(d == 1)])
    counts = np.random.default_rng(seed).multinomial(n, shares, size=n_resamples)
    means = (counts[:, 2] - counts[:, 0]) / n
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Interval(
        value=float(d.mean()),
        low=float(low),
        high=float(high),
        n=n,
        level=level,
        method=f"paired percentile bootstrap ({n_resamples} resamples)",
    )


def _correct(adapter: Predictor, model: Any, rows: pd.DataFrame) -> NDArray[np.bool_]:
    labels = rows[adapter.target].to_numpy()
    out: NDArray[np.bool_] = labels == np.asarray(adapter.predict(model, rows))
    return out


def _labelled(frame: pd.DataFrame, target: str, name: str) -> pd.DataFrame:
    if target not in frame.columns:
        raise DriftwiseError.for_column(
            target,
            where=f"validate({name})",
            found="no such column",
            expected="the label column",
            options=[str(c) for c in frame.columns],
        )
    return frame[frame[target].notna()]


def validate(
    champion: Any,
    challenger: Any,
    recent_holdout: pd.DataFrame,
    reference_holdout: pd.DataFrame | None = None,
    *,
    adapter: Predictor,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    tolerance: float = 0.0,
    max_reference_drop: float = 0.02,
    sensitive: Sequence[str] = (),
    fairness_metrics: Sequence[FairnessMetric] = DEFAULT_METRICS,
    fairness_tolerance: float = 0.05,
    min_group_rows: int = 30,
    positive_label: str | None = None,
) -> Validation:
    """Compare ``challenger`` with ``champion`` on held-out rows and decide on promotion.

    Parameters
    ----------
    champion, challenger : model
        Whatever ``adapter.predict`` accepts.
    recent_holdout : DataFrame
        Held-out rows of the new regime; only labelled rows are used.
    reference_holdout : DataFrame or None
        Held-out rows of the regime the champion was built for (``None``: gate not applied).
    adapter : Predictor
        Supplies ``target`` and ``predict(model, frame)``.
    n_resamples, level, seed
        The paired bootstrap of the recent-holdout difference.
    tolerance : float
        The gain gate passes when the difference is positive and the interval's lower bound is
        above ``-tolerance``; 0 asks for an interval that excludes zero.
    max_reference_drop : float
        Largest accepted fall of accuracy on the reference holdout (absolute).
    sensitive : sequence of str
        Sensitive columns of the holdouts; empty: the fairness gate is not applied.
    fairness_metrics, fairness_tolerance, min_group_rows, positive_label
        The fairness gate (see :func:`driftwise.act.gates.fairness_gate`); its per-group
        figures are returned in ``groups`` and ``gaps``.

    >>> import numpy as np, pandas as pd
    >>> class Column:
    ...     target = "y"
    ...     def predict(self, model, frame):
    ...         return frame[model].to_numpy()
    >>> y = np.tile([0, 1], 300)
    >>> recent = pd.DataFrame({"y": y, "old": np.where(np.arange(600) < 200, 1 - y, y), "new": y})
    >>> forgetful = np.where(np.arange(600) < 60, 1 - y, y)
    >>> reference = pd.DataFrame({"y": y, "old": y, "new": forgetful})
    >>> v = validate("old", "new", recent, reference, adapter=Column())
    >>> v.promote
    False
    >>> print(v.reasons[0])
    The challenger forgets the reference regime: on 600 held-out reference rows its accuracy
    falls from 1.000 to 0.900 (a drop of 0.100, more than the 0.020 allowed).
    """
    where = "validate"
    if tolerance < 0 or max_reference_drop < 0:
        bad = "tolerance" if tolerance < 0 else "max_reference_drop"
        value = tolerance if tolerance < 0 else max_reference_drop
        raise DriftwiseError.for_field(bad, where=where, found=str(value), expected="a number >= 0")
    target = adapter.target
    recent = _labelled(recent_holdout, target, "recent_holdout")
    if recent.empty:
        raise DriftwiseError.for_column(
            target,
            where=f"{where}(recent_holdout)",
            found="no labelled rows",
            expected="held-out recent rows with labels",
        )
    a = _correct(adapter, champion, recent)
    b = _correct(adapter, challenger, recent)
    diff = paired_bootstrap(a, b, n_resamples=n_resamples, level=level, seed=seed)
    pct = round(100 * level)
    span = f"{pct}% interval {diff.low:+.3f} to {diff.high:+.3f}"
    acc_a, acc_b = float(a.mean()), float(b.mean())
    gain_ok = diff.value > 0 and diff.low > -tolerance
    if gain_ok:
        gain_text = (
            f"The challenger is more accurate on {diff.n} held-out recent rows: {acc_b:.3f} "
            f"against {acc_a:.3f} ({diff.value:+.3f}, {span})."
        )
    else:
        gain_text = (
            f"The challenger is not reliably more accurate on {diff.n} held-out recent rows: "
            f"{acc_b:.3f} against {acc_a:.3f} ({diff.value:+.3f}, {span}; a promotion needs a "
            f"positive difference whose lower bound is above {0.0 - tolerance:+.3f})."
        )
    gates = [Gate(name="gain", passed=gain_ok, text=gain_text)]

    ref_a = ref_b = None
    n_ref = 0
    reference = (
        None
        if reference_holdout is None
        else _labelled(reference_holdout, target, "reference_holdout")
    )
    if reference is None or reference.empty:
        gates.append(
            Gate(
                name="forgetting",
                passed=True,
                text="Forgetting not checked: no held-out reference rows were given.",
            )
        )
    else:
        n_ref = len(reference)
        ref_a = float(_correct(adapter, champion, reference).mean())
        ref_b = float(_correct(adapter, challenger, reference).mean())
        drop = ref_a - ref_b
        kept = drop <= max_reference_drop
        if kept:
            text = (
                f"The challenger keeps the reference regime: on {n_ref} held-out reference rows "
                f"its accuracy is {ref_b:.3f} against the champion's {ref_a:.3f} "
                f"({round(ref_b - ref_a, 3) + 0.0:+.3f}; a drop of up to "
                f"{max_reference_drop:.3f} is allowed)."
            )
        else:
            text = (
                f"The challenger forgets the reference regime: on {n_ref} held-out reference "
                f"rows its accuracy falls from {ref_a:.3f} to {ref_b:.3f} (a drop of "
                f"{drop:.3f}, more than the {max_reference_drop:.3f} allowed)."
            )
        gates.append(Gate(name="forgetting", passed=kept, text=text))

    fair = fairness_gate(
        champion,
        challenger,
        recent,
        reference,
        adapter=adapter,
        sensitive=sensitive,
        metrics=fairness_metrics,
        tolerance=fairness_tolerance,
        min_group_rows=min_group_rows,
        positive_label=positive_label,
    )
    gates.append(fair.gate)
    return Validation(
        promote=all(g.passed for g in gates),
        champion_recent=acc_a,
        challenger_recent=acc_b,
        difference=diff,
        champion_reference=ref_a,
        challenger_reference=ref_b,
        n_recent=diff.n,
        n_reference=n_ref,
        gates=tuple(gates),
        groups=fair.groups,
        gaps=fair.gaps,
    )


def validate_with_policy(
    champion: Any,
    challenger: Any,
    recent_holdout: pd.DataFrame,
    reference_holdout: pd.DataFrame | None = None,
    *,
    adapter: Predictor,
    policy: ValidationPolicy,
    sensitive: Sequence[str] = (),
    seed: int = 0,
    positive_label: str | None = None,
) -> Validation:
    """:func:`validate` with its settings read from the policy's ``validation`` section.

    ``resamples``, ``level``, ``gain_tolerance``, ``max_reference_drop``, ``fairness_metrics``,
    ``fairness_tolerance`` and ``min_group_rows`` are used; ``holdout_share`` and the base-bias
    settings are for the caller (splitting the data, :func:`driftwise.act.gates.base_bias`).

    >>> import pandas as pd
    >>> from driftwise.policy.model import ValidationPolicy
    >>> class Column:
    ...     target = "y"
    ...     def predict(self, model, frame):
    ...         return frame[model].to_numpy()
    >>> df = pd.DataFrame({"y": [0, 1] * 100, "old": [0] * 200, "new": [0, 1] * 100})
    >>> v = validate_with_policy("old", "new", df, adapter=Column(), policy=ValidationPolicy())
    >>> v.promote, [g.name for g in v.gates]
    (True, ['gain', 'forgetting', 'fairness'])
    """
    return validate(
        champion,
        challenger,
        recent_holdout,
        reference_holdout,
        adapter=adapter,
        n_resamples=policy.resamples,
        level=policy.level,
        seed=seed,
        tolerance=policy.gain_tolerance,
        max_reference_drop=policy.max_reference_drop,
        sensitive=sensitive,
        fairness_metrics=policy.fairness_metrics,
        fairness_tolerance=policy.fairness_tolerance,
        min_group_rows=policy.min_group_rows,
        positive_label=positive_label,
    )
