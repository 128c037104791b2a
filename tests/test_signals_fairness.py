"""Fairness evidence: golden values against Fairlearn and scikit-learn, rules, and COMPAS."""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from pydantic import TypeAdapter
from sklearn.metrics import accuracy_score

from driftwise.data.validate import validate_pair
from driftwise.datasets import load
from driftwise.errors import DriftwiseError
from driftwise.policy import load_policy
from driftwise.policy.model import Policy
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.fairness import (
    METRICS,
    NOT_INSTALLED,
    fairness_evidence,
    metric_from_counts,
    positive_class,
)
from driftwise.signals.types import Evidence, Fairness, NotTested

SCHEMA = Schema(
    columns=(
        ColumnSpec(name="g", role=Role.CATEGORICAL, sensitive=True),
        ColumnSpec(name="y", role=Role.TARGET),
        ColumnSpec(name="p", role=Role.PREDICTION),
    )
)
FAIRLEARN = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "true_negative_rate": true_negative_rate,
    "false_negative_rate": false_negative_rate,
}


def policy(**fairness: object) -> Policy:
    return Policy.model_validate({"fairness": {"metrics": list(METRICS), **fairness}})


def stream(
    seed: int,
    n: int,
    *,
    recall: dict[str, float] | None = None,
    groups: tuple[str, ...] = ("a", "b", "c"),
    base: float = 0.45,
) -> pd.DataFrame:
    """Binary labels "0"/"1"; per-group recall, false positive rate 0.2."""
    rng = np.random.default_rng(seed)
    recall = recall or {}
    g = rng.choice(
        np.array(groups, dtype=object),
        n,
        p=np.linspace(1, 2, len(groups)) / np.linspace(1, 2, len(groups)).sum(),
    )
    y = rng.random(n) < base
    hit = rng.random(n) < np.array([recall.get(x, 0.75) for x in g])
    p = np.where(y, hit, rng.random(n) < 0.2)
    label = np.array(["0", "1"], dtype=object)
    return pd.DataFrame({"g": g, "y": label[y * 1], "p": label[p * 1]})


def fairness_items(evidence: tuple[Evidence, ...], attribute: str = "g") -> dict[str, Fairness]:
    return {e.metric: e for e in evidence if isinstance(e, Fairness) and e.attribute == attribute}


def raw_metric_frame(df: pd.DataFrame) -> MetricFrame:
    """Fairlearn on the raw rows, 0/1 integers, positive class 1."""
    fns = {"accuracy": accuracy_score}
    fns.update({k: partial(f, pos_label=1) for k, f in FAIRLEARN.items()})
    return MetricFrame(
        metrics=fns,
        y_true=df["y"].astype(int).to_numpy(),
        y_pred=df["p"].astype(int).to_numpy(),
        sensitive_features=df["g"],
    )


# --- golden values ---------------------------------------------------------------------------


def test_group_values_and_difference_equal_fairlearn_metric_frame() -> None:
    ref, cur = stream(0, 3000), stream(1, 2500, recall={"b": 0.6})
    found = fairness_items(fairness_evidence(ref, cur, SCHEMA, policy()))
    assert set(found) == set(METRICS)
    mf_cur, mf_ref = raw_metric_frame(cur), raw_metric_frame(ref)
    for metric, ev in found.items():
        assert ev.id == f"fairness:g:{metric}"
        assert [m.group for m in ev.groups] == ["a", "b", "c"]
        for m in ev.groups:
            assert m.value == pytest.approx(mf_cur.by_group.loc[m.group, metric], abs=1e-12)
            assert m.reference == pytest.approx(mf_ref.by_group.loc[m.group, metric], abs=1e-12)
            assert m.low <= m.value <= m.high
        assert ev.disparity == pytest.approx(mf_cur.difference()[metric], abs=1e-12)
        assert ev.disparity_reference == pytest.approx(mf_ref.difference()[metric], abs=1e-12)
        assert ev.change == pytest.approx(ev.disparity - mf_ref.difference()[metric], abs=1e-12)


