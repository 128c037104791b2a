"""The cost of acting (from the model registry) and what ``driftwise act`` did, as text and HTML.

Both blocks are absent unless the decision carries them: ``cost`` comes from
``driftwise check --registry``, ``execution`` from ``driftwise act``.
"""

from __future__ import annotations

from driftwise.act.cost import CostEstimate, CostOutlook
from driftwise.act.record import Execution
from driftwise.decide.types import Decision
from driftwise.report.htmlkit import esc, facts, html_section, html_table
from driftwise.report.textkit import ascii_table, wrap

__all__ = ["act_lines", "cost_lines", "cost_section", "execution_section"]


def _range(value: float | None, low: float | None, high: float | None, scale: float) -> str:
    if value is None:
        return "-"
    text = f"{value * scale:.2g}"
    if low is not None and high is not None:
        text += f" ({low * scale:.2g}-{high * scale:.2g})"
    return text


def _row(e: CostEstimate) -> list[str]:
    return [
        e.action,
        f"{e.rows:,}",
        _range(e.duration_s, e.duration_low_s, e.duration_high_s, 1.0),
        _range(e.energy_kwh, e.energy_low_kwh, e.energy_high_kwh, 1000.0),
        _range(e.emissions_kg, e.emissions_low_kg, e.emissions_high_kg, 1000.0),
        e.basis,
    ]


_HEADERS = ["action", "rows", "time s", "energy Wh", "g CO2e", "basis"]


def _debt(cost: CostOutlook) -> str:
    champion = (
        "no champion"
        if cost.champion_version is None
        else (f"champion version {cost.champion_version}")
    )
    s = "" if cost.debt == 1 else "s"
    return (
        f"{champion}; debt {cost.debt} fine-tune{s} since the last full retrain; "
        f"{len(cost.history)} measured training run{'' if len(cost.history) == 1 else 's'}"
    )


def cost_lines(cost: CostOutlook | None, width: int) -> list[str]:
    """The "Cost of acting" block of the text report (empty without a registry).

    >>> print("\\n".join(cost_lines(CostOutlook(debt=0, estimates=(), history=()), 100)))
    Cost of acting: no champion; debt 0 fine-tunes since the last full retrain; 0 measured training
      runs
    """
    if cost is None:
        return []
    lines = wrap("Cost of acting: " + _debt(cost), width, "", "  ")
    if cost.estimates:
        rows = [_row(e)[:-1] for e in cost.estimates]
        lines += ascii_table(_HEADERS[:-1], rows, right=[1], width=width)
        for e in cost.estimates:
            lines += wrap(f"{e.action}: {e.basis}", width, "  ", "    ")
    return lines


def _gate_lines(execution: Execution, width: int) -> list[str]:
    out = []
    for g in execution.gates:
        out += wrap(f"[{'pass' if g.passed else 'FAIL'}] {g.name}: {g.text}", width, "  ", "    ")
    return out


def _who(e: Execution) -> str:
    return (e.actor or "unknown") + (f", approved by {e.approved_by}" if e.approved_by else "")


def act_lines(execution: Execution | None, width: int) -> list[str]:
    """The "Carried out" block of the text report (empty before ``driftwise act``)."""
    if execution is None:
        return []
    who = _who(execution)
    lines = wrap(
        f"Carried out: {execution.action} by {who} at {execution.started_at:%Y-%m-%d %H:%M:%S} "
        f"UTC: {execution.status.upper()}. {execution.text}",
        width,
        "",
        "  ",
    )
    lines += _gate_lines(execution, width)
    if execution.energy_kwh is not None or execution.duration_s is not None:
        duration = "-" if execution.duration_s is None else f"{execution.duration_s:.2f} s"
        energy = "-" if execution.energy_kwh is None else f"{execution.energy_kwh * 1000:.3g} Wh"
        co2 = "-" if execution.emissions_kg is None else f"{execution.emissions_kg * 1000:.3g} g"
        lines += wrap(f"measured: {duration}, {energy}, {co2} CO2e", width, "  ", "    ")
    return lines


def cost_section(decision: Decision) -> str:
    """The HTML "Cost of acting" section, or ``""`` without a registry."""
    cost = decision.cost
    if cost is None:
        return ""
    rows = [("", [esc(c) for c in _row(e)]) for e in cost.estimates]
    table = html_table(_HEADERS, rows, "cost", text=(5,)) if rows else ""
    history = [
        (
            "",
            [
                esc(f"{r.at:%Y-%m-%d %H:%M}"),
                esc(r.action),
                f"{r.rows:,}",
                f"{r.duration_s:.3g}",
                "-" if r.energy_kwh is None else f"{r.energy_kwh * 1000:.3g}",
                "-" if r.emissions_kg is None else f"{r.emissions_kg * 1000:.3g}",
            ],
        )
        for r in cost.history
    ]
    past = (
        "<h3>Measured runs</h3>"
        + html_table(["ended (UTC)", "action", "rows", "time s", "energy Wh", "g CO2e"], history)
        if history
        else ""
    )
    return html_section("cost", "Cost of acting", f"<p>{esc(_debt(cost))}.</p>{table}{past}")


def execution_section(decision: Decision) -> str:
    """The HTML "Carried out" section, or ``""`` before ``driftwise act``."""
    e = decision.execution
    if e is None:
        return ""
    items = [
        ("status", esc(e.status)),
        ("action", esc(e.action)),
        ("by", esc(_who(e))),
        ("at", esc(f"{e.started_at:%Y-%m-%d %H:%M:%S} UTC")),
        ("champion", esc(f"{e.champion_before} -> {e.champion_after}")),
    ]
    if e.energy_kwh is not None:
        items.append(("energy", esc(f"{e.energy_kwh * 1000:.3g} Wh")))
    if e.emissions_kg is not None:
        items.append(("emissions", esc(f"{e.emissions_kg * 1000:.3g} g CO2e")))
    gates = [
        ("", [esc(g.name), "pass" if g.passed else "<strong>FAIL</strong>", esc(g.text)])
        for g in e.gates
    ]
    table = html_table(["gate", "result", "why"], gates, text=(2,)) if gates else ""
    return html_section("execution", "Carried out", f"<p>{esc(e.text)}</p>{facts(items)}{table}")
