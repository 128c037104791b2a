"""``make bench``: driftwise against scipy's per-column tests on the same saved data.

Reports median time over repeats, peak memory of the process, what each found, and the speed
ratio. Results go to ``benchmarks/results/latest.md``. Options: ``--rows``, ``--repeats``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks import data

HERE = Path(__file__).resolve().parent


def run_tool(tool: str, ref: Path, cur: Path) -> tuple[float, float, list[str]]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.tools", tool, str(ref), str(cur)],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    ).stdout.strip()
    t, mb, flagged = out.split("\t") if out.count("\t") == 2 else (*out.split("\t"), "")
    return float(t), float(mb), [f for f in flagged.split(",") if f]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = data.save(HERE / "results" / "data", args.rows, args.seed)
    lines = [
        f"# Drift detection, {args.rows:,} rows x 20 columns per side (seed {args.seed})",
        "",
        "| case | tool | median time (s) | peak memory (MB) | found | false flags | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in ("numeric", "mixed"):
        ref, cur = paths[f"{case}_ref"], paths[f"{case}_cur"]
        results = {}
        for tool in ("scipy", "driftwise"):
            runs = []
            for r in range(args.repeats):
                print(f"{case}: {tool} run {r + 1}/{args.repeats}", file=sys.stderr, flush=True)
                runs.append(run_tool(tool, ref, cur))
            results[tool] = runs
        base = statistics.median(t for t, _, _ in results["scipy"])
        for tool, runs in results.items():
            t = statistics.median(x for x, _, _ in runs)
            mb = max(m for _, m, _ in runs)
            flagged = runs[0][2]
            shifted = {f"n{i:02d}" for i in range(5)} | {f"c{i:02d}" for i in range(5)}
            found = len([f for f in flagged if f in shifted])
            false = len([f for f in flagged if f not in shifted])
            expected = 5 if case == "numeric" else 10
            lines.append(
                f"| {case} | {tool} | {t:.3f} | {mb:.0f} | {found} of {expected} | {false} "
                f"| {base / t:.2f}x |"
            )
    text = "\n".join(lines) + "\n"
    out = HERE / "results" / "latest.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
