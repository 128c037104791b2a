"""The demo: a real scikit-learn model through a localized and a global shift, end to end.

:func:`run_demo` trains a champion on the reference period of the bundled scenario
(:mod:`driftwise.demo.scenario`), then for each production batch:

1. adds the champion's predictions to the batch (column ``prediction``);
2. asks :func:`driftwise.api.check` what to do, comparing the batch with the *reference*: the
   data the current champion was trained and validated on, with its predictions;
3. carries out the decision's action. The demo never chooses the action itself:

   * ``fine_tune``: :meth:`~driftwise.act.sklearn.SklearnAdapter.fine_tune` on the batch's
     labelled training split, with replay rows from the champion's training data *outside* the
     segments the decision flagged (their old behaviour is what changed; no replay after a
     global change);
   * ``retrain``: :meth:`~driftwise.act.sklearn.SklearnAdapter.fit` on the batch's labelled
     training split only; older rows are left out because a change that calls for a retrain
     means they no longer describe the inputs (after the sensor recalibration they are in the
     wrong unit);
   * ``no_action`` and ``monitor``: nothing; any other action (``escalate``, ``rollback``) is
     recorded and the champion kept;

4. validates the challenger against the champion (:func:`driftwise.act.validate.validate`) on
   the batch's labelled holdout, and, for forgetting, on the champion's own holdout outside the
   flagged segments (not applied after a *global* change: the old regime is gone everywhere);
5. promotes the challenger when validation passes. The reference then becomes this batch, with
   the new champion's predictions.

Each batch's labelled rows are split 60/40 (seeded) into training and holdout rows. In every
reference the labels of the rows the champion learned from are blanked, so that the reference
accuracy the check compares against is measured on held-out rows only, never on training rows.

>>> from driftwise.demo.run import format_history, run_demo
>>> result = run_demo(seed=7, batch_rows=600, reference_rows=800, progress=lambda line: None)
>>> len(result.steps), result.steps[0].batch
(6, 'stable 1')
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from driftwise.act.sklearn import SklearnAdapter
from driftwise.act.validate import Validation, validate
from driftwise.api import check
from driftwise.decide.types import Decision
from driftwise.demo.scenario import FEATURES, TARGET, Batch, default_scenario, generate
from driftwise.policy.model import Action, Policy
from driftwise.signals.types import FeatureDrift, Scope, SegmentDrift

__all__ = ["PREDICTION", "DemoResult", "Step", "format_history", "run_demo"]

PREDICTION = "prediction"
SEGMENTS = ("region",)
INTERACTIONS = (("region", "discount"),)
TRAIN_SHARE = 0.6  # of each batch's labelled rows; the rest is the holdout
REFERENCE_TRAIN_SHARE = 0.7  # of the reference period's rows


class Step(BaseModel):
    """What happened to one batch: the decision, what was done, and the accuracies.

    >>> list(Step.model_fields)[:5]
    ['number', 'batch', 'description', 'action', 'confidence']
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int  # 1-based position in the stream
    batch: str
    description: str
    action: Action
    confidence: float
    headline: str
    scope: Literal["none", "localized", "global"]
    drifted_features: tuple[str, ...]  # overall tests, model inputs only
    flagged_segments: tuple[str, ...]  # "region=coast"
    n_labelled: int
    n_holdout: int
    champion_accuracy: float  # the champion on this batch's holdout, before any change
    challenger_accuracy: float | None = None
    validation: Validation | None = None
    promoted: bool = False
    accuracy_after: float  # the model in service after this step, on the same holdout
    note: str
    seconds: float
    decision: Decision


class DemoResult(BaseModel):
    """The whole run: the initial champion and one :class:`Step` per batch.

    >>> DemoResult(seed=7, n_reference=10, initial_accuracy=0.8, steps=(), seconds=0.1).steps
    ()
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int
    n_reference: int
    initial_accuracy: float  # the first champion on its reference holdout
    steps: tuple[Step, ...]
    seconds: float
    out_dir: str | None = None


@dataclass
class _Champion:
    """The model in service and the data it stands on (changes on each promotion)."""

    model: Any
    train: pd.DataFrame  # labelled rows it learned from
    holdout: pd.DataFrame  # labelled rows it was validated on
    reference: pd.DataFrame  # what checks compare against: its data with its predictions


def _split(
    frame: pd.DataFrame, share: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = rng.permutation(len(frame))
    cut = round(share * len(frame))
    return frame.iloc[np.sort(order[:cut])], frame.iloc[np.sort(order[cut:])]


def _reference(
    frame: pd.DataFrame, trained_on: pd.Index, model: Any, adapter: SklearnAdapter
) -> pd.DataFrame:
    """``frame`` with ``model``'s predictions and the labels of its training rows blanked."""
    out = frame.copy()
    out[PREDICTION] = adapter.predict(model, out)
    out.loc[trained_on, TARGET] = np.nan
    return out


