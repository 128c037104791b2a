"""Probes: a quick fine-tune and a quick retrain on part of the labelled current rows, scored
on the rest, before deciding.

The labelled current rows are split (``validation.holdout_share``, seeded); at most
``max_rows`` of the training part are used. Old-regime rows are chosen as ``driftwise act``
chooses them (the rows outside the segments a localized change is confined to; none after a
global change; all of the reference otherwise): a fine-tune replays them, a retrain after a
localized change learns from them too, and there their held-out part measures what an update
keeps of the old regime (elsewhere the old labels are stale: no fidelity is measured).
See :mod:`driftwise.decide.utility` for how the outcomes are weighed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from driftwise.act.execute import outside, scope_segments, split_holdout
from driftwise.decide.types import ProbeOutcome
from driftwise.policy.model import Policy
from driftwise.signals.types import Evidence, Scope

__all__ = ["CROSSFIT_BELOW", "FOLDS", "MIN_PROBE_ROWS", "run_probes"]

#: Fewest labelled current rows for probes (each side of the split needs some).
MIN_PROBE_ROWS = 100
#: Below this many labelled current rows, probes are cross-fitted over ``FOLDS`` folds: every
#: labelled row is predicted by challengers that did not learn from it, so the gain is measured
#: on all of them instead of a held-out share (one split of a few hundred rows is too noisy).
CROSSFIT_BELOW = 2000
FOLDS = 5


def _old_rows(reference: pd.DataFrame | None, evidence: Sequence[Evidence]) -> tuple[Any, bool]:
    """(old-regime rows, whether the change is localized), as ``driftwise act`` picks them."""
    scope = next((e for e in evidence if isinstance(e, Scope)), None)
    if reference is None or (scope is not None and scope.verdict == "global"):
        return None, False
    segments = scope_segments(evidence)
    if segments:
        return outside(reference, segments), True
    return reference, False


def _gap(adapter: Any, model: Any, frame: pd.DataFrame, column: str) -> float:
    hit = pd.Series(adapter.predict(model, frame) == frame[adapter.target].to_numpy())
    by = hit.groupby(frame[column].astype(str).to_numpy()).mean()
    return float(by.max() - by.min()) if len(by) > 1 else 0.0


def run_probes(
    adapter: Any,
    model: Any,
    current: pd.DataFrame,
    reference: pd.DataFrame | None,
    evidence: Sequence[Evidence],
    policy: Policy,
    *,
    sensitive: Sequence[str] = (),
    max_rows: int = 5000,
) -> tuple[ProbeOutcome, ...]:
    """Probe a fine-tune and a retrain (``()`` when too few labelled current rows)."""
    from driftwise.act.validate import validate

    target = adapter.target
    if target not in current.columns:
        return ()
    seed, share = policy.seed, policy.validation.holdout_share
    cur_train, cur_hold = split_holdout(current, target, share, seed)
    if len(cur_train) + len(cur_hold) < MIN_PROBE_ROWS or len(cur_hold) < 30:
        return ()
    cur_train = cur_train.iloc[:max_rows]
    old, localized = _old_rows(reference, evidence)
    old_train = old_hold = None
    if old is not None and target in old.columns:
        old_train, old_hold = split_holdout(old, target, share, seed)
        old_train = old_train.iloc[:max_rows]
    column = next((c for c in sensitive if c in current.columns), None)
    labelled = current[current[target].notna()]
    if len(labelled) < CROSSFIT_BELOW:
        return _crossfit(
            adapter,
            model,
            labelled,
            old_train,
            old_hold if localized else None,
            localized,
            column,
            policy,
        )
    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    challengers = {"fine_tune": adapter.fine_tune(model, cur_train, replay=old_train)}
    seconds["fine_tune"] = time.perf_counter() - tick
    tick = time.perf_counter()
    if localized and old_train is not None:
        challengers["retrain"] = adapter.fit(pd.concat([cur_train, old_train], ignore_index=True))
    else:
        challengers["retrain"] = adapter.fit(cur_train)
    seconds["retrain"] = time.perf_counter() - tick
    out = []
    # Only after a localized change does the old regime still hold somewhere: elsewhere its
    # labels are stale (the concept moved), and departing from them is the point.
    fidelity_rows = old_hold if localized else None
    for action, challenger in challengers.items():
        v = validate(model, challenger, cur_hold, fidelity_rows, adapter=adapter, seed=seed)
        d = v.difference
        fidelity = None
        if v.challenger_reference is not None and v.champion_reference is not None:
            fidelity = 100 * (v.challenger_reference - v.champion_reference)
        social = None
        if column is not None:
            social = 100 * (
                _gap(adapter, challenger, cur_hold, column) - _gap(adapter, model, cur_hold, column)
            )
        out.append(
            ProbeOutcome(
                action=action,
                n_train=len(cur_train),
                n_holdout=len(cur_hold),
                freshness=100 * d.value,
                freshness_low=100 * d.low,
                freshness_high=100 * d.high,
                fidelity=fidelity,
                social=social,
                train_s=seconds[action],
            )
        )
    return tuple(out)


def _crossfit(
    adapter: Any,
    model: Any,
    labelled: pd.DataFrame,
    old_train: pd.DataFrame | None,
    fidelity_rows: pd.DataFrame | None,
    localized: bool,
    column: str | None,
    policy: Policy,
) -> tuple[ProbeOutcome, ...]:
    """Probes by ``FOLDS``-fold cross-fitting on the labelled current rows (see the constant)."""
    from driftwise.act.validate import paired_bootstrap

    target = adapter.target
    seed = policy.seed
    folds = np.random.default_rng(seed).permutation(len(labelled)) % FOLDS
    truth = labelled[target].to_numpy()
    champion_hit = adapter.predict(model, labelled) == truth
    predicted: dict[str, np.ndarray] = {}
    kept: dict[str, list[float]] = {"fine_tune": [], "retrain": []}
    seconds = {"fine_tune": 0.0, "retrain": 0.0}
    for k in range(FOLDS):
        train, test = labelled[folds != k], labelled[folds == k]
        tick = time.perf_counter()
        tuned = adapter.fine_tune(model, train, replay=old_train)
        seconds["fine_tune"] += time.perf_counter() - tick
        tick = time.perf_counter()
        fresh = (
            adapter.fit(pd.concat([train, old_train], ignore_index=True))
            if localized and old_train is not None
            else adapter.fit(train)
        )
        seconds["retrain"] += time.perf_counter() - tick
        for action, challenger in (("fine_tune", tuned), ("retrain", fresh)):
            pred = predicted.setdefault(action, np.empty(len(labelled), dtype=object))
            pred[folds == k] = adapter.predict(challenger, test)
            if fidelity_rows is not None:
                old_truth = fidelity_rows[target].to_numpy()
                gain = np.mean(adapter.predict(challenger, fidelity_rows) == old_truth) - np.mean(
                    adapter.predict(model, fidelity_rows) == old_truth
                )
                kept[action].append(100 * float(gain))
    out = []
    for action in ("fine_tune", "retrain"):
        hit = predicted[action] == truth
        d = paired_bootstrap(
            champion_hit,
            hit,
            n_resamples=policy.validation.resamples,
            level=policy.validation.level,
            seed=seed,
        )
        social = None
        if column is not None:
            groups = labelled[column].astype(str).to_numpy()
            mine = pd.Series(hit).groupby(groups).mean()
            base = pd.Series(champion_hit).groupby(groups).mean()
            social = 100 * (float(mine.max() - mine.min()) - float(base.max() - base.min()))
        out.append(
            ProbeOutcome(
                action=action,
                n_train=round(len(labelled) * (FOLDS - 1) / FOLDS),
                n_holdout=len(labelled),
                freshness=100 * d.value,
                freshness_low=100 * d.low,
                freshness_high=100 * d.high,
                fidelity=float(np.mean(kept[action])) if kept[action] else None,
                social=social,
                train_s=seconds[action] / FOLDS,
            )
        )
    return tuple(out)
