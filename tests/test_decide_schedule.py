"""The carbon-aware start of a training action: urgency, deadline, cleanest hour, saving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from driftwise.costs.estimate import CostEstimate
from driftwise.decide.context import ModelContext
from driftwise.decide.engine import decide
from driftwise.decide.schedule import average_intensity, best_start
from driftwise.decide.types import Decision
from driftwise.policy import Policy, default_policy
from driftwise.report import render_text
from evidence_factory import feature, feedback, labels, performance, scope, summary

NOW = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
# A grid with solar at midday: 400 g at night, 150 g from 10:00 to 15:59 site time.
PROFILE = [400.0] * 10 + [150.0] * 6 + [400.0] * 8


def _policy(**carbon: Any) -> Policy:
    return Policy.model_validate({"carbon": {"profile": PROFILE, **carbon}})


def _localized(drop: float = 0.05) -> tuple[Any, ...]:
    return (
        feature("discount", drifted=True),
        performance(0.9, 0.9 - drop, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )


def _decide(evidence: tuple[Any, ...], policy: Policy, **kw: Any) -> Decision:
    return decide(evidence, policy, summary(3000), now=NOW, **kw)


def test_average_intensity_spans_hours() -> None:
    assert average_intensity(PROFILE, 9.5, 1.0) == pytest.approx(275.0)
    assert average_intensity(PROFILE, 34.0, 2.0) == pytest.approx(150.0)  # next day, 10:00


def test_best_start_is_the_first_cleanest_hour_within_the_deadline() -> None:
    wait, then, here = best_start(
        PROFILE, now=NOW, deadline_hours=24, duration_hours=2.0, utc_offset_hours=0
    )
    assert (wait, then, here) == (15.5, 150.0, 400.0)  # 10:00 tomorrow
    # A run longer than the clean stretch averages over it; of equal windows (08:00 and 10:00
    # both cover the six clean hours) the earliest is taken.
    wait, then, _ = best_start(
        PROFILE, now=NOW, deadline_hours=24, duration_hours=8.0, utc_offset_hours=0
    )
    assert wait == 13.5 and then == pytest.approx((150.0 * 6 + 400.0 * 2) / 8)
    # Too short a deadline: now.
    assert (
        best_start(PROFILE, now=NOW, deadline_hours=3, duration_hours=1.0, utc_offset_hours=0)[0]
        == 0.0
    )
    # The site's time zone moves the clean hours.
    wait, _, _ = best_start(
        PROFILE, now=NOW, deadline_hours=24, duration_hours=1.0, utc_offset_hours=5
    )
    assert wait == 10.5  # it is 23:30 at the site; 10:00 there comes in 10.5 h


def test_a_degraded_model_waits_for_the_clean_hours_with_the_saving() -> None:
    est = CostEstimate(
        action="fine_tune", rows=2000, duration_s=3600.0, energy_kwh=2.0, basis="b", n_runs=3
    )
    ctx = ModelContext(registry="r", champion_version=1, estimates=(est,))
    d = _decide(_localized(), _policy(), context=ctx)
    s = d.schedule
    assert d.action == "fine_tune" and s is not None
    assert (s.urgency, s.deadline_hours, s.start_in_hours) == ("soon", 24.0, 15.5)
    assert s.start_at == NOW + timedelta(hours=15.5)
    assert s.saving_kg == pytest.approx(2.0 * (400 - 150) / 1000)
    assert s.saving_share == pytest.approx(0.625)
    assert s.text == (
        "Start the fine-tune in 15.5 h, at 10:00 site time (soon: the model degraded; deadline "
        "24 h): the grid is at 150 g CO2e/kWh then against 400 now, 62% less carbon, 500 g CO2e."
    )
    assert "When: Start the fine-tune in 15.5 h" in render_text(d)


def test_urgent_cases_start_now() -> None:
    big = _decide(_localized(drop=0.2), _policy())
    assert big.schedule is not None and big.schedule.urgency == "urgent"
    assert big.schedule.start_in_hours == 0.0
    assert big.schedule.text.startswith("Start the fine-tune now (urgent: accuracy fell by 0.200")
    assert big.schedule.text.endswith(
        "(A one-hour run is assumed: no measured runs in the context.)"
    )
    complaints = _decide((*_localized(), feedback(surged=True)), _policy())
    assert complaints.schedule is not None and complaints.schedule.urgency == "urgent"


def test_no_schedule_without_a_profile_or_a_training_action() -> None:
    assert _decide(_localized(), default_policy()).schedule is None
    quiet = (feature("x", drifted=False), performance(0.9, 0.9, degraded=False), scope("none"))
    assert _decide(quiet, _policy()).schedule is None
    assert decide(_localized(), _policy(), summary(3000)).schedule is None  # no time given


def test_a_profile_must_have_24_values() -> None:
    with pytest.raises(ValueError, match="expected 24 non-negative hourly values, found 3"):
        Policy.model_validate({"carbon": {"profile": [1, 2, 3]}})