def _unaffected(
    frame: pd.DataFrame, flagged: list[SegmentDrift], verdict: str
) -> pd.DataFrame | None:
    """The rows of ``frame`` outside the flagged segments; ``None`` after a global change."""
    if verdict == "global":
        return None
    keep = np.ones(len(frame), dtype=bool)
    for s in flagged:
        keep &= frame[s.key].astype(str).to_numpy() != s.value
    return frame[keep] if keep.any() else None


def run_demo(
    *,
    seed: int = 7,
    out_dir: str | Path | None = None,
    progress: Callable[[str], object] = print,
    batch_rows: int = 6000,
    reference_rows: int = 8000,
    policy: Policy | None = None,
) -> DemoResult:
    """Run the demo stream and return its history (see the module docstring for the loop).

    Parameters
    ----------
    seed : int
        Seeds the data, the splits and the model.
    out_dir : str, Path or None
        When given, each batch's decision is written there as ``batch_<n>_decision.json``.
    progress : callable
        Called with one line when the champion is trained and one per batch as it is done.
    batch_rows, reference_rows : int
        Size of each production batch and of the reference period.
    policy : Policy or None
        The decision policy; ``None`` for the built-in one.
    """
    start = time.perf_counter()
    data = generate(
        default_scenario(batch_rows=batch_rows, reference_rows=reference_rows), seed=seed
    )
    adapter = SklearnAdapter(FEATURES, TARGET, interactions=INTERACTIONS, seed=seed)
    rng = np.random.default_rng(seed)
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)

    train, holdout = _split(data.reference, REFERENCE_TRAIN_SHARE, rng)
    model = adapter.fit(train)
    champ = _Champion(
        model, train, holdout, _reference(data.reference, train.index, model, adapter)
    )
    initial = adapter.accuracy(model, holdout)
    progress(
        f"Champion trained on {len(train)} reference rows (scikit-learn SGD logistic "
        f"regression): accuracy {initial:.3f} on {len(holdout)} held-out rows."
    )
    steps: list[Step] = []
    for batch in data.batches:
        step = _step(batch, champ, adapter, rng, policy, seed)
        if out is not None:
            path = out / f"batch_{step.number}_decision.json"
            path.write_text(step.decision.model_dump_json(indent=2), encoding="utf-8")
        steps.append(step)
        progress(_progress_line(step, len(data.batches)))

    return DemoResult(
        seed=seed,
        n_reference=len(data.reference),
        initial_accuracy=initial,
        steps=tuple(steps),
        seconds=time.perf_counter() - start,
        out_dir=None if out is None else str(out),
    )


