"""Read a policy file (YAML or JSON) into a :class:`Policy`, with errors that name the field.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "p.yaml").write_text("name: strict\\ndrift:\\n  alpah: 0.01\\n")
>>> load_policy(d / "p.yaml")
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: .../p.yaml: field 'drift.alpah': found an unknown key;
expected one of alpha, correction, min_effect_numeric, min_effect_categorical, min_rows
(did you mean 'alpha'?).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from driftwise._strict import parse_model, validation_error
from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy

__all__ = ["load_policy", "parse_model", "validation_error"]


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy file."""
    p = Path(path)
    if not p.is_file():
        raise DriftwiseError(f"{p}: found no such file; expected a policy file (YAML or JSON).")
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DriftwiseError(f"{p}: found invalid YAML ({exc}); expected a mapping.") from exc
    if raw is None:
        raise DriftwiseError(f"{p}: found an empty file; expected a policy mapping.")
    if not isinstance(raw, dict):
        raise DriftwiseError(f"{p}: found a {type(raw).__name__}; expected a mapping of fields.")
    return parse_model(Policy, raw, where=str(p))
