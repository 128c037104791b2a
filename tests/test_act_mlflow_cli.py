"""The model commands with ``--mlflow``: versions and aliases in a real local MLflow store,
runs in the embedded registry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftwise.cli.main import main
from driftwise.demo.scenario import TARGET, Regime, simulate

pytest.importorskip("mlflow")


def test_train_act_models_rollback_on_mlflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from driftwise.act.adapters import make_adapter
    from driftwise.registry.mlflow import MlflowRegistry

    rng = np.random.default_rng(5)
    simulate(3000, Regime(), rng).to_csv(tmp_path / "train.csv", index=False)
    uri = "sqlite:///" + str(tmp_path / "mlflow.db")
    args = ["--registry", str(tmp_path / "runs"), "--mlflow", uri, "--mlflow-model", "shop"]
    args += ["--by", "ana"]
    assert main(["train", str(tmp_path / "train.csv"), "--target", TARGET, *args]) == 0
    assert "Registered version 1" in capsys.readouterr().out

    store = MlflowRegistry(
        uri, "shop", artifact_location=(tmp_path / "runs" / "mlflow-artifacts").as_uri()
    )
    champion = store.champion()
    assert champion is not None and champion.version == 1
    adapter = make_adapter(champion.adapter, champion.adapter_config)
    model = adapter.loads(store.get_artifact(champion.artifact_sha256))
    frames = {"reference": simulate(2000, Regime(), rng)}
    frames["current"] = simulate(2000, Regime(promotion="coast"), rng)
    for name, frame in frames.items():
        frame.assign(prediction=adapter.predict(model, frame)).to_csv(
            tmp_path / f"{name}.csv", index=False
        )
    (tmp_path / "policy.yaml").write_text("utility:\n  probes: false\n")
    out = tmp_path / "report"
    code = main(
        [
            "check",
            str(tmp_path / "reference.csv"),
            str(tmp_path / "current.csv"),
            "--target",
            TARGET,
            "--prediction",
            "prediction",
            "--segment",
            "region",
            "--policy",
            str(tmp_path / "policy.yaml"),
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 3
    decision = json.loads((out / "decision.json").read_text())
    assert decision["action"] in ("fine_tune", "retrain")
    capsys.readouterr()

    assert main(["act", str(out / "decision.json"), *args]) == 0
    assert capsys.readouterr().out.startswith("promoted: Version 2")
    aliases = store.client.get_registered_model("shop").aliases
    assert aliases == {"champion": 2, "previous": 1}

    assert main(["models", *args]) == 0
    listing = capsys.readouterr().out
    assert "Champion: version 2; lineage 2 (" in listing
    versions = pd.DataFrame([v.model_dump() for v in store.versions()])
    assert list(versions["version"]) == [1, 2]
    assert list(versions["action"]) == ["initial", decision["action"]]

    assert main(["rollback", "--reason", "complaints", *args]) == 0
    text = capsys.readouterr().out
    took = float(text.split("Rolled back in ")[1].split(" s")[0])
    assert took < 1.0 and "by ana" in text and "reason: complaints" in text
    assert store.client.get_registered_model("shop").aliases == {"champion": 1, "previous": 2}
