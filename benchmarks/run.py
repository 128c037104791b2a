"""``make bench``: driftwise against scipy and Evidently on the same saved data, then the
statistical validation (``benchmarks/validate.py``), then the decision-quality suite at full
size (``benchmarks/quality.py``).

Every run of every tool is its own process reading the same Parquet files (``tools.py``);
Evidently runs in its own environment (``peers.py``, made on first use). Reported per case: the
median time over ``--repeats`` runs (a run that takes over ``--long`` (30) seconds is not repeated),
peak memory, the data size, the shifted columns found and the false flags, and speed ratios.
Results go to ``benchmarks/results/latest.md`` (+ ``latest.json``) and ``docs/benchmarks.md``.

    python -m benchmarks.run                       # everything (about 20-30 min on 2 cores)
    python -m benchmarks.run --rows 100000 --skip-validation
    python -m benchmarks.run --tools driftwise scipy --cases numeric
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import data, peers, publish

HERE = Path(__file__).resolve().parent
_LEGEND = """Cases: numeric = 20 N(0,1) columns, +0.1 sd in 5; categorical = 20 columns of 10
    categories, 2 points moved in 5; mixed = both (20 + 20). Found: shifted columns flagged;
    false flags: unchanged columns flagged. Time: the detection calls only (driftwise:
    infer_schema + validate_pair + compute_evidence, default policy; driftwise.check(): the
    whole check on the frames in memory, every signal and the decision). Time vs X: X's time /
    this tool's time (above 1: faster than X). Peak MB: the whole process's high-water mark
    (imports, reading Parquet, detection); imports → read: the process after its imports, then
    after reading the data (Arrow's memory pool keeps what reading freed); detection adds: the
    high-water mark during detection minus the process after reading;
    data MB: both frames as pandas 3 reads them by default (float64 and Arrow strings,
    memory_usage deep; driftwise reads text dictionary-encoded, its own size is in the
    details)."""
LEGEND = " ".join(_LEGEND.split())
TOOL_NAMES = {
    "driftwise": "driftwise",
    "driftwise-check": "driftwise.check()",
    "scipy": "scipy per column",
    "evidently": "Evidently",
}


def run_tool(tool: str, ref: Path, cur: Path) -> dict[str, Any]:
    """One run of one tool in its own process."""
    python = str(peers.ensure()) if tool == "evidently" else sys.executable
    proc = subprocess.run(
        [python, "-m", "benchmarks.tools", tool, str(ref), str(cur)],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        env=peers.environment(),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} failed on {ref.name}:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def summarise(case: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median time, largest memory, and what the first run flagged (all runs agree)."""
    shifted = data.shifted_columns(case)
    flagged = runs[0]["flagged"]
    detect = [r["detect_peak_mb"] for r in runs if r.get("detect_peak_mb") is not None]
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "all_seconds": [r["seconds"] for r in runs],
        "peak_mb": max(r["peak_mb"] for r in runs),
        "detect_peak_mb": max(detect) if detect else None,
        "data_mb": runs[0]["data_mb"],
        "base_mb": min((r["base_mb"] for r in runs if r.get("base_mb") is not None), default=None),
        "loaded_mb": min(
            (r["loaded_mb"] for r in runs if r.get("loaded_mb") is not None), default=None
        ),
        "found": len([f for f in flagged if f in shifted]),
        "expected": len(shifted),
        "false": sorted(f for f in flagged if f not in shifted),
        "flagged": flagged,
        "consistent": all(r["flagged"] == flagged for r in runs),
        "methods": runs[0].get("methods", []),
        "breakdown": runs[0].get("breakdown"),
        "action": runs[0].get("action"),
        "kinds": runs[0].get("kinds"),
        "pandas": runs[0].get("pandas"),
    }


def _ratio(other: dict[str, Any] | None, this: dict[str, Any]) -> str:
    if other is None:
        return "–"
    return f"{other['seconds'] / this['seconds']:.1f}x"


