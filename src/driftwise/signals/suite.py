"""Every signal of one check, in one place: the evidence pipeline behind ``driftwise.check``.

Order of the evidence: the first layer from :func:`driftwise.signals.collect.collect` (feature
drift, performance, segments, scope, and labels: availability, spread and representativeness),
then schema change, joint (multivariate) drift, text, concept drift, the
label-free performance estimate, fairness by group, the performance timeline and user feedback.
Each stage reports to ``progress`` as it starts, so long checks show where they are.

>>> import numpy as np, pandas as pd
>>> from driftwise.policy import Policy
>>> from driftwise.schema.roles import ColumnSpec, Role, Schema
>>> rng = np.random.default_rng(0)
>>> ref = pd.DataFrame({"x": rng.normal(size=500)})
>>> cur = pd.DataFrame({"x": rng.normal(size=500) + 1})
>>> s = Schema(columns=(ColumnSpec(name="x", role=Role.NUMERIC),))
>>> sorted({e.kind for e in compute_suite(ref, cur, s, Policy())})
['feature_drift', 'labels', 'multivariate_drift', 'scope']
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from driftwise.policy.model import Policy
from driftwise.schema.roles import Schema
from driftwise.signals.types import Evidence

__all__ = ["Progress", "compute_suite"]

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def compute_suite(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    schema: Schema,
    policy: Policy,
    *,
    reference_raw: pd.DataFrame | None = None,
    current_raw: pd.DataFrame | None = None,
    feedback: object | None = None,
    progress: Progress | None = None,
) -> tuple[Evidence, ...]:
    """All evidence of one check.

    ``reference_raw``/``current_raw`` are the frames as read (before validation), for the
    schema-change signal; ``feedback`` is a :class:`~driftwise.signals.feedback.FeedbackSeries`.
    """
    from driftwise.signals.collect import collect
    from driftwise.signals.concept import concept_evidence
    from driftwise.signals.estimate import estimate_evidence
    from driftwise.signals.fairness import fairness_evidence
    from driftwise.signals.multivariate import multivariate_evidence
    from driftwise.signals.schema_change import schema_change_evidence
    from driftwise.signals.text import text_evidence
    from driftwise.signals.timeline import timeline_evidence

    say = progress or _quiet
    say("feature drift, performance and segments")
    # collect() already holds the labels evidence (counts, spread, representativeness).
    evidence: list[Evidence] = list(collect(reference, current, schema, policy).evidence)
    if reference_raw is not None and current_raw is not None:
        say("schema change")
        evidence.extend(schema_change_evidence(reference_raw, current_raw, schema, policy))
    if policy.multivariate.enabled:
        say("multivariate drift")
        evidence.extend(multivariate_evidence(reference, current, schema, policy))
    if schema.text:
        say("text")
        evidence.extend(text_evidence(reference, current, schema, policy))
    if schema.target is not None and schema.prediction is not None:
        say("concept drift")
        evidence.extend(concept_evidence(reference, current, schema, policy))
    if policy.estimate.enabled and schema.scores and schema.prediction is not None:
        say("label-free performance estimate")
        evidence.extend(estimate_evidence(reference, current, schema, policy))
    if schema.sensitive and schema.target is not None and schema.prediction is not None:
        say("fairness")
        evidence.extend(fairness_evidence(reference, current, schema, policy))
    if schema.timestamp is not None and schema.target is not None:
        say("performance timeline")
        evidence.extend(timeline_evidence(reference, current, schema, policy))
    if feedback is not None:
        from driftwise.signals.feedback import FeedbackSeries, feedback_evidence

        if isinstance(feedback, FeedbackSeries):
            say("user feedback")
            evidence.append(feedback_evidence(feedback, policy))
    return tuple(evidence)
