"""The decision-quality suite at full size: every family for ``--seeds`` seeds (default 0-4:
50 scenarios), written to ``benchmarks/results/quality.md`` and to ``docs/quality.md``.

    python -m benchmarks.quality                 # about 1.5 min on 2 cores
    python -m benchmarks.quality --seeds 0 1 2 3 4 5 6 7 8 9
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks import publish
from driftwise.quality import FIXED_POLICIES, format_suite, run_suite

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "quality.md"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--no-publish", action="store_true", help="do not update docs/quality.md")
    args = parser.parse_args(argv)
    result = run_suite(args.seeds, progress=publish.progress)
    best = min(FIXED_POLICIES, key=lambda k: result.fixed_regret[k])
    text = (
        f"Seeds {', '.join(map(str, args.seeds))}; {result.seconds:.0f} s.\n\n"
        f"Regret against the best fixed policy ({best}): "
        f"{result.regret / max(result.fixed_regret[best], 1e-9):.0%}.\n\n"
        "```\n" + format_suite(result) + "\n```\n"
    )
    path = publish.write_result("quality", text)
    publish.progress(f"quality suite written to {path}")
    if not args.no_publish:
        publish.update_doc("quality", text, doc=DOC)
    print(text)


if __name__ == "__main__":
    main()