def _mb(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "–"


def table(rows: int, results: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """One Markdown table for one data size."""
    lines = [
        f"### {rows:,} rows per side",
        "",
        "| case | tool | median time (s) | time vs scipy | time vs Evidently | found "
        "| false flags | peak MB | imports → read MB | detection adds MB | data MB "
        "| (peak − imports) ÷ data |",
        "|---|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for case, by_tool in results.items():
        # The data as pandas 3 reads them by default (float64, Arrow strings): scipy's process.
        data_mb = by_tool.get("scipy", next(iter(by_tool.values())))["data_mb"]
        for tool, r in by_tool.items():
            false = f"{len(r['false'])}" + (f" ({', '.join(r['false'])})" if r["false"] else "")
            base, loaded, detect = r.get("base_mb"), r.get("loaded_mb"), r["detect_peak_mb"]
            adds = detect - loaded if detect is not None and loaded is not None else None
            share = f"{(r['peak_mb'] - base) / data_mb:.2f}" if base is not None else "–"
            lines.append(
                f"| {case} | {TOOL_NAMES[tool]} | {r['seconds']:.2f} | "
                f"{_ratio(by_tool.get('scipy'), r)} | {_ratio(by_tool.get('evidently'), r)} | "
                f"{r['found']} of {r['expected']} | {false} | {r['peak_mb']:,.0f} | "
                f"{_mb(base)} → {_mb(loaded)} | {_mb(adds)} | {data_mb:,.0f} | {share} |"
            )
    lines.append("")
    return lines


def notes(all_results: dict[int, dict[str, dict[str, dict[str, Any]]]]) -> list[str]:
    """Methods used, the driftwise time breakdown, and any run whose flags differed."""
    out = []
    for rows, results in all_results.items():
        for case, by_tool in results.items():
            for tool, r in by_tool.items():
                extra = ""
                if r.get("breakdown"):
                    extra = "; " + ", ".join(f"{k} {v:.2f} s" for k, v in r["breakdown"].items())
                if r.get("action"):
                    extra += f"; decision {r['action']}; evidence kinds {', '.join(r['kinds'])}"
                flag = "" if r["consistent"] else "; runs disagreed on the flags"
                times = ", ".join(f"{t:.2f}" for t in r["all_seconds"])
                flagged = ", ".join(r["flagged"]) or "none"
                extra += f"; data as read {r['data_mb']:,.0f} MB"
                out.append(
                    f"- {rows:,} {case}, {TOOL_NAMES[tool]} (pandas {r['pandas']}): "
                    f"{', '.join(r['methods'])}; flagged {flagged}; runs {times} s{extra}{flag}"
                )
    return out


def compare(args: argparse.Namespace) -> str:
    """Run every tool on every case and size; return the Markdown."""
    started = time.perf_counter()
    versions = peers.versions() if "evidently" in args.tools else {}
    all_results: dict[int, dict[str, dict[str, dict[str, Any]]]] = {}
    plan = [(r, c, t) for r in args.rows for c in args.cases for t in args.tools]
    done = 0
    for rows in args.rows:
        publish.progress(f"data: {rows:,} rows per side (seed {args.seed})")
        paths = data.save(HERE / "results" / "data", rows, args.seed)
        all_results[rows] = {}
        for case in args.cases:
            ref, cur = paths[case]
            all_results[rows][case] = {}
            for tool in args.tools:
                done += 1
                runs: list[dict[str, Any]] = []
                while len(runs) < args.repeats:
                    r = run_tool(tool, ref, cur)
                    runs.append(r)
                    publish.progress(
                        f"[{done}/{len(plan)}] {rows:,} {case} {tool} run {len(runs)}: "
                        f"{r['seconds']:.2f} s, peak {r['peak_mb']:,.0f} MB, "
                        f"flagged {len(r['flagged'])}"
                    )
                    if r["seconds"] > args.long:
                        break
                all_results[rows][case][tool] = summarise(case, runs)
    elapsed = time.perf_counter() - started
    peer_text = ", ".join(f"{k} {v}" for k, v in versions.items())
    lines = [
        f"## Drift detection against peers ({publish.today()})",
        "",
        f"Machine: {publish.machine()}. Seed {args.seed}; median of {args.repeats} runs per "
        f"tool and case (runs over {args.long:g} s once). Peers' environment: {peer_text or '–'}. "
        f"Whole comparison: {elapsed / 60:.1f} min.",
        "",
        LEGEND,
        "",
    ]
    for rows in args.rows:
        lines += table(rows, all_results[rows])
    lines += ["Details:", "", *notes(all_results), ""]
    json_path = HERE / "results" / "latest.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps({str(k): v for k, v in all_results.items()}, indent=1), encoding="utf-8"
    )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--cases", nargs="+", choices=data.CASES, default=list(data.CASES))
    parser.add_argument("--tools", nargs="+", choices=list(TOOL_NAMES), default=list(TOOL_NAMES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--long", type=float, default=30.0, help="runs longer are not repeated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument("--skip-comparison", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--no-publish", action="store_true", help="do not update docs/benchmarks.md"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """The comparison, then the statistical validation."""
    args = parse(argv)
    started = time.perf_counter()
    if not args.skip_comparison:
        text = compare(args)
        path = publish.write_result("latest", text)
        if not args.no_publish:
            publish.update_doc("comparison", text)
        print(text)
        publish.progress(f"comparison written to {path}")
    if not args.skip_validation:
        from benchmarks import validate

        validate.main(["--no-publish"] if args.no_publish else [])
    if not args.skip_quality:
        from benchmarks import quality

        quality.main(["--no-publish"] if args.no_publish else [])
    publish.progress(f"make bench: {(time.perf_counter() - started) / 60:.1f} min in all")


if __name__ == "__main__":
    main()
