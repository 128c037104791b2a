"""Generate the CLI reference (``docs/cli.md``) from the parser's own help.

``python -m driftwise.cli.reference > docs/cli.md``; a test fails while the file is stale.

>>> "driftwise check" in render()
True
"""

from __future__ import annotations

import argparse

from driftwise.cli.main import build_parser

__all__ = ["commands", "render"]


def commands() -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command with its parser, depth first."""
    found: list[tuple[str, argparse.ArgumentParser]] = []

    def walk(prefix: str, parser: argparse.ArgumentParser) -> None:
        found.append((prefix, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(f"{prefix} {name}", sub)

    walk("driftwise", build_parser())
    return found


def render() -> str:
    """The Markdown reference."""
    parts = [
        "# CLI reference\n",
        "Generated from `--help` by `python -m driftwise.cli.reference`; do not edit by hand.\n",
    ]
    for name, parser in commands():
        text = parser.format_help().rstrip()
        parts.append(f"## `{name}`\n\n```text\n{text}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
