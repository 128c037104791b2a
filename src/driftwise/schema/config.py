"""The user's word on column roles: command-line flags or the ``columns`` section of a config file.

A config file (YAML or JSON) holds one mapping, ``columns``, whose keys are the fields of
:class:`SchemaOverrides`. A single name may stand for a list of one name. Unknown keys are
rejected with the closest valid key.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "cols.yaml").write_text("columns:\\n  target: y\\n  segments: [region]\\n")
>>> cfg = load_config(d / "cols.yaml")
>>> cfg.target, cfg.segments
('y', ('region',))
>>> flags = SchemaOverrides(target="label")  # from the command line: wins over the file
>>> merged = cfg.merge(flags)
>>> merged.target, merged.segments
('label', ('region',))
>>> _ = (d / "bad.yaml").write_text("columns:\\n  segmnts: [region]\\n")
>>> load_config(d / "bad.yaml")
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: .../bad.yaml: field 'columns.segmnts': found an unknown key; ...
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from driftwise._strict import parse_model
from driftwise.errors import DriftwiseError
from driftwise.schema.roles import Role

__all__ = ["SchemaOverrides", "load_config", "save_config"]

# The fields that give a column its role; ``segments`` and ``sensitive`` are flags on top.
_ROLE_FIELDS: dict[str, Role] = {
    "target": Role.TARGET,
    "prediction": Role.PREDICTION,
    "scores": Role.SCORE,
    "timestamp": Role.TIMESTAMP,
    "weight": Role.WEIGHT,
    "text": Role.TEXT,
    "numeric": Role.NUMERIC,
    "categorical": Role.CATEGORICAL,
    "ignore": Role.IGNORED,
}
# Naming the target or the prediction also under numeric / categorical sets its value type.
_DTYPE_PAIRS = frozenset(
    frozenset({label, kind})
    for label in ("target", "prediction")
    for kind in ("numeric", "categorical")
)


class SchemaOverrides(BaseModel):
    """Column roles given by the user; every field left ``None`` is inferred from the data.

    ``segments`` and ``sensitive`` flag columns without giving them a role (a flagged column
    not named elsewhere is still inferred as a numeric or categorical feature). Naming the target
    or prediction also under ``numeric`` or ``categorical`` sets its value type; any other column
    named under two roles is an error (see :meth:`roles`).

    >>> o = SchemaOverrides(target="y", segments="region", numeric=["y"])
    >>> o.segments, o.roles(where="cli")
    (('region',), {'y': <Role.TARGET: 'target'>})
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str | None = None
    prediction: str | None = None
    scores: tuple[str, ...] | None = None
    segments: tuple[str, ...] | None = None
    sensitive: tuple[str, ...] | None = None
    timestamp: str | None = None
    weight: str | None = None
    text: tuple[str, ...] | None = None
    numeric: tuple[str, ...] | None = None
    categorical: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None

    @field_validator(
        "scores", "segments", "sensitive", "text", "numeric", "categorical", "ignore", mode="before"
    )
    @classmethod
    def _one_name_is_a_list(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    def merge(self, other: SchemaOverrides) -> SchemaOverrides:
        """A copy where every field that ``other`` sets (not ``None``) replaces this one's.

        >>> SchemaOverrides(target="y", ignore=["id"]).merge(SchemaOverrides(ignore=[])).ignore
        ()
        """
        data = {k: v for k, v in self.model_dump().items() if v is not None}
        data.update({k: v for k, v in other.model_dump().items() if v is not None})
        return SchemaOverrides.model_validate(data)

    def named(self) -> dict[str, tuple[str, ...]]:
        """Every column named, by field, in field order (empty fields left out).

        >>> SchemaOverrides(target="y", segments=["region", "channel"]).named()
        {'target': ('y',), 'segments': ('region', 'channel')}
        """
        out: dict[str, tuple[str, ...]] = {}
        for field in type(self).model_fields:
            value = getattr(self, field)
            if value is None or value == ():
                continue
            out[field] = (value,) if isinstance(value, str) else tuple(value)
        return out

    def roles(self, *, where: str) -> dict[str, Role]:
        """The role given to each named column; an error names a column given two roles.

        >>> SchemaOverrides(target="y", ignore=["y"]).roles(where="cols.yaml")
        Traceback (most recent call last):
        ...
        driftwise.errors.DriftwiseError: cols.yaml: column 'y': found more than one role ...
        """
        fields_of: dict[str, list[str]] = {}
        for field, names in self.named().items():
            if field not in _ROLE_FIELDS:
                continue
            for name in names:
                if field not in fields_of.setdefault(name, []):
                    fields_of[name].append(field)
        out: dict[str, Role] = {}
        for name, fields in fields_of.items():
            if len(fields) > 1 and frozenset(fields) not in _DTYPE_PAIRS:
                raise DriftwiseError.for_column(
                    name,
                    where=where,
                    found="more than one role (" + ", ".join(fields) + ")",
                    expected="one role per column",
                )
            out[name] = _ROLE_FIELDS[fields[0]]
        return out


class _ConfigFile(BaseModel):
    """The whole config file: only ``columns`` for now."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: SchemaOverrides = Field(default_factory=SchemaOverrides)


def load_config(path: str | Path) -> SchemaOverrides:
    """Read the ``columns`` section of a YAML or JSON config file.

    Errors name the file and the field: a missing or empty file, content that is not a mapping,
    an unknown key (with the closest valid key), a value of the wrong type, a column given two
    roles.
    """
    p = Path(path)
    if not p.is_file():
        raise DriftwiseError(f"{p}: found no such file; expected a config file (YAML or JSON).")
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        detail = str(exc).strip().splitlines()[0]
        raise DriftwiseError(f"{p}: found invalid YAML ({detail}); expected a mapping.") from None
    if raw is None:
        raise DriftwiseError(f"{p}: found an empty file; expected a mapping with 'columns'.")
    if not isinstance(raw, dict):
        raise DriftwiseError(
            f"{p}: found a {type(raw).__name__}; expected a mapping with 'columns'."
        )
    overrides = parse_model(_ConfigFile, raw, where=str(p)).columns
    overrides.roles(where=str(p))
    return overrides


def save_config(overrides: SchemaOverrides, path: str | Path) -> Path:
    """Write ``overrides`` as a config file that :func:`load_config` reads back unchanged.

    JSON when ``path`` ends in ``.json``, YAML otherwise. Fields left ``None`` are not written.

    >>> import tempfile, pathlib
    >>> p = save_config(SchemaOverrides(target="y", scores=["p1"]),
    ...                 pathlib.Path(tempfile.mkdtemp()) / "cols.yaml")
    >>> print(p.read_text().strip())
    columns:
      target: y
      scores:
      - p1
    >>> load_config(p) == SchemaOverrides(target="y", scores=["p1"])
    True
    """
    p = Path(path)
    doc = {"columns": overrides.model_dump(mode="json", exclude_none=True)}
    if p.suffix.lower() == ".json":
        text = json.dumps(doc, indent=2) + "\n"
    else:
        text = yaml.safe_dump(doc, sort_keys=False)
    p.write_text(text, encoding="utf-8")
    return p