def test_rates_equal_fairlearn_functions_and_accuracy_equals_sklearn() -> None:
    cur = stream(2, 2000)
    found = fairness_items(fairness_evidence(cur, cur, SCHEMA, policy()))
    for group, rows in cur.groupby("g"):
        y, p = rows["y"].astype(int), rows["p"].astype(int)
        value = {m.group: m for m in found["selection_rate"].groups}[str(group)]
        assert value.value == pytest.approx(selection_rate(y, p, pos_label=1), abs=1e-12)
        assert value.n == len(rows)
        tpr = {m.group: m for m in found["true_positive_rate"].groups}[str(group)]
        assert tpr.value == pytest.approx(true_positive_rate(y, p, pos_label=1), abs=1e-12)
        assert tpr.n == int((y == 1).sum())  # the rows the rate averages over
        fpr = {m.group: m for m in found["false_positive_rate"].groups}[str(group)]
        assert fpr.n == int((y == 0).sum())
        acc = {m.group: m for m in found["accuracy"].groups}[str(group)]
        assert acc.value == pytest.approx(accuracy_score(y, p), abs=1e-12)


def test_bootstrap_metric_from_counts_equals_metric_frame() -> None:
    df = stream(3, 1500)
    y, p = df["y"].astype(int).to_numpy(), df["p"].astype(int).to_numpy()
    cell = 4 * (y == p) + 2 * y + p
    codes, groups = pd.factorize(df["g"], sort=True)
    counts = np.bincount(codes * 8 + cell, minlength=len(groups) * 8).reshape(-1, 8)
    mf = raw_metric_frame(df)
    for metric in METRICS:
        values, n = metric_from_counts(counts, metric)
        assert values == pytest.approx(mf.by_group[metric].loc[list(groups)].to_numpy(), abs=1e-12)
        assert int(n.sum()) <= len(df)


def test_intervals_are_seeded_and_as_wide_as_the_binomial_error() -> None:
    cur = stream(4, 6000, groups=("a", "b"))
    first = fairness_items(fairness_evidence(cur, cur, SCHEMA, policy(bootstrap=400)))
    again = fairness_items(fairness_evidence(cur, cur, SCHEMA, policy(bootstrap=400)))
    other = Policy.model_validate(
        {"seed": 7, "fairness": {"metrics": ["accuracy"], "bootstrap": 400}}
    )
    moved = fairness_items(fairness_evidence(cur, cur, SCHEMA, other))
    assert first == again
    assert moved["accuracy"].groups[0].low != first["accuracy"].groups[0].low
    for m in first["selection_rate"].groups:
        normal = 2 * 1.96 * np.sqrt(m.value * (1 - m.value) / m.n)
        assert m.high - m.low == pytest.approx(normal, rel=0.25)


def test_category_dtype_and_object_dtype_agree() -> None:
    ref, cur = stream(5, 1500), stream(6, 1500, recall={"c": 0.5})
    as_category = {c: ref[c].astype("category") for c in ref.columns}
    ref_cat = pd.DataFrame(as_category)
    cur_cat = cur.astype("category")
    plain = fairness_evidence(ref, cur, SCHEMA, policy())
    assert fairness_evidence(ref_cat, cur_cat, SCHEMA, policy()) == plain


def test_evidence_serialises_and_reads_back() -> None:
    found = fairness_evidence(stream(0, 800), stream(1, 800), SCHEMA, policy())
    adapter = TypeAdapter(tuple[Evidence, ...])
    assert adapter.validate_json(adapter.dump_json(found)) == found


# --- rules -----------------------------------------------------------------------------------


def test_recall_falling_for_one_group_only_is_worsened() -> None:
    ref = stream(10, 6000)
    cur = stream(11, 6000, recall={"b": 0.45})
    found = fairness_items(fairness_evidence(ref, cur, SCHEMA, policy()))
    tpr = found["true_positive_rate"]
    assert tpr.worsened and tpr.change is not None and tpr.change > 0.2
    assert tpr.disparity_low > tpr.disparity_reference + tpr.tolerance
    assert {m.group: m.value < 0.55 for m in tpr.groups} == {"a": False, "b": True, "c": False}
    assert not found["false_positive_rate"].worsened
    assert not tpr.biased_reference


