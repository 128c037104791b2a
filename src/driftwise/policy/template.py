"""The commented policy template that ``driftwise policy init`` writes.

It is generated from the policy schema itself (:class:`~driftwise.policy.model.Policy`): every
section with its purpose, every field with its default, what it means and the values it
accepts. Loading the template unchanged gives the built-in policy, which a test checks, so the
template cannot drift from the schema.

>>> text = policy_template()
>>> text.splitlines()[0]
'# driftwise policy (policy_version 1): every field, at its built-in default.'
>>> "risk_tier: medium  # one of: low, medium, high, regulated" in text
True
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from driftwise.policy.model import Policy

__all__ = ["policy_template"]

_HEADER = (
    "# driftwise policy (policy_version 1): every field, at its built-in default.",
    "# Keep what you change and delete the rest: a missing field takes its default.",
    "# Check it with `driftwise policy check FILE`; use it with `driftwise check --policy FILE`.",
    "# Unknown keys are refused, with the closest valid key named.",
)
_WIDTH = 100


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _choices(annotation: Any) -> tuple[str, ...]:
    """The allowed values of a Literal (also inside a tuple or an optional)."""
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    if get_origin(annotation) in (tuple, typing.Union, types.UnionType):
        for arg in get_args(annotation):
            found = _choices(arg)
            if found:
                return found
    return ()


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value) if value == "" or not value.replace("_", "").isalnum() else value
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    raise TypeError(f"no YAML form for {value!r}")  # pragma: no cover - a new field type


def _doc(cls: type[BaseModel]) -> str:
    return (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")


def _wrap(text: str, indent: str) -> list[str]:
    words, lines, line = text.split(), [], indent + "#"
    for word in words:
        if len(line) + 1 + len(word) > _WIDTH and line != indent + "#":
            lines.append(line)
            line = indent + "#"
        line += " " + word
    return [*lines, line] if words else []


def _section(model: BaseModel, indent: str) -> list[str]:
    lines: list[str] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        nested = _model_of(info.annotation)
        if nested is not None:
            lines += ["", *_wrap(_doc(nested), indent), f"{indent}{name}:"]
            lines += _section(value, indent + "  ")
            continue
        comment = info.description or ""
        choices = _choices(info.annotation)
        if len(choices) > 1:
            comment = (comment + "; " if comment else "") + "one of: " + ", ".join(choices)
        line = f"{indent}{name}: {_scalar(value)}"
        if comment and len(line) + 4 + len(comment) <= _WIDTH:
            lines.append(f"{line}  # {comment}")
        else:
            lines += [*_wrap(comment, indent), line]
    return lines


def policy_template() -> str:
    """The full policy at its defaults, as commented YAML."""
    return "\n".join([*_HEADER, *_section(Policy(), "")]) + "\n"
