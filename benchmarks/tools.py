"""One tool per function: read the saved data, detect drift, return what was flagged.

Each runs in its own process (see ``run.py``) so that peak memory is the tool's own. The time
covers the detection calls only, not reading the files.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
import pandas as pd


def driftwise_tool(ref: pd.DataFrame, cur: pd.DataFrame) -> tuple[float, list[str]]:
    from driftwise.policy import Policy
    from driftwise.schema import infer_schema
    from driftwise.signals.collect import compute_evidence
    from driftwise.signals.types import FeatureDrift

    start = time.perf_counter()
    schema = infer_schema(ref, where="reference")
    evidence = compute_evidence(ref, cur, schema, Policy())
    elapsed = time.perf_counter() - start
    flagged = [
        e.column
        for e in evidence
        if isinstance(e, FeatureDrift) and e.segment is None and e.drifted
    ]
    return elapsed, flagged


def scipy_tool(ref: pd.DataFrame, cur: pd.DataFrame) -> tuple[float, list[str]]:
    """Per-column ks_2samp (numeric) or chi-square on counts (categorical), Bonferroni."""
    from scipy import stats

    start = time.perf_counter()
    pvals = {}
    for c in ref.columns:
        if ref[c].dtype.kind == "f":
            pvals[c] = stats.ks_2samp(ref[c].to_numpy(), cur[c].to_numpy()).pvalue
        else:
            table = (
                pd.concat([ref[c].value_counts(), cur[c].value_counts()], axis=1)
                .fillna(0)
                .to_numpy()
                .T
            )
            pvals[c] = stats.chi2_contingency(table, correction=False).pvalue
    elapsed = time.perf_counter() - start
    m = len(pvals)
    return elapsed, [c for c, p in pvals.items() if p * m < 0.05]


TOOLS: dict[str, Any] = {"driftwise": driftwise_tool, "scipy": scipy_tool}


def main(argv: list[str]) -> None:
    """``python -m benchmarks.tools TOOL REF.parquet CUR.parquet``: prints one result line."""
    import resource

    tool, ref_path, cur_path = argv
    ref, cur = pd.read_parquet(ref_path), pd.read_parquet(cur_path)
    elapsed, flagged = TOOLS[tool](ref, cur)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.4f}\t{peak_mb:.0f}\t{','.join(sorted(flagged))}")
    np.random.seed(0)


if __name__ == "__main__":
    main(sys.argv[1:])