@pytest.mark.parametrize("seed", range(6))
def test_no_change_between_groups_raises_no_alarm(seed: int) -> None:
    # small current groups against a big reference: the gap is noisy, not grown
    ref, cur = stream(100 + seed, 20_000), stream(200 + seed, 300)
    found = fairness_items(fairness_evidence(ref, cur, SCHEMA, policy()))
    assert not any(e.worsened for e in found.values())


def test_a_reference_already_beyond_max_disparity_is_biased() -> None:
    ref = stream(20, 4000, recall={"a": 0.9, "b": 0.6})
    found = fairness_items(fairness_evidence(ref, ref, SCHEMA, policy()))
    tpr = found["true_positive_rate"]
    assert tpr.biased_reference and tpr.change == 0.0 and not tpr.worsened
    assert not found["false_positive_rate"].biased_reference


def test_small_groups_are_reported_but_left_out_of_the_disparity() -> None:
    cur = pd.concat([stream(30, 2000, groups=("a", "b")), stream(31, 20, groups=("tiny",))])
    evidence = fairness_evidence(cur, cur, SCHEMA, policy(metrics=["accuracy"]))
    fair, note = evidence
    assert isinstance(fair, Fairness) and isinstance(note, NotTested)
    assert [m.group for m in fair.groups] == ["a", "b", "tiny"]
    values = {m.group: m.value for m in fair.groups}
    assert fair.disparity == pytest.approx(abs(values["a"] - values["b"]), abs=1e-12)
    assert note.id == "not_tested:fairness:g:accuracy"
    assert note.reason == (
        "groups with fewer than 30 labelled current rows counted by accuracy: 'tiny' (20); "
        "reported but left out of the disparity"
    )


def test_one_large_group_is_not_enough_for_a_disparity() -> None:
    cur = pd.concat([stream(40, 500, groups=("a",)), stream(41, 12, groups=("b",))])
    (note,) = fairness_evidence(cur, cur, SCHEMA, policy(metrics=["accuracy"]))
    assert note == NotTested(
        id="not_tested:fairness:g:accuracy",
        reason="1 group(s) of 'g' with at least 30 labelled current rows counted by accuracy; "
        "a disparity needs two (smaller: 'b' (12))",
    )


def test_missing_labels_and_attributes_are_left_out() -> None:
    ref = stream(50, 1000)
    cur = stream(51, 1000)
    cur.loc[:199, "y"] = None
    cur.loc[200:299, "g"] = None
    found = fairness_items(fairness_evidence(ref, cur, SCHEMA, policy(metrics=["accuracy"])))
    assert sum(m.n for m in found["accuracy"].groups) == 700
    (none,) = fairness_evidence(ref, cur.assign(y=None), SCHEMA, policy())
    assert none == NotTested(
        id="not_tested:fairness", reason="no labelled current rows (target and prediction)"
    )
    unlabelled = ref.assign(y=None)
    (acc,) = fairness_evidence(unlabelled, cur, SCHEMA, policy(metrics=["accuracy"]))
    assert isinstance(acc, Fairness)
    assert acc.disparity_reference is None and acc.change is None and not acc.worsened
    assert all(m.reference is None for m in acc.groups)


def test_numeric_sensitive_attribute_groups_by_value() -> None:
    df = stream(60, 1000, groups=("1", "2"))
    df["g"] = df["g"].astype(float)
    schema = Schema(
        columns=(ColumnSpec(name="g", role=Role.NUMERIC, sensitive=True), *SCHEMA.columns[1:])
    )
    found = fairness_items(fairness_evidence(df, df, schema, policy(metrics=["accuracy"])))
    assert [m.group for m in found["accuracy"].groups] == ["1", "2"]


