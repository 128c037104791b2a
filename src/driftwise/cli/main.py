"""The ``driftwise`` command: a thin layer over the library.

Library errors become one ``Error: ...`` line on stderr and exit code 1. ``check`` exits 0 when
no action is needed (``no_action`` or ``monitor``) and 3 when an action is recommended
(``fine_tune``, ``retrain``, ``rollback`` or ``escalate``).

>>> main(["--version"])
driftwise 0.1.0
0
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence

from driftwise import __version__
from driftwise.errors import DriftwiseError

__all__ = ["EXIT_ACTION", "EXIT_ERROR", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_ACTION = 3

# A fixed width keeps help text (and the generated docs/cli.md) the same on every terminal.
_FORMATTER = functools.partial(argparse.HelpFormatter, width=100)


def _progress(stage: str) -> None:
    print(f"... {stage}", file=sys.stderr, flush=True)


def _cmd_check(args: argparse.Namespace) -> int:
    from driftwise.api import check
    from driftwise.report import render_text, write_outputs

    decision = check(
        args.reference,
        args.current,
        target=args.target,
        prediction=args.prediction,
        scores=args.score or (),
        segments=args.segment or (),
        sensitive=args.sensitive or (),
        timestamp=args.timestamp,
        config=args.config,
        policy=args.policy,
        feedback=args.feedback,
        registry=args.registry,
        erasure=args.erasure,
        transfer=args.transfer,
        progress=_progress if args.progress else None,
    )
    paths = write_outputs(decision, args.out) if args.out else {}
    if args.json:
        print(decision.model_dump_json(indent=2))
    else:
        print(render_text(decision))
        for label, path in paths.items():
            print(f"{label}: {path}")
    return EXIT_ACTION if decision.needs_action else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from driftwise.demo import format_history, run_demo

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    result = run_demo(seed=args.seed, out_dir=args.out, progress=progress)
    print(format_history(result))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from driftwise.decide.jsonschema import render

    print(render(), end="")
    return EXIT_OK


def _cmd_policy_check(args: argparse.Namespace) -> int:
    from driftwise.policy import load_policy

    pol = load_policy(args.file)
    print(f"{args.file}: valid policy '{pol.name}' (risk tier {pol.risk_tier}).")
    return EXIT_OK


def _cmd_policy_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from driftwise.policy.template import policy_template

    text = policy_template()
    if args.file is None:
        print(text, end="")
        return EXIT_OK
    path = Path(args.file)
    if path.exists() and not args.force:
        raise DriftwiseError(
            f"{path}: found an existing file; expected a new path (or --force to overwrite it)."
        )
    path.write_text(text, encoding="utf-8")
    print(f"{path}: wrote the policy template; edit it, then `driftwise policy check {path}`.")
    return EXIT_OK


def _cmd_replay(args: argparse.Namespace) -> int:
    from pathlib import Path

    from driftwise.api import resolve_policy
    from driftwise.cli.models import parse_params
    from driftwise.data import read_table
    from driftwise.replay import STRATEGIES, format_replay, replay, split_batches
    from driftwise.report.svg_replay import replay_chart

    if len(args.data) == 1:
        frame = read_table(args.data[0], name=args.data[0])
        batches = split_batches(
            frame, every=args.every, by=args.by, freq=args.freq, name=args.data[0]
        )
    else:
        if args.every is not None or args.by is not None:
            raise DriftwiseError.for_field(
                "--every/--by",
                where="replay",
                found=f"{len(args.data)} files",
                expected="one file to cut into batches (several files are the batches)",
            )
        batches = [(Path(f).stem, read_table(f, name=f)) for f in args.data]
    policy, source = resolve_policy(args.policy)
    result = replay(
        batches,
        target=args.target,
        policy=policy,
        policy_name=source or policy.name,
        adapter=args.adapter,
        params=parse_params(args.param, where="replay"),
        warmup=args.warmup,
        period=args.period,
        segments=args.segment or (),
        sensitive=args.sensitive or (),
        strategies=args.strategy or STRATEGIES,
        progress=_progress if args.progress else None,
    )
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        print(format_replay(result))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "replay.json").write_text(result.model_dump_json(indent=2) + "\n")
        rows = [
            {"strategy": s.name, **step.model_dump()} for s in result.strategies for step in s.steps
        ]
        import pandas as pd

        pd.DataFrame(rows).to_csv(out / "replay.csv", index=False)
        (out / "replay.svg").write_text(replay_chart(result) + "\n")
        if not args.json:
            print(f"replay: {out / 'replay.json'}, {out / 'replay.csv'}, {out / 'replay.svg'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``driftwise`` command."""
    parser = argparse.ArgumentParser(
        prog="driftwise",
        formatter_class=_FORMATTER,
        description=(
            "Decide whether a slipping production model needs nothing, a fine-tune, a retrain, "
            "a rollback or a person."
        ),
    )
    parser.add_argument("--version", action="version", version=f"driftwise {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "check",
        formatter_class=_FORMATTER,
        help="compare current data with the reference and decide what to do",
        description=(
            "Compare CURRENT production data with the REFERENCE the model was trained on, "
            "compute the evidence, decide, print a summary and write decision.json and "
            "report.html. Exit codes: 0 no action needed, 3 an action is recommended, 1 error."
        ),
    )
    p.add_argument("reference", help="reference data: CSV or Parquet file")
    p.add_argument("current", help="current data: CSV or Parquet file")
    p.add_argument("--target", metavar="COL", help="ground-truth column (may be partly missing)")
    p.add_argument("--prediction", metavar="COL", help="the model's prediction column")
    p.add_argument("--score", metavar="COL", action="append", help="score column (repeatable)")
    p.add_argument("--segment", metavar="COL", action="append", help="segment key (repeatable)")
    p.add_argument(
        "--sensitive", metavar="COL", action="append", help="sensitive attribute (repeatable)"
    )
    p.add_argument("--timestamp", metavar="COL", help="timestamp column")
    p.add_argument("--config", metavar="FILE", help="YAML/JSON file with a 'columns:' section")
    p.add_argument("--policy", metavar="FILE", help="policy file (default: built-in policy)")
    p.add_argument(
        "--feedback",
        metavar="FILE",
        help="complaint/feedback counts per period: CSV or Parquet with 'period' and 'count' "
        "columns (optional 'exposure'); the last period is the current one",
    )
    p.add_argument(
        "--transfer",
        action="store_true",
        help="the current data come from a new domain (region, market, site) the model is "
        "being taken to: fine-tune if close, retrain if far",
    )
    p.add_argument(
        "--erasure",
        metavar="FILE",
        help="an erasure request: CSV or Parquet with one column of record keys, named like a "
        "column of the data; only the counts of matching rows are recorded",
    )
    p.add_argument(
        "--registry",
        metavar="DIR",
        help="the model registry: adds the champion, its debt, its measured runs and the "
        "estimated cost of a fine-tune and of a retrain to the decision",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=sys.stderr.isatty(),
        help="show each stage on stderr (default: when stderr is a terminal)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        default="driftwise-report",
        help="folder for decision.json and report.html (default: %(default)s; '' to skip)",
    )
    p.add_argument("--json", action="store_true", help="print the decision document as JSON")
    p.set_defaults(func=_cmd_check)

    d = sub.add_parser(
        "demo",
        formatter_class=_FORMATTER,
        help="run the bundled end-to-end scenario",
        description=(
            "Train a champion on bundled synthetic data, stream batches through a localized and "
            "a global shift, and for each: check, decide, act, validate, promote or keep."
        ),
    )
    d.add_argument("--seed", type=int, default=7, help="random seed (default: %(default)s)")
    d.add_argument("--out", metavar="DIR", help="also write each batch's decision.json here")
    d.set_defaults(func=_cmd_demo)

    s = sub.add_parser(
        "schema",
        formatter_class=_FORMATTER,
        help="print the JSON Schema of the decision document",
        description="Print the JSON Schema (draft 2020-12) of decision.json.",
    )
    s.set_defaults(func=_cmd_schema)

    pol = sub.add_parser(
        "policy",
        formatter_class=_FORMATTER,
        help="work with policy files",
        description="Work with policy files.",
    )
    pol_sub = pol.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", required=True)
    pc = pol_sub.add_parser(
        "check",
        formatter_class=_FORMATTER,
        help="validate a policy file",
        description="Validate a policy file.",
    )
    pc.add_argument("file", help="policy file (YAML or JSON)")
    pc.set_defaults(func=_cmd_policy_check)
    pi = pol_sub.add_parser(
        "init",
        formatter_class=_FORMATTER,
        help="write a commented policy template",
        description=(
            "Write the full policy at its built-in defaults as commented YAML: every section, "
            "field, default and accepted value. Without FILE it is printed."
        ),
    )
    pi.add_argument("file", nargs="?", help="where to write it (default: standard output)")
    pi.add_argument("--force", action="store_true", help="overwrite an existing file")
    pi.set_defaults(func=_cmd_policy_init)

    rp = sub.add_parser(
        "replay",
        formatter_class=_FORMATTER,
        help="replay a policy over past batches, next to fixed update strategies",
        description=(
            "Replay the policy over a historical sequence of batches: each batch is served by "
            "the model in service (its accuracy recorded), then driftwise checks, decides and "
            "acts; the same batches go through fixed strategies (never update, always "
            "fine-tune, retrain on every drift alarm, periodic retrain). Prints accuracy, "
            "updates, training time, energy and emissions per strategy."
        ),
    )
    rp.add_argument(
        "data", nargs="+", help="the batches in time order (CSV or Parquet), or one file to cut"
    )
    rp.add_argument("--target", metavar="COL", required=True, help="the label column")
    rp.add_argument("--every", metavar="N", type=int, help="cut one file every N rows")
    rp.add_argument("--by", metavar="COL", help="cut one file by period of this date column")
    rp.add_argument("--freq", default="M", help="the period for --by (pandas: M, W, Q; default M)")
    rp.add_argument("--policy", metavar="FILE", help="policy file (default: built-in policy)")
    rp.add_argument("--adapter", default="sklearn", help="training adapter (default sklearn)")
    rp.add_argument("--param", metavar="KEY=VALUE", action="append", help="adapter parameter")
    rp.add_argument("--warmup", type=int, default=1, help="batches the first model learns from")
    rp.add_argument("--period", type=int, default=4, help="batches between periodic retrains")
    rp.add_argument("--segment", metavar="COL", action="append", help="segment key (repeatable)")
    rp.add_argument("--sensitive", metavar="COL", action="append", help="sensitive attribute")
    rp.add_argument("--strategy", action="append", help="only these strategies (repeatable)")
    rp.add_argument("--out", metavar="DIR", help="write replay.json, replay.csv and replay.svg")
    rp.add_argument("--json", action="store_true", help="print the result as JSON")
    rp.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=sys.stderr.isatty(),
        help="show progress on stderr (default: when stderr is a terminal)",
    )
    rp.set_defaults(func=_cmd_replay)

    from driftwise.cli.models import add_model_commands

    add_model_commands(sub, _FORMATTER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        code: int = args.func(args)
    except DriftwiseError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader of our output left (`driftwise check ... | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