def _step(
    batch: Batch,
    champ: _Champion,
    adapter: SklearnAdapter,
    rng: np.random.Generator,
    policy: Policy | None,
    seed: int,
) -> Step:
    """Check one batch, carry out the decision, validate, and promote (updating ``champ``)."""
    tick = time.perf_counter()
    current = batch.frame.copy()
    current[PREDICTION] = adapter.predict(champ.model, current)
    decision = check(
        champ.reference,
        current,
        target=TARGET,
        prediction=PREDICTION,
        segments=SEGMENTS,
        policy=policy,
    )
    scope = next((e for e in decision.evidence if isinstance(e, Scope)), None)
    verdict = scope.verdict if scope is not None else "none"
    flagged = [
        e for e in decision.evidence if isinstance(e, SegmentDrift) and (e.drifted or e.degraded)
    ]
    labelled = current[current[TARGET].notna()]
    train, holdout = _split(labelled, TRAIN_SHARE, rng)
    before = adapter.accuracy(champ.model, holdout)
    replay = _unaffected(champ.train, flagged, verdict)
    forgetting = _unaffected(champ.holdout, flagged, verdict)

    action = decision.action
    challenger: Any = None
    if action == "fine_tune":
        challenger = adapter.fine_tune(champ.model, train, replay=replay)
    elif action == "retrain":
        challenger = adapter.fit(train)

    validation: Validation | None = None
    after = before
    if challenger is None:
        note = (
            "Nothing to do."
            if action in ("no_action", "monitor")
            else f"'{action}' needs a person or an earlier version; the champion is kept."
        )
    else:
        validation = validate(
            champ.model, challenger, holdout, forgetting, adapter=adapter, seed=seed
        )
        # The gates that did not apply (no sensitive columns in the demo; nothing to forget
        # after a global change, said below) would only repeat "not checked".
        note = " ".join(r for r in validation.reasons if " not checked" not in r)
        if verdict == "global":
            note += " (The change is global: the old regime is gone, nothing to forget.)"
        elif flagged and forgetting is not None:
            where = ", ".join(f"{x.key}={x.value}" for x in flagged)
            note += f" (Reference rows outside {where}, which the change left alone.)"
        if validation.promote:
            learned = [train] if action == "retrain" or replay is None else [train, replay]
            champ.model, champ.holdout = challenger, holdout
            champ.train = pd.concat(learned)
            champ.reference = _reference(current, train.index, challenger, adapter)
            after = validation.challenger_recent

    return Step(
        number=batch.index + 1,
        batch=batch.name,
        description=batch.description,
        action=action,
        confidence=decision.confidence,
        headline=decision.headline,
        scope=verdict,
        drifted_features=tuple(
            e.column
            for e in decision.evidence
            if isinstance(e, FeatureDrift)
            and e.segment is None
            and e.drifted
            and e.role in ("numeric", "categorical", "text")
        ),
        flagged_segments=tuple(f"{s.key}={s.value}" for s in flagged),
        n_labelled=len(labelled),
        n_holdout=len(holdout),
        champion_accuracy=before,
        challenger_accuracy=None if validation is None else validation.challenger_recent,
        validation=validation,
        promoted=validation is not None and validation.promote,
        accuracy_after=after,
        note=note,
        seconds=time.perf_counter() - tick,
        decision=decision,
    )


def _progress_line(step: Step, n: int) -> str:
    where = f" in {', '.join(step.flagged_segments)}" if step.scope == "localized" else ""
    line = (
        f"[{step.number}/{n}] {step.batch}: {step.action} (scope {step.scope}{where}; "
        f"{len(step.drifted_features)} drifted feature(s)); accuracy {step.champion_accuracy:.3f}"
    )
    if step.challenger_accuracy is not None:
        verdict = "promoted" if step.promoted else "kept the champion"
        line += f", challenger {step.challenger_accuracy:.3f}: {verdict}"
    return line + f" ({step.seconds:.1f} s)"


def format_history(result: DemoResult) -> str:
    """The history as a plain-text table, one row per batch, then why each step went as it did.

    >>> from driftwise.demo.run import DemoResult
    >>> print(format_history(DemoResult(seed=7, n_reference=10, initial_accuracy=0.8, steps=(),
    ...                                 seconds=0.1)))
    #  batch  action  scope  drifted  champion  challenger  promoted  after
    (no batches)
    """
    header = ("#", "batch", "action", "scope", "drifted", "champion", "challenger", "promoted")
    rows = [(*header, "after")]
    for s in result.steps:
        rows.append(
            (
                str(s.number),
                s.batch,
                s.action,
                s.scope,
                str(len(s.drifted_features)),
                f"{s.champion_accuracy:.3f}",
                "-" if s.challenger_accuracy is None else f"{s.challenger_accuracy:.3f}",
                "-" if s.validation is None else ("yes" if s.promoted else "no"),
                f"{s.accuracy_after:.3f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    numeric = {0, 4, 5, 6, 8}
    lines = [
        "  ".join(
            cell.rjust(w) if i in numeric and r is not rows[0] else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]
    if not result.steps:
        lines.append("(no batches)")
        return "\n".join(lines)
    lines += [
        "",
        *_wrap(
            "champion, challenger, after: accuracy on the batch's held-out labelled rows of the "
            "model in service before the step, of the candidate, and of the model in service "
            "after it. drifted: input features that drifted overall.",
            "",
        ),
        "",
        "Why:",
    ]
    for s in result.steps:
        lines += _wrap(f"{s.number}. {s.batch}: {s.headline}", "   ")
        if s.validation is not None:
            verdict = "Promoted" if s.promoted else "Kept the champion"
            lines += _wrap(f"{verdict}. {s.note}", "   ", first="   ")
    return "\n".join(lines)


def _wrap(text: str, indent: str, *, first: str = "") -> list[str]:
    return textwrap.wrap(
        text, width=100, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
    )
