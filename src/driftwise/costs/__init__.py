"""Costs: what a training run costs (measured with CodeCarbon) and will cost (from past runs).

:mod:`driftwise.costs.measure` measures a run's duration, energy and emissions offline;
:mod:`driftwise.costs.estimate` projects the next run's from the measured ones. Importing this
package imports neither CodeCarbon nor scipy.
"""

from driftwise.costs.estimate import CostEstimate, RunCost, estimate_cost, run_costs

__all__ = ["CostEstimate", "RunCost", "estimate_cost", "run_costs"]
