"""Category codes over the union of both sides' categories."""

from __future__ import annotations

import numpy as np
import pandas as pd

from driftwise.data import validate_pair
from driftwise.profile import encode_pair
from driftwise.schema import infer_schema


def test_labels_union_reference_first_and_missing_last() -> None:
    e = encode_pair(pd.Series(["b", "a", None, "b"]), pd.Series(["c", "a", np.nan]))
    assert e.labels == ("b", "a", "c")
    assert e.reference.tolist() == [0, 1, 3, 0]
    assert e.current.tolist() == [2, 1, 3]
    assert e.missing == 3 and e.reference.dtype == np.int8


def test_numbers_and_text_of_one_value_share_a_label() -> None:
    e = encode_pair(pd.Series([1, 2, 1]), pd.Series(["1", 2.0, True], dtype=object))
    assert e.labels == ("1", "2", "True")
    assert e.current.tolist() == [0, 1, 2]


def test_validated_frames_reuse_their_category_codes() -> None:
    ref = pd.DataFrame({"g": ["x", "y", "x"] * 20, "v": np.arange(60.0)})
    cur = pd.DataFrame({"g": ["y", "z", None] * 20, "v": np.arange(60.0)})
    schema = infer_schema(ref, where="ref")
    vref, vcur = validate_pair(ref, cur, schema, reference_name="ref", current_name="cur")
    e = encode_pair(vref["g"], vcur["g"])
    assert e.labels == ("x", "y", "z")
    np.testing.assert_array_equal(e.reference, vref["g"].cat.codes.to_numpy())
    assert e.current.tolist()[:3] == [1, 2, 3]
    # Raw frames give the same codes.
    raw = encode_pair(ref["g"], cur["g"])
    assert raw.labels == e.labels and raw.current.tolist() == e.current.tolist()


def test_many_categories_use_wider_codes() -> None:
    values = pd.Series([f"k{i}" for i in range(300)])
    e = encode_pair(values, values)
    assert e.reference.dtype == np.int16 and e.reference[-1] == 299
