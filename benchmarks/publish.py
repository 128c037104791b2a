"""Where results go: ``benchmarks/results/*.md`` and a dated section of ``docs/benchmarks.md``.

The page's generated parts sit between ``<!-- begin:NAME -->`` and ``<!-- end:NAME -->``
markers; everything else on the page is written by hand and left as it is.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
DOC = ROOT / "docs" / "benchmarks.md"


def progress(message: str) -> None:
    """One line on stderr, flushed at once."""
    print(message, file=sys.stderr, flush=True)


def today() -> str:
    """The date, UTC, ISO."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")


def machine() -> str:
    """Cores, CPU model, Python, the commit measured (``+``: ``src`` had uncommitted changes)
    and the load average (other work on the machine slows every tool)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = "+" if _git("status", "--porcelain", "--untracked-files=no", "src") else ""
    load = "unknown"
    if hasattr(os, "getloadavg"):
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"driftwise at commit {commit}{dirty}, load average {load} (1 / 5 / 15 min) at the end"
    )


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.strip()


def write_result(name: str, text: str) -> Path:
    """``benchmarks/results/<name>.md``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def update_doc(section: str, text: str, doc: Path = DOC) -> None:
    """Replace the generated ``section`` of the page (appended when the page lacks it)."""
    begin, end = f"<!-- begin:{section} -->", f"<!-- end:{section} -->"
    block = f"{begin}\n{text.strip()}\n{end}"
    page = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if begin in page and end in page:
        head, rest = page.split(begin, 1)
        _, tail = rest.split(end, 1)
        page = head + block + tail
    else:
        page = page.rstrip("\n") + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(page, encoding="utf-8")
