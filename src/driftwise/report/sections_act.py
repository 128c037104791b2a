"""The model's context (from the registry) and what ``driftwise act`` did, as text and HTML.

Both blocks are absent unless the decision carries them: ``context`` comes from
``driftwise check --registry``, ``execution`` from ``driftwise act``.
"""

from __future__ import annotations

from typing import Any

from driftwise.act.record import Execution
from driftwise.costs.estimate import CostEstimate
from driftwise.decide.context import ModelContext
from driftwise.decide.types import Decision
from driftwise.report.htmlkit import esc, facts, html_section, html_table
from driftwise.report.textkit import ascii_table, wrap

__all__ = [
    "utility_lines",
    "utility_section",
    "act_lines",
    "context_facts",
    "context_lines",
    "context_section",
    "execution_section",
]


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
        _range(e.money, e.money_low, e.money_high, 1.0),
        e.basis,
    ]


def _headers(context: ModelContext) -> list[str]:
    currency = next((e.currency for e in context.estimates if e.currency), "money")
    return ["action", "rows", "time s", "energy Wh", "g CO2e", currency, "basis"]


def context_facts(c: ModelContext) -> list[str]:
    """The context in sentences, one fact each (shared by the text and the HTML report).

    >>> context_facts(ModelContext(registry="reg"))
    ['Registry reg: no champion yet.']
    """
    if c.champion_version is None:
        return [f"Registry {c.registry}: no champion yet."]
    s = "" if c.debt == 1 else "s"
    age = "" if c.age_days is None else f", {c.age_days:.1f} days after its last full training"
    out = [
        f"Registry {c.registry}: champion version {c.champion_version} ({c.champion_action}); "
        f"debt {c.debt} fine-tune{s} since the last full retrain{age}."
    ]
    p = c.last_promotion
    if p is not None:
        was = "" if p.from_version is None else f" (was {p.from_version})"
        out.append(
            f"Last champion move: {p.kind} to version {p.version}{was} by {p.actor}, "
            f"{p.days_ago:.1f} days ago: {p.reason}"
        )
    q = c.previous
    if q is not None:
        out.append(
            f"Previous version {q.version} on {q.n_rows:,} labelled current rows: accuracy "
            f"{q.accuracy:.3f} against the champion's {q.champion_accuracy:.3f} "
            f"(difference {q.difference:+.3f}, {q.level:.0%} interval {q.low:+.3f} to "
            f"{q.high:+.3f})."
        )
    m = c.month
    if m is not None and m.runs:
        out.append(
            f"Training so far in {m.month}: {m.runs} run{'' if m.runs == 1 else 's'}, "
            f"{m.kwh * 1000:.3g} Wh, {m.kg_co2e * 1000:.3g} g CO2e, {m.hours * 3600:.3g} s."
        )
    n = len(c.history)
    out.append(f"{n} measured training run{'' if n == 1 else 's'} behind the estimates below.")
    return out


def context_lines(context: ModelContext | None, width: int) -> list[str]:
    """The "Model context" block of the text report (empty without a registry)."""
    if context is None:
        return []
    lines = ["Model context"]
    for fact in context_facts(context):
        lines += wrap(fact, width, "  ", "    ")
    if context.estimates:
        headers = _headers(context)
        rows = [
            [e.action, f"{e.rows:,}"] + [_range(v, None, None, k) for v, k in _points(e)]
            for e in context.estimates
        ]
        lines += ascii_table(headers[:-1], rows, right=[1, 2, 3, 4, 5], width=width)
        for e in context.estimates:
            ranges = _ranges(e, headers[5])
            lines += wrap(
                f"{e.action}: {ranges + '; ' if ranges else ''}basis: {e.basis}",
                width,
                "  ",
                "    ",
            )
    return lines


def _points(e: CostEstimate) -> list[tuple[float | None, float]]:
    return [(e.duration_s, 1.0), (e.energy_kwh, 1000.0), (e.emissions_kg, 1000.0), (e.money, 1.0)]


def _ranges(e: CostEstimate, currency: str) -> str:
    parts = []
    for name, low, high, scale, unit in (
        ("time", e.duration_low_s, e.duration_high_s, 1.0, "s"),
        ("energy", e.energy_low_kwh, e.energy_high_kwh, 1000.0, "Wh"),
        ("emissions", e.emissions_low_kg, e.emissions_high_kg, 1000.0, "g CO2e"),
        ("money", e.money_low, e.money_high, 1.0, currency),
    ):
        if low is not None and high is not None:
            parts.append(f"{name} {low * scale:.2g} to {high * scale:.2g} {unit}")
    return "range " + ", ".join(parts) if parts else ""


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


def context_section(decision: Decision) -> str:
    """The HTML "Model context" section, or ``""`` without a registry."""
    c = decision.context
    if c is None:
        return ""
    facts_html = "".join(f"<p>{esc(f)}</p>" for f in context_facts(c))
    rows = [("", [esc(x) for x in _row(e)]) for e in c.estimates]
    table = html_table(_headers(c), rows, "cost", text=(6,)) if rows else ""
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
        for r in c.history
    ]
    past = (
        "<h3>Measured runs</h3>"
        + html_table(["ended (UTC)", "action", "rows", "time s", "energy Wh", "g CO2e"], history)
        if history
        else ""
    )
    return html_section("context", "Model context", facts_html + table + past)


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


def _card_rows(decision: Decision) -> list[list[str]]:
    probes: dict[str, Any] = {p.action: p for p in decision.probes}
    rows = []
    for c in sorted(decision.scorecards, key=lambda c: -c.utility):
        p = probes.get(c.action)
        gain = (
            "-"
            if p is None
            else f"{p.freshness:+.2f} [{p.freshness_low:+.2f}, {p.freshness_high:+.2f}]"
        )
        rows.append(
            [
                c.action,
                gain,
                f"{c.freshness:,.0f}",
                f"{c.fidelity:,.0f}",
                f"{c.social_responsibility:,.0f}",
                f"{c.cost:,.2f}",
                f"{c.utility:,.0f}",
                "yes" if c.credible else "no",
            ]
        )
    return rows


_CARD_HEAD = [
    "action",
    "gain, points [95%]",
    "freshness",
    "fidelity",
    "social",
    "cost",
    "utility",
    "credible",
]


def utility_lines(decision: Decision, width: int) -> list[str]:
    """The "Expected utility" block: probes and the four-axis scorecards (empty without)."""
    if not decision.scorecards:
        return []
    n = decision.probes[0].n_train if decision.probes else 0
    lines = wrap(
        f"Expected utility (probes trained on {n:,} labelled current rows, scored on the rest; "
        "money, weighted by the policy):",
        width,
        "",
        "  ",
    )
    return lines + ascii_table(_CARD_HEAD, _card_rows(decision), right=[2, 3, 4, 5, 6], width=width)


def utility_section(decision: Decision) -> str:
    """The HTML "Expected utility" section, or ``""`` without probes."""
    if not decision.scorecards:
        return ""
    rows = [("", [esc(x) for x in r]) for r in _card_rows(decision)]
    return html_section(
        "utility",
        "Expected utility",
        "<p>Each update was probed on part of the labelled current rows and scored on the rest; "
        "the four axes are in money, weighted by the policy.</p>"
        + html_table(_CARD_HEAD, rows, "cards"),
    )
