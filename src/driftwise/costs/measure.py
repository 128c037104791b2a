"""Measure a block of work: its duration, and its energy and emissions with CodeCarbon offline.

``with measure() as meter: ...`` runs CodeCarbon's ``OfflineEmissionsTracker`` around the block
(no network, no API, nothing written: no output method, no lock file) and leaves a
:class:`Measurement` in ``meter.result``, also when the block raises (the exception is then
re-raised). Without CodeCarbon (``pip install 'driftwise[carbon]'``) only the duration is
measured and the energy figures are ``None``; ``method`` says so.

What CodeCarbon measures depends on the machine, and ``method`` says what it did:

* CPU: read from Intel RAPL power counters when the kernel exposes them readable; otherwise
  estimated from the CPU's thermal design power (TDP, looked up by CPU model in CodeCarbon's
  table, or 4 W per thread for a model it does not know) times a load factor that is 10% at idle
  and grows with the cube of the whole machine's CPU load (``cpu_load`` mode). A virtual machine
  without RAPL gets the estimate.
* RAM: estimated from the installed memory (about 5 W per memory module CodeCarbon assumes),
  whatever the block uses.
* Emissions: energy times the average carbon intensity of ``country_iso_code``'s electricity
  (optionally of a US state or Canadian province in ``region``), from CodeCarbon's bundled data.

The figures are for the whole machine (``tracking_mode="machine"``), so other work running at the
same time is counted too. CodeCarbon probes the hardware once per process: the first tracker's
start takes one to two seconds; later ones a few milliseconds, and stopping about 0.1 s. That
time is not part of ``duration_s``, which is the block's own wall-clock time.

>>> with measure() as meter:
...     total = sum(range(10_000))
>>> m = meter.result
>>> m.duration_s >= 0, m.country_iso_code
(True, 'USA')
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ConfigDict

from driftwise.errors import DriftwiseError

__all__ = ["EnergyMeter", "Measurement", "measure"]

NOT_INSTALLED = "energy not measured: install 'driftwise[carbon]'"
DEFAULT_WATTS_PER_THREAD = 4  # CodeCarbon's TDP for a CPU model missing from its table


class Measurement(BaseModel):
    """What a measured block cost: time, energy (kWh), emissions (kg CO2eq) and how measured.

    >>> Measurement(duration_s=1.5, country_iso_code="USA", method="duration only").energy_kwh
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    duration_s: float
    energy_kwh: float | None = None
    emissions_kg: float | None = None
    cpu_energy_kwh: float | None = None
    ram_energy_kwh: float | None = None
    cpu_power_w: float | None = None  # mean CPU power over the block
    country_iso_code: str
    method: str
    tool_version: str | None = None


class EnergyMeter:
    """The context manager returned by :func:`measure`; read ``result`` after the block.

    >>> meter = EnergyMeter(country_iso_code="FRA")
    >>> with meter:
    ...     pass
    >>> meter.result.country_iso_code
    'FRA'
    """

    def __init__(
        self,
        *,
        country_iso_code: str = "USA",
        region: str | None = None,
        measure_power_secs: float = 1.0,
    ) -> None:
        if (
            len(country_iso_code) != 3
            or not country_iso_code.isascii()
            or not country_iso_code.isalpha()
            or not country_iso_code.isupper()
        ):
            raise DriftwiseError.for_field(
                "country_iso_code",
                where="measure",
                found=repr(country_iso_code),
                expected="three upper-case letters, an ISO 3166-1 alpha-3 code such as 'USA'",
            )
        if not measure_power_secs > 0:
            raise DriftwiseError.for_field(
                "measure_power_secs",
                where="measure",
                found=str(measure_power_secs),
                expected="a number of seconds > 0",
            )
        self.country_iso_code = country_iso_code
        self.region = region
        self.measure_power_secs = measure_power_secs
        self._reset()

    def _reset(self) -> None:
        self._tracker: Any = None
        self._note: str | None = None
        self._log_level: int | None = None
        self._started = 0.0
        self._result: Measurement | None = None

    @property
    def result(self) -> Measurement:
        """The measurement of the finished block."""
        if self._result is None:
            raise DriftwiseError.for_field(
                "result",
                where="measure",
                found="no finished block",
                expected="a result read after the `with measure() as meter:` block",
            )
        return self._result

    def __enter__(self) -> EnergyMeter:
        self._reset()
        try:
            from codecarbon import OfflineEmissionsTracker
        except ImportError:
            self._note = NOT_INSTALLED
        else:
            self._start(OfflineEmissionsTracker)
        self._started = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        duration = time.perf_counter() - self._started
        data: Any = None
        if self._tracker is not None:
            try:
                with _quiet():
                    self._tracker.stop()
                data = self._tracker.final_emissions_data
            except Exception as err:  # a failing meter must not hide the block's outcome
                self._note = f"energy not measured: CodeCarbon failed to stop ({err!r})"
            finally:
                self._restore_logging()
        self._result = self._build(duration, data)

    def _start(self, tracker_class: Any) -> None:
        logger = logging.getLogger("codecarbon")
        self._log_level = logger.level
        logger.setLevel(logging.ERROR)  # its constructor logs before applying log_level
        try:
            _check_country(self.country_iso_code)
            settings: dict[str, Any] = {
                "country_iso_code": self.country_iso_code,
                "region": self.region,
                "measure_power_secs": self.measure_power_secs,
                "allow_multiple_runs": True,  # no lock file
                "log_level": "error",
            }
            with _quiet():
                try:  # CodeCarbon 3: no output at all
                    tracker = tracker_class(**settings, output_methods=[])
                except TypeError:  # CodeCarbon 2: the older switches
                    tracker = tracker_class(**settings, save_to_file=False, save_to_api=False)
                tracker.start()
        except DriftwiseError:
            self._restore_logging()
            raise
        except Exception as err:
            self._restore_logging()
            self._note = f"energy not measured: CodeCarbon failed to start ({err!r})"
            return
        self._tracker = tracker

    def _restore_logging(self) -> None:
        if self._log_level is not None:
            logging.getLogger("codecarbon").setLevel(self._log_level)
            self._log_level = None

    def _build(self, duration: float, data: Any) -> Measurement:
        if data is None:
            return Measurement(
                duration_s=duration,
                country_iso_code=self.country_iso_code,
                method=self._note or "energy not measured: CodeCarbon returned no data",
            )
        return Measurement(
            duration_s=duration,
            energy_kwh=_number(data.energy_consumed),
            emissions_kg=_number(data.emissions),
            cpu_energy_kwh=_number(data.cpu_energy),
            ram_energy_kwh=_number(data.ram_energy),
            cpu_power_w=_number(data.cpu_power),
            country_iso_code=self.country_iso_code,
            method=_describe(self._tracker, data, self.country_iso_code, self.region),
            tool_version=str(data.codecarbon_version),
        )


