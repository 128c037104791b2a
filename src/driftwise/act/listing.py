"""What ``driftwise models`` shows: versions, lineage, aliases and their history, runs, debt.

Technical debt here is the number of fine-tunes stacked on the champion since its lineage last
had a full retrain (or its first training): each fine-tune patches the model instead of
refreshing it from the data, and the policy may set a limit to it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["format_models", "models_document"]


def _energy(kwh: float | None) -> str:
    return "-" if kwh is None else f"{kwh * 1000:.3g} Wh"


def _status_by_version(registry: Any) -> dict[int, str]:
    return {r.version: r.status for r in registry.runs() if r.version is not None}


def models_document(registry: Any) -> dict[str, Any]:
    """Everything ``driftwise models --json`` prints, as JSON-able data."""
    champion = registry.champion()
    return {
        "registry": str(getattr(registry, "root", "")),
        "champion": None if champion is None else champion.version,
        "previous": None
        if registry.alias("previous") is None
        else registry.alias("previous").version,
        "debt": registry.debt(),
        "versions": [v.model_dump(mode="json") for v in registry.versions()],
        "alias_history": [m.model_dump(mode="json") for m in registry.history()],
        "runs": [r.model_dump(mode="json") for r in registry.runs()],
    }


def format_models(registry: Any, *, recent_moves: int = 10) -> str:
    """The plain-text listing of the registry."""
    versions = registry.versions()
    if not versions:
        return (
            f"No model versions in {getattr(registry, 'root', 'the registry')} yet: "
            "train one with `driftwise train DATA --target COL`."
        )
    status = _status_by_version(registry)
    header = (
        "version",
        "aliases",
        "action",
        "parent",
        "created (UTC)",
        "accuracy",
        "energy",
        "run",
    )
    rows = [header]
    for v in versions:
        acc = v.metrics.get("accuracy_recent", v.metrics.get("accuracy_train"))
        rows.append(
            (
                str(v.version),
                ",".join(v.aliases) or "-",
                v.action,
                "-" if v.parent is None else str(v.parent),
                f"{v.created_at:%Y-%m-%d %H:%M:%S}",
                "-" if acc is None else f"{acc:.3f}",
                _energy(v.energy_kwh),
                status.get(v.version, "-"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    champion = registry.champion()
    if champion is not None:
        chain = " <- ".join(f"{v.version} ({v.action})" for v in registry.lineage(champion.version))
        debt = registry.debt()
        lines += [
            "",
            f"Champion: version {champion.version}; lineage {chain}.",
            f"Debt: {debt} fine-tune{'s' if debt != 1 else ''} since the last full retrain.",
        ]
    failed = [r for r in registry.runs() if r.status == "failed"]
    if failed:
        lines += ["", f"Failed runs ({len(failed)}):"]
        lines += [
            f"  {r.run_id[:8]} {r.action} at {r.started_at:%Y-%m-%d %H:%M:%S}: {r.error}"
            for r in failed
        ]
    moves = registry.history()[-recent_moves:]
    if moves:
        lines += ["", "Alias moves (latest last):"]
        for m in moves:
            before = "-" if m.from_version is None else str(m.from_version)
            lines.append(
                f"  {m.at:%Y-%m-%d %H:%M:%S} {m.alias}: {before} -> {m.to_version} "
                f"({m.kind} by {m.actor}: {m.reason})"
            )
    return "\n".join(lines)
