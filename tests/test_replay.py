"""`driftwise replay`: a policy over past batches next to fixed strategies, on the bundled data.

Small, seeded versions of the documented runs (docs/replay.md runs the full ones): a few weeks
of elec2 and a few months of COMPAS.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from driftwise.act.adapters import make_adapter
from driftwise.cli.main import main
from driftwise.datasets import load
from driftwise.errors import DriftwiseError
from driftwise.policy import Policy, default_policy
from driftwise.replay import STRATEGIES, format_replay, replay, split_batches

WEEK = 336  # elec2 has 48 half-hour periods a day


@pytest.fixture(scope="module")
def elec2_weeks() -> list[tuple[str, pd.DataFrame]]:
    return split_batches(load("elec2").iloc[: WEEK * 8], every=WEEK)


@pytest.fixture(scope="module")
def result(elec2_weeks: list[tuple[str, pd.DataFrame]]) -> object:
    return replay(elec2_weeks, target="target", policy=default_policy(), warmup=2, period=3)


def test_split_batches_by_rows_and_by_month() -> None:
    weeks = split_batches(load("elec2").iloc[:1000], every=WEEK)
    assert [len(b) for _, b in weeks] == [336, 336, 328]
    assert weeks[0][0] == "rows 0-335"
    months = split_batches(load("compas"), by="compas_screening_date")
    assert months[0][0] == "2013-01" and months[-1][0] == "2014-12" and len(months) == 24
    assert sum(len(b) for _, b in months) == 7214
    with pytest.raises(DriftwiseError, match="field '--every/--by': found both or neither"):
        split_batches(load("compas"))
    with pytest.raises(DriftwiseError, match="column 'screening': found no such column"):
        split_batches(load("compas"), by="screening")


def test_every_strategy_serves_every_batch(result: object) -> None:
    from driftwise.replay import ReplayResult

    assert isinstance(result, ReplayResult)
    assert [s.name for s in result.strategies] == list(STRATEGIES)
    for s in result.strategies:
        assert [x.batch for x in s.steps] == list(result.batches[2:])
        assert 0.5 < s.accuracy < 1.0
    by = {s.name: s for s in result.strategies}
    assert by["never"].fine_tunes == by["never"].retrains == 0 and by["never"].energy_kwh == 0
    assert by["always_fine_tune"].fine_tunes == 6 and by["always_fine_tune"].energy_kwh > 0
    assert by["periodic_retrain"].retrains == 2  # after the 3rd and the 6th served batch
    assert [x.action for x in by["periodic_retrain"].steps] == ["none", "none", "retrain"] * 2
    dw = by["driftwise"]
    assert {x.action for x in dw.steps} <= {
        "no_action",
        "monitor",
        "fine_tune",
        "retrain",
        "rollback",
        "escalate",
    }
    trained = [x for x in dw.steps if x.action in ("fine_tune", "retrain")]
    assert all(x.outcome in ("promoted", "rejected", "refused") for x in trained)


def test_the_never_strategy_accuracy_is_the_first_models(
    result: object, elec2_weeks: list[tuple[str, pd.DataFrame]]
) -> None:
    features = [c for c in elec2_weeks[0][1].columns if c != "target"]
    adapter = make_adapter("sklearn", {"features": features, "target": "target"})
    model = adapter.fit(pd.concat([b for _, b in elec2_weeks[:2]], ignore_index=True))
    served = pd.concat([b for _, b in elec2_weeks[2:]], ignore_index=True)
    expected = float(np.mean(adapter.predict(model, served) == served["target"].to_numpy()))
    never = next(s for s in result.strategies if s.name == "never")  # type: ignore[attr-defined]
    assert never.accuracy == pytest.approx(expected)


def test_the_table_reads(result: object) -> None:
    text = format_replay(result)  # type: ignore[arg-type]
    assert text.startswith("Replay of 6 batches after 2 warm-up batch(es), policy baseline;")
    assert "  strategy          accuracy  fine-tunes" in text
    assert "driftwise decisions: " in text


def test_a_batch_of_one_class_is_set_aside_not_fatal() -> None:
    weeks = split_batches(load("elec2").iloc[: WEEK * 4], every=WEEK)
    one_class = weeks[3][1].assign(target=1)
    batches = [*weeks[:3], ("one class", one_class)]
    r = replay(
        batches,
        target="target",
        policy=default_policy(),
        warmup=2,
        strategies=("always_fine_tune",),
    )
    (s,) = r.strategies
    assert s.failed == 1 and s.fine_tunes == 1
    assert s.steps[-1].outcome.startswith("failed: SklearnAdapter.fine_tune: column 'target'")


def test_compas_months_with_fairness_gates_and_the_fpr_gap() -> None:
    months = split_batches(load("compas"), by="compas_screening_date")[:9]
    policy = Policy.model_validate(
        {"risk_tier": "regulated", "regulation": {"packs": ["eu_ai_act_high_risk"]}}
    )
    features = ["sex", "age", "juv_fel_count", "priors_count", "c_charge_degree"]
    r = replay(
        months,
        target="two_year_recid",
        policy=policy,
        params={"features": features},
        warmup=5,
        sensitive=("race",),
        strategies=("driftwise", "never"),
    )
    never = next(s for s in r.strategies if s.name == "never")
    assert never.fpr_gap is not None and " vs " in never.fpr_gap_between
    # The gap by hand, on the rows the first model served.
    adapter = make_adapter("sklearn", {"features": features, "target": "two_year_recid"})
    model = adapter.fit(pd.concat([b for _, b in months[:5]], ignore_index=True))
    rows = pd.concat([b for _, b in months[5:]], ignore_index=True)
    pred = adapter.predict(model, rows)
    negatives = rows["two_year_recid"] == 0
    fpr = (
        pd.Series(pred[negatives.to_numpy()] == 1, index=rows.index[negatives])
        .groupby(rows.loc[negatives, "race"])
        .agg(["mean", "size"])
    )
    fpr = fpr[fpr["size"] >= 30]["mean"]
    assert never.fpr_gap == pytest.approx(float(fpr.max() - fpr.min()))


def test_cli_writes_the_table_the_data_and_the_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "elec2.csv"
    load("elec2").iloc[: WEEK * 5].to_csv(data, index=False)
    out = tmp_path / "replay"
    code = main(
        [
            "replay",
            str(data),
            "--target",
            "target",
            "--every",
            str(WEEK),
            "--warmup",
            "2",
            "--strategy",
            "never",
            "--strategy",
            "periodic_retrain",
            "--period",
            "2",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Replay of 3 batches after 2 warm-up batch(es)" in printed
    csv = pd.read_csv(out / "replay.csv")
    assert list(csv["strategy"].unique()) == ["never", "periodic_retrain"]
    assert len(csv) == 6
    svg = (out / "replay.svg").read_text()
    assert svg.startswith("<svg") and "periodic_retrain" in svg
    assert ElementTree.fromstring(svg).tag.endswith("svg")  # well-formed
    assert main(["replay", str(data), "--target", "target"]) == 1
    assert "field '--every/--by': found both or neither" in capsys.readouterr().err
