"""When to act: the start, within the deadline the urgency allows, with the cleanest grid.

A fine-tune or retrain rarely has to start this minute. With the policy's daily grid-intensity
profile (``carbon.profile``: 24 hourly values, g CO2e/kWh, site-local time), the decision
proposes the start whose run sees the lowest average intensity before the deadline, and
reports the saving against starting now.

Urgency, from the evidence:

* ``urgent`` (start now): complaints surged, the metric fell by 0.10 or more, or the model
  degraded in a ``high``/``regulated`` tier;
* ``soon``: the model degraded, or an erasure request is pending;
* ``relaxed``: anything else (inputs drifted, debt).

The run's length and energy come from the registry's estimate for the action when the check
had one (``--registry``); otherwise a one-hour run is assumed and only the share saved is known.

>>> from datetime import datetime, timezone
>>> profile = [300.0] * 24
>>> profile[3] = profile[4] = 100.0
>>> s = best_start(profile, now=datetime(2026, 1, 1, 20, 0, tzinfo=timezone.utc),
...                deadline_hours=24, duration_hours=1.0, utc_offset_hours=0)
>>> s
(7.0, 100.0, 300.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from driftwise.decide.criteria.base import Facts
from driftwise.decide.types import Schedule, Urgency
from driftwise.policy.model import Action, Policy

__all__ = ["Schedule", "average_intensity", "best_start", "schedule", "urgency"]

_STEP_H = 0.25  # the integration step of the average intensity


def urgency(f: Facts, policy: Policy) -> tuple[Urgency, str]:
    """How soon the action must start, and why (see the module docstring)."""
    surged = [x for x in f.feedback if x.surged]
    if surged:
        return "urgent", f"complaints surged ({surged[0].name})"
    p = f.performance
    if p is not None and p.degraded and p.reference.value - p.current.value >= 0.1:
        return "urgent", f"{p.metric} fell by {p.reference.value - p.current.value:.3f}"
    if f.degraded and policy.risk_tier in ("high", "regulated"):
        return "urgent", f"the model degraded in risk tier '{policy.risk_tier}'"
    if f.degraded:
        return "soon", "the model degraded"
    if f.erasure is not None and f.erasure.n_reference_rows:
        return "soon", "an erasure request is pending"
    return "relaxed", "no degradation measured"


def average_intensity(profile: Sequence[float], start_h: float, duration_h: float) -> float:
    """The mean of the hourly ``profile`` over ``[start_h, start_h + duration_h)`` (local hours
    from midnight; the profile repeats daily).

    >>> average_intensity([0.0] * 12 + [100.0] * 12, 11.5, 1.0)
    50.0
    """
    steps = max(1, math.ceil(duration_h / _STEP_H))
    width = duration_h / steps
    total = 0.0
    for i in range(steps):
        t = start_h + (i + 0.5) * width
        total += profile[int(math.floor(t)) % 24]
    return total / steps


def best_start(
    profile: Sequence[float],
    *,
    now: datetime,
    deadline_hours: float,
    duration_hours: float,
    utc_offset_hours: float,
) -> tuple[float, float, float]:
    """(hours from now, intensity then, intensity now): the cleanest start within the deadline.

    Candidates are now and every full local hour up to the deadline; ties go to the earliest.
    """
    local = now + timedelta(hours=utc_offset_hours)
    now_h = local.hour + local.minute / 60 + local.second / 3600
    here = average_intensity(profile, now_h, duration_hours)
    best = (0.0, here)
    wait = math.ceil(now_h) - now_h or 1.0
    while wait <= deadline_hours + 1e-9:
        value = average_intensity(profile, now_h + wait, duration_hours)
        if value < best[1] - 1e-9:
            best = (wait, value)
        wait += 1.0
    return round(best[0], 4), best[1], here


def schedule(action: Action, f: Facts, policy: Policy, *, now: datetime | None) -> Schedule | None:
    """The proposed start of ``action`` (``None``: not a training action, no profile, no time)."""
    profile = policy.carbon.profile
    if action not in ("fine_tune", "retrain") or profile is None or now is None:
        return None
    level, why = urgency(f, policy)
    deadline = float(getattr(policy.carbon.deadline_hours, level))
    estimate = f.context.estimate(action) if f.context is not None else None
    seconds = estimate.duration_s if estimate is not None else None
    assumed = seconds is None or seconds <= 0
    hours = 1.0 if assumed or seconds is None else seconds / 3600
    wait, then, here = best_start(
        profile,
        now=now,
        deadline_hours=deadline,
        duration_hours=hours,
        utc_offset_hours=policy.carbon.utc_offset_hours,
    )
    energy = None
    if estimate is not None and estimate.energy_kwh is not None:
        energy = estimate.energy_kwh * policy.budgets.pue
    saving = None if energy is None else energy * (here - then) / 1000
    share = 0.0 if here <= 0 else (here - then) / here
    start = now + timedelta(hours=wait)
    verb = action.replace("_", "-")
    if wait == 0:
        text = (
            f"Start the {verb} now ({level}: {why}; deadline {deadline:g} h): no cleaner hour "
            f"before the deadline (grid {here:.0f} g CO2e/kWh)."
        )
    else:
        local = start + timedelta(hours=policy.carbon.utc_offset_hours)
        saved = "" if saving is None else f", {saving * 1000:.3g} g CO2e"
        text = (
            f"Start the {verb} in {wait:g} h, at {local:%H:%M} site time ({level}: {why}; "
            f"deadline {deadline:g} h): the grid is at {then:.0f} g CO2e/kWh then against "
            f"{here:.0f} now, {share:.0%} less carbon{saved}."
        )
    if assumed:
        text += " (A one-hour run is assumed: no measured runs in the context.)"
    return Schedule(
        urgency=level,
        why=why,
        deadline_hours=deadline,
        start_in_hours=wait,
        start_at=start,
        duration_hours=hours,
        duration_assumed=assumed,
        intensity_now=here,
        intensity_at_start=then,
        energy_kwh=energy,
        saving_kg=saving,
        saving_share=share,
        text=text,
    )
