"""`driftwise act` killed mid-run, and a tampered artifact, seen from the command line.

The run is a fine-tune through the callable adapter whose functions live in
``tests/slow_model.py``; with ``DRIFTWISE_TEST_SLOW_MARKER`` set, the fine-tune signals that it
has started and hangs, and the test sends SIGKILL to the ``driftwise act`` process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftwise.cli.main import main
from driftwise.decide.types import CheckSummary, Decision, PolicyRef
from driftwise.demo.scenario import TARGET, Regime, simulate
from driftwise.registry import Registry
from driftwise.registry._runs import KILLED_RUN_ERROR
from driftwise.signals.types import Scope

TESTS = Path(__file__).parent


def _decision(folder: Path) -> Path:
    """A fine-tune decision over the files in ``folder`` (as `driftwise check` writes it)."""
    decision = Decision(
        action="fine_tune",
        confidence=0.9,
        headline="Fine-tune the model.",
        reasons=(),
        alternatives=(),
        evidence=(
            Scope(
                verdict="localized",
                drifted_feature_share=0.5,
                drifted_features=("region", "discount"),
                drifted_segments=("region=coast",),
                drifted_traffic_share=0.25,
                explanation="Drift confined to region=coast.",
            ),
        ),
        summary=CheckSummary(
            n_reference=2000,
            n_current=1500,
            n_features=6,
            n_labelled_current=1500,
            reference="reference.csv",
            current="current.csv",
            target=TARGET,
        ),
        policy=PolicyRef(name="baseline"),
    )
    path = folder / "decision.json"
    path.write_text(decision.model_dump_json(indent=2))
    return path


@pytest.fixture()
def setup(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(3)
    simulate(3000, Regime(), rng).to_csv(tmp_path / "train.csv", index=False)
    simulate(2000, Regime(), rng).to_csv(tmp_path / "reference.csv", index=False)
    simulate(1500, Regime(promotion="coast"), rng).to_csv(tmp_path / "current.csv", index=False)
    registry = tmp_path / "registry"
    code = main(
        [
            "train",
            str(tmp_path / "train.csv"),
            "--target",
            TARGET,
            "--adapter",
            "callable",
            "--param",
            "fit=slow_model:fit",
            "--param",
            "predict=slow_model:predict",
            "--param",
            "predict_proba=slow_model:predict_proba",
            "--param",
            "fine_tune=slow_model:fine_tune",
            "--registry",
            str(registry),
            "--by",
            "ci",
        ]
    )
    assert code == 0
    return {"tmp": tmp_path, "registry": registry, "decision": _decision(tmp_path)}


def _act(setup: dict[str, Path], **env: str) -> subprocess.Popen[str]:
    paths = [str(TESTS), *filter(None, [os.environ.get("PYTHONPATH")])]
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from driftwise.cli.main import main; sys.exit(main())",
            "act",
            str(setup["decision"]),
            "--registry",
            str(setup["registry"]),
            "--by",
            "ci",
        ],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_killed_act_leaves_the_champion_serving_and_a_rerun_works(
    setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    marker = setup["tmp"] / "training-started"
    before = setup["decision"].read_text()
    proc = _act(setup, DRIFTWISE_TEST_SLOW_MARKER=str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the fine-tune never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert setup["decision"].read_text() == before  # no half-written record
    with Registry(setup["registry"]) as reg:  # opening it reconciles the dead run
        assert reg.check() == []
        champion = reg.champion()
        assert champion is not None and champion.version == 1
        assert [v.version for v in reg.versions()] == [1]
        (run,) = [r for r in reg.runs() if r.action == "fine_tune"]
        assert run.status == "failed" and run.error == KILLED_RUN_ERROR
        # The champion still serves.
        from driftwise.act.adapters import make_adapter

        adapter = make_adapter(champion.adapter, champion.adapter_config)
        model = adapter.loads(reg.get_artifact(champion.artifact_sha256))
        rows = pd.read_csv(setup["tmp"] / "current.csv")
        assert np.mean(adapter.predict(model, rows) == rows[TARGET].to_numpy()) > 0.6

    assert main(["models", "--registry", str(setup["registry"])]) == 0
    out = capsys.readouterr().out
    assert "Failed runs (1):" in out and KILLED_RUN_ERROR in out

    proc = _act(setup)  # the rerun: same decision, nothing hangs this time
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out + err
    assert out.startswith("promoted: Version 2 (fine-tune) passed every gate")
    record = json.loads(setup["decision"].read_text())["execution"]
    assert record["status"] == "promoted" and record["version"] == 2


def test_a_tampered_champion_is_refused(
    setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with Registry(setup["registry"]) as reg:
        champion = reg.champion()
        assert champion is not None
        path = reg.artifacts.path(champion.artifact_sha256)
        sha = champion.artifact_sha256
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    path.chmod(0o644)
    path.write_bytes(bytes(blob))
    code = main(["act", str(setup["decision"]), "--registry", str(setup["registry"])])
    assert code == 1
    err = capsys.readouterr().err
    assert "field 'sha256': found " in err
    assert f"expected {sha}, the hash recorded when it was registered." in err
    assert "The artifact was changed after it was registered and will not be loaded." in err
    with Registry(setup["registry"]) as reg:
        champion = reg.champion()
        assert champion is not None and champion.version == 1
        assert reg.check() != []  # the consistency check reports it too
        assert json.loads(setup["decision"].read_text())["execution"] is None
