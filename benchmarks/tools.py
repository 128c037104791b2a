"""One tool per function: detect drift on two frames, return the time and what was flagged.

``python -m benchmarks.tools TOOL REF.parquet CUR.parquet`` reads the saved data (driftwise with
its own reader, ``driftwise.data.read_table``, as ``driftwise check`` does; the others with
``pandas.read_parquet``), runs one tool once and prints one JSON line. Each run is its own
process (see ``run.py``) so that its peak memory is its own; driftwise and scipy run in the
project's environment, Evidently in the peers' (``peers.py``: pandas < 3). The time covers the
detection calls only, not reading the files.

Memory, in MB: ``peak_mb`` is the whole process's high-water mark (``ru_maxrss``: imports,
reading the Parquet files, detection); ``detect_peak_mb`` the high-water mark from just before
the detection call to its end (reset through ``/proc/self/clear_refs`` on Linux), i.e. the data
held plus what detection adds; ``data_mb`` the two frames as read (``memory_usage(deep=True)``);
``base_mb`` the process after importing the tool, before reading the data; ``loaded_mb`` after
reading them (Arrow's memory pool keeps what reading freed, so this can exceed base + data).

This module imports only numpy and pandas at the top: it must also run in the peers' environment.
"""

from __future__ import annotations

import gc
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

Result = dict[str, Any]


def driftwise_tool(ref: pd.DataFrame, cur: pd.DataFrame) -> Result:
    """What ``driftwise check`` does minus reading files and deciding: ``infer_schema``,
    ``validate_pair`` and ``compute_evidence`` at the default policy. Flagged: every model input
    whose (global, not per-segment) test is ``drifted``."""
    from driftwise.data import validate_pair
    from driftwise.policy import Policy
    from driftwise.schema import infer_schema
    from driftwise.signals.collect import compute_evidence
    from driftwise.signals.types import FeatureDrift

    policy = Policy()
    start = time.perf_counter()
    schema = infer_schema(ref, where="reference")
    t_schema = time.perf_counter()
    vref, vcur = validate_pair(ref, cur, schema, reference_name="reference", current_name="current")
    t_valid = time.perf_counter()
    evidence = compute_evidence(vref, vcur, schema, policy)
    end = time.perf_counter()
    inputs = [
        e
        for e in evidence
        if isinstance(e, FeatureDrift)
        and e.segment is None
        and e.role in ("numeric", "categorical", "text")
    ]
    return {
        "seconds": end - start,
        "flagged": sorted(e.column for e in inputs if e.drifted),
        "significant": sorted(e.column for e in inputs if e.significant),
        "methods": sorted({f"{e.test}/{e.method}" for e in inputs}),
        "breakdown": {
            "infer_schema": t_schema - start,
            "validate_pair": t_valid - t_schema,
            "compute_evidence": end - t_valid,
        },
    }


def driftwise_check_tool(ref: pd.DataFrame, cur: pd.DataFrame) -> Result:
    """``driftwise.check(reference, current)`` on the frames in memory: the whole pipeline of
    ``driftwise check`` (every signal of the evidence suite, then the decision) minus reading
    files. Flagged as for :func:`driftwise_tool`."""
    import driftwise
    from driftwise.signals.types import FeatureDrift

    start = time.perf_counter()
    decision = driftwise.check(ref, cur)
    end = time.perf_counter()
    inputs = [
        e
        for e in decision.evidence
        if isinstance(e, FeatureDrift)
        and e.segment is None
        and e.role in ("numeric", "categorical", "text")
    ]
    return {
        "seconds": end - start,
        "flagged": sorted(e.column for e in inputs if e.drifted),
        "significant": sorted(e.column for e in inputs if e.significant),
        "methods": sorted({f"{e.test}/{e.method}" for e in inputs}),
        "kinds": sorted({e.kind for e in decision.evidence}),
        "action": decision.action,
    }