def measure(
    *, country_iso_code: str = "USA", region: str | None = None, measure_power_secs: float = 1.0
) -> EnergyMeter:
    """Measure the block of a ``with`` statement (see the module docstring).

    Parameters
    ----------
    country_iso_code : str
        ISO 3166-1 alpha-3 code of the country whose average carbon intensity applies.
    region : str or None
        A US state or Canadian province (e.g. ``"california"``) for a finer intensity.
    measure_power_secs : float
        Seconds between CodeCarbon's power readings.

    Raises
    ------
    DriftwiseError
        For a malformed country code, or one CodeCarbon has no energy-mix data for.

    >>> with measure(country_iso_code="DEU") as meter:
    ...     _ = [i * i for i in range(1000)]
    >>> meter.result.country_iso_code, meter.result.duration_s < 5
    ('DEU', True)
    """
    return EnergyMeter(
        country_iso_code=country_iso_code, region=region, measure_power_secs=measure_power_secs
    )


@contextlib.contextmanager
def _quiet() -> Any:
    """Keep anything CodeCarbon prints off stdout (its logs go to stderr, at level error)."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _check_country(code: str) -> None:
    from codecarbon.input import DataSource

    source: Any = DataSource  # untyped third-party class
    known = source().get_global_energy_mix_data()
    if code not in known:
        raise DriftwiseError.for_field(
            "country_iso_code",
            where="measure",
            found=repr(code),
            expected="a country CodeCarbon has energy-mix data for",
            options=sorted(known),
        )


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if out == out and abs(out) != float("inf") else None


def _describe(tracker: Any, data: Any, country: str, region: str | None) -> str:
    """What CodeCarbon did, in words, from the tracker's CPU object and its final data."""
    cpu = next((h for h in getattr(tracker, "_hardware", ()) if type(h).__name__ == "CPU"), None)
    mode = str(getattr(cpu, "_mode", "unknown"))
    tdp = getattr(cpu, "_tdp", None)
    model = str(getattr(data, "cpu_model", "") or getattr(cpu, "_model", "") or "unknown CPU")
    threads = getattr(data, "cpu_count", None)
    if mode == "cpu_load":
        cpu_words = (
            f"CPU power estimated from the machine's CPU load and a TDP of {tdp} W for {model} "
            "(no readable RAPL power counters)"
        )
        if isinstance(threads, int) and tdp == DEFAULT_WATTS_PER_THREAD * threads:
            cpu_words += (
                f", that TDP being CodeCarbon's {DEFAULT_WATTS_PER_THREAD} W per thread for a CPU "
                "model missing from its table"
            )
    elif mode == "constant":
        cpu_words = f"CPU power a constant share of a TDP of {tdp} W for {model}"
    elif mode == "intel_rapl":
        cpu_words = f"CPU energy read from the RAPL power counters of {model}"
    else:
        cpu_words = f"CPU power from CodeCarbon's {mode!r} mode for {model}"
    ram_w, ram_gb = _number(data.ram_power), _number(getattr(data, "ram_total_size", None))
    ram_words = "RAM power estimated"
    if ram_w is not None:
        ram_words += f" at {ram_w:.1f} W"
    if ram_gb is not None:
        ram_words += f" for {ram_gb:.1f} GB installed"
    energy, emissions = _number(data.energy_consumed), _number(data.emissions)
    intensity = ""
    if energy and emissions is not None:
        intensity = f" ({1000 * emissions / energy:.0f} g CO2eq/kWh)"
    place = country + (f", region {region}" if region else "")
    name = getattr(data, "country_name", "") or country
    return (
        f"CodeCarbon {data.codecarbon_version} OfflineEmissionsTracker, country {place} "
        f"({name}), whole machine: {cpu_words}; {ram_words}; emissions at the average carbon "
        f"intensity of the electricity there{intensity}."
    )
