"""Input drift: a change of the inputs that is significant *and* practically large (one column
at a time, jointly, or in free text) argues against doing nothing.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> [v.action for v in drift_votes(facts_from((), default_policy()), default_policy())]
['no_action']
"""

from __future__ import annotations

from driftwise.decide.criteria.base import UNIT, Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["drift_votes"]


def drift_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote on univariate, multivariate and text drift."""
    parts: list[str] = []
    ids: list[str] = []
    if f.drifted:
        top = ", ".join(
            f"{d.column} (effect {d.effect_size:.3f} {UNIT.get(d.effect_measure, '')})".replace(
                " )", ")"
            )
            for d in f.drifted[:5]
        )
        more = f" and {len(f.drifted) - 5} more" if len(f.drifted) > 5 else ""
        parts.append(f"{len(f.drifted)} input feature(s) drifted: {top}{more}")
        ids += [d.id for d in f.drifted]
    for m in f.multivariate:
        if m.drifted:
            what = "domain classifier AUC" if m.method == "domain_classifier" else "MMD^2"
            parts.append(f"inputs drifted jointly ({what} {m.statistic:.3f}, p={m.p_value:.2g})")
            ids.append(m.id)
    for t in f.text:
        if t.drifted:
            words = ", ".join(list(t.new_tokens)[:5])
            parts.append(
                f"text column {t.column} changed (new words in "
                f"{100 * t.new_token_traffic_share:.1f}% of rows"
                + (f": {words}" if words else "")
                + ")"
            )
            ids.append(t.id)
    if parts:
        text = "; ".join(parts) + "."
        text = text[0].upper() + text[1:]
        ev = tuple(ids)
        return [
            Vote("drift", "monitor", 1.0, text, ev, "inputs drifted"),
            Vote("drift", "no_action", -1.0, text, ev, "inputs drifted"),
        ]
    text = "No input feature drifted beyond the policy's minimum."
    return [Vote("drift", "no_action", 1.5, text, (), "no input drift")]
