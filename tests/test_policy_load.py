"""Policy files: strict keys, clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftwise.errors import DriftwiseError
from driftwise.policy import load_policy


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_valid_policy_loads(tmp_path: Path) -> None:
    p = _write(tmp_path, "name: careful\nrisk_tier: high\ndrift:\n  alpha: 0.01\n")
    pol = load_policy(p)
    assert (pol.name, pol.risk_tier, pol.drift.alpha) == ("careful", "high", 0.01)
    assert pol.drift.correction == "bh"


def test_unknown_top_level_key_names_closest(tmp_path: Path) -> None:
    p = _write(tmp_path, "name: x\nrisk_teir: high\n")
    with pytest.raises(DriftwiseError) as e:
        load_policy(p)
    assert str(e.value) == (
        f"{p}: field 'risk_teir': found an unknown key; expected one of policy_version, name, "
        "description, risk_tier, domain, jurisdictions, cadence, drift, performance, scope, "
        "labels, multivariate, concept, "
        "estimate, fairness, feedback, text, schema_change, validation, runs, budgets, debt, "
        "rollback, regulation, carbon, utility, transfer, seed, "
        "approval_required "
        "(did you mean 'risk_tier'?)."
    )


def test_bad_value_names_field_and_expectation(tmp_path: Path) -> None:
    p = _write(tmp_path, "risk_tier: hgh\n")
    with pytest.raises(DriftwiseError) as e:
        load_policy(p)
    assert str(e.value) == (
        f"{p}: field 'risk_tier': found 'hgh'; expected 'low', 'medium', 'high' or 'regulated'."
    )


def test_out_of_range_number(tmp_path: Path) -> None:
    p = _write(tmp_path, "drift:\n  alpha: 1.5\n")
    with pytest.raises(DriftwiseError) as e:
        load_policy(p)
    assert str(e.value) == f"{p}: field 'drift.alpha': found 1.5; expected less than 1."


def test_missing_empty_and_non_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(DriftwiseError, match="found no such file; expected a policy file"):
        load_policy(tmp_path / "nope.yaml")
    with pytest.raises(DriftwiseError) as e:
        load_policy(_write(tmp_path, ""))
    assert str(e.value).endswith("found an empty file; expected a policy mapping.")
    with pytest.raises(DriftwiseError) as e:
        load_policy(_write(tmp_path, "- a\n- b\n"))
    assert str(e.value).endswith("found a list; expected a mapping of fields.")
