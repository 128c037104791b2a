"""Grid carbon intensity by country, offline, from CodeCarbon's energy-mix data.

>>> value, source = grid_intensity("FRA")
>>> round(value), source.startswith("FRA")
(56, True)
>>> grid_intensity("XXX")
(475.0, 'world average 475 g CO2e/kWh (CodeCarbon default; no data for XXX)')
"""

from __future__ import annotations

from typing import Any

__all__ = ["WORLD_AVERAGE_G_PER_KWH", "grid_intensity"]

#: The intensity CodeCarbon uses when the location is unknown, g CO2e/kWh.
WORLD_AVERAGE_G_PER_KWH = 475.0


def grid_intensity(country_iso_code: str | None) -> tuple[float, str]:
    """(g CO2e/kWh, where the figure comes from) for a country's average electricity."""
    fallback = (
        WORLD_AVERAGE_G_PER_KWH,
        f"world average 475 g CO2e/kWh (CodeCarbon default; no data for {country_iso_code})",
    )
    if not country_iso_code:
        return fallback
    try:
        from codecarbon.input import DataSource
    except ImportError:  # the carbon extra is not installed
        return fallback
    source: Any = DataSource  # untyped third-party class
    row = source().get_global_energy_mix_data().get(country_iso_code)
    if not row or row.get("carbon_intensity") is None:
        return fallback
    name = row.get("country_name", country_iso_code)
    value = float(row["carbon_intensity"])
    return (
        value,
        f"{country_iso_code} ({name}) {value:.0f} g CO2e/kWh, CodeCarbon's energy-mix data",
    )
