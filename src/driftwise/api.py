"""The Python API: one call from two tables to a typed decision.

>>> import numpy as np, pandas as pd
>>> import driftwise
>>> rng = np.random.default_rng(0)
>>> ref = pd.DataFrame({"x": rng.normal(size=2000), "g": rng.choice(["a", "b"], 2000)})
>>> cur = pd.DataFrame({"x": rng.normal(size=2000) + 1.0, "g": rng.choice(["a", "b"], 2000)})
>>> decision = driftwise.check(ref, cur)
>>> decision.action, [d.column for d in decision.evidence if getattr(d, "drifted", False)
...                   and getattr(d, "segment", "") is None]
('monitor', ['x'])
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from driftwise.data import describe_source, read_table, validate_pair
from driftwise.decide.context import ModelContext
from driftwise.decide.engine import decide
from driftwise.decide.types import CheckSummary, Decision, ProbeOutcome
from driftwise.errors import DriftwiseError
from driftwise.policy import Policy, default_policy, load_policy
from driftwise.schema import SchemaOverrides, infer_schema, load_config
from driftwise.signals.suite import Progress, compute_suite

__all__ = ["check", "erasure_evidence", "erased_mask", "read_erasure", "resolve_policy"]


def resolve_policy(policy: Policy | str | Path | None) -> tuple[Policy, str | None]:
    """A policy object, a policy file, or ``None`` for the built-in policy."""
    if policy is None:
        return default_policy(), None
    if isinstance(policy, Policy):
        return policy, None
    return load_policy(policy), str(policy)


def check(
    reference: Any,
    current: Any,
    *,
    target: str | None = None,
    prediction: str | None = None,
    scores: Sequence[str] = (),
    segments: Sequence[str] = (),
    sensitive: Sequence[str] = (),
    timestamp: str | None = None,
    config: str | Path | None = None,
    policy: Policy | str | Path | None = None,
    feedback: str | Path | Any | None = None,
    registry: str | Path | Any | None = None,
    erasure: str | Path | Any | None = None,
    transfer: bool = False,
    progress: Progress | None = None,
) -> Decision:
    """Compare ``current`` production data with the ``reference`` and decide what to do.

    Parameters
    ----------
    reference, current
        A CSV or Parquet path, a pandas or polars DataFrame, or a pyarrow Table. The reference
        is the data the current model was trained and validated on.
    target, prediction, scores, segments, sensitive, timestamp
        Column roles; everything else is inferred (see :mod:`driftwise.schema.infer`). Rows of
        ``current`` whose target is missing count as not yet labelled.
    config
        A YAML/JSON file with a ``columns:`` section; the arguments above win over it.
    policy
        A :class:`~driftwise.policy.Policy`, a policy file, or ``None`` for the built-in one.
    feedback
        User complaints or feedback counts per period: a CSV/Parquet file with ``period`` and
        ``count`` columns (optionally ``exposure``), or a
        :class:`~driftwise.signals.feedback.FeedbackSeries`.
    registry
        The model registry (a folder, or an open :class:`~driftwise.registry.Registry`): the
        decision then carries the model's ``context`` (champion, debt, age, last promotion,
        the previous version on the current rows, measured runs, estimated cost of a
        fine-tune and of a retrain on this data), and the criteria on debt, budgets and
        rollback use it.
    erasure
        An erasure request: a CSV/Parquet file (or a table) of the keys of records whose data
        must be erased, in one column named like a column of the data (``customer_id``, say).
        Only the counts of matching rows go into the decision (evidence ``erasure``).
    transfer
        The current data come from a new domain the model is being taken to (a new region,
        market or site): the decision weighs a fine-tune for a close domain against a retrain
        for a far one, with the distance shown.
    progress
        Called with the name of each stage as it starts (the CLI prints them on stderr).

    Returns
    -------
    Decision
        The action, its confidence, reasons citing evidence, alternatives and all evidence.
    """
    pol, pol_source = resolve_policy(policy)
    given: dict[str, Any] = {
        "target": target,
        "prediction": prediction,
        "scores": tuple(scores),
        "segments": tuple(segments),
        "sensitive": tuple(sensitive),
        "timestamp": timestamp,
    }
    # Only what the caller actually gave counts as set, so a config file fills the rest.
    overrides = SchemaOverrides(**{k: v for k, v in given.items() if v not in (None, ())})
    if config is not None:
        overrides = load_config(config).merge(overrides)
    ref_name = describe_source(reference, name="reference")
    cur_name = describe_source(current, name="current")
    ref_raw = read_table(reference, name="reference")
    cur_raw = read_table(current, name="current")
    schema = infer_schema(ref_raw, overrides, where=ref_name)
    ref, cur = validate_pair(
        ref_raw, cur_raw, schema, reference_name=ref_name, current_name=cur_name
    )
    series = None
    if feedback is not None:
        from driftwise.signals.feedback import FeedbackSeries, read_feedback

        series = feedback if isinstance(feedback, FeedbackSeries) else read_feedback(feedback)
    evidence = compute_suite(
        ref,
        cur,
        schema,
        pol,
        reference_raw=ref_raw,
        current_raw=cur_raw,
        feedback=series,
        progress=progress,
    )
    if erasure is not None:
        evidence = (*evidence, erasure_evidence(erasure, ref_raw, cur_raw))
    n_labelled = int(cur[schema.target].notna().sum()) if schema.target else 0
    summary = CheckSummary(
        n_reference=len(ref),
        n_current=len(cur),
        n_features=len(schema.features),
        n_labelled_current=n_labelled,
        reference=ref_name,
        current=cur_name,
        target=schema.target,
        prediction=schema.prediction,
        segments=schema.segments,
        transfer=transfer,
    )
    context: ModelContext | None = None
    probes: tuple[ProbeOutcome, ...] = ()
    if registry is not None:
        context, probes = _context(
            registry, evidence, cur_raw, ref_raw, schema.target, pol, schema.sensitive
        )
    return decide(
        evidence,
        pol,
        summary,
        policy_source=pol_source,
        context=context,
        now=datetime.now(UTC),
        probes=probes,
    )


def _context(
    registry: Any,
    evidence: tuple[Any, ...],
    current: Any,
    reference: Any,
    target: str | None,
    policy: Policy,
    sensitive: Sequence[str],
) -> tuple[ModelContext, tuple[ProbeOutcome, ...]]:
    """The model's context from the registry (see :mod:`driftwise.act.context`), and the probes
    of a fine-tune and a retrain of its champion (:mod:`driftwise.act.probe`).

    The planned rows are those ``driftwise act`` would train on: the labelled current rows
    outside the held-out share; a retrain after a localized change also trains on the reference
    rows (outside the held-out share).
    """
    from driftwise.act.context import gather_context, load_version
    from driftwise.act.probe import run_probes
    from driftwise.registry import Registry

    opened = (
        Registry.existing(
            registry,
            where="check",
            field="registry",
            expected="a folder made by `driftwise train`",
        )
        if isinstance(registry, (str, Path))
        else nullcontext(registry)
    )
    keep = 1.0 - policy.validation.holdout_share
    n_labelled = int(current[target].notna().sum()) if target in current.columns else 0
    n_current = round(n_labelled * keep)
    localized = any(getattr(e, "verdict", None) == "localized" for e in evidence)
    rows = {
        "fine_tune": n_current,
        "retrain": n_current + round(len(reference) * keep) if localized else n_current,
    }
    with opened as reg:
        champion = reg.champion()
        # The champion is loaded (its artifact's hash checked) once, for the context's
        # comparison with the previous version and for the probes.
        bound = None if champion is None or not target else load_version(reg, champion)
        context = gather_context(
            reg,
            current=current if target else None,
            rows=rows,
            budgets=policy.budgets,
            seed=policy.seed,
            champion_model=bound,
        )
        if bound is None or bound.adapter.target != target or not policy.utility.probes:
            return context, ()
        probes = run_probes(
            bound.adapter,
            bound.model,
            current,
            reference,
            evidence,
            policy,
            sensitive=sensitive,
            max_rows=policy.utility.probe_rows,
        )
    return _unmeasured(context, probes, policy), probes


def _unmeasured(
    context: ModelContext, probes: tuple[ProbeOutcome, ...], policy: Policy
) -> ModelContext:
    """Estimates for actions with no measured run, from the probes' timed trainings."""
    from driftwise.costs.estimate import estimate_from_probe, priced
    from driftwise.costs.intensity import grid_intensity

    timed: dict[str, ProbeOutcome] = {p.action: p for p in probes if p.train_s}
    if not any(e.n_runs == 0 and e.action in timed for e in context.estimates):
        return context
    g, source = grid_intensity(policy.runs.country_iso_code)
    b = policy.budgets
    estimates = []
    for e in context.estimates:
        p = timed.get(e.action)
        if e.n_runs == 0 and p is not None and p.train_s is not None:
            e = priced(
                estimate_from_probe(
                    e.action,
                    e.rows,
                    probe_rows=p.n_train,
                    probe_seconds=p.train_s,
                    watts=policy.runs.power_watts,
                    g_per_kwh=g,
                    intensity_source=source,
                ),
                price_per_kwh=b.price_per_kwh,
                price_per_compute_hour=b.price_per_compute_hour,
                pue=b.pue,
                currency=b.currency,
            )
        estimates.append(e)
    return context.model_copy(update={"estimates": tuple(estimates)})


