"""Regulation packs: their data, their rules in the vote, and `driftwise act` enforcing them.

One test per rule of each pack on hand-built evidence; then an erasure request end to end
(check records only counts, act refuses without the request and leaves the erased rows out with
it); then a seeded sweep over many situations checking that no chosen action ever breaks a hard
constraint of the policy or of an included pack.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import driftwise
from driftwise.act.execute import execute
from driftwise.decide.context import ModelContext
from driftwise.decide.engine import decide, tally
from driftwise.decide.types import Decision
from driftwise.demo.scenario import TARGET, simulate
from driftwise.errors import DriftwiseError
from driftwise.policy import Policy, default_policy
from driftwise.policy.packs import PACK_NAMES, all_packs, load_pack
from driftwise.registry import Registry
from driftwise.signals.types import ErasureRequest
from evidence_factory import fairness, feature, labels, performance, schema_change, scope, summary
from test_adapters import OLD, PROMO, _make


def _policy(*packs: str, **more: Any) -> Policy:
    return Policy.model_validate({"regulation": {"packs": list(packs), **more}})


def _localized(drop: float = 0.03) -> tuple[Any, ...]:
    return (
        feature("discount", drifted=True),
        performance(0.9, 0.9 - drop, degraded=True),
        scope("localized", ("region=coast",)),
        labels(3000),
    )


def _erasure(n: int = 40) -> ErasureRequest:
    return ErasureRequest(
        key="customer_id", source="erase.csv", n_requested=50, n_reference_rows=n, n_current_rows=0
    )


def _decide(evidence: tuple[Any, ...], policy: Policy) -> Decision:
    return decide(evidence, policy, summary(3000))


# -- the packs as data ---------------------------------------------------------------------------


def test_every_pack_cites_its_source_for_every_rule() -> None:
    packs = all_packs()
    assert [p.name for p in packs] == list(PACK_NAMES)
    for pack in packs:
        assert pack.title and pack.source and pack.jurisdiction
        assert pack.rules
        for rule in pack.rules:
            assert rule.cites and rule.effect
    assert load_pack("gdpr_erasure").rule("erasure").cites.startswith("Article 17(1)")
    assert "section 515C" in load_pack("fda_pccp").source


def test_an_unknown_pack_is_refused_with_the_closest_name(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("regulation:\n  packs: [gdpr_erasur]\n")
    with pytest.raises(DriftwiseError) as err:
        driftwise.policy.load_policy(path)
    assert "field 'regulation.packs.0'" in str(err.value)
    assert "gdpr_erasure" in str(err.value)


# -- EU AI Act -----------------------------------------------------------------------------------


def test_eu_ai_act_requires_a_person_and_the_gates() -> None:
    d = _decide(_localized(), _policy("eu_ai_act_high_risk"))
    assert d.action == "fine_tune"
    assert d.approvals_required == (
        "EU AI Act, high-risk AI systems (human_oversight): a person approves the fine-tune "
        "before it goes live",
    )
    assert d.gates_required == ("gain", "forgetting", "fairness")
    plain = _decide(_localized(), default_policy())
    assert plain.approvals_required == () and plain.gates_required == ()


# -- GDPR erasure --------------------------------------------------------------------------------


def test_gdpr_erasure_forces_a_retrain_even_for_a_localized_change() -> None:
    d = _decide((*_localized(), _erasure()), _policy("gdpr_erasure"))
    assert d.action == "retrain"
    text = " ".join(r.text for r in d.reasons)
    assert "40 reference rows (the champion's training data) match the erasure request" in text
    assert "a fine-tune cannot unlearn them" in text
    ruled = {a.action for a in d.alternatives if a.rationale.startswith("ruled out")}
    assert ruled == {"fine_tune", "no_action", "monitor"}


def test_gdpr_erasure_forces_a_retrain_when_nothing_drifted() -> None:
    quiet = (feature("x", drifted=False), performance(0.9, 0.9, degraded=False), scope("none"))
    assert _decide((*quiet, labels(3000)), _policy("gdpr_erasure")).action == "no_action"
    d = _decide((*quiet, labels(3000), _erasure()), _policy("gdpr_erasure"))
    assert d.action == "retrain"


def test_without_the_pack_an_erasure_request_only_leans_to_retrain() -> None:
    _, votes = tally((*_localized(), _erasure()), default_policy())
    mine = [(v.action, v.weight, v.hard) for v in votes if v.criterion == "erasure"]
    assert mine == [("fine_tune", -1.5, False), ("retrain", 1.5, False)]
    _, none = tally((*_localized(), _erasure(n=0)), _policy("gdpr_erasure"))
    assert not [v for v in none if v.criterion == "erasure"]  # nothing of it was trained on


# -- FDA PCCP ------------------------------------------------------------------------------------


def test_a_fine_tune_inside_the_pccp_needs_no_review() -> None:
    d = _decide(_localized(drop=0.03), _policy("fda_pccp"))
    assert d.action == "fine_tune" and d.approvals_required == ()


def test_a_change_outside_the_pccp_needs_review() -> None:
    d = _decide(_localized(drop=0.08), _policy("fda_pccp"))
    needs = " ".join(d.approvals_required)
    assert "regulatory review of the fine-tune (the accuracy drop of 0.080 exceeds the 0.050" in (
        needs
    )
    escalate = next(a for a in d.alternatives if a.action == "escalate")
    assert "outside the PCCP (+1.0)" in escalate.rationale
    schema = _decide((*_localized(), schema_change(added=("sensor2",))), _policy("fda_pccp"))
    assert "the inputs' schema changed" in " ".join(schema.approvals_required)
    narrow = _policy("fda_pccp", pccp={"features": ["price"]})
    assert "drift in inputs the plan does not anticipate: discount" in " ".join(
        _decide(_localized(), narrow).approvals_required
    )


def test_a_retrain_is_outside_a_plan_that_lists_only_fine_tunes() -> None:
    glob = (
        feature("temperature", drifted=True),
        performance(0.9, 0.6, degraded=True),
        scope("global"),
        labels(3000),
    )
    d = _decide(glob, _policy("fda_pccp"))
    assert d.action == "retrain"
    assert "the plan covers fine_tune, not retrain" in " ".join(d.approvals_required)
    both = _policy(
        "fda_pccp", pccp={"actions": ["fine_tune", "retrain"], "max_performance_drop": 0.5}
    )
    assert _decide(glob, both).approvals_required == ()


# -- NYC Local Law 144 ---------------------------------------------------------------------------


def test_ll144_needs_a_bias_audit_and_the_selection_rate_gate() -> None:
    d = _decide((*_localized(), fairness(worsened=False)), _policy("nyc_ll144"))
    assert d.action == "fine_tune"
    assert "an independent bias audit of the changed model" in " ".join(d.approvals_required)
    assert d.gates_required == ("fairness", "fairness:selection_rate")


def test_ll144_without_sensitive_attributes_leans_to_a_person() -> None:
    _, votes = tally(_localized(), _policy("nyc_ll144"))
    mine = {(v.action, v.weight) for v in votes if v.criterion == "regulation"}
    assert mine == {("escalate", 1.0), ("fine_tune", -0.5), ("retrain", -0.5)}


# -- no decision ever breaks a hard constraint ---------------------------------------------------


def test_no_chosen_action_is_ever_ruled_out() -> None:
    from driftwise.costs.estimate import CostEstimate

    rng = np.random.default_rng(0)
    situations = 0
    for packs, budget, debt in itertools.product(
        [(), ("gdpr_erasure",), ("gdpr_erasure", "eu_ai_act_high_risk", "fda_pccp")],
        [None, 0.5],
        [0, 5],
    ):
        for _ in range(6):
            drop = float(rng.uniform(0, 0.3))
            evidence: list[Any] = [
                feature("x", drifted=bool(rng.random() < 0.7)),
                performance(0.9, 0.9 - drop, degraded=drop > 0.02),
                scope(rng.choice(["none", "localized", "global"]), ("region=coast",)),
                labels(int(rng.choice([50, 500, 3000]))),
            ]
            if rng.random() < 0.5:
                evidence.append(_erasure())
            raw: dict[str, Any] = {"regulation": {"packs": list(packs)}}
            if budget is not None:
                raw["budgets"] = {"per_action": {"kwh": budget}}
            policy = Policy.model_validate(raw)
            context = ModelContext(
                registry="r",
                champion_version=3,
                debt=debt,
                estimates=tuple(
                    CostEstimate(action=a, rows=1000, energy_kwh=k, basis="b", n_runs=3)
                    for a, k in (("fine_tune", 0.1), ("retrain", float(rng.uniform(0.2, 2))))
                ),
            )
            facts, votes = tally(tuple(evidence), policy, context)
            d = decide(tuple(evidence), policy, summary(3000), context=context)
            ruled = {v.action for v in votes if v.hard and v.weight < 0}
            assert d.action not in ruled, (packs, budget, debt, d.action, ruled)
            situations += 1
    assert situations == 72


# -- erasure end to end --------------------------------------------------------------------------


@pytest.fixture()
def erasure_setup(tmp_path: Path) -> dict[str, Any]:
    rng = np.random.default_rng(17)
    frames = {
        "train": simulate(3000, OLD, rng),
        "reference": simulate(2000, OLD, rng),
        "current": simulate(2000, PROMO, rng),
    }
    for name, frame in frames.items():
        offset = {"train": 0, "reference": 10_000, "current": 20_000}[name]
        frame.insert(0, "customer_id", [f"c{offset + i}" for i in range(len(frame))])
    erased = [f"c{10_000 + i}" for i in range(0, 600, 3)] + ["c20001", "c20002", "nobody"]
    pd.DataFrame({"customer_id": erased}).to_csv(tmp_path / "erase.csv", index=False)
    return {"tmp": tmp_path, "frames": frames, "request": tmp_path / "erase.csv"}


def test_check_records_counts_and_act_leaves_the_erased_rows_out(
    erasure_setup: dict[str, Any],
) -> None:
    tmp, frames, request = erasure_setup["tmp"], erasure_setup["frames"], erasure_setup["request"]
    features = ["region", "device", "price", "discount", "temperature", "visits"]
    adapter = _make("sklearn", features=features)
    model = adapter.fit(frames["train"])
    served = {k: f.assign(prediction=adapter.predict(model, f)) for k, f in frames.items()}
    d = driftwise.check(
        served["reference"],
        served["current"],
        target=TARGET,
        prediction="prediction",
        segments=("region",),
        policy=_policy("gdpr_erasure"),
        erasure=request,
    )
    (e,) = [x for x in d.evidence if isinstance(x, ErasureRequest)]
    assert (e.key, e.n_requested, e.n_reference_rows, e.n_current_rows) == (
        "customer_id",
        203,
        200,
        2,
    )
    assert "c10000" not in d.model_dump_json()  # only counts are kept
    assert d.action == "retrain"

    with Registry(tmp / "reg") as reg:
        v = reg.register(
            blob=adapter.dumps(model),
            adapter=adapter.kind,
            adapter_config=adapter.config(),
            action="initial",
        )
        reg.promote(v.version, actor="ci", reason="first")
        kwargs: dict[str, Any] = {
            "registry": reg,
            "current": served["current"],
            "reference": served["reference"],
            "policy": _policy("gdpr_erasure"),
            "actor": "ci",
        }
        refused = execute(d, **kwargs)
        assert refused.status == "refused"
        assert refused.text.startswith(f"The decision records an erasure request ({request}")
        keys = set(pd.read_csv(request)["customer_id"])
        done = execute(d, erasure=("customer_id", keys), **kwargs)
        assert done.status in ("promoted", "rejected"), done.text
        run = reg.run(done.run_id or "")
        # A localized change: a retrain learns from the current rows and the reference rows
        # outside the changed region, minus the erased records, minus the held-out shares.
        labelled_current = 2000 - 2
        assert run.windows["current_train_rows"] + run.windows["current_holdout_rows"] == (
            labelled_current
        )
        assert run.windows["reference_train_rows"] + run.windows["reference_holdout_rows"] == (
            2000 - 200
        )
        assert run.windows["erasure_key"] == "customer_id"


def test_a_request_that_does_not_name_a_data_column_is_refused(
    erasure_setup: dict[str, Any],
) -> None:
    bad = erasure_setup["tmp"] / "bad.csv"
    pd.DataFrame({"client": ["c1"]}).to_csv(bad, index=False)
    frame = erasure_setup["frames"]["reference"]
    with pytest.raises(DriftwiseError) as err:
        driftwise.check(frame, frame, target=TARGET, erasure=bad)
    assert str(err.value) == (
        f"{bad}: field 'columns': found 0 columns named like the data's (none) among client; "
        "expected exactly one column, the key of the records to erase, named like a column of "
        "the data."
    )


def test_act_refuses_a_pack_gate_it_cannot_run(tmp_path: Path) -> None:
    adapter = _make("sklearn")
    rng = np.random.default_rng(3)
    train, cur = simulate(2000, OLD, rng), simulate(1500, PROMO, rng)
    d = _decide(_localized(), _policy("eu_ai_act_high_risk"))
    with Registry(tmp_path / "reg") as reg:
        v = reg.register(
            blob=adapter.dumps(adapter.fit(train)),
            adapter=adapter.kind,
            adapter_config=adapter.config(),
            action="initial",
        )
        reg.promote(v.version, actor="ci", reason="first")
        done = execute(
            d,
            registry=reg,
            current=cur,
            reference=train,
            policy=_policy("eu_ai_act_high_risk"),
            actor="ci",
            approved_by="ana",
        )
    assert done.status == "refused"
    assert done.text == (
        "The policy's regulation packs require the fairness gate, and no sensitive column is "
        "known: rerun with --sensitive COL."
    )


def test_the_docs_show_every_rule_of_every_pack() -> None:
    text = (Path(__file__).parent.parent / "docs" / "regulation.md").read_text(encoding="utf-8")
    for pack in all_packs():
        assert f"## `{pack.name}`: {pack.title}" in text
        for rule in pack.rules:
            assert f"| `{rule.id}` | {rule.cites} | {rule.effect} |" in text
