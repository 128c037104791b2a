"""Write a decision to a folder: ``decision.json`` for machines and ``report.html`` for people.

>>> import tempfile
>>> from pathlib import Path
>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
>>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(), evidence=(),
...     policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1, n_current=1,
...     n_features=0, n_labelled_current=0))
>>> with tempfile.TemporaryDirectory() as tmp:
...     paths = write_outputs(d, Path(tmp) / "out")
...     Decision.model_validate_json(paths["decision"].read_text("utf-8")) == d
True
"""

from __future__ import annotations

from pathlib import Path

from driftwise.decide.types import Decision
from driftwise.errors import DriftwiseError
from driftwise.report.html import render_html

__all__ = ["write_outputs"]


def write_outputs(decision: Decision, out_dir: str | Path) -> dict[str, Path]:
    """Write ``decision.json`` and ``report.html`` into ``out_dir``, creating it if needed.

    Returns ``{"decision": path, "report": path}``. Existing files of those names are replaced.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="monitor", confidence=0.5, reasons=(), alternatives=(), evidence=(),
    ...     policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1, n_current=1,
    ...     n_features=0, n_labelled_current=0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     blocker = Path(tmp) / "out"
    ...     _ = blocker.write_text("x")
    ...     write_outputs(d, blocker)
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: write_outputs: field 'out_dir': found a file ...
    """
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise DriftwiseError.for_field(
            "out_dir",
            where="write_outputs",
            found=f"a file at '{folder}'",
            expected="a folder or a path that does not exist yet",
        )
    folder.mkdir(parents=True, exist_ok=True)
    decision_path = folder / "decision.json"
    report_path = folder / "report.html"
    decision_path.write_text(decision.model_dump_json(indent=2) + "\n", encoding="utf-8")
    report_path.write_text(render_html(decision), encoding="utf-8")
    return {"decision": decision_path, "report": report_path}
