"""Multiple-testing correction: golden values against scipy and exact error messages."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from driftwise.errors import DriftwiseError
from driftwise.signals.multitest import adjust


def test_bh_matches_false_discovery_control() -> None:
    p = np.random.default_rng(0).uniform(size=40) ** 3
    np.testing.assert_allclose(adjust(p, "bh"), stats.false_discovery_control(p), rtol=1e-15)


def test_bh_keeps_input_order_and_monotone_in_rank() -> None:
    p = [0.04, 0.001, 0.03, 0.5, 0.02]
    out = adjust(p, "bh")
    order = np.argsort(p)
    assert np.all(np.diff(out[order]) >= 0)
    assert out[1] == pytest.approx(0.005)
    assert out[3] == pytest.approx(0.5)


def test_bonferroni_is_p_times_m_capped_at_one() -> None:
    np.testing.assert_allclose(adjust([0.001, 0.2, 0.03], "bonferroni"), [0.003, 0.6, 0.09])
    assert adjust([0.4, 0.5, 0.6], "bonferroni").tolist() == [1.0, 1.0, 1.0]


def test_none_returns_a_copy() -> None:
    p = np.array([0.1, 0.2])
    out = adjust(p, "none")
    out[0] = 1.0
    assert p.tolist() == [0.1, 0.2]


def test_empty_family() -> None:
    for method in ("bh", "bonferroni", "none"):
        assert adjust([], method).size == 0


def test_unknown_method_message() -> None:
    with pytest.raises(DriftwiseError) as err:
        adjust([0.1], "bonferoni")
    assert str(err.value) == (
        "multitest.adjust: field 'method': found 'bonferoni'; "
        "expected one of bh, bonferroni, none (did you mean 'bonferroni'?)."
    )


@pytest.mark.parametrize(
    ("bad", "shown"), [(1.5, "1.5 at position 1"), (np.nan, "nan at position 1")]
)
def test_invalid_p_value_message(bad: float, shown: str) -> None:
    with pytest.raises(DriftwiseError) as err:
        adjust([0.1, bad], "bh")
    assert str(err.value) == (
        f"multitest.adjust: field 'p_values': found {shown}; expected p-values in [0, 1]."
    )
