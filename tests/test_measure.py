"""Measuring a block: duration, CodeCarbon energy offline, nothing printed or written."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from driftwise.costs.measure import Measurement, measure
from driftwise.errors import DriftwiseError


def busy(seconds: float) -> int:
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += 1
    return n


def test_a_busy_loop_is_measured_offline_without_output_or_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with measure(country_iso_code="USA", measure_power_secs=0.5) as meter:
        busy(0.8)
    m = meter.result
    assert 0.8 <= m.duration_s < 1.5
    assert m.energy_kwh is not None and m.energy_kwh > 0
    assert m.emissions_kg is not None and m.emissions_kg > 0
    assert m.cpu_energy_kwh is not None and m.ram_energy_kwh is not None
    assert m.energy_kwh == pytest.approx(m.cpu_energy_kwh + m.ram_energy_kwh, rel=1e-6)
    assert m.cpu_power_w is not None and m.cpu_power_w > 0
    # Energy over time is a plausible power for one machine (between 0.1 W and 1 kW).
    watts = m.energy_kwh * 3.6e6 / m.duration_s
    assert 0.1 < watts < 1000
    assert m.tool_version is not None
    assert m.method.startswith(f"CodeCarbon {m.tool_version} OfflineEmissionsTracker, country USA")
    assert "RAM power estimated" in m.method and "g CO2eq/kWh" in m.method
    assert os.listdir(tmp_path) == []  # no emissions.csv, no lock file
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert Measurement.model_validate_json(m.model_dump_json()) == m


def test_the_country_sets_the_carbon_intensity() -> None:
    results = []
    for country in ("USA", "FRA"):
        with measure(country_iso_code=country) as meter:
            busy(0.2)
        results.append(meter.result)
    intensity = [r.emissions_kg / r.energy_kwh for r in results if r.emissions_kg and r.energy_kwh]
    assert len(intensity) == 2
    assert intensity[1] < intensity[0]  # French electricity is mostly nuclear
    assert "country FRA (France)" in results[1].method


def test_without_codecarbon_only_the_duration_is_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "codecarbon", None)
    with measure() as meter:
        busy(0.05)
    m = meter.result
    assert m.duration_s >= 0.05
    assert (m.energy_kwh, m.emissions_kg, m.cpu_energy_kwh, m.tool_version) == (
        None,
        None,
        None,
        None,
    )
    assert m.method == "energy not measured: install 'driftwise[carbon]'"


def test_an_exception_in_the_block_still_gives_a_result_and_is_raised() -> None:
    meter = measure()
    with pytest.raises(ZeroDivisionError), meter:
        busy(0.1)
        _ = 1 / 0
    m = meter.result
    assert m.duration_s >= 0.1 and m.energy_kwh is not None and m.energy_kwh > 0


def test_errors_name_the_field() -> None:
    with pytest.raises(DriftwiseError) as err:
        measure(country_iso_code="usa")
    assert str(err.value) == (
        "measure: field 'country_iso_code': found 'usa'; expected three upper-case letters, an "
        "ISO 3166-1 alpha-3 code such as 'USA'."
    )
    with pytest.raises(DriftwiseError) as err, measure(country_iso_code="XYZ"):
        pass
    assert str(err.value).startswith(
        "measure: field 'country_iso_code': found 'XYZ'; expected a country CodeCarbon has "
        "energy-mix data for"
    )
    with pytest.raises(DriftwiseError) as err:
        _ = measure().result
    assert str(err.value) == (
        "measure: field 'result': found no finished block; expected a result read after the "
        "`with measure() as meter:` block."
    )
