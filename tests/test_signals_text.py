"""text_evidence: new slang, same-distribution text, baselines, classifier, segments, errors."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.policy.model import DriftThresholds, Policy, TextThresholds
from driftwise.schema.roles import ColumnSpec, Role, Schema
from driftwise.signals.text import auc_test, text_evidence, tokenize
from driftwise.signals.types import Evidence, NotTested, TextDrift

_WORDS = {
    "billing": "invoice charge refund card payment double charged bill account fee",
    "delivery": "parcel late where order shipping courier tracking arrived box address",
    "account": "password login reset email locked username profile settings delete signin",
    "common": "my the is please help why not can you i a",
}
VOCAB = {kind: words.split() for kind, words in _WORDS.items() if kind != "common"}
COMMON = _WORDS["common"].split()
SMALL = Policy(text=TextThresholds(max_rows=300))  # a small classifier sample: fast tests
SCHEMA = Schema(
    columns=(
        ColumnSpec(name="kind", role=Role.CATEGORICAL, segment=True),
        ColumnSpec(name="q", role=Role.TEXT),
    )
)


def queries(rng: np.random.Generator, n: int, *, slang: float = 0.0) -> pd.DataFrame:
    """Support queries of three kinds; ``slang`` of the delivery ones gain two new words."""
    kinds = rng.choice(list(VOCAB), n)
    texts = []
    for k in kinds:
        words = list(rng.choice(VOCAB[k], rng.integers(2, 5)))
        words += list(rng.choice(COMMON, rng.integers(1, 4)))
        if k == "delivery" and rng.random() < slang:
            words += ["bussin", "skrrt"]
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + "?")
    return pd.DataFrame(
        {"kind": pd.Series(kinds, dtype=object), "q": pd.Series(texts, dtype=object)}
    )


def one(evidence: tuple[Evidence, ...]) -> TextDrift:
    assert len(evidence) == 1
    (e,) = evidence
    assert isinstance(e, TextDrift)
    return e


def test_tokenize_lowercases_and_splits_on_non_word_characters() -> None:
    assert tokenize("Hello, WORLD! naïve café-au-lait x_1 2024") == [
        "hello",
        "world",
        "naïve",
        "café",
        "au",
        "lait",
        "x_1",
        "2024",
    ]
    assert tokenize("  ?! ") == []


def test_new_slang_in_one_segment_is_found_named_and_localized() -> None:
    rng = np.random.default_rng(1)
    ref, cur = queries(rng, 2000), queries(rng, 2000, slang=0.3)
    e = one(text_evidence(ref, cur, SCHEMA, Policy()))
    assert e.id == "text:q" and e.column == "q"
    assert e.drifted
    assert set(e.new_tokens) == {"bussin", "skrrt"}
    delivery = float((cur["kind"] == "delivery").mean())
    assert e.new_tokens["bussin"] == pytest.approx(0.3 * delivery, abs=0.02)
    assert e.new_token_traffic_share == pytest.approx(e.new_tokens["bussin"], abs=1e-9)
    assert e.segments["kind=delivery"] == pytest.approx(0.3, abs=0.04)
    assert e.segments["kind=billing"] == 0.0 and e.segments["kind=account"] == 0.0
    assert e.oov_rate > 0.02 and e.reference_oov_rate == 0.0
    # Slang in a tenth of the rows barely moves the classifier: the vocabulary rule decides.
    assert e.classifier_auc is not None and e.classifier_auc < TextThresholds().auc_threshold


def test_same_distribution_is_not_drifted() -> None:
    rng = np.random.default_rng(2)
    e = one(text_evidence(queries(rng, 2000), queries(rng, 2000), SCHEMA, Policy()))
    assert not e.drifted
    assert e.new_tokens == {} and e.new_token_traffic_share == 0.0
    assert e.classifier_auc is not None and 0.45 < e.classifier_auc < 0.55
    assert e.p_value > 0.05
    assert set(e.segments) == {"kind=account", "kind=billing", "kind=delivery"}


def zipf_texts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    words = np.array([f"w{i}" for i in range(5000)])
    p = 1.0 / np.arange(1, 5001)
    texts = [" ".join(rng.choice(words, rng.integers(3, 12), p=p / p.sum())) for _ in range(n)]
    return pd.DataFrame({"q": pd.Series(texts, dtype=object)})


@pytest.mark.parametrize(("n_ref", "n_cur"), [(1000, 1000), (200, 1500), (2000, 100)])
def test_long_tailed_vocabulary_does_not_alarm_at_any_size(n_ref: int, n_cur: int) -> None:
    """Rare words missing from a small reference are chance, not new slang."""
    s = Schema(columns=(ColumnSpec(name="q", role=Role.TEXT),))
    rng = np.random.default_rng(n_ref + n_cur)
    e = one(text_evidence(zipf_texts(rng, n_ref), zipf_texts(rng, n_cur), s, SMALL))
    assert not e.drifted
    assert e.new_token_traffic_share == 0.0
    assert e.oov_rate > 0.0  # rare words are out of vocabulary, as they are between halves
    assert e.reference_oov_rate > 0.0


def test_a_rewritten_text_distribution_is_found_by_the_classifier() -> None:
    """Same vocabulary, different word mix: no new token, yet the classifier sees it."""
    s = Schema(columns=(ColumnSpec(name="q", role=Role.TEXT),))
    rng = np.random.default_rng(3)
    words = np.array(["alpha", "beta", "gamma", "delta"])

    def batch(p: list[float]) -> pd.DataFrame:
        texts = [" ".join(rng.choice(words, 5, p=p)) for _ in range(1000)]
        return pd.DataFrame({"q": pd.Series(texts, dtype=object)})

    e = one(text_evidence(batch([0.4, 0.3, 0.2, 0.1]), batch([0.1, 0.2, 0.3, 0.4]), s, Policy()))
    assert e.new_tokens == {} and e.oov_rate == 0.0
    assert e.classifier_auc is not None and e.classifier_auc > 0.8
    assert e.p_value < 1e-10 and e.drifted


def test_deterministic_for_the_seed_and_json_round_trip() -> None:
    rng = np.random.default_rng(4)
    ref, cur = queries(rng, 500), queries(rng, 500, slang=0.3)
    a = one(text_evidence(ref, cur, SCHEMA, Policy(seed=7)))
    b = one(text_evidence(ref, cur, SCHEMA, Policy(seed=7)))
    assert a == b
    back = TypeAdapter(Evidence).validate_json(a.model_dump_json())
    assert back == a


def test_category_dtype_and_missing_texts() -> None:
    rng = np.random.default_rng(5)
    ref, cur = queries(rng, 1000), queries(rng, 1000, slang=0.3)
    cur.loc[cur.index[:100], "q"] = None
    cat_ref = ref.astype({"q": "category", "kind": "category"})
    cat_cur = cur.astype({"q": "category", "kind": "category"})
    plain = one(text_evidence(ref, cur, SCHEMA, SMALL))
    as_cat = one(text_evidence(cat_ref, cat_cur, SCHEMA, SMALL))
    assert plain == as_cat
    holding = cur["q"].str.contains("bussin", case=False, na=False)
    assert plain.new_tokens["bussin"] == pytest.approx(holding.sum() / 900, abs=1e-6)


def test_too_few_texts_is_not_tested() -> None:
    s = Schema(columns=(ColumnSpec(name="q", role=Role.TEXT),))
    ref = pd.DataFrame({"q": pd.Series(["a b"] * 40 + [None] * 20, dtype=object)})
    cur = pd.DataFrame({"q": pd.Series(["a c"] * 20, dtype=object)})
    (e,) = text_evidence(ref, cur, s, Policy())
    assert isinstance(e, NotTested)
    assert e.id == "not_tested:text:q"
    assert (
        e.reason == "40 non-missing reference and 20 current texts; at least 30 needed on each side"
    )
    smaller = Policy(drift=DriftThresholds(min_rows=10))
    assert isinstance(text_evidence(ref, cur, s, smaller)[0], TextDrift)


def test_no_text_columns_gives_no_evidence() -> None:
    s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),))
    assert text_evidence(pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": [2.0]}), s, Policy()) == ()


def test_missing_column_is_an_error() -> None:
    rng = np.random.default_rng(6)
    ref, cur = queries(rng, 100), queries(rng, 100).rename(columns={"q": "query"})
    with pytest.raises(DriftwiseError) as info:
        text_evidence(ref, cur, SCHEMA, Policy())
    assert str(info.value) == (
        "current: column 'q': found no such column; expected every text column and segment key "
        "of the schema in both frames."
    )


def test_without_scikit_learn_the_vocabulary_rule_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.feature_extraction.text", None)
    rng = np.random.default_rng(8)
    e = one(text_evidence(queries(rng, 1000), queries(rng, 1000, slang=0.3), SCHEMA, Policy()))
    assert e.classifier_auc is None and e.p_value == 1.0
    assert e.drifted and set(e.new_tokens) == {"bussin", "skrrt"}


def test_texts_without_tokens_skip_the_classifier() -> None:
    s = Schema(columns=(ColumnSpec(name="q", role=Role.TEXT),))
    ref = pd.DataFrame({"q": pd.Series(["?!"] * 50, dtype=object)})
    e = one(text_evidence(ref, ref.copy(), s, Policy()))
    assert e.classifier_auc is None and e.p_value == 1.0 and e.oov_rate == 0.0
    assert not e.drifted


def test_auc_test_matches_scikit_learn_and_scipy() -> None:
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(9)
    ref = np.round(rng.normal(0.0, 1.0, 700), 1)  # rounded: ties count one half
    cur = np.round(rng.normal(0.2, 1.0, 500), 1)
    auc, p = auc_test(ref, cur)
    y = np.r_[np.zeros(ref.size), np.ones(cur.size)]
    assert auc == pytest.approx(roc_auc_score(y, np.r_[ref, cur]), abs=1e-12)
    expected = stats.mannwhitneyu(cur, ref, alternative="greater").pvalue
    assert p == pytest.approx(expected, rel=1e-12)
    assert auc_test(cur, ref)[0] == pytest.approx(1.0 - auc, abs=1e-12)
