"""Carrying out decisions with every adapter: repaired shifts are promoted, bad challengers refused.

For each adapter kind, a champion trained on the reference period sits in a fresh registry. The
decisions come from ``driftwise.check`` on the demo's retail stream: a promotion in the coast
region (localized: fine-tune) and the temperature sensor switched to Fahrenheit (global:
retrain). :func:`driftwise.act.execute.execute` then trains, measures, validates and promotes,
exactly as ``driftwise act`` does. Two challengers must be turned down with their reason: a
fine-tune that forgets the old regime, and a retrain that serves the majority group's new
regime at the minority group's expense.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import driftwise
from driftwise.act.execute import execute
from driftwise.decide.types import Decision
from driftwise.demo.scenario import TARGET, simulate
from driftwise.policy import default_policy
from driftwise.registry import Registry
from driftwise.signals.types import Scope
from test_adapters import CASES, OLD, PROMO, SENSOR, _make


def _rows(n: int, regime: Any, seed: int) -> pd.DataFrame:
    return simulate(n, regime, np.random.default_rng(seed))


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return {
        "train": _rows(4000, OLD, 20),  # what the champion learnt from
        "reference": _rows(3000, OLD, 21),  # the reference period's validation rows
        "localized": _rows(3000, PROMO, 22),
        "global": _rows(3000, SENSOR, 23),
    }


@pytest.fixture(scope="module")
def decisions(data: dict[str, pd.DataFrame]) -> dict[str, Decision]:
    """What `driftwise check` decides on each shift (predictions from a reference model)."""
    adapter = _make("sklearn")
    model = adapter.fit(data["train"])

    def served(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(prediction=adapter.predict(model, frame))

    out = {}
    for name in ("localized", "global"):
        out[name] = driftwise.check(
            served(data["reference"]),
            served(data[name]),
            target=TARGET,
            prediction="prediction",
            segments=("region", "device"),
        )
    return out


def _registry(tmp_path: Path, adapter: Any, frame: pd.DataFrame) -> Registry:
    reg = Registry(tmp_path / "registry")
    model = adapter.fit(frame)
    v = reg.register(
        blob=adapter.dumps(model),
        adapter=adapter.kind,
        adapter_config=adapter.config(),
        action="initial",
    )
    reg.promote(v.version, actor="ci", reason="first model")
    return reg


def _gate(execution: Any, name: str) -> Any:
    return next(g for g in execution.gates if g.name == name)


def test_the_decisions_are_the_expected_ones(decisions: dict[str, Decision]) -> None:
    local, glob = decisions["localized"], decisions["global"]
    assert local.action == "fine_tune"
    assert [e.verdict for e in local.evidence if isinstance(e, Scope)] == ["localized"]
    assert glob.action == "retrain"
    assert [e.verdict for e in glob.evidence if isinstance(e, Scope)] == ["global"]


@pytest.mark.parametrize("kind", list(CASES))
def test_a_localized_shift_is_repaired_by_fine_tune(
    kind: str, tmp_path: Path, data: dict[str, pd.DataFrame], decisions: dict[str, Decision]
) -> None:
    with _registry(tmp_path, _make(kind), data["train"]) as reg:
        done = execute(
            decisions["localized"],
            registry=reg,
            current=data["localized"],
            reference=data["reference"],
            policy=default_policy(),
            actor="ci",
        )
        assert done.status == "promoted", done.text
        assert done.action == "fine_tune" and done.champion_after == 2
        assert all(g.passed for g in done.gates)
        forgetting = _gate(done, "forgetting")
        assert "not checked" not in forgetting.text  # checked on the regions left alone
        champion = reg.champion()
        assert champion is not None and champion.version == 2
        assert champion.action == "fine_tune" and champion.parent == 1
        assert champion.metrics["accuracy_recent"] > champion.metrics["champion_accuracy_recent"]
        run = reg.run(done.run_id or "")
        assert run.status == "succeeded" and run.energy_kwh is not None and run.energy_kwh > 0
        assert run.windows["current_holdout_rows"] == round(0.3 * len(data["localized"]))
        assert reg.debt() == 1


@pytest.mark.parametrize("kind", list(CASES))
def test_a_global_shift_is_repaired_by_retrain(
    kind: str, tmp_path: Path, data: dict[str, pd.DataFrame], decisions: dict[str, Decision]
) -> None:
    with _registry(tmp_path, _make(kind), data["train"]) as reg:
        done = execute(
            decisions["global"],
            registry=reg,
            current=data["global"],
            reference=data["reference"],
            policy=default_policy(),
            actor="ci",
        )
        assert done.status == "promoted", done.text
        assert done.action == "retrain"
        assert done.method == "retrain from scratch on the new-regime rows"
        gain = _gate(done, "gain")
        assert gain.passed and gain.text.startswith("The challenger is more accurate")
        assert _gate(done, "forgetting").text == (
            "Forgetting not checked: the shift is global, the reference regime is replaced."
        )
        champion = reg.champion()
        assert champion is not None and champion.action == "retrain"
        assert champion.metrics["accuracy_recent"] > 0.75
        assert reg.debt() == 0


@pytest.mark.parametrize("kind", list(CASES))
def test_a_fine_tune_that_forgets_the_old_regime_is_rejected(
    kind: str, tmp_path: Path, data: dict[str, pd.DataFrame], decisions: dict[str, Decision]
) -> None:
    # No replay, aggressive settings, and a batch from the coast region alone.
    _, aggressive = CASES[kind]
    adapter = _make(kind, replay_share=0, **aggressive)
    coast = data["localized"][data["localized"]["region"] == "coast"]
    with _registry(tmp_path, adapter, data["train"]) as reg:
        done = execute(
            decisions["localized"],
            registry=reg,
            current=coast,
            reference=data["reference"],
            policy=default_policy(),
            actor="ci",
        )
        assert done.status == "rejected"
        forgetting = _gate(done, "forgetting")
        assert not forgetting.passed
        assert forgetting.text.startswith("The challenger forgets the reference regime")
        assert done.text.startswith("Version 2 was rejected; version 1 stays the champion.")
        assert forgetting.text in done.text
        champion = reg.champion()
        assert champion is not None and champion.version == 1
        assert reg.version(2).aliases == ()  # kept for the record, never served
        assert reg.run(done.run_id or "").status == "rejected"


def _one_sided(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A new regime for the majority group only: the relation between inputs and purchase is
    reversed for group "a" (80% of rows); group "b" behaves as before."""
    rng = np.random.default_rng(5)
    cur = data["global"].copy()
    cur["group"] = np.where(rng.random(len(cur)) < 0.8, "a", "b")
    flip = cur["group"] == "a"
    cur.loc[flip, TARGET] = 1 - cur.loc[flip, TARGET]
    return cur


