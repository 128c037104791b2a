"""The demo's synthetic retail-conversion stream: determinism, shapes and where each shift acts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from driftwise.demo.scenario import (
    DEVICES,
    FEATURES,
    NUMERIC,
    REGIONS,
    TARGET,
    Phase,
    Regime,
    Scenario,
    default_scenario,
    generate,
    simulate,
)
from driftwise.errors import DriftwiseError

N = 40_000  # rows per simulated regime: enough power to see any real change


@pytest.fixture(scope="module")
def regimes() -> dict[str, pd.DataFrame]:
    return {
        "stable": simulate(N, Regime(), np.random.default_rng(11)),
        "promo": simulate(N, Regime(promotion="coast"), np.random.default_rng(12)),
        "sensor": simulate(
            N, Regime(promotion="coast", fahrenheit=True), np.random.default_rng(13)
        ),
    }


def test_same_seed_same_data_other_seed_other_data() -> None:
    sc = default_scenario(batch_rows=300, reference_rows=400)
    a, b, c = generate(sc, seed=5), generate(sc, seed=5), generate(sc, seed=6)
    assert a.reference.equals(b.reference)
    assert all(x.frame.equals(y.frame) for x, y in zip(a.batches, b.batches, strict=True))
    assert not a.reference.equals(c.reference)
    assert not a.batches[0].frame.equals(a.batches[1].frame)


def test_shapes_names_and_late_labels() -> None:
    sc = default_scenario(batch_rows=1000, reference_rows=1500, label_share=0.4)
    data = generate(sc, seed=7)
    assert list(data.reference.columns) == [*FEATURES, TARGET]
    assert len(data.reference) == 1500
    assert data.reference[TARGET].notna().all()
    assert [b.name for b in data.batches] == [
        "stable 1",
        "stable 2",
        "promotion in coast 1",
        "promotion in coast 2",
        "sensor recalibration 1",
        "sensor recalibration 2",
    ]
    assert [b.index for b in data.batches] == list(range(6))
    assert data.batches[4].regime == Regime(promotion="coast", fahrenheit=True)
    for batch in data.batches:
        f = batch.frame
        assert len(f) == 1000
        assert int(f[TARGET].notna().sum()) == 400
        assert set(f[TARGET].dropna().unique()) == {0.0, 1.0}
        assert set(f["region"]) == set(REGIONS)
        assert set(f["device"]) == set(DEVICES)
        assert f["discount"].between(0, 0.5).all()
        assert (f["visits"] >= 1).all()


def test_traffic_share_of_the_promoted_region(regimes: dict[str, pd.DataFrame]) -> None:
    coast = {k: float((v["region"] == "coast").mean()) for k, v in regimes.items()}
    assert coast["stable"] == pytest.approx(0.12, abs=0.01)
    assert coast["promo"] == pytest.approx(0.25, abs=0.01)
    # The other regions keep their relative shares.
    others = [r for r in REGIONS if r != "coast"]
    rel = {
        k: v.loc[v["region"] != "coast", "region"].value_counts(normalize=True)[others]
        for k, v in regimes.items()
    }
    assert np.allclose(rel["stable"], rel["promo"], atol=0.01)


def test_localized_shift_changes_only_the_named_region(regimes: dict[str, pd.DataFrame]) -> None:
    stable, promo = regimes["stable"], regimes["promo"]
    for region in REGIONS:
        a, b = stable[stable["region"] == region], promo[promo["region"] == region]
        if region == "coast":
            assert stats.ks_2samp(a["discount"], b["discount"]).pvalue < 1e-12
            assert b["discount"].mean() > a["discount"].mean() + 0.05
            assert b[TARGET].mean() > a[TARGET].mean() + 0.2
            continue
        for col in NUMERIC:
            assert stats.ks_2samp(a[col], b[col]).pvalue > 1e-3, (region, col)
        assert abs(a[TARGET].mean() - b[TARGET].mean()) < 0.04, region
        share_a = a["device"].value_counts(normalize=True)[list(DEVICES)]
        share_b = b["device"].value_counts(normalize=True)[list(DEVICES)]
        assert np.allclose(share_a, share_b, atol=0.03), region


def test_global_shift_rescales_temperature_in_every_region(
    regimes: dict[str, pd.DataFrame],
) -> None:
    promo, sensor = regimes["promo"], regimes["sensor"]
    for region in REGIONS:
        a, b = promo[promo["region"] == region], sensor[sensor["region"] == region]
        assert stats.ks_2samp(a["temperature"], b["temperature"]).pvalue < 1e-12, region
        assert b["temperature"].mean() == pytest.approx(a["temperature"].mean() * 1.8 + 32, abs=0.5)
        back = (b["temperature"] - 32) / 1.8
        assert stats.ks_2samp(a["temperature"], back).pvalue > 1e-3, region
        for col in ("price", "discount", "visits"):
            assert stats.ks_2samp(a[col], b[col]).pvalue > 1e-3, (region, col)
        # Behaviour follows the true temperature, so purchase rates do not move.
        assert abs(a[TARGET].mean() - b[TARGET].mean()) < 0.04, region


def test_invalid_scenarios_are_rejected_with_the_field_named() -> None:
    with pytest.raises(DriftwiseError) as err:
        Regime(promotion="coats")
    assert str(err.value) == (
        "Regime: field 'promotion': found 'coats'; expected one of north, south, east, west, "
        "central, coast, mountain, islands or None (did you mean 'coast'?)."
    )
    with pytest.raises(DriftwiseError) as err:
        Scenario(phases=(Phase("a", "b", 1),), label_share=0.0)
    assert str(err.value) == (
        "Scenario: field 'label_share': found 0.0; expected a share in (0, 1]."
    )
    with pytest.raises(DriftwiseError) as err:
        Scenario(phases=(Phase("a", "b", 1),), batch_rows=10)
    assert str(err.value) == (
        "Scenario: field 'batch_rows': found 10; expected an integer of at least 50."
    )
    with pytest.raises(DriftwiseError) as err:
        Phase("stable", "x", 0)
    assert str(err.value) == (
        "Phase 'stable': field 'n_batches': found 0; expected an integer of at least 1."
    )