def test_multiclass_needs_a_positive_label_for_rates() -> None:
    rng = np.random.default_rng(70)
    classes = np.array(["cat", "dog", "fox"], dtype=object)
    y = rng.integers(0, 3, 3000)
    p = np.where(rng.random(3000) < 0.7, y, rng.integers(0, 3, 3000))
    df = pd.DataFrame(
        {
            "g": rng.choice(np.array(["a", "b"], dtype=object), 3000),
            "y": classes[y],
            "p": classes[p],
        }
    )
    metrics = ["accuracy", "true_positive_rate"]
    acc, note = fairness_evidence(df, df, SCHEMA, policy(metrics=metrics))
    assert isinstance(acc, Fairness) and acc.metric == "accuracy"
    assert note == NotTested(
        id="not_tested:fairness:g:true_positive_rate",
        reason="the target has 3 labels; set fairness.positive_label to measure rates of one "
        "class against the rest",
    )
    chosen = fairness_items(
        fairness_evidence(df, df, SCHEMA, policy(metrics=metrics, positive_label="dog"))
    )
    one_vs_rest = MetricFrame(
        metrics=lambda t, q: true_positive_rate(t, q, pos_label=1),
        y_true=(df["y"] == "dog") * 1,
        y_pred=(df["p"] == "dog") * 1,
        sensitive_features=df["g"],
    )
    for m in chosen["true_positive_rate"].groups:
        assert m.value == pytest.approx(one_vs_rest.by_group[m.group], abs=1e-12)


def test_positive_class_is_the_greater_label_unless_set() -> None:
    assert positive_class(["False", "True"], None) == "True"
    assert positive_class(["1"], None) == "1"
    assert positive_class([], None) is None
    df = stream(80, 1000)
    pol = policy(metrics=["selection_rate"], positive_label="0")
    (rate,) = fairness_evidence(df, df, SCHEMA, pol)
    assert isinstance(rate, Fairness)
    for m in rate.groups:
        rows = df[df["g"] == m.group]
        assert m.value == pytest.approx(float((rows["p"] == "0").mean()), abs=1e-12)


def test_positive_label_outside_the_labels_is_an_error() -> None:
    df = stream(81, 200)
    with pytest.raises(DriftwiseError) as err:
        fairness_evidence(df, df, SCHEMA, policy(positive_label="yes"))
    assert str(err.value) == (
        "policy: field 'fairness.positive_label': found 'yes'; expected one of the labels '0', '1'."
    )


def test_unknown_metric_is_rejected_when_the_policy_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("fairness:\n  metrics: [accuracy, true_postive_rate]\n", encoding="utf-8")
    with pytest.raises(DriftwiseError) as err:
        load_policy(path)
    assert str(err.value) == (
        f"{path}: field 'fairness.metrics.1': found 'true_postive_rate'; expected 'accuracy', "
        "'selection_rate', 'true_positive_rate', 'false_positive_rate', 'true_negative_rate' or "
        "'false_negative_rate'."
    )


def test_not_tested_without_labels_columns_numeric_target_or_fairlearn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    df = stream(83, 200)
    assert fairness_evidence(df, df, Schema(columns=SCHEMA.columns[1:]), policy()) == ()
    numeric = Schema(
        columns=(
            SCHEMA.columns[0],
            ColumnSpec(name="y", role=Role.TARGET, dtype="numeric"),
            ColumnSpec(name="p", role=Role.PREDICTION, dtype="numeric"),
        )
    )
    as_numbers = df.assign(y=df["y"].astype(float), p=df["p"].astype(float))
    (note,) = fairness_evidence(as_numbers, as_numbers, numeric, policy())
    assert note == NotTested(
        id="not_tested:fairness",
        reason="fairness metrics need class labels; the target 'y' is numeric",
    )
    monkeypatch.setitem(sys.modules, "fairlearn.metrics", None)
    (missing,) = fairness_evidence(df, df, SCHEMA, policy())
    assert missing == NotTested(id="not_tested:fairness", reason=NOT_INSTALLED)
    assert NOT_INSTALLED == "fairlearn is not installed (pip install 'driftwise[fairness]')"


