"""SchemaOverrides and the config file: loading, saving, merging, and exact error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from driftwise.errors import DriftwiseError
from driftwise.schema import Role, SchemaOverrides, load_config, save_config

FULL = SchemaOverrides(
    target="two_year_recid",
    prediction="decile_score",
    scores=("p_recid",),
    segments=("region", "channel"),
    sensitive=("race", "sex"),
    timestamp="compas_screening_date",
    weight="w",
    text=("notes",),
    numeric=("age", "priors_count"),
    categorical=("c_charge_degree",),
    ignore=("id",),
)


def _load_error(path: Path, content: str) -> str:
    path.write_text(content)
    with pytest.raises(DriftwiseError) as excinfo:
        load_config(path)
    return str(excinfo.value)


def test_load_yaml(tmp_path: Path) -> None:
    p = tmp_path / "cols.yaml"
    p.write_text(
        "columns:\n"
        "  target: y\n"
        "  prediction: p\n"
        "  segments: [region]\n"
        "  numeric: [age, income]\n"
        "  ignore: row_id\n"
    )
    cfg = load_config(p)
    assert cfg == SchemaOverrides(
        target="y",
        prediction="p",
        segments=("region",),
        numeric=("age", "income"),
        ignore=("row_id",),  # one name stands for a list of one
    )
    assert cfg.scores is None and cfg.timestamp is None


def test_load_json(tmp_path: Path) -> None:
    p = tmp_path / "cols.json"
    p.write_text(json.dumps({"columns": {"target": "y", "sensitive": ["sex", "race"]}}))
    assert load_config(p) == SchemaOverrides(target="y", sensitive=("sex", "race"))


def test_empty_columns_section_gives_no_overrides(tmp_path: Path) -> None:
    p = tmp_path / "cols.yaml"
    p.write_text("columns: {}\n")
    assert load_config(p) == SchemaOverrides()
    assert load_config(p).named() == {}


@pytest.mark.parametrize("name", ["cols.yaml", "cols.yml", "cols.json"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    p = save_config(FULL, tmp_path / name)
    assert load_config(p) == FULL
    if name.endswith(".json"):
        assert json.loads(p.read_text())["columns"]["segments"] == ["region", "channel"]


def test_round_trip_keeps_explicit_empty_list(tmp_path: Path) -> None:
    overrides = SchemaOverrides(target="y", ignore=())
    assert load_config(save_config(overrides, tmp_path / "c.yaml")) == overrides


def test_unknown_key_names_the_closest(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "cols.yaml", "columns:\n  target: y\n  segmnts: [region]\n")
    assert msg == (
        f"{tmp_path / 'cols.yaml'}: field 'columns.segmnts': found an unknown key; expected one "
        "of target, prediction, scores, segments, sensitive, timestamp, weight, text, numeric, "
        "categorical, ignore (did you mean 'segments'?)."
    )


def test_unknown_top_level_key(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "cols.yaml", "colums:\n  target: y\n")
    assert msg == (
        f"{tmp_path / 'cols.yaml'}: field 'colums': found an unknown key; expected one of "
        "columns (did you mean 'columns'?)."
    )


def test_wrong_value_type(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "cols.yaml", "columns:\n  numeric: {a: 1}\n")
    assert msg == (
        f"{tmp_path / 'cols.yaml'}: field 'columns.numeric': found {{'a': 1}}; expected a valid "
        "tuple."
    )


def test_number_for_a_column_name(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "cols.yaml", "columns:\n  target: 3\n")
    assert msg == (
        f"{tmp_path / 'cols.yaml'}: field 'columns.target': found 3; expected a valid string."
    )


def test_two_roles_for_one_column(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "cols.yaml", "columns:\n  target: y\n  ignore: [id, y]\n")
    assert msg == (
        f"{tmp_path / 'cols.yaml'}: column 'y': found more than one role (target, ignore); "
        "expected one role per column."
    )


def test_no_such_file(tmp_path: Path) -> None:
    p = tmp_path / "nope.yaml"
    with pytest.raises(DriftwiseError) as excinfo:
        load_config(p)
    assert str(excinfo.value) == f"{p}: found no such file; expected a config file (YAML or JSON)."


def test_empty_file(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "c.yaml", "")
    assert msg == f"{tmp_path / 'c.yaml'}: found an empty file; expected a mapping with 'columns'."


def test_not_a_mapping(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "c.yaml", "- target\n- y\n")
    assert msg == f"{tmp_path / 'c.yaml'}: found a list; expected a mapping with 'columns'."


def test_invalid_yaml(tmp_path: Path) -> None:
    msg = _load_error(tmp_path / "c.yaml", "columns: [a\n")
    assert msg.startswith(f"{tmp_path / 'c.yaml'}: found invalid YAML (")
    assert msg.endswith("); expected a mapping.")


def test_merge_other_wins_and_none_keeps() -> None:
    config_file = SchemaOverrides(target="y", segments=("region",), ignore=("id",))
    flags = SchemaOverrides(target="label", numeric=("age",))
    merged = config_file.merge(flags)
    assert merged == SchemaOverrides(
        target="label", segments=("region",), ignore=("id",), numeric=("age",)
    )
    # an explicitly empty list on the command line clears the file's list
    assert config_file.merge(SchemaOverrides(segments=())).segments == ()
    # merging nothing changes nothing
    assert config_file.merge(SchemaOverrides()) == config_file
    assert SchemaOverrides().merge(config_file) == config_file


def test_frozen_and_strict() -> None:
    field = "target"
    with pytest.raises(ValidationError):
        setattr(FULL, field, "other")
    with pytest.raises(ValidationError):
        SchemaOverrides.model_validate({"targt": "y"})


def test_named_and_roles() -> None:
    assert FULL.named()["segments"] == ("region", "channel")
    roles = FULL.roles(where="cli")
    assert roles["two_year_recid"] is Role.TARGET
    assert roles["decile_score"] is Role.PREDICTION
    assert roles["p_recid"] is Role.SCORE
    assert roles["compas_screening_date"] is Role.TIMESTAMP
    assert roles["w"] is Role.WEIGHT
    assert roles["notes"] is Role.TEXT
    assert roles["age"] is Role.NUMERIC
    assert roles["c_charge_degree"] is Role.CATEGORICAL
    assert roles["id"] is Role.IGNORED
    assert "region" not in roles and "race" not in roles  # flags, not roles


def test_label_also_under_numeric_or_categorical_sets_its_type() -> None:
    both = SchemaOverrides(target="y", prediction="p", numeric=("y",), categorical=("p",))
    assert both.roles(where="cli") == {"y": Role.TARGET, "p": Role.PREDICTION}
    with pytest.raises(DriftwiseError) as excinfo:
        SchemaOverrides(target="y", numeric=("y",), categorical=("y",)).roles(where="cli")
    assert str(excinfo.value) == (
        "cli: column 'y': found more than one role (target, numeric, categorical); expected one "
        "role per column."
    )
    with pytest.raises(DriftwiseError) as excinfo:
        SchemaOverrides(target="y", prediction="y").roles(where="cli")
    assert str(excinfo.value) == (
        "cli: column 'y': found more than one role (target, prediction); expected one role per "
        "column."
    )
