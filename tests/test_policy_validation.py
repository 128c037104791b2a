"""The policy's `validation` and `runs` sections: defaults, strict keys, clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftwise.errors import DriftwiseError
from driftwise.policy import load_policy
from driftwise.policy.model import Policy, RunsPolicy, ValidationPolicy


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults() -> None:
    v, r = Policy().validation, Policy().runs
    assert v == ValidationPolicy()
    assert (v.holdout_share, v.resamples, v.level, v.gain_tolerance) == (0.3, 1000, 0.95, 0.0)
    assert (v.max_reference_drop, v.fairness_tolerance, v.min_group_rows) == (0.02, 0.05, 30)
    assert v.fairness_metrics == ("accuracy", "true_positive_rate")
    assert (v.base_bias_max_disparity, v.check_base_bias) == (0.10, True)
    assert (r.country_iso_code, r.region, r.measure_power_secs) == ("USA", None, 1.0)


def test_every_field_is_documented() -> None:
    for model in (ValidationPolicy, RunsPolicy):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def test_yaml_with_both_sections_loads(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "name: careful\n"
        "validation:\n"
        "  holdout_share: 0.25\n"
        "  fairness_metrics: [true_positive_rate, false_positive_rate]\n"
        "  fairness_tolerance: 0.03\n"
        "  check_base_bias: false\n"
        "runs:\n"
        "  country_iso_code: FRA\n"
        "  measure_power_secs: 0.5\n",
    )
    pol = load_policy(p)
    assert pol.validation.holdout_share == 0.25
    assert pol.validation.fairness_metrics == ("true_positive_rate", "false_positive_rate")
    assert pol.validation.fairness_tolerance == 0.03
    assert pol.validation.check_base_bias is False
    assert pol.validation.resamples == 1000  # untouched default
    assert (pol.runs.country_iso_code, pol.runs.measure_power_secs) == ("FRA", 0.5)


def test_misspelled_key_is_named(tmp_path: Path) -> None:
    p = _write(tmp_path, "validation:\n  holdout_shar: 0.2\n")
    with pytest.raises(DriftwiseError) as e:
        load_policy(p)
    assert str(e.value) == (
        f"{p}: field 'validation.holdout_shar': found an unknown key; expected one of "
        "holdout_share, resamples, level, gain_tolerance, max_reference_drop, fairness_metrics, "
        "fairness_tolerance, min_group_rows, base_bias_max_disparity, check_base_bias "
        "(did you mean 'holdout_share'?)."
    )
    p = _write(tmp_path, "runs:\n  country: USA\n")
    with pytest.raises(DriftwiseError) as e:
        load_policy(p)
    assert str(e.value).startswith(f"{p}: field 'runs.country': found an unknown key; expected")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("validation:\n  holdout_share: 1.0\n", "field 'validation.holdout_share': found 1.0; "),
        ("validation:\n  resamples: 50\n", "field 'validation.resamples': found 50; "),
        (
            "validation:\n  fairness_metrics: [recall]\n",
            "field 'validation.fairness_metrics.0': found 'recall'; ",
        ),
        ("runs:\n  measure_power_secs: -1\n", "field 'runs.measure_power_secs': found -1; "),
    ],
)
def test_bad_values_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DriftwiseError, match="^" + str(tmp_path)) as e:
        load_policy(_write(tmp_path, text))
    assert message in str(e.value)


@pytest.mark.parametrize("code", ["usa", "US", "USAA", "U5A", "ÜSA"])
def test_country_code_must_be_three_upper_case_letters(tmp_path: Path, code: str) -> None:
    p = _write(tmp_path, f"runs:\n  country_iso_code: {code}\n")
    with pytest.raises(DriftwiseError) as e:
        load_policy(p)
    assert str(e.value) == (
        f"{p}: field 'runs.country_iso_code': found {code!r}; expected three upper-case "
        "letters, an ISO 3166-1 alpha-3 code such as 'USA'."
    )
