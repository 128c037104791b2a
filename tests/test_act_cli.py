"""End to end through the CLI: train, check, act (fine-tune, retrain), models, rollback, promote.

One registry is carried through the whole story (module-scoped), as a user would:

1. ``train`` the champion on the reference period;
2. a promotion in one region (localized shift): ``check`` says fine-tune, ``act`` fine-tunes,
   validates and promotes;
3. ``models`` shows the lineage and a debt of one fine-tune;
4. ``rollback`` restores the first version at once, records who and why, and says that the
   restored model is worse on recent data;
5. ``promote`` puts the fine-tuned version back;
6. the sensor is recalibrated (global shift): ``check`` says retrain, ``act`` retrains and
   promotes; the debt is back to zero; the decision's cost history holds the measured runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftwise.cli.main import main
from driftwise.demo.scenario import TARGET, Regime, simulate

SEGMENTS = ("region", "device")


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def _with_predictions(registry: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """What a serving log holds: the champion's prediction for every row."""
    from driftwise.act.adapters import make_adapter
    from driftwise.registry import Registry

    with Registry(registry) as reg:
        champ = reg.champion()
        assert champ is not None
        adapter = make_adapter(champ.adapter, champ.adapter_config)
        model = adapter.loads(reg.get_artifact(champ.artifact_sha256))
        out = frame.copy()
        out["prediction"] = adapter.predict(model, frame)
    return out


def _rules_only(tmp: Path) -> Path:
    """The built-in policy without probes: the story follows the rule-based decision (the
    probes are tested in test_quality.py and test_decide_context.py)."""
    path = tmp / "policy.yaml"
    path.write_text("utility:\n  probes: false\n")
    return path


def _check(tmp: Path, ref: Path, cur: Path, name: str, registry: Path) -> dict[str, object]:
    out = tmp / name
    code = main(
        [
            "check",
            str(ref),
            str(cur),
            "--target",
            TARGET,
            "--prediction",
            "prediction",
            *[a for s in SEGMENTS for a in ("--segment", s)],
            "--registry",
            str(registry),
            "--policy",
            str(_rules_only(tmp)),
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 3
    doc: dict[str, object] = json.loads((out / "decision.json").read_text())
    return doc


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("story")
    rng = np.random.default_rng(11)
    files = {
        "tmp": tmp,
        "registry": tmp / "registry",
        "reference": _write(simulate(4000, Regime(), rng), tmp / "reference_raw.csv"),
    }
    local = simulate(3000, Regime(promotion="coast"), rng)
    local[TARGET] = local[TARGET].where(rng.random(len(local)) < 0.6)  # labels arrive late
    files["local_raw"] = _write(local, tmp / "local_raw.csv")
    glob = simulate(3000, Regime(promotion="coast", fahrenheit=True), rng)
    files["global_raw"] = _write(glob, tmp / "global_raw.csv")
    return files


def test_story(story: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    tmp, reg = story["tmp"], story["registry"]
    args = ["--registry", str(reg), "--by", "ana"]

    # 1. the first champion
    assert main(["train", str(story["reference"]), "--target", TARGET, *args]) == 0
    assert "Registered version 1" in capsys.readouterr().out
    ref = _write(_with_predictions(reg, pd.read_csv(story["reference"])), tmp / "reference.csv")

    # 2. localized shift: fine-tune
    local = _write(_with_predictions(reg, pd.read_csv(story["local_raw"])), tmp / "local.csv")
    doc = _check(tmp, ref, local, "local", reg)
    assert doc["action"] == "fine_tune"
    capsys.readouterr()
    decision_file = tmp / "local" / "decision.json"
    assert main(["act", str(decision_file), *args]) == 0
    out = capsys.readouterr().out
    assert out.startswith("promoted: Version 2 (fine-tune) passed every gate")
    assert "[pass] gain:" in out and "[pass] forgetting:" in out
    record = json.loads(decision_file.read_text())["execution"]
    assert record["status"] == "promoted" and record["version"] == 2
    assert record["champion_before"] == 1 and record["champion_after"] == 2
    assert record["energy_kwh"] > 0 and record["emissions_kg"] > 0
    assert record["actor"] == "ana"

    # 3. models: lineage and debt
    assert main(["models", *args]) == 0
    out = capsys.readouterr().out
    assert "Champion: version 2; lineage 2 (fine_tune) <- 1 (initial)." in out
    assert "Debt: 1 fine-tune since the last full retrain." in out

    # 4. rollback: instant, recorded, verified on recent data
    code = main(["rollback", "--reason", "coast complaints", "--data", str(local), *args])
    assert code == 0
    out = capsys.readouterr().out
    took = float(out.split("Rolled back in ")[1].split(" s")[0])
    assert took < 1.0
    assert "version 1 is the champion again (was 2); by ana" in out
    assert "reason: coast complaints" in out
    assert "Warning: the restored version 1 is worse than version 2" in out

    # 5. promote the fine-tuned version back
    assert main(["promote", "2", *args]) == 0
    assert capsys.readouterr().out.startswith("Version 2 is the champion (was version 1)")

    # 6. global shift: retrain
    glob = _write(_with_predictions(reg, pd.read_csv(story["global_raw"])), tmp / "global.csv")
    doc = _check(tmp, ref, glob, "global", reg)
    assert doc["action"] == "retrain"
    context = doc["context"]
    assert isinstance(context, dict)
    assert len(context["history"]) == 2  # the two measured training runs so far
    assert context["debt"] == 1 and context["champion_version"] == 2
    assert [e["action"] for e in context["estimates"]] == ["fine_tune", "retrain"]
    assert all(e["energy_kwh"] > 0 and e["money"] > 0 for e in context["estimates"])
    assert context["last_promotion"]["kind"] == "promote"
    capsys.readouterr()
    assert main(["act", str(tmp / "global" / "decision.json"), *args]) == 0
    out = capsys.readouterr().out
    assert out.startswith("promoted: Version 3 (retrain) passed every gate")
    assert "Forgetting not checked: the shift is global" in out
    assert main(["models", *args]) == 0
    out = capsys.readouterr().out
    assert "Debt: 0 fine-tunes since the last full retrain." in out
    assert "rollback by ana: coast complaints" in out
