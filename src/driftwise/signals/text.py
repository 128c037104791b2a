r"""Free-text columns: new vocabulary ("new slang") and a domain classifier on the text.

Every column with the ``text`` role gets one :class:`~driftwise.signals.types.TextDrift` (id
``text:<column>``), or a :class:`~driftwise.signals.types.NotTested` when a side has fewer than
``policy.drift.min_rows`` non-missing texts. Missing texts are left out everywhere.

Tokens
    :func:`tokenize`: the text lowercased, cut into runs of Unicode word characters
    (``re.findall(r"\w+", text.lower())``: letters, digits and the underscore of any script;
    spaces and punctuation separate tokens). No stemming, no stop words.
Vocabulary
    The reference vocabulary is every token of the reference. ``oov_rate`` is the share of
    current token occurrences outside it. ``reference_oov_rate`` is the same rate of one half of
    the reference (the rows split in two by a permutation seeded with ``policy.seed``) against
    the other half's vocabulary: the rate that is normal for this text at half the size.
New tokens
    A current token absent from the reference vocabulary is a *new token* when it appears in at
    least ``policy.text.min_token_share`` of the current texts, in at least :data:`MIN_TOKEN_ROWS`
    of them, and its absence from the reference is significant: if a text held it equally often
    on both sides, the ``c`` texts holding it would all be current with probability
    ``(n_current / (n_reference + n_current)) ** c``, which must be below ``policy.drift.alpha``
    divided by the number of tokens that passed the two share rules (Bonferroni). A word of 1%
    of the texts missing from a small reference is chance, not slang.
    ``new_tokens`` holds the :data:`MAX_NEW_TOKENS` most common with their share of current texts;
    ``new_token_traffic_share`` is the share of current texts holding any new token. The same
    share is computed for the reference halves (tokens of one half new to the other): the
    baseline.
Segments
    For every declared segment key (with at most ``policy.scope.max_segment_values`` values) and
    each of its current values: the share of that value's current texts holding a new token,
    keyed ``"key=value"``. New slang used by one kind of query shows as one high share, the
    others near 0.
Classifier
    TF-IDF on the tokens (scikit-learn ``TfidfVectorizer``, sublinear term frequency) and a
    logistic regression tell reference texts from current ones: up to ``policy.text.max_rows``
    texts per side (a seeded subsample), 5-fold stratified cross-validation (seeded), scored on
    the held-out folds. The AUC is the Mann-Whitney U statistic of the current scores against the
    reference scores divided by the product of the sizes, and its p-value the one-sided
    Mann-Whitney test (:func:`auc_test`). Without scikit-learn, or without any token, the
    classifier is not run: ``classifier_auc`` is ``None`` and ``p_value`` 1.

Drift rule
    ``drifted`` when either

    - the classifier tells the sides apart: AUC >= ``policy.text.auc_threshold`` and p-value below
      ``policy.drift.alpha``; or
    - new vocabulary carries real traffic: ``new_token_traffic_share`` is at least the reference
      baseline plus :data:`NEW_TRAFFIC_FACTOR` times ``policy.text.min_token_share`` (5
      percentage points above the baseline with the default policy).

    The second rule sees slang confined to a small part of the traffic, which moves the AUC
    little (30% of one third of the rows is 10% of the rows: AUC about 0.55).

>>> import numpy as np, pandas as pd
>>> from driftwise.policy.model import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> words = np.array(["where", "is", "my", "order", "refund", "please", "late", "parcel"])
>>> def texts(n):
...     return pd.Series([" ".join(rng.choice(words, 4)) for _ in range(n)], dtype=object)
>>> ref, cur = pd.DataFrame({"q": texts(600)}), pd.DataFrame({"q": texts(600)})
>>> cur.loc[:119, "q"] += " yeet"
>>> s = Schema(columns=(ColumnSpec(name="q", role=Role.TEXT),))
>>> (e,) = text_evidence(ref, cur, s, Policy())
>>> e.id, e.new_tokens, e.new_token_traffic_share, e.drifted
('text:q', {'yeet': 0.2}, 0.2, True)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from driftwise.data.validate import to_labels
from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy
from driftwise.schema.roles import Schema
from driftwise.signals.types import Evidence, NotTested, TextDrift

__all__ = [
    "MAX_NEW_TOKENS",
    "MIN_TOKEN_ROWS",
    "NEW_TRAFFIC_FACTOR",
    "auc_test",
    "text_evidence",
    "tokenize",
]

MAX_NEW_TOKENS = 20
MIN_TOKEN_ROWS = 5
NEW_TRAFFIC_FACTOR = 5.0
FOLDS = 5
_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """The tokens of one text: lowercased runs of Unicode word characters.

    >>> tokenize("Where's my PARCEL?! Où est-il, ça_va 42")
    ['where', 's', 'my', 'parcel', 'où', 'est', 'il', 'ça_va', '42']
    """
    return _TOKEN.findall(text.lower())


def auc_test(
    reference_scores: ArrayLike | Sequence[float], current_scores: ArrayLike | Sequence[float]
) -> tuple[float, float]:
    """AUC of scores meant to be higher on current rows, and its one-sided p-value.

    The AUC is the Mann-Whitney U statistic of the current scores against the reference scores
    divided by the product of the sizes (ties count one half); the p-value is the one-sided
    Mann-Whitney test that current scores are larger (:func:`scipy.stats.mannwhitneyu`).

    >>> auc, p = auc_test([0.1, 0.2, 0.3, 0.4], [0.35, 0.5, 0.6, 0.7])
    >>> auc, round(p, 4)
    (0.9375, 0.0286)
    """
    ref = np.asarray(reference_scores, dtype=np.float64)
    cur = np.asarray(current_scores, dtype=np.float64)
    result = stats.mannwhitneyu(cur, ref, alternative="greater")
    return float(result.statistic) / (ref.size * cur.size), float(result.pvalue)


@dataclass(frozen=True)
class _Side:
    """The non-missing texts of one side: row positions and token sets."""

    positions: NDArray[np.intp]
    texts: list[str]
    tokens: list[list[str]]

    @property
    def sets(self) -> list[set[str]]:
        return [set(t) for t in self.tokens]


@dataclass(frozen=True)
class _Novelty:
    oov_rate: float
    new_tokens: dict[str, float]
    holds_new: NDArray[np.bool_]  # per text: holds at least one new token

    @property
    def traffic_share(self) -> float:
        return round(float(self.holds_new.mean()), 6) if self.holds_new.size else 0.0


def text_evidence(
    reference: pd.DataFrame, current: pd.DataFrame, schema: Schema, policy: Policy
) -> tuple[Evidence, ...]:
    """One :class:`~driftwise.signals.types.TextDrift` (or ``NotTested``) per text column.

    Parameters
    ----------
    reference, current
        Validated frames (text columns as ``object`` holding ``str`` or ``category``).
    schema
        Column roles; its text columns are tested, its segment keys give ``segments``.
    policy
        ``policy.text`` thresholds, ``policy.drift.alpha`` and ``min_rows``,
        ``policy.scope.max_segment_values`` and ``policy.seed``.

    Raises
    ------
    DriftwiseError
        When a text column or a segment key is absent from either frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from driftwise.policy.model import Policy
    >>> from driftwise.schema.roles import ColumnSpec, Role, Schema
    >>> s = Schema(columns=(ColumnSpec(name="q", role=Role.TEXT),))
    >>> text_evidence(pd.DataFrame({"q": ["hi"] * 5}), pd.DataFrame({"q": ["yo"] * 5}), s,
    ...               Policy())[0].reason
    '5 non-missing reference and 5 current texts; at least 30 needed on each side'
    """
    _check_columns(reference, current, (*schema.text, *schema.segments))
    out: list[Evidence] = []
    for column in schema.text:
        ref, cur = _side(reference[column]), _side(current[column])
        n1, n2 = len(ref.texts), len(cur.texts)
        if min(n1, n2) < max(policy.drift.min_rows, 2):
            reason = (
                f"{n1} non-missing reference and {n2} current texts; "
                f"at least {max(policy.drift.min_rows, 2)} needed on each side"
            )
            out.append(NotTested(id=f"not_tested:text:{column}", reason=reason))
            continue
        out.append(_column_evidence(column, ref, cur, current, schema, policy))
    return tuple(out)


def _column_evidence(
    column: str, ref: _Side, cur: _Side, current: pd.DataFrame, schema: Schema, policy: Policy
) -> TextDrift:
    share = policy.text.min_token_share
    vocabulary: set[str] = set().union(*ref.sets)
    alpha = policy.drift.alpha
    found = _novelty(vocabulary, len(ref.tokens), cur.tokens, share, alpha)
    rng = np.random.default_rng(policy.seed)
    order = rng.permutation(len(ref.tokens))
    half = len(order) // 2
    first = [ref.tokens[i] for i in order[:half]]
    second = [ref.tokens[i] for i in order[half:]]
    first_vocabulary: set[str] = set().union(*(set(t) for t in first))
    baseline = _novelty(first_vocabulary, len(first), second, share, alpha)
    auc, p_value = _classifier(
        ref.texts, cur.texts, seed=policy.seed, max_rows=policy.text.max_rows
    )
    by_classifier = auc is not None and auc >= policy.text.auc_threshold
    by_classifier = by_classifier and p_value < policy.drift.alpha
    needed = baseline.traffic_share + NEW_TRAFFIC_FACTOR * share
    by_vocabulary = found.traffic_share >= needed - 1e-12
    return TextDrift(
        id=f"text:{column}",
        column=column,
        oov_rate=found.oov_rate,
        reference_oov_rate=baseline.oov_rate,
        new_tokens=found.new_tokens,
        new_token_traffic_share=found.traffic_share,
        classifier_auc=auc,
        p_value=p_value,
        drifted=by_classifier or by_vocabulary,
        segments=_segments(current, cur.positions, found.holds_new, schema, policy),
    )


def _side(values: pd.Series) -> _Side:
    labels = to_labels(values)
    present = labels.notna().to_numpy()
    texts = [str(t) for t in labels.to_numpy(dtype=object)[present]]
    return _Side(np.flatnonzero(present), texts, [tokenize(t) for t in texts])


def _novelty(
    vocabulary: set[str], n_vocabulary: int, tokens: list[list[str]], min_share: float, alpha: float
) -> _Novelty:
    """OOV rate of ``tokens`` against ``vocabulary`` (from ``n_vocabulary`` texts) and the
    frequent new tokens."""
    total = sum(len(t) for t in tokens)
    unseen = [[w for w in t if w not in vocabulary] for t in tokens]
    oov = sum(len(u) for u in unseen)
    rows = Counter(w for u in unseen for w in set(u))
    needed = max(min_share * len(tokens), MIN_TOKEN_ROWS)
    candidates = {w: c for w, c in rows.items() if c >= needed - 1e-9}
    # P(all c texts holding w are current | same rate on both sides), Bonferroni over candidates
    log_side = math.log(len(tokens) / (len(tokens) + n_vocabulary))
    limit = math.log(alpha / max(len(candidates), 1))
    frequent = {w: c for w, c in candidates.items() if c * log_side < limit}
    ranked = sorted(frequent.items(), key=lambda wc: (-wc[1], wc[0]))[:MAX_NEW_TOKENS]
    n = max(len(tokens), 1)
    holds = np.array([any(w in frequent for w in u) for u in unseen], dtype=np.bool_)
    return _Novelty(
        oov_rate=round(oov / total, 6) if total else 0.0,
        new_tokens={w: round(c / n, 6) for w, c in ranked},
        holds_new=holds,
    )


def _classifier(
    reference: list[str], current: list[str], *, seed: int, max_rows: int
) -> tuple[float | None, float]:
    """Cross-validated AUC of a TF-IDF + logistic regression domain classifier, and p-value."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.pipeline import make_pipeline
    except ImportError:
        return None, 1.0
    rng = np.random.default_rng(seed)
    ref = _subsample(reference, max_rows, rng)
    cur = _subsample(current, max_rows, rng)
    docs = ref + cur
    if not any(_TOKEN.search(d) for d in docs) or min(len(ref), len(cur)) < FOLDS:
        return None, 1.0
    y = np.concatenate([np.zeros(len(ref), dtype=np.int64), np.ones(len(cur), dtype=np.int64)])
    model = make_pipeline(
        TfidfVectorizer(analyzer=tokenize, sublinear_tf=True),
        LogisticRegression(C=1.0, max_iter=1000),
    )
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    try:
        scores = cross_val_predict(model, docs, y, cv=folds, method="decision_function")
    except ValueError:  # a training fold without any token: nothing to learn from
        return None, 1.0
    scores = np.asarray(scores, dtype=np.float64)
    auc, p = auc_test(scores[y == 0], scores[y == 1])
    return auc, p