def scipy_tool(ref: pd.DataFrame, cur: pd.DataFrame) -> Result:
    """Per column: ``scipy.stats.ks_2samp`` (numbers) or ``chi2_contingency`` on the category
    counts (others); flagged when the Bonferroni-corrected p-value is below 0.05."""
    from scipy import stats

    start = time.perf_counter()
    pvals, methods = {}, set()
    for c in ref.columns:
        if ref[c].dtype.kind == "f":
            methods.add("ks_2samp")
            pvals[c] = float(stats.ks_2samp(ref[c].to_numpy(), cur[c].to_numpy()).pvalue)
        else:
            methods.add("chi2_contingency")
            table = (
                pd.concat([ref[c].value_counts(), cur[c].value_counts()], axis=1)
                .fillna(0)
                .to_numpy()
                .T
            )
            pvals[c] = float(stats.chi2_contingency(table, correction=False).pvalue)
    elapsed = time.perf_counter() - start
    m = len(pvals)
    return {
        "seconds": elapsed,
        "flagged": sorted(c for c, p in pvals.items() if p * m < 0.05),
        "methods": sorted(methods),
    }


# Evidently's default methods and how each decides (the implementations in
# evidently/legacy/calculations/stattests/*): distances drift at score >= threshold, tests at
# p-value < threshold.
_EVIDENTLY_DISTANCES = ("Wasserstein", "Jensen-Shannon", "PSI", "Hellinger", "Kullback", "Energy")


def evidently_tool(ref: pd.DataFrame, cur: pd.DataFrame) -> Result:
    """Evidently's ``Report([DataDriftPreset()])`` with default settings; flagged: the columns
    whose ``ValueDrift`` score passes its method's threshold (Evidently's own rule)."""
    from evidently import Report
    from evidently.presets import DataDriftPreset

    start = time.perf_counter()
    snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
    elapsed = time.perf_counter() - start
    flagged, methods = [], set()
    for metric in snapshot.dict()["metrics"]:
        config = metric.get("config", {})
        if not str(config.get("type", "")).endswith(":ValueDrift"):
            continue
        method, threshold, score = config["method"], config["threshold"], metric["value"]
        methods.add(f"{method} ({threshold:g})")
        distance = any(d in method for d in _EVIDENTLY_DISTANCES)
        if (score >= threshold) if distance else (score < threshold):
            flagged.append(config["column"])
    return {"seconds": elapsed, "flagged": sorted(flagged), "methods": sorted(methods)}


TOOLS = {
    "driftwise": driftwise_tool,
    "driftwise-check": driftwise_check_tool,
    "scipy": scipy_tool,
    "evidently": evidently_tool,
}
# Imported before the data are read, so that ``base_mb`` (the process after its imports) can be
# told apart from what the data and the detection take.
IMPORTS = {
    "driftwise": ("driftwise.data", "driftwise.schema", "driftwise.signals.collect"),
    "driftwise-check": (
        "driftwise.api",
        "sklearn.ensemble",
        "sklearn.model_selection",
        "sklearn.metrics",
    ),
    "scipy": ("scipy.stats",),
    "evidently": ("evidently", "evidently.presets"),
}


def _rss_mb() -> float | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _high_water_mb() -> float | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+)\s+kB", status)
    return int(found.group(1)) / 1024 if found else None


def _reset_high_water() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure(tool: str, ref_path: Path, cur_path: Path) -> Result:
    """Read both files, run ``tool`` once, and add the memory figures."""
    import importlib
    import resource

    for module in IMPORTS[tool]:
        importlib.import_module(module)
    gc.collect()
    base_mb = _rss_mb()
    if tool.startswith("driftwise"):  # as ``driftwise check`` reads files
        from driftwise.data import read_table

        ref = read_table(ref_path, name="reference")
        cur = read_table(cur_path, name="current")
    else:
        ref, cur = pd.read_parquet(ref_path), pd.read_parquet(cur_path)
    data_mb = (ref.memory_usage(deep=True).sum() + cur.memory_usage(deep=True).sum()) / 2**20
    gc.collect()
    loaded_mb = _rss_mb()
    # Resetting the high-water mark also resets ru_maxrss: read the load-time peak first.
    loaded_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reset = _reset_high_water()
    result = TOOLS[tool](ref, cur)
    result["detect_peak_mb"] = _high_water_mb() if reset else None
    result["peak_mb"] = max(loaded_peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["data_mb"] = float(data_mb)
    result["base_mb"] = base_mb
    result["loaded_mb"] = loaded_mb
    result["pandas"] = pd.__version__
    return result


def main(argv: list[str]) -> None:
    """``python -m benchmarks.tools TOOL REF.parquet CUR.parquet``: prints one JSON line."""
    tool, ref_path, cur_path = argv
    print(json.dumps(measure(tool, Path(ref_path), Path(cur_path))))


if __name__ == "__main__":
    main(sys.argv[1:])
