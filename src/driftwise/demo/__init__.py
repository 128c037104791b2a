"""The demo: a seeded retail-conversion stream, a real scikit-learn model, the whole loop.

>>> from driftwise.demo import default_scenario
>>> default_scenario().batch_rows
6000
"""

from driftwise.demo.run import DemoResult, Step, format_history, run_demo
from driftwise.demo.scenario import (
    Batch,
    Phase,
    Regime,
    Scenario,
    ScenarioData,
    default_scenario,
    generate,
    simulate,
)

__all__ = [
    "Batch",
    "DemoResult",
    "Phase",
    "Regime",
    "Scenario",
    "ScenarioData",
    "Step",
    "default_scenario",
    "format_history",
    "generate",
    "run_demo",
    "simulate",
]
