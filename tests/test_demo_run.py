"""The whole demo at a smaller size: the decisions, what was done, and what it achieved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftwise.decide.types import Decision
from driftwise.demo.run import DemoResult, format_history, run_demo
from driftwise.policy.model import LabelThresholds, Policy

SIZE = {"batch_rows": 4000, "reference_rows": 5400}
QUIET = ("no_action", "monitor")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoResult, list[str], Path]:
    out = tmp_path_factory.mktemp("demo")
    lines: list[str] = []
    result = run_demo(seed=7, out_dir=out, progress=lines.append, **SIZE)
    return result, lines, out


def test_stable_batches_need_nothing(run: tuple[DemoResult, list[str], Path]) -> None:
    result, _, _ = run
    assert [s.batch for s in result.steps] == [
        "stable 1",
        "stable 2",
        "promotion in coast 1",
        "promotion in coast 2",
        "sensor recalibration 1",
        "sensor recalibration 2",
    ]
    for i in (0, 1, 3, 5):
        step = result.steps[i]
        assert step.action in QUIET, (step.batch, step.headline)
        assert step.validation is None and not step.promoted
        assert step.accuracy_after == step.champion_accuracy


def test_the_localized_shift_is_fine_tuned_and_promoted(
    run: tuple[DemoResult, list[str], Path],
) -> None:
    step = run[0].steps[2]
    assert step.action == "fine_tune", step.headline
    assert step.scope == "localized"
    assert "region=coast" in step.flagged_segments
    assert "discount" in step.drifted_features
    assert step.validation is not None and step.promoted
    # The forgetting gate ran on the regions the promotion left alone.
    assert step.validation.n_reference > 0
    assert all(g.passed for g in step.validation.gates)
    assert step.accuracy_after == step.challenger_accuracy
    assert step.accuracy_after > step.champion_accuracy + 0.03
    # The new champion holds on the next batch of the same regime.
    assert run[0].steps[3].champion_accuracy > step.champion_accuracy + 0.03


def test_the_global_shift_is_retrained_and_promoted(
    run: tuple[DemoResult, list[str], Path],
) -> None:
    step = run[0].steps[4]
    assert step.action == "retrain", step.headline
    assert step.scope == "global"
    assert "temperature" in step.drifted_features
    assert step.validation is not None and step.promoted
    assert step.validation.n_reference == 0  # the Celsius regime is gone: not applied
    assert step.accuracy_after > step.champion_accuracy + 0.15
    assert run[0].steps[5].champion_accuracy > step.champion_accuracy + 0.15


def test_decisions_are_written_and_progress_is_shown(
    run: tuple[DemoResult, list[str], Path],
) -> None:
    result, lines, out = run
    assert sorted(p.name for p in out.iterdir()) == [
        f"batch_{i}_decision.json" for i in range(1, 7)
    ]
    for step in result.steps:
        text = (out / f"batch_{step.number}_decision.json").read_text(encoding="utf-8")
        assert Decision.model_validate_json(text) == step.decision
        assert json.loads(text)["action"] == step.action
    assert result.out_dir == str(out)
    assert len(lines) == 7
    assert lines[0].startswith("Champion trained on 3780 reference rows")
    assert lines[3].startswith(
        "[3/6] promotion in coast 1: fine_tune (scope localized in region=coast"
    )
    assert "promoted" in lines[3] and "promoted" in lines[5]


def test_history_table(run: tuple[DemoResult, list[str], Path]) -> None:
    result, _, _ = run
    table = format_history(result)
    rows = table.splitlines()
    assert rows[0].split() == [
        "#",
        "batch",
        "action",
        "scope",
        "drifted",
        "champion",
        "challenger",
        "promoted",
        "after",
    ]
    for step, row in zip(result.steps, rows[1:7], strict=True):
        assert row.startswith(f"{step.number}  {step.batch}")
        assert f" {step.action} " in row
        assert row.endswith(f"{step.accuracy_after:.3f}")
    assert " yes " in rows[3] and " yes " in rows[5]


def test_the_demo_follows_the_decision_not_a_script() -> None:
    # A policy that asks for more labels than any batch has: the engine escalates (or holds),
    # and the demo records it and keeps the champion instead of fine-tuning anyway.
    strict = Policy(labels=LabelThresholds(min_for_fine_tune=10**6, min_for_retrain=10**6))
    result = run_demo(seed=7, progress=lambda line: None, policy=strict, **SIZE)
    assert not any(s.action in ("fine_tune", "retrain") for s in result.steps)
    assert not any(s.promoted for s in result.steps)
    escalated = [s for s in result.steps if s.action == "escalate"]
    assert escalated
    assert all("the champion is kept" in s.note for s in escalated)
