"""A seeded synthetic "retail conversion" stream with a localized and a global shift.

Each row is one visit to an online shop: the shopper's ``region`` and ``device``, the ``price`` of
the item looked at, the ``discount`` offered (0 to 0.5), the outdoor ``temperature`` reported by a
sensor (Celsius) and the number of ``visits`` this week. The target ``purchased`` (1 or 0) is drawn
from a logistic model of the *true* quantities.

Two things happen to the shop (see :func:`default_scenario`):

* **a promotion in one region** (localized): that region's traffic share grows (about 12% to 25%),
  its discounts are deeper, and its shoppers buy far more readily and respond more strongly to
  discounts. Rows of the other regions keep their distribution and behaviour; only their share of
  traffic shrinks.
* **a sensor recalibration** (global): the temperature sensor now reports Fahrenheit
  (``x * 1.8 + 32``) for every row, while behaviour still depends on the true temperature.

Labels arrive late: in every production batch only ``label_share`` of the rows carry
``purchased``; the rest hold ``NaN``.

>>> from driftwise.demo.scenario import default_scenario, generate
>>> data = generate(default_scenario(batch_rows=500, reference_rows=800), seed=1)
>>> data.reference.shape, len(data.batches)
((800, 7), 6)
>>> [b.name for b in data.batches][2:4]
['promotion in coast 1', 'promotion in coast 2']
>>> round(float(data.batches[0].frame["purchased"].isna().mean()), 1)
0.5
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from driftwise.errors import DriftwiseError, closest

__all__ = [
    "CATEGORICAL",
    "DEVICES",
    "FEATURES",
    "NUMERIC",
    "REGIONS",
    "TARGET",
    "Batch",
    "Phase",
    "Regime",
    "Scenario",
    "ScenarioData",
    "default_scenario",
    "generate",
    "simulate",
]

REGIONS: tuple[str, ...] = (
    "north",
    "south",
    "east",
    "west",
    "central",
    "coast",
    "mountain",
    "islands",
)
DEVICES: tuple[str, ...] = ("mobile", "desktop", "tablet")
CATEGORICAL: tuple[str, ...] = ("region", "device")
NUMERIC: tuple[str, ...] = ("price", "discount", "temperature", "visits")
FEATURES: tuple[str, ...] = CATEGORICAL + NUMERIC
TARGET = "purchased"

# Traffic shares, effects on the log-odds of a purchase and mean temperatures, per region.
_SHARE = np.array([0.16, 0.14, 0.13, 0.13, 0.14, 0.12, 0.09, 0.09])
_REGION_EFFECT = np.array([0.0, 0.5, -0.3, 0.2, 0.6, -0.4, -0.8, 0.3])
_REGION_TEMP = np.array([10.0, 21.0, 15.0, 15.0, 16.0, 19.0, 6.0, 24.0])
_DEVICE_SHARE = np.array([0.55, 0.35, 0.10])
_DEVICE_EFFECT = np.array([0.0, 0.8, 0.3])
_INTERCEPT = -2.0
_PRICE_EFFECT = -2.4  # per unit of log(price / 40)
_DISCOUNT_EFFECT = 6.0  # per unit of discount
_TEMP_EFFECT = 0.2  # per degree Celsius above 15
_VISITS_EFFECT = 0.7  # per visit above 3
# The promotion: deeper discounts, a jump in propensity and a stronger discount response.
_PROMO_SHARE = 0.25
_PROMO_JUMP = 2.5
_PROMO_DISCOUNT_EFFECT = 10.0
_PROMO_BETA = (3.0, 4.0)


@dataclass(frozen=True)
class Regime:
    """What holds in one phase of the stream.

    Parameters
    ----------
    promotion : str or None
        The region where a promotion runs, or ``None``.
    fahrenheit : bool
        Whether the temperature sensor reports Fahrenheit instead of Celsius.

    >>> Regime(promotion="coast").describe()
    'promotion in coast'
    >>> Regime(promotion="mars")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: Regime: field 'promotion': found 'mars'; ...
    """

    promotion: str | None = None
    fahrenheit: bool = False

    def __post_init__(self) -> None:
        if self.promotion is not None and self.promotion not in REGIONS:
            near = closest(self.promotion, REGIONS)
            hint = f" (did you mean {near!r}?)" if near is not None else ""
            raise DriftwiseError(
                f"Regime: field 'promotion': found {self.promotion!r}; expected one of "
                f"{', '.join(REGIONS)} or None{hint}."
            )

    def describe(self) -> str:
        """The regime in a few words."""
        parts = []
        if self.promotion is not None:
            parts.append(f"promotion in {self.promotion}")
        if self.fahrenheit:
            parts.append("temperature in Fahrenheit")
        return ", ".join(parts) or "stable"


@dataclass(frozen=True)
class Phase:
    """A named stretch of ``n_batches`` production batches under one :class:`Regime`.

    >>> Phase(name="stable", description="Nothing changes.", n_batches=2).regime
    Regime(promotion=None, fahrenheit=False)
    """

    name: str
    description: str
    n_batches: int
    regime: Regime = Regime()

    def __post_init__(self) -> None:
        if self.n_batches < 1:
            raise DriftwiseError.for_field(
                "n_batches",
                where=f"Phase {self.name!r}",
                found=str(self.n_batches),
                expected="an integer of at least 1",
            )


@dataclass(frozen=True)
class Scenario:
    """A reference period followed by a sequence of phases of production batches.

    Parameters
    ----------
    phases : tuple of Phase
        The phases, in time order.
    batch_rows : int
        Rows per production batch.
    reference_rows : int
        Rows of the fully labelled reference (training) period.
    label_share : float
        Share of each batch's rows whose label has arrived (in ``(0, 1]``).

    >>> Scenario(phases=(), batch_rows=10)
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: Scenario: field 'phases': found none; ...
    """

    phases: tuple[Phase, ...]
    batch_rows: int = 6000
    reference_rows: int = 8000
    label_share: float = 0.5

    def __post_init__(self) -> None:
        if not self.phases:
            raise DriftwiseError.for_field(
                "phases", where="Scenario", found="none", expected="at least one phase"
            )
        for name, value in (
            ("batch_rows", self.batch_rows),
            ("reference_rows", self.reference_rows),
        ):
            if value < 50:
                raise DriftwiseError.for_field(
                    name, where="Scenario", found=str(value), expected="an integer of at least 50"
                )
        if not 0 < self.label_share <= 1:
            raise DriftwiseError.for_field(
                "label_share",
                where="Scenario",
                found=str(self.label_share),
                expected="a share in (0, 1]",
            )


@dataclass(frozen=True)
class Batch:
    """One production batch: its position, name, description, regime and rows.

    >>> b = generate(default_scenario(batch_rows=100, reference_rows=100), seed=0).batches[4]
    >>> b.index, b.name, b.regime.describe(), len(b.frame)
    (4, 'sensor recalibration 1', 'promotion in coast, temperature in Fahrenheit', 100)
    """

    index: int
    name: str
    description: str
    regime: Regime
    frame: pd.DataFrame


@dataclass(frozen=True)
class ScenarioData:
    """The generated stream: a fully labelled reference and the production batches.

    >>> data = generate(default_scenario(batch_rows=100, reference_rows=300), seed=0)
    >>> len(data.reference), int(data.reference["purchased"].notna().sum()), len(data.batches)
    (300, 300, 6)
    """

    reference: pd.DataFrame
    batches: tuple[Batch, ...]


def default_scenario(
    *, batch_rows: int = 6000, reference_rows: int = 8000, label_share: float = 0.5
) -> Scenario:
    """The demo's stream: 2 stable batches, 2 with a promotion in the coast region, then 2 with
    the temperature sensor recalibrated to Fahrenheit while the promotion continues.

    >>> [(p.name, p.n_batches) for p in default_scenario().phases]
    [('stable', 2), ('promotion in coast', 2), ('sensor recalibration', 2)]
    """
    promo = Regime(promotion="coast")
    return Scenario(
        phases=(
            Phase("stable", "Business as usual: the champion's training regime.", 2),
            Phase(
                "promotion in coast",
                "A promotion in the coast region: coast traffic grows from 12% to 25%, discounts "
                "there deepen, and coast shoppers buy far more readily and respond more strongly "
                "to discounts. Other regions behave as before.",
                2,
                promo,
            ),
            Phase(
                "sensor recalibration",
                "The temperature sensor is recalibrated and now reports Fahrenheit for every "
                "row; shoppers still respond to the true temperature. The promotion continues.",
                2,
                Regime(promotion="coast", fahrenheit=True),
            ),
        ),
        batch_rows=batch_rows,
        reference_rows=reference_rows,
        label_share=label_share,
    )


def simulate(n: int, regime: Regime, rng: np.random.Generator) -> pd.DataFrame:
    """Draw ``n`` fully labelled rows under ``regime``.

    >>> import numpy as np
    >>> frame = simulate(1000, Regime(fahrenheit=True), np.random.default_rng(0))
    >>> list(frame.columns)
    ['region', 'device', 'price', 'discount', 'temperature', 'visits', 'purchased']
    >>> bool(frame["temperature"].mean() > 50)
    True
    """
    share = _SHARE.copy()
    promo = REGIONS.index(regime.promotion) if regime.promotion is not None else None
    if promo is not None:
        others = np.arange(len(REGIONS)) != promo
        share[others] *= (1 - _PROMO_SHARE) / share[others].sum()
        share[promo] = _PROMO_SHARE
    region = rng.choice(len(REGIONS), size=n, p=share)
    device = rng.choice(len(DEVICES), size=n, p=_DEVICE_SHARE)
    price = np.exp(rng.normal(np.log(40.0), 0.5, size=n))
    discount = 0.5 * rng.beta(2.0, 5.0, size=n)
    temp = rng.normal(_REGION_TEMP[region], 5.0)
    visits = rng.poisson(2.0, size=n) + 1
    in_promo = region == promo if promo is not None else np.zeros(n, dtype=bool)
    # Promotion rows get deeper discounts (drawn for every row so the other rows stay identical).
    promo_discount = 0.5 * rng.beta(_PROMO_BETA[0], _PROMO_BETA[1], size=n)
    discount = np.where(in_promo, promo_discount, discount)
    slope = np.where(in_promo, _PROMO_DISCOUNT_EFFECT, _DISCOUNT_EFFECT)
    logit = (
        _INTERCEPT
        + _REGION_EFFECT[region]
        + _DEVICE_EFFECT[device]
        + _PRICE_EFFECT * np.log(price / 40.0)
        + slope * discount
        + _TEMP_EFFECT * (temp - 15.0)
        + _VISITS_EFFECT * (visits - 3)
        + np.where(in_promo, _PROMO_JUMP, 0.0)
    )
    purchased = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(float)
    reported = temp * 1.8 + 32.0 if regime.fahrenheit else temp
    return pd.DataFrame(
        {
            "region": np.asarray(REGIONS, dtype=object)[region],
            "device": np.asarray(DEVICES, dtype=object)[device],
            "price": np.round(price, 2),
            "discount": np.round(discount, 3),
            "temperature": np.round(reported, 1),
            "visits": visits.astype(np.int64),
            TARGET: purchased,
        }
    )


def generate(scenario: Scenario | None = None, *, seed: int = 7) -> ScenarioData:
    """Generate the reference and the production batches of ``scenario``; same seed, same data.

    Each batch hides the label of a random ``1 - label_share`` of its rows (``NaN``).

    >>> a = generate(default_scenario(batch_rows=200, reference_rows=200), seed=3)
    >>> b = generate(default_scenario(batch_rows=200, reference_rows=200), seed=3)
    >>> a.batches[-1].frame.equals(b.batches[-1].frame)
    True
    """
    sc = scenario if scenario is not None else default_scenario()
    root = np.random.default_rng(seed)
    reference = simulate(sc.reference_rows, Regime(), root.spawn(1)[0])
    batches: list[Batch] = []
    for phase in sc.phases:
        for k in range(phase.n_batches):
            rng = root.spawn(1)[0]
            frame = simulate(sc.batch_rows, phase.regime, rng)
            n_labelled = round(sc.label_share * sc.batch_rows)
            hidden = rng.permutation(sc.batch_rows)[n_labelled:]
            frame.loc[hidden, TARGET] = np.nan
            name = phase.name if phase.n_batches == 1 else f"{phase.name} {k + 1}"
            batches.append(Batch(len(batches), name, phase.description, phase.regime, frame))
    return ScenarioData(reference=reference, batches=tuple(batches))
