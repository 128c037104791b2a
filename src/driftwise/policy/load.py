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
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from driftwise.errors import DriftwiseError
from driftwise.policy.model import Policy

__all__ = ["load_policy", "parse_model", "validation_error"]

M = TypeVar("M", bound=BaseModel)


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


def parse_model(model: type[M], raw: dict[str, Any], *, where: str) -> M:
    """Validate ``raw`` into ``model``, turning the first problem into a :class:`DriftwiseError`."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, model, where=where) from None


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The valid field names of the sub-model at ``loc`` (empty when not a model)."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current = info.annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def validation_error(exc: ValidationError, model: type[BaseModel], *, where: str) -> DriftwiseError:
    """Render the first error of ``exc`` in the project's message template."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    field = ".".join(str(x) for x in loc) or "(document)"
    if err["type"] == "extra_forbidden":
        options = _fields_at(model, loc[:-1])
        return DriftwiseError.for_field(
            field,
            where=where,
            found="an unknown key",
            expected="one of " + ", ".join(options) if options else "no such key",
            options=options,
        ).with_near(str(loc[-1]), options)
    found = repr(err.get("input"))
    return DriftwiseError.for_field(field, where=where, found=found, expected=_expected(err["msg"]))


def _expected(msg: str) -> str:
    """Pydantic says 'Input should be greater than 0'; we say 'a value greater than 0'."""
    for prefix in ("Input should be ", "Value error, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg[:1].lower() + msg[1:]
