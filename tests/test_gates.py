"""Fairness gate and base-bias check: golden values against Fairlearn, verdicts, exact reasons."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, true_positive_rate
from numpy.typing import NDArray
from sklearn.metrics import accuracy_score

from driftwise.act.gates import base_bias, fairness_gate
from driftwise.act.validate import Validation, validate, validate_with_policy
from driftwise.datasets import load
from driftwise.errors import DriftwiseError
from driftwise.policy.model import ValidationPolicy


class Column:
    """A stand-in adapter whose "model" is the name of a column holding its predictions."""

    target = "y"

    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]:
        return frame[model].to_numpy()


def make(seed: int, *, b_recall: float = 0.8, n: int = 2000) -> pd.DataFrame:
    """Groups a (60%), b (39%), c (1%: too small). The champion 'old' recalls 80% of the
    positives in every group with 15% false positives; the challenger 'new' has a third of
    those false positives (more accurate overall) and recalls ``b_recall`` in group b."""
    rng = np.random.default_rng(seed)
    race = rng.choice(["a", "b", "c"], n, p=[0.6, 0.39, 0.01])
    y = (rng.random(n) < 0.5).astype(int)
    u, v = rng.random(n), rng.random(n)
    old = np.where(y == 1, u < 0.8, v < 0.15).astype(int)
    new = np.where(y == 1, u < np.where(race == "b", b_recall, 0.8), v < 0.05).astype(int)
    return pd.DataFrame(
        {
            "race": race,
            "sex": rng.choice(["f", "m"], n),
            "y": y,
            "old": old,
            "new": new,
            "gain": np.where(rng.random(n) < 0.5, y, new),
        }
    )


def test_per_group_figures_equal_fairlearn_metricframe() -> None:
    recent, reference = make(0, b_recall=0.7), make(1)
    v = validate(
        "old",
        "new",
        recent,
        reference,
        adapter=Column(),
        sensitive=["race", "sex"],
        fairness_metrics=["accuracy", "true_positive_rate", "false_positive_rate"],
    )
    fns = {
        "accuracy": accuracy_score,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
    }
    checked = 0
    for holdout, frame in (("recent", recent), ("reference", reference)):
        for column in ("race", "sex"):
            for model in ("old", "new"):
                mf = MetricFrame(
                    metrics=fns,
                    y_true=frame["y"],
                    y_pred=frame[model],
                    sensitive_features=frame[column],
                )
                for c in v.groups:
                    if (c.holdout, c.column) != (holdout, column):
                        continue
                    got = c.champion if model == "old" else c.challenger
                    assert got == pytest.approx(mf.by_group.loc[c.group, c.metric], abs=1e-12)
                    checked += 1
            rows = frame[column].value_counts()
            positives = frame[frame["y"] == 1][column].value_counts()
            for c in v.groups:
                if (c.holdout, c.column, c.metric) == (holdout, column, "accuracy"):
                    assert c.n == rows[c.group]
                if (c.holdout, c.column, c.metric) == (holdout, column, "true_positive_rate"):
                    assert c.n == positives[c.group]
    assert checked == 2 * 2 * (3 + 2) * 3  # holdouts x models x groups x metrics
    # Small groups are reported but not assessed; gaps span the assessed groups only.
    assert {c.group for c in v.groups if not c.assessed} == {"c"}
    gap = next(
        g
        for g in v.gaps
        if (g.holdout, g.column, g.metric) == ("recent", "race", "true_positive_rate")
    )
    assert gap.groups == 2
    tpr = MetricFrame(
        metrics=true_positive_rate,
        y_true=recent["y"],
        y_pred=recent["new"],
        sensitive_features=recent["race"],
    ).by_group
    assert gap.challenger == pytest.approx(abs(tpr["a"] - tpr["b"]), abs=1e-12)
    assert Validation.model_validate_json(v.model_dump_json()) == v


def test_a_drop_beyond_tolerance_in_one_group_is_rejected_with_the_reason() -> None:
    recent = make(2, b_recall=0.65)
    v = validate("gain", "gain", recent, adapter=Column(), sensitive=["race"])
    assert v.gates[2].passed  # same model: no change
    v = validate("old", "new", recent, adapter=Column(), sensitive=["race"])
    assert [g.name for g in v.gates] == ["gain", "forgetting", "fairness"]
    assert not v.promote and not v.gates[2].passed
    b = next(c for c in v.groups if (c.group, c.metric) == ("b", "true_positive_rate"))
    assert b.change < -0.05
    assert v.reasons[0].startswith(
        f"Fairness by race: the challenger's true_positive_rate for group 'b' falls from "
        f"{b.champion:.3f} to {b.challenger:.3f} (a drop of {-b.change:.3f}, more than the "
        "0.050 allowed)."
    )
    assert v.reasons[0] == (
        "Fairness by race: the challenger's true_positive_rate for group 'b' falls from 0.796 "
        "to 0.660 (a drop of 0.136, more than the 0.050 allowed). Fairness by race: the gap in "
        "accuracy between groups grows from 0.011 to 0.070 ('a' 0.878, 'b' 0.808; by 0.059, "
        "more than the 0.050 allowed). Fairness by race: the gap in true_positive_rate between "
        "groups grows from 0.004 to 0.140 ('a' 0.800, 'b' 0.660; by 0.136, more than the 0.050 "
        "allowed). Not assessed, fewer than 30 rows: race 'c' (accuracy: 19, "
        "true_positive_rate: 13)."
    )
    assert v.gates[0].passed and v.gates[1].passed  # more accurate overall, yet rejected


def test_a_drop_within_tolerance_passes() -> None:
    recent = make(3, b_recall=0.78)
    v = validate("old", "new", recent, adapter=Column(), sensitive=["race"])
    b = next(c for c in v.groups if (c.group, c.metric) == ("b", "true_positive_rate"))
    assert -0.05 < b.change < 0
    assert v.promote, v.reasons
    assert v.gates[2].text == (
        "Fairness by race: no assessed group's accuracy or true_positive_rate worsens by more "
        "than 0.050 and no gap between groups grows by more than 0.050 (4 group figures and 2 "
        "gaps compared). Not assessed, fewer than 30 rows: race 'c' (accuracy: 17, "
        "true_positive_rate: 11)."
    )
    # A tighter tolerance turns the same drop into a rejection.
    strict = validate(
        "old",
        "new",
        recent,
        adapter=Column(),
        sensitive=["race"],
        fairness_tolerance=abs(b.change) / 2,
    )
    assert not strict.gates[2].passed


def test_a_growing_gap_fails_even_when_no_group_gets_worse() -> None:
    recent = make(4, b_recall=0.95)  # group b improves a lot
    v = validate(
        "old",
        "new",
        recent,
        adapter=Column(),
        sensitive=["race"],
        fairness_metrics=["true_positive_rate"],
    )
    assert all(c.change >= 0 for c in v.groups if c.assessed)
    assert not v.gates[2].passed
    assert "the gap in true_positive_rate between groups grows from" in v.gates[2].text


def test_lower_is_better_metrics_and_the_reference_holdout() -> None:
    ref = make(5)
    ref["new"] = np.where(
        (ref["race"] == "a") & (ref["y"] == 0) & (np.arange(len(ref)) % 4 == 0), 1, ref["old"]
    )
    check = fairness_gate(
        "old",
        "new",
        make(6),
        ref,
        adapter=Column(),
        sensitive=["race"],
        metrics=["false_positive_rate"],
    )
    assert not check.gate.passed
    assert check.gate.text.startswith(
        "Fairness by race on the reference rows: the challenger's false_positive_rate for group "
        "'a' rises from "
    )
    assert {c.holdout for c in check.groups} == {"recent", "reference"}


def test_no_sensitive_columns_records_the_gate_as_not_applied() -> None:
    v = validate("old", "gain", make(7), adapter=Column())
    assert v.gates[2].passed and v.groups == () and v.gaps == ()
    assert v.gates[2].text == "Fairness not checked: no sensitive columns were given."


def test_without_fairlearn_the_declared_check_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fairlearn.metrics", None)
    check = fairness_gate("old", "new", make(8), adapter=Column(), sensitive=["race"])
    assert not check.gate.passed
    assert check.gate.text == (
        "Fairness not checked: fairlearn is not installed (pip install 'driftwise[fairness]'); "
        "the sensitive columns were declared."
    )


def test_rates_of_a_multiclass_target_need_a_positive_label() -> None:
    frame = pd.DataFrame({"g": ["a", "b"] * 60, "y": [0, 1, 2] * 40, "p": [0, 1, 2] * 40})
    check = fairness_gate("p", "p", frame, adapter=Column(), sensitive=["g"])
    assert check.gate.passed
    assert check.gate.text.endswith(
        "true_positive_rate by g not assessed: the target has 3 labels and no positive_label "
        "was given."
    )
    given = fairness_gate("p", "p", frame, adapter=Column(), sensitive=["g"], positive_label="2")
    assert {c.metric for c in given.groups} == {"accuracy", "true_positive_rate"}


def test_errors_name_the_column_or_field() -> None:
    with pytest.raises(DriftwiseError) as err:
        validate("old", "new", make(9), adapter=Column(), sensitive=["rcae"])
    assert str(err.value) == (
        "fairness_gate(recent_holdout): column 'rcae': found no such column; expected a "
        "sensitive column (did you mean 'race'?)."
    )
    with pytest.raises(DriftwiseError) as err:
        fairness_gate("old", "new", make(9), adapter=Column(), sensitive=["race"], tolerance=-1)
    assert str(err.value) == "fairness_gate: field 'tolerance': found -1; expected a number >= 0."


def test_validate_with_policy_reads_the_section() -> None:
    recent = make(10, b_recall=0.65)
    strict = validate_with_policy(
        "old",
        "new",
        recent,
        adapter=Column(),
        sensitive=["race"],
        policy=ValidationPolicy(),
    )
    assert not strict.promote and not strict.gates[2].passed
    loose = ValidationPolicy(gain_tolerance=0.05, fairness_tolerance=0.5)
    v = validate_with_policy(
        "old", "new", recent, adapter=Column(), sensitive=["race"], policy=loose
    )
    assert v.promote, v.reasons
    few = ValidationPolicy(resamples=200, level=0.9, fairness_metrics=("selection_rate",))
    v = validate_with_policy("old", "gain", recent, adapter=Column(), policy=few)
    assert v.difference.level == 0.9 and v.difference.method.endswith("(200 resamples)")


class Score:
    """COMPAS' own screening: "high risk" from a decile score of ``model`` up."""

    target = "two_year_recid"

    def predict(self, model: Any, frame: pd.DataFrame) -> NDArray[Any]:
        return (frame["decile_score"] >= model).astype(int).to_numpy()


