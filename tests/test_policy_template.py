"""`driftwise policy init`: a commented template that is the built-in policy, field for field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from driftwise.cli.main import main
from driftwise.policy import Policy, default_policy, load_policy
from driftwise.policy.template import policy_template


def _fields(model: type, prefix: str = "") -> set[str]:
    out = set()
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        ann = info.annotation
        if isinstance(ann, type) and hasattr(ann, "model_fields"):
            out |= _fields(ann, f"{prefix}{name}.")
        else:
            out.add(prefix + name)
    return out


def _keys(tree: dict[str, object], prefix: str = "") -> set[str]:
    out = set()
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            out |= _keys(value, f"{prefix}{key}.")
        else:
            out.add(prefix + key)
    return out


def test_the_template_is_the_default_policy_and_names_every_field() -> None:
    text = policy_template()
    raw = yaml.safe_load(text)
    assert Policy.model_validate(raw) == default_policy()
    assert _keys(raw) == _fields(Policy)
    assert (
        "  max_fine_tunes: 3  # fine-tunes since the last full retrain before a retrain is due"
        in text
    )
    assert all(len(line) <= 100 for line in text.splitlines())


def test_init_writes_a_file_that_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.yaml"
    assert main(["policy", "init", str(path)]) == 0
    assert "wrote the policy template" in capsys.readouterr().out
    assert load_policy(path) == default_policy()
    assert main(["policy", "check", str(path)]) == 0
    assert "valid policy 'baseline' (risk tier medium)" in capsys.readouterr().out
    # An edited copy with a typo is refused with the closest key.
    path.write_text(path.read_text().replace("max_fine_tunes: 3", "max_fine_tune: 2"))
    assert main(["policy", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "field 'debt.max_fine_tune': found an unknown key" in err
    assert "(did you mean 'max_fine_tunes'?)" in err


def test_init_does_not_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("name: mine\n")
    assert main(["policy", "init", str(path)]) == 1
    assert f"{path}: found an existing file; expected a new path (or --force" in (
        capsys.readouterr().err
    )
    assert path.read_text() == "name: mine\n"
    assert main(["policy", "init", str(path), "--force"]) == 0
    assert load_policy(path) == default_policy()


def test_init_prints_without_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "init"]) == 0
    assert capsys.readouterr().out == policy_template()
