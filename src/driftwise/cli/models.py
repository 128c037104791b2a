"""The model commands: ``train``, ``act``, ``promote``, ``rollback`` and ``models``.

Each opens the registry given by ``--registry`` (default: ``$DRIFTWISE_REGISTRY`` or
``driftwise-registry``) and records who did what with ``--by`` (default: the login name).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from typing import Any

from driftwise.errors import DriftwiseError

__all__ = ["add_model_commands", "parse_params"]

EXIT_OK = 0
EXIT_NOT_DONE = 3


def _say(line: str) -> None:
    print(f"... {line}", file=sys.stderr, flush=True)


def _actor(args: argparse.Namespace) -> str:
    if args.by:
        return str(args.by)
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return f"uid {os.getuid()}"


def _registry(args: argparse.Namespace, *, create: bool = False) -> Any:
    from pathlib import Path

    from driftwise.registry import Registry

    runs = (
        Registry(args.registry)
        if create
        else Registry.existing(
            args.registry,
            where=args.command,
            field="--registry",
            expected="a folder made by `driftwise train` (or set DRIFTWISE_REGISTRY)",
        )
    )
    if not getattr(args, "mlflow", None):
        return runs
    from driftwise.registry.hybrid import HybridRegistry
    from driftwise.registry.mlflow import MlflowRegistry

    artifacts = Path(args.mlflow_artifacts or Path(args.registry) / "mlflow-artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    models = MlflowRegistry(
        args.mlflow, args.mlflow_model, artifact_location=artifacts.resolve().as_uri()
    )
    return HybridRegistry(runs, models, tracking_uri=args.mlflow)


def parse_params(pairs: list[str] | None, *, where: str = "train") -> dict[str, Any]:
    """``KEY=VALUE`` pairs as a mapping, each value read as YAML (numbers, lists, text)."""
    import yaml

    out: dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise DriftwiseError.for_field(
                "--param", where=where, found=repr(pair), expected="KEY=VALUE"
            )
        out[key] = yaml.safe_load(value)
    return out


# -- train -------------------------------------------------------------------------------------


def _cmd_train(args: argparse.Namespace) -> int:
    from driftwise.act.training import train_initial

    with _registry(args, create=True) as reg:
        outcome = train_initial(
            reg,
            args.data,
            target=args.target,
            adapter=args.adapter,
            features=args.feature or None,
            params=parse_params(args.param),
            policy=args.policy,
            actor=_actor(args),
            promote=args.promote,
            progress=_say,
        )
    print(outcome)
    return EXIT_OK


# -- act ---------------------------------------------------------------------------------------


def _cmd_act(args: argparse.Namespace) -> int:
    from driftwise.act.training import act_on_file

    with _registry(args) as reg:
        execution, written = act_on_file(
            reg,
            args.decision,
            reference=args.reference,
            current=args.current,
            actor=_actor(args),
            approved_by=args.approved_by,
            action=args.action,
            sensitive=args.sensitive or (),
            out=args.out,
            erasure=args.erasure,
            progress=_say,
        )
    if args.json:
        print(execution.model_dump_json(indent=2))
    else:
        print(f"{execution.status.replace('_', ' ')}: {execution.text}")
        for gate in execution.gates:
            print(f"  [{'pass' if gate.passed else 'FAIL'}] {gate.name}: {gate.text}")
        if execution.duration_s is not None:
            energy = (
                "energy not measured"
                if execution.energy_kwh is None
                else f"{execution.energy_kwh * 1000:.3g} Wh, "
                f"{(execution.emissions_kg or 0) * 1000:.3g} g CO2eq"
            )
            print(f"  cost: {execution.duration_s:.2f} s, {energy} ({execution.measurement})")
        print(f"record: {written}")
    ok = execution.status in ("promoted", "rolled_back", "nothing_to_do")
    return EXIT_OK if ok else EXIT_NOT_DONE


# -- promote / rollback ------------------------------------------------------------------------


def _cmd_promote(args: argparse.Namespace) -> int:
    with _registry(args) as reg:
        move = reg.promote(args.version, actor=_actor(args), reason=args.reason)
    before = "none" if move.from_version is None else f"version {move.from_version}"
    print(f"Version {move.to_version} is the champion (was {before}); by {move.actor}.")
    return EXIT_OK


def _cmd_rollback(args: argparse.Namespace) -> int:
    from driftwise.act.training import verify_rollback

    with _registry(args) as reg:
        start = time.perf_counter()
        move = reg.rollback(args.to, actor=_actor(args), reason=args.reason)
        took = time.perf_counter() - start
        print(
            f"Rolled back in {took:.3f} s: version {move.to_version} is the champion again "
            f"(was {move.from_version}); by {move.actor} at {move.at:%Y-%m-%d %H:%M:%S} UTC, "
            f"reason: {move.reason}"
        )
        print(verify_rollback(reg, move, data=args.data, progress=_say))
    return EXIT_OK


# -- models ------------------------------------------------------------------------------------


def _cmd_models(args: argparse.Namespace) -> int:
    from driftwise.act.listing import format_models, models_document

    with _registry(args) as reg:
        if args.json:
            print(json.dumps(models_document(reg), indent=2, default=str))
        else:
            print(format_models(reg))
    return EXIT_OK


# -- the parsers -------------------------------------------------------------------------------


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--registry",
        metavar="DIR",
        default=os.environ.get("DRIFTWISE_REGISTRY", "driftwise-registry"),
        help="model registry folder (default: $DRIFTWISE_REGISTRY or driftwise-registry)",
    )
    p.add_argument("--by", metavar="NAME", help="who is acting (default: the login name)")
    p.add_argument(
        "--mlflow",
        metavar="URI",
        help="keep model versions and aliases in this MLflow tracking store (e.g. "
        "sqlite:///mlflow.db; needs driftwise[mlflow]); runs stay in --registry",
    )
    p.add_argument(
        "--mlflow-model",
        metavar="NAME",
        default="driftwise",
        help="the MLflow registered model (default: driftwise)",
    )
    p.add_argument(
        "--mlflow-artifacts",
        metavar="DIR",
        help="where a new MLflow experiment stores artifacts (default: DIR/mlflow-artifacts "
        "inside --registry)",
    )


def add_model_commands(sub: Any, formatter: Any) -> None:
    """Add the model commands to the ``driftwise`` sub-parsers."""
    t = sub.add_parser(
        "train",
        formatter_class=formatter,
        help="train a model from scratch and register it",
        description=(
            "Train a model from scratch on DATA, measure the run (duration, energy, emissions), "
            "register it as a new version and, when the registry has no champion yet (or with "
            "--promote), make it the champion."
        ),
    )
    t.add_argument("data", help="labelled training data: CSV or Parquet file")
    t.add_argument("--target", metavar="COL", required=True, help="the label column")
    t.add_argument(
        "--adapter",
        default="sklearn",
        help="sklearn, xgboost, lightgbm, torch or callable (default: %(default)s)",
    )
    t.add_argument(
        "--feature", metavar="COL", action="append", help="input column (default: inferred)"
    )
    t.add_argument(
        "--param", metavar="KEY=VALUE", action="append", help="adapter parameter (repeatable)"
    )
    t.add_argument("--policy", metavar="FILE", help="policy file (its runs: section)")
    t.add_argument("--promote", action="store_true", help="make it the champion even if one exists")
    _common(t)
    t.set_defaults(func=_cmd_train)

    a = sub.add_parser(
        "act",
        formatter_class=formatter,
        help="carry out a decision: fine-tune or retrain, validate, promote or keep",
        description=(
            "Carry out DECISION (a decision.json from `driftwise check`): for fine_tune or "
            "retrain, train a challenger from the champion under measurement, validate it on "
            "held-out new and reference rows, and promote it only if every gate passes; "
            "rollback restores the previous champion. The decision file gets an `execution` "
            "record. Exit codes: 0 done (or nothing to do), 3 not carried out (gates failed, "
            "approval missing), 1 error."
        ),
    )
    a.add_argument("decision", help="decision.json written by `driftwise check`")
    a.add_argument("--reference", metavar="FILE", help="reference data (default: the decision's)")
    a.add_argument("--current", metavar="FILE", help="current data (default: the decision's)")
    a.add_argument("--approved-by", metavar="NAME", help="the person approving this action")
    a.add_argument(
        "--action",
        choices=("fine_tune", "retrain", "rollback"),
        help="carry out this action instead (a person's override; needs --approved-by)",
    )
    a.add_argument(
        "--sensitive", metavar="COL", action="append", help="sensitive column for fairness gates"
    )
    a.add_argument(
        "--out", metavar="FILE", help="write the decision with its record here (default: DECISION)"
    )
    a.add_argument(
        "--erasure",
        metavar="FILE",
        help="the erasure request the decision records: its records are left out of training",
    )
    a.add_argument("--json", action="store_true", help="print the execution record as JSON")
    _common(a)
    a.set_defaults(func=_cmd_act)

    p = sub.add_parser(
        "promote",
        formatter_class=formatter,
        help="make a registered version the champion",
        description="Make VERSION the champion; the current champion becomes `previous`.",
    )
    p.add_argument("version", type=int, help="version number (see `driftwise models`)")
    p.add_argument("--reason", default="manual promotion", help="why (recorded)")
    _common(p)
    p.set_defaults(func=_cmd_promote)

    r = sub.add_parser(
        "rollback",
        formatter_class=formatter,
        help="restore the previous champion (instant), then verify it on recent data",
        description=(
            "Make the `previous` version (or --to VERSION) the champion again, at once, and "
            "record who, when and why. Then compare the restored model with the one it replaced "
            "on recent labelled data (--data, default: the current data of the latest run) and "
            "say which is better."
        ),
    )
    r.add_argument("--to", metavar="VERSION", type=int, help="version to restore")
    r.add_argument("--reason", default="manual rollback", help="why (recorded)")
    r.add_argument("--data", metavar="FILE", help="recent labelled data for the verification")
    _common(r)
    r.set_defaults(func=_cmd_rollback)

    m = sub.add_parser(
        "models",
        formatter_class=formatter,
        help="list model versions, aliases, lineage, runs and debt",
        description=(
            "List the registry's versions with their lineage, metrics and measured energy, the "
            "champion and previous aliases with their history, failed runs, and the debt: "
            "fine-tunes since the last full retrain."
        ),
    )
    m.add_argument("--json", action="store_true", help="print everything as JSON")
    _common(m)
    m.set_defaults(func=_cmd_models)