@pytest.mark.parametrize("kind", list(CASES))
def test_a_retrain_that_worsens_a_group_is_rejected(
    kind: str, tmp_path: Path, data: dict[str, pd.DataFrame], decisions: dict[str, Decision]
) -> None:
    ref = data["reference"].assign(group=np.where(np.arange(len(data["reference"])) % 5, "a", "b"))
    with _registry(tmp_path, _make(kind), ref) as reg:
        done = execute(
            decisions["global"],
            registry=reg,
            current=_one_sided(data),
            reference=ref,
            policy=default_policy(),
            actor="ci",
            sensitive=("group",),
        )
        assert done.status == "rejected", done.text
        assert _gate(done, "gain").passed  # better overall, yet unfair
        fairness = _gate(done, "fairness")
        assert not fairness.passed
        assert "group" in fairness.text and "'b'" in fairness.text
        assert fairness.text in done.text
        champion = reg.champion()
        assert champion is not None and champion.version == 1


def test_a_biased_champion_is_not_fine_tuned(
    tmp_path: Path, data: dict[str, pd.DataFrame], decisions: dict[str, Decision]
) -> None:
    # Group "b" was never recorded as a purchase in the reference period: the champion learnt
    # to refuse it, and a fine-tune would keep that.
    ref = data["reference"].assign(region=data["reference"]["region"])
    ref["group"] = np.where(np.arange(len(ref)) % 4 == 0, "b", "a")
    ref.loc[ref["group"] == "b", TARGET] = 0.0
    adapter = _make("sklearn", features=[*_make("sklearn").features, "group"])
    cur = data["localized"].assign(group=np.where(np.arange(len(data["localized"])) % 4, "a", "b"))
    with _registry(tmp_path, adapter, ref) as reg:
        done = execute(
            decisions["localized"],
            registry=reg,
            current=cur,
            reference=ref,
            policy=default_policy(),
            actor="ci",
            sensitive=("group",),
        )
        assert done.status == "refused"
        bias = _gate(done, "base_bias")
        assert not bias.passed
        assert done.text.endswith("Fine-tune refused.")
        assert reg.champion() is not None and len(reg.versions()) == 1
        assert reg.runs() == []  # refused before any training