def _subsample(texts: list[str], max_rows: int, rng: np.random.Generator) -> list[str]:
    if len(texts) <= max_rows:
        return texts
    keep = np.sort(rng.choice(len(texts), size=max_rows, replace=False))
    return [texts[i] for i in keep]


def _segments(
    current: pd.DataFrame,
    positions: NDArray[np.intp],
    holds_new: NDArray[np.bool_],
    schema: Schema,
    policy: Policy,
) -> dict[str, float]:
    """``"key=value"`` -> share of that value's current texts holding a new token."""
    out: dict[str, float] = {}
    for key in schema.segments:
        values = to_labels(current[key]).to_numpy(dtype=object)[positions]
        present = pd.notna(values)
        labels = values[present].astype(str)
        flags = holds_new[present]
        distinct = sorted(set(labels.tolist()))
        if len(distinct) > policy.scope.max_segment_values:
            continue
        for value in distinct:
            rows = labels == value
            out[f"{key}={value}"] = round(float(flags[rows].mean()), 6)
    return out


def _check_columns(reference: pd.DataFrame, current: pd.DataFrame, names: Iterable[str]) -> None:
    for side, frame in (("reference", reference), ("current", current)):
        for name in dict.fromkeys(names):
            if name not in frame.columns:
                raise DriftwiseError.for_column(
                    name,
                    where=side,
                    found="no such column",
                    expected="every text column and segment key of the schema in both frames",
                    options=[str(c) for c in frame.columns],
                )
