"""The decision document: what to do, why, what else was considered, and the evidence.

Its JSON form is a public contract, versioned by ``schema_version`` and published as a JSON
Schema in ``schemas/decision.schema.json``.

>>> from driftwise.decide.types import CheckSummary, Decision, PolicyRef, Reason
>>> d = Decision(action="no_action", confidence=0.9,
...              reasons=(Reason(text="No feature drifted.", evidence=("scope",)),),
...              alternatives=(), evidence=(), summary=CheckSummary(n_reference=10, n_current=10,
...              n_features=2, n_labelled_current=0), policy=PolicyRef(name="baseline"))
>>> Decision.model_validate_json(d.model_dump_json()) == d
True
>>> d.needs_action
False
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from driftwise.act.record import Execution
from driftwise.decide.context import ModelContext
from driftwise.policy.model import Action, RiskTier
from driftwise.signals.types import Evidence

__all__ = [
    "ACTIONS",
    "SCHEMA_VERSION",
    "Alternative",
    "CheckSummary",
    "Counterfactual",
    "LabelPlan",
    "ProbeOutcome",
    "Decision",
    "PolicyRef",
    "Reason",
    "Schedule",
    "Scorecard",
    "SegmentNeed",
]

#: 1.1 added ``execution`` (what ``driftwise act`` did) and ``context`` (from the model
#: registry); 1.0 documents still load.
SCHEMA_VERSION: Literal["1.1"] = "1.1"
ACTIONS: tuple[Action, ...] = (
    "no_action",
    "monitor",
    "fine_tune",
    "retrain",
    "rollback",
    "escalate",
)
#: Actions that change the model or need a person; the CLI exits 3 for these.
ACTIONS_NEEDING_WORK: frozenset[str] = frozenset({"fine_tune", "retrain", "rollback", "escalate"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Reason(_Frozen):
    """One plain-language reason, citing the ids of the evidence it rests on."""

    text: str
    evidence: tuple[str, ...] = ()


class Alternative(_Frozen):
    """An action that was considered, with its score (higher is better) and why."""

    action: Action
    score: float
    rationale: str


class Counterfactual(_Frozen):
    """The nearest change of one kind that would flip the decision, and the action it gives."""

    kind: Literal["labels", "risk_tier", "scope", "performance", "debt"]
    action: Action
    change: str  # "the new regime had 5,000 more labelled rows (6,825 instead of 1,825)"
    text: str  # "retrain if the new regime had 5,000 more labelled rows (...)"


Urgency = Literal["urgent", "soon", "relaxed"]


class SegmentNeed(_Frozen):
    """Labels to collect in one segment (``"all"``: across current traffic)."""

    segment: str
    have: int
    more: int


class LabelPlan(_Frozen):
    """What to do next when evidence is thin: which labels to collect, and what would tip it."""

    needs: tuple[SegmentNeed, ...]
    detect_drop: float  # the drop in accuracy the sample is sized to detect
    drop_source: str  # "label-free estimate" or "policy labels.detect_drop"
    reference_accuracy: float | None
    below: float | None  # accuracy under which the decision tips to an update
    above: float | None  # accuracy over which it tips to no action
    if_below: Action
    text: str


class Schedule(_Frozen):
    """The proposed start of a training action and what waiting for it saves."""

    urgency: Urgency
    why: str
    deadline_hours: float = Field(ge=0)
    start_in_hours: float = Field(ge=0)
    start_at: datetime
    duration_hours: float = Field(gt=0)
    duration_assumed: bool
    intensity_now: float = Field(ge=0)  # g CO2e/kWh, average over a run starting now
    intensity_at_start: float = Field(ge=0)
    energy_kwh: float | None = None
    saving_kg: float | None = None
    saving_share: float
    text: str


class ProbeOutcome(_Frozen):
    """A quick trial of one update on part of the labelled current rows, against the champion.

    Points of accuracy (challenger minus champion): on held-out new-regime rows with a paired
    bootstrap interval (``freshness``), on held-out old-regime rows where it still holds
    (``fidelity``), and the growth of the largest between-group accuracy gap (``social``).
    """

    action: Literal["fine_tune", "retrain"]
    n_train: int
    n_holdout: int
    freshness: float
    freshness_low: float
    freshness_high: float
    fidelity: float | None = None
    social: float | None = None
    train_s: float | None = None  # seconds one probe training took (on n_train rows)


class Scorecard(_Frozen):
    """An alternative scored on the four axes (money) and its utility (their weighted sum)."""

    action: Action
    freshness: float
    fidelity: float
    cost: float
    social_responsibility: float
    utility: float
    credible: bool  # an update whose gain on the new regime is beyond noise (or keeping)


class CheckSummary(_Frozen):
    """Sizes of what was compared."""

    n_reference: int
    n_current: int
    n_features: int
    n_labelled_current: int
    reference: str | None = None  # where the reference came from (file name)
    current: str | None = None
    target: str | None = None
    prediction: str | None = None
    segments: tuple[str, ...] = ()
    transfer: bool = False  # the current data come from a new domain (check --transfer)


class PolicyRef(_Frozen):
    """Which policy made the decision."""

    name: str
    risk_tier: RiskTier = "medium"
    source: str | None = None  # file the policy came from; None for the built-in one


class Decision(_Frozen):
    """The decision document."""

    schema_version: Literal["1.0", "1.1"] = SCHEMA_VERSION
    driftwise_version: str = ""
    action: Action
    confidence: float = Field(ge=0, le=1)
    headline: str = ""
    reasons: tuple[Reason, ...]
    alternatives: tuple[Alternative, ...]
    approvals_required: tuple[str, ...] = ()
    # Gates a challenger must pass, required by the policy's regulation packs ("gain",
    # "forgetting", "fairness", "fairness:selection_rate"); `driftwise act` enforces them.
    gates_required: tuple[str, ...] = ()
    counterfactuals: tuple[Counterfactual, ...] = ()  # nearest changes that flip the action
    schedule: Schedule | None = None  # when to start a training action (carbon-aware)
    label_plan: LabelPlan | None = None  # which labels to collect (monitor, escalate)
    probes: tuple[ProbeOutcome, ...] = ()  # quick trials of each update (with a model)
    scorecards: tuple[Scorecard, ...] = ()  # the four axes and the utility, per alternative
    evidence: tuple[Evidence, ...]
    summary: CheckSummary
    policy: PolicyRef
    context: ModelContext | None = None  # from the model registry (`check --registry`)
    execution: Execution | None = None  # filled by `driftwise act`

    @property
    def needs_action(self) -> bool:
        """True when the decision asks for work: a model change or a person's review."""
        return self.action in ACTIONS_NEEDING_WORK

    def evidence_by_id(self) -> dict[str, Evidence]:
        """Evidence keyed by id."""
        return {e.id: e for e in self.evidence}
