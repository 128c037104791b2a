"""Strict documents: validate a mapping into a pydantic model with the project's error template.

Shared by policy files and column configuration files so both speak the same way.

>>> from pydantic import BaseModel, ConfigDict
>>> class Doc(BaseModel):
...     model_config = ConfigDict(extra="forbid")
...     alpha: float = 0.05
>>> parse_model(Doc, {"alhpa": 0.1}, where="doc.yaml")
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: doc.yaml: field 'alhpa': found an unknown key; expected one of
alpha (did you mean 'alpha'?).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from driftwise.errors import DriftwiseError

__all__ = ["parse_model", "validation_error"]

M = TypeVar("M", bound=BaseModel)


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
