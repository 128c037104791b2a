"""Acceptance on real data: `driftwise check` on elec2 split by time and COMPAS split by date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftwise.cli.main import EXIT_ACTION, EXIT_OK, main
from driftwise.datasets import load


def _run(tmp_path: Path, ref_csv: Path, cur_csv: Path, *flags: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "out"
    code = main(["check", str(ref_csv), str(cur_csv), *flags, "--out", str(out)])
    doc = json.loads((out / "decision.json").read_text(encoding="utf-8"))
    assert (out / "report.html").stat().st_size > 10_000
    return code, doc


def test_elec2_first_and_last_ten_thousand_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    df = load("elec2")
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    df.head(10_000).to_csv(ref, index=False)
    df.tail(10_000).to_csv(cur, index=False)
    code, doc = _run(tmp_path, ref, cur, "--target", "target")
    assert code in (EXIT_OK, EXIT_ACTION)
    drifted = {
        e["column"]
        for e in doc["evidence"]
        if e["kind"] == "feature_drift" and e["drifted"] and e["segment"] is None
    }
    # Demand and price features of 1996-1998 differ from those of 1996's first months.
    assert drifted, "the electricity market moved over two years; some feature must drift"
    assert "Decision:" in capsys.readouterr().out


def test_compas_split_by_screening_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    df = load("compas")
    df["high_risk"] = (df["decile_score"] >= 5).astype(int)
    early = df[df["compas_screening_date"] < "2014-01-01"]
    late = df[df["compas_screening_date"] >= "2014-01-01"]
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    early.to_csv(ref, index=False)
    late.to_csv(cur, index=False)
    code, doc = _run(
        tmp_path,
        ref,
        cur,
        "--target",
        "two_year_recid",
        "--prediction",
        "high_risk",
        "--score",
        "decile_score",
        "--sensitive",
        "race",
        "--sensitive",
        "sex",
        "--timestamp",
        "compas_screening_date",
    )
    assert code in (EXIT_OK, EXIT_ACTION)
    kinds = {e["kind"] for e in doc["evidence"]}
    assert {"feature_drift", "performance", "scope", "labels"} <= kinds
    assert doc["summary"]["n_reference"] == len(early)
    assert doc["summary"]["n_current"] == len(late)