def read_erasure(request: Any, data: Any) -> tuple[str, set[str], str]:
    """(key column, keys as text, source name) of an erasure request matched to ``data``.

    The request has one column whose name is a column of ``data``; its values are the keys.
    """
    source = describe_source(request, name="erasure request")
    table = read_table(request, name="erasure request")
    shared = [str(c) for c in table.columns if c in data.columns]
    if len(shared) != 1:
        raise DriftwiseError.for_field(
            "columns",
            where=source,
            found=(
                f"{len(shared)} columns named like the data's ({', '.join(shared) or 'none'}) "
                f"among {', '.join(map(str, table.columns))}"
            ),
            expected="exactly one column, the key of the records to erase, named like a column "
            "of the data",
        )
    key = shared[0]
    return key, set(table[key].dropna().astype(str)), source


def erased_mask(frame: Any, key: str, keys: set[str]) -> Any:
    """True for the rows of ``frame`` whose ``key`` is under the erasure request."""
    return frame[key].astype(str).isin(keys).to_numpy()


def erasure_evidence(request: Any, reference: Any, current: Any) -> Any:
    """The :class:`~driftwise.signals.types.ErasureRequest` evidence: counts only."""
    from driftwise.signals.types import ErasureRequest

    key, keys, source = read_erasure(request, reference)
    in_current = int(erased_mask(current, key, keys).sum()) if key in current.columns else 0
    return ErasureRequest(
        key=key,
        source=source,
        n_requested=len(keys),
        n_reference_rows=int(erased_mask(reference, key, keys).sum()),
        n_current_rows=in_current,
    )
