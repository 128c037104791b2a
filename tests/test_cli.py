"""The command line, end to end through `main(argv)`: output, files and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from driftwise.cli.main import EXIT_ACTION, EXIT_ERROR, EXIT_OK, main
from driftwise.cli.reference import commands, render

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _frames(seed: int, *, shift: float = 0.0, flip: float = 0.0, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) + shift
    g = rng.choice(["a", "b", "c"], size=n)
    y = (rng.normal(size=n) < 0.0).astype(int)
    pred = y.copy()
    wrong = rng.random(n) < 0.1 + flip
    pred[wrong] = 1 - pred[wrong]
    return pd.DataFrame({"x": x, "g": g, "y": y, "pred": pred})


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, frame in {
        "ref": _frames(1),
        "same": _frames(2),
        "worse": _frames(3, shift=0.5, flip=0.2),
    }.items():
        out[name] = tmp_path / f"{name}.csv"
        frame.to_csv(out[name], index=False)
    return out


def test_no_change_exits_zero_and_writes_outputs(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "check",
            str(files["ref"]),
            str(files["same"]),
            "--target",
            "y",
            "--prediction",
            "pred",
            "--out",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert code == EXIT_OK
    assert "Decision: NO ACTION" in text
    assert (out / "decision.json").is_file() and (out / "report.html").is_file()
    doc = json.loads((out / "decision.json").read_text())
    assert doc["action"] == "no_action" and doc["schema_version"] == "1.1"


def test_degradation_exits_three_and_json_goes_to_stdout(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "check",
            str(files["ref"]),
            str(files["worse"]),
            "--target",
            "y",
            "--prediction",
            "pred",
            "--out",
            "",
            "--json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == EXIT_ACTION
    assert doc["action"] in {"fine_tune", "retrain"}
    assert any(e["id"] == "performance:accuracy" and e["degraded"] for e in doc["evidence"])


def test_library_error_is_one_line_and_exit_one(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(files["ref"]), str(files["same"]), "--target", "yy", "--out", ""])
    err = capsys.readouterr().err
    assert code == EXIT_ERROR
    assert err == (
        f"Error: {files['ref']}: column 'yy': found no such column (given as target); expected "
        "one of the columns of the data (did you mean 'y'?).\n"
    )


def test_missing_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(tmp_path / "nope.csv"), str(tmp_path / "nope.csv"), "--out", ""])
    assert code == EXIT_ERROR
    assert capsys.readouterr().err.startswith(f"Error: {tmp_path / 'nope.csv'}: ")


def test_every_command_has_help_and_the_reference_is_current() -> None:
    for name, parser in commands():
        assert parser.description, f"{name} has no description"
        assert parser.format_help().strip()
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python -m driftwise.cli.reference > docs/cli.md`"
    )


def test_schema_command_prints_the_published_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == EXIT_OK
    published = Path(__file__).resolve().parents[1] / "schemas" / "decision.schema.json"
    assert capsys.readouterr().out == published.read_text(encoding="utf-8")


def test_policy_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "p.yaml"
    good.write_text("name: mine\nrisk_tier: high\n")
    assert main(["policy", "check", str(good)]) == EXIT_OK
    assert capsys.readouterr().out == f"{good}: valid policy 'mine' (risk tier high).\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text("nmae: mine\n")
    assert main(["policy", "check", str(bad)]) == EXIT_ERROR
    assert "did you mean 'name'?" in capsys.readouterr().err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_ERROR
    assert "usage: driftwise" in capsys.readouterr().out


def test_feedback_file_becomes_evidence_and_a_surge_escalates(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    complaints = tmp_path / "complaints.csv"
    rows = [
        f"2026-11-{d:02d},{c}"
        for d, c in zip(range(1, 11), [10, 12, 9, 11, 10, 8, 12, 11, 9, 40], strict=True)
    ]
    complaints.write_text("period,count\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code = main(
        [
            "check",
            str(files["ref"]),
            str(files["same"]),
            "--target",
            "y",
            "--prediction",
            "pred",
            "--feedback",
            str(complaints),
            "--out",
            "",
            "--json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    fb = [e for e in doc["evidence"] if e["kind"] == "feedback"]
    assert len(fb) == 1 and fb[0]["surged"] and fb[0]["rate_ratio"] > 3
    assert doc["action"] == "escalate" and code == EXIT_ACTION


def test_bad_feedback_file_is_a_one_line_error(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "fb.csv"
    bad.write_text("day,count\n2026-11-01,3\n2026-11-02,4\n", encoding="utf-8")
    code = main(
        ["check", str(files["ref"]), str(files["same"]), "--feedback", str(bad), "--out", ""]
    )
    err = capsys.readouterr().err
    assert code == EXIT_ERROR
    assert (
        err.startswith(f"Error: {bad}: column 'period': found no such column")
        and err.count("\n") == 1
    )