def test_base_bias_fails_on_compas_and_passes_on_a_fair_model() -> None:
    compas = load("compas")
    gate = base_bias(5, compas, adapter=Score(), sensitive=["sex", "race"])
    assert gate.name == "base_bias" and not gate.passed
    tpr = MetricFrame(
        metrics=true_positive_rate,
        y_true=compas["two_year_recid"],
        y_pred=(compas["decile_score"] >= 5).astype(int),
        sensitive_features=compas["race"],
    ).by_group
    assert f"its true_positive_rate is {tpr['African-American']:.3f} for group " in gate.text
    assert gate.text.endswith(
        "A fine-tune would keep this bias; retrain with fairness checks instead."
    )
    assert gate.text.count("The champion is already biased by race") == 2  # accuracy and TPR
    assert "biased by sex" not in gate.text  # its gaps by sex are within 0.10
    # A model that predicts the label regardless of group has no gap at all.
    fair = compas.assign(decile_score=np.where(compas["two_year_recid"] == 1, 10, 1))
    ok = base_bias(5, fair, adapter=Score(), sensitive=["race"])
    assert ok.passed
    assert ok.text == (
        "The champion's gaps between groups on 7214 labelled rows are within 0.100 (largest: "
        "accuracy by race, 0.000)."
    )
    none = base_bias(5, compas, adapter=Score(), sensitive=[])
    assert none.passed and none.text.startswith("Base-model bias not checked")
