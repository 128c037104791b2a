"""The decision as one self-contained HTML5 page: inline CSS and SVG, no scripts, no links out.

Every user-provided string is escaped. Each piece of evidence has an element whose id is a slug
of its evidence id (see :func:`evidence_anchors`), so the reasons link to what they cite.

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef, Reason
>>> from driftwise.signals.types import LabelAvailability
>>> labels = LabelAvailability(n_current=80, n_labelled=0, share_labelled=0.0,
...                            sufficient_for_fine_tune=False, sufficient_for_retrain=False)
>>> d = Decision(action="monitor", confidence=0.7, reasons=(Reason(text="No labels <yet>.",
...              evidence=("labels",)),), alternatives=(), evidence=(labels,),
...              policy=PolicyRef(name="baseline"), summary=CheckSummary(n_reference=100,
...              n_current=80, n_features=3, n_labelled_current=0))
>>> page = render_html(d)
>>> 'href="#ev-labels"' in page and 'id="ev-labels"' in page and "No labels &lt;yet&gt;." in page
True
"""

from __future__ import annotations

from driftwise.decide.types import Decision
from driftwise.report.format import action_label, format_count
from driftwise.report.htmlkit import ElementIds, esc, evidence_anchors, html_section, html_table
from driftwise.report.sections import rendered_sections
from driftwise.report.style import CSS

__all__ = ["evidence_anchors", "render_html"]

_ACTION_CLASS = {
    "no_action": "calm",
    "monitor": "calm",
    "fine_tune": "work",
    "retrain": "work",
    "rollback": "alarm",
    "escalate": "alarm",
}


def _banner(d: Decision) -> str:
    s, p = d.summary, d.policy
    meta = [f"Policy <b>{esc(p.name)}</b>", f"risk tier <b>{esc(p.risk_tier)}</b>"]
    if p.source:
        meta.append(f"from {esc(p.source)}")
    ref = f"Reference {esc(s.reference) + ' ' if s.reference else ''}"
    ref += f"({format_count(s.n_reference)} rows)"
    cur = f"current {esc(s.current) + ' ' if s.current else ''}({format_count(s.n_current)} rows, "
    cur += f"{format_count(s.n_labelled_current)} labelled)"
    data = [ref, cur, f"{s.n_features} features"]
    data += [f"target {esc(s.target)}"] if s.target else []
    who = ", ".join(map(esc, d.approvals_required))
    approvals = (
        f"Needs approval from: <b>{who}</b>" if who else "No approval required by the policy."
    )
    if d.gates_required:
        approvals += " Gates required: <b>" + esc(", ".join(d.gates_required)) + "</b>."
    if d.schedule is not None:
        approvals += f" When: {esc(d.schedule.text)}"
    if d.label_plan is not None:
        approvals += f" Next: {esc(d.label_plan.text)}"
    pct = round(d.confidence * 100)
    return (
        f'<header class="banner {_ACTION_CLASS[d.action]}"><div class="inner">'
        f'<p class="kicker">driftwise decision</p>'
        f'<div class="verdict"><span class="action">{esc(action_label(d.action))}</span>'
        f'<span class="conf">confidence <b>{d.confidence:.2f}</b><span class="meter" '
        f'aria-hidden="true"><span style="width:{pct}%"></span></span></span></div>'
        + (f'<p class="headline">{esc(d.headline)}</p>' if d.headline else "")
        + f'<p class="meta">{" &middot; ".join(meta)}</p>'
        f'<p class="meta">{" &middot; ".join(data)}</p><p class="approvals">{approvals}</p>'
        "</div></header>"
    )


def _nav(sections: list[tuple[str, str]]) -> str:
    links = [("reasons", "Why"), ("alternatives", "Alternatives"), *sections]
    return (
        '<nav aria-label="sections">'
        + "".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in links)
        + "</nav>"
    )


def _reasons(d: Decision, anchors: dict[str, str]) -> str:
    items = []
    for r in d.reasons:
        cites = [
            f'<a class="ev" href="#{anchors[e]}">{esc(e)}</a>'
            if e in anchors
            else f'<span class="ev missing" title="not in the evidence">{esc(e)}</span>'
            for e in r.evidence
        ]
        cited = f'<span class="cites">evidence: {" ".join(cites)}</span>' if cites else ""
        items.append(f"<li><p>{esc(r.text)}</p>{cited}</li>")
    body = f'<ol class="reasons">{"".join(items)}</ol>' if items else "<p>No reasons given.</p>"
    return html_section("reasons", "Why", body)


def _alternatives(d: Decision) -> str:
    if not d.alternatives:
        return html_section("alternatives", "Alternatives considered", "<p>None recorded.</p>")
    ranked = sorted(d.alternatives, key=lambda a: (-a.score, a.action))
    lo, hi = min(0.0, *(a.score for a in ranked)), max(a.score for a in ranked)
    rows = []
    for i, a in enumerate(ranked, start=1):
        width = 100.0 if hi == lo else (a.score - lo) / (hi - lo) * 100
        chosen = a.action == d.action
        name = esc(a.action) + (' <span class="tag">chosen</span>' if chosen else "")
        bar = f'<span class="bar"><span style="width:{width:.0f}%"></span></span>'
        attrs = ' class="chosen"' if chosen else ""
        rows.append(
            (
                attrs,
                [str(i), name, f'<span class="score">{a.score:.3f}</span>{bar}', esc(a.rationale)],
            )
        )
    flips = ""
    if d.counterfactuals:
        items = "".join(f"<li>{esc(c.text)}</li>" for c in d.counterfactuals)
        flips = f"<h3>What would change the decision</h3><ul>{items}</ul>"
    return html_section(
        "alternatives",
        "Alternatives considered",
        html_table(["#", "action", "score", "rationale"], rows, "alts", text=(3,)) + flips,
    )


def render_html(decision: Decision) -> str:
    """One self-contained HTML5 page for people: banner, reasons, alternatives, evidence.

    The page has no scripts and no external resources, so it opens offline and prints well.

    >>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef
    >>> d = Decision(action="no_action", confidence=1.0, reasons=(), alternatives=(),
    ...     evidence=(), policy=PolicyRef(name="p"), summary=CheckSummary(n_reference=1,
    ...     n_current=1, n_features=0, n_labelled_current=0))
    >>> page = render_html(d)
    >>> page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page
    True
    """
    anchors = evidence_anchors(e.id for e in decision.evidence)
    ids = ElementIds(anchors)
    title = f"driftwise: {action_label(decision.action)} ({decision.policy.name})"
    sections = rendered_sections(decision, ids)
    body = [
        _banner(decision),
        _nav([(sid, name) for sid, name, _ in sections]),
        "<main>",
        _reasons(decision, anchors),
        _alternatives(decision),
        "\n".join(html for _, _, html in sections),
        "</main>",
        f"<footer><p>driftwise {esc(decision.driftwise_version or '(version not recorded)')} "
        f"&middot; decision schema {esc(decision.schema_version)} &middot; the machine-readable "
        "record is decision.json</p></footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