def test_too_many_groups_are_not_compared() -> None:
    df = stream(84, 2000, groups=tuple(f"v{i}" for i in range(60)))
    (note,) = fairness_evidence(df, df, SCHEMA, policy())
    assert note == NotTested(
        id="not_tested:fairness:g",
        reason="60 groups; at most 50 (scope.max_segment_values) are compared",
    )


def test_a_million_rows_per_side_take_seconds() -> None:
    n = 1_000_000
    rng = np.random.default_rng(90)
    label = np.array(["0", "1"], dtype=object)

    def side() -> pd.DataFrame:
        return pd.DataFrame(
            {
                "g": pd.Categorical.from_codes(rng.integers(0, 5, n), list("abcde")),
                "y": label[rng.integers(0, 2, n)],
                "p": label[rng.integers(0, 2, n)],
            }
        )

    ref, cur = side(), side()
    fairness_evidence(ref.head(1000), cur.head(1000), SCHEMA, policy())  # imports
    start = time.perf_counter()
    found = fairness_items(fairness_evidence(ref, cur, SCHEMA, policy()))
    assert time.perf_counter() - start < 10.0
    assert found["accuracy"].groups[0].n > 150_000


# --- COMPAS ----------------------------------------------------------------------------------

COMPAS = Schema(
    columns=(
        ColumnSpec(name="compas_screening_date", role=Role.TIMESTAMP),
        ColumnSpec(name="race", role=Role.CATEGORICAL, sensitive=True),
        ColumnSpec(name="sex", role=Role.CATEGORICAL, sensitive=True),
        ColumnSpec(name="two_year_recid", role=Role.TARGET, dtype="categorical"),
        ColumnSpec(name="high_risk", role=Role.PREDICTION, dtype="categorical"),
    )
)


def compas_sides() -> tuple[pd.DataFrame, pd.DataFrame]:
    df = load("compas")
    df["high_risk"] = (df["decile_score"] >= 5).astype(int)
    df = df[[c.name for c in COMPAS.columns]]
    early = df[df["compas_screening_date"] < "2014-01-01"]
    late = df[df["compas_screening_date"] >= "2014-01-01"]
    return validate_pair(early, late, COMPAS, reference_name="2013", current_name="2014")


def test_compas_false_positive_rates_match_propublica() -> None:
    ref, cur = compas_sides()
    both = pd.concat([ref, cur])
    pol = policy(metrics=["false_positive_rate"])
    fpr = fairness_items(fairness_evidence(both, both, COMPAS, pol), "race")["false_positive_rate"]
    by_race = {m.group: m.value for m in fpr.groups}
    # ProPublica (2016): 44.85% of African-American and 23.45% of white non-recidivists
    # were labelled medium or high risk.
    assert by_race["African-American"] == pytest.approx(0.4485, abs=5e-5)
    assert by_race["Caucasian"] == pytest.approx(0.2345, abs=5e-5)


def test_compas_split_by_screening_date() -> None:
    ref, cur = compas_sides()
    evidence = fairness_evidence(ref, cur, COMPAS, policy())
    ids = [e.id for e in evidence]
    assert "fairness:race:false_positive_rate" in ids and "fairness:sex:accuracy" in ids
    race = fairness_items(evidence, "race")
    fpr = race["false_positive_rate"]
    values = {m.group: m for m in fpr.groups}
    aa, white = values["African-American"], values["Caucasian"]
    assert aa.reference == pytest.approx(0.4665, abs=1e-4)
    assert white.reference == pytest.approx(0.2410, abs=1e-4)
    assert aa.value - white.value > 0.1 and aa.low > white.high  # still apart in 2014
    assert fpr.biased_reference and fpr.disparity_reference is not None
    assert fpr.disparity_reference > 0.3  # African-American vs "Other" on the reference
    assert race["selection_rate"].biased_reference
    notes = {e.id: e.reason for e in evidence if isinstance(e, NotTested)}
    assert "'Asian' (2)" in notes["not_tested:fairness:race:false_positive_rate"]
    sex = fairness_items(evidence, "sex")
    assert set(sex) == {
        "accuracy",
        "selection_rate",
        "true_positive_rate",
        "false_positive_rate",
        "true_negative_rate",
        "false_negative_rate",
    }
