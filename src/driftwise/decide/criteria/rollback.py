"""Rollback: when the version the last promotion replaced does better on the current rows.

With the model's context from the registry (``check --registry``), the ``previous`` version has
been compared with the champion on the labelled current rows (a paired bootstrap). A rollback is
favoured when the previous version is better beyond noise (the interval's low end above zero)
and the last promotion is recent (``rollback.window_days``): restoring it is instant and it was
validated before, and recovers at least half of the drop from the reference's performance
(when the data moved away from both versions, as after a global change, a rollback would not
repair it). Otherwise a rollback is argued against, saying why.

>>> from driftwise.decide.criteria.base import facts_from
>>> from driftwise.policy import default_policy
>>> [v.weight for v in rollback_votes(facts_from((), default_policy()), default_policy())]
[-1.0]
"""

from __future__ import annotations

from driftwise.decide.criteria.base import Facts, Vote
from driftwise.policy.model import Policy

__all__ = ["rollback_votes"]


def rollback_votes(f: Facts, policy: Policy) -> list[Vote]:
    """Vote for a rollback when the previous version beats the champion on current rows."""
    c = f.context
    if c is None or c.champion_version is None:
        text = "No earlier model version is known to this check."
        return [Vote("rollback", "rollback", -1.0, text, (), "no earlier version known")]
    p, q = c.last_promotion, c.previous
    if q is None:
        text = (
            "The registry has no previous version to roll back to, or too few labelled current "
            "rows to compare it with the champion."
        )
        return [Vote("rollback", "rollback", -1.0, text, ("context:previous",), "no comparison")]
    figures = (
        f"version {q.version} scores {q.accuracy:.3f} against the champion's "
        f"{q.champion_accuracy:.3f} on {q.n_rows:,} labelled current rows ({q.difference:+.3f}, "
        f"{q.level:.0%} interval {q.low:+.3f} to {q.high:+.3f})"
    )
    ev = ("context:previous",)
    if q.low <= 0:
        text = f"The previous version is not better now: {figures}."
        return [Vote("rollback", "rollback", -1.0, text, ev, "previous not better")]
    window = policy.rollback.window_days
    if p is None or p.days_ago > window:
        ago = "" if p is None else f" {p.days_ago:.0f} days ago"
        text = (
            f"The previous version is better now ({figures}), but the last promotion was{ago}, "
            f"outside the policy's rollback window of {window:g} days: update instead."
        )
        return [Vote("rollback", "rollback", -0.5, text, ev, "promotion too old")]
    perf = f.performance
    drop = 0.0 if perf is None else perf.reference.value - q.champion_accuracy
    if perf is not None and drop > 0 and (q.accuracy - q.champion_accuracy) / drop < 0.5:
        share = (q.accuracy - q.champion_accuracy) / drop
        text = (
            f"The previous version is better now ({figures}) but recovers only {share:.0%} of "
            f"the drop from the reference's {perf.reference.value:.3f}: the data "
            "moved away from both versions, a rollback would not repair it."
        )
        return [Vote("rollback", "rollback", 0.5, text, ev, "partial repair")]
    text = (
        f"The last promotion ({p.days_ago:.1f} days ago) made things worse: {figures}. "
        "Rolling back is instant and restores a validated model."
    )
    # Restoring a validated, measurably better model is the fastest and safest repair; an
    # update can follow from there. A fine-tune would build on the version that regressed.
    return [
        Vote("rollback", "rollback", 6.0, text, ev, "previous version better"),
        Vote("rollback", "fine_tune", -1.0, text, ev, "would patch the regressed version"),
    ]
