"""Regulation packs: what a regulation changes in the decision, as data plus small rules.

Each pack is a YAML file in this folder: its title, jurisdiction, the legal source, and rules,
each citing the text it encodes and saying its effect in plain words. A policy includes packs
by name (``regulation: {packs: [eu_ai_act_high_risk]}``); the rules themselves are the small
functions of :mod:`driftwise.decide.criteria.regulation`, keyed by pack and rule id.

These encode driftwise's reading of the texts for engineering purposes; they are not legal
advice.

>>> [p.name for p in all_packs()]
['eu_ai_act_high_risk', 'fda_pccp', 'gdpr_erasure', 'nyc_ll144']
>>> load_pack("gdpr_erasure").rules[0].cites[:10]
'Article 17'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from driftwise.errors import DriftwiseError

__all__ = ["PACK_NAMES", "Pack", "PackName", "PackRule", "all_packs", "load_pack"]

PackName = Literal["eu_ai_act_high_risk", "fda_pccp", "gdpr_erasure", "nyc_ll144"]
PACK_NAMES: tuple[str, ...] = ("eu_ai_act_high_risk", "fda_pccp", "gdpr_erasure", "nyc_ll144")


class PackRule(BaseModel):
    """One rule of a pack: an id, the text it encodes, and what it does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    cites: str
    effect: str


class Pack(BaseModel):
    """A regulation pack (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str
    jurisdiction: str
    source: str
    rules: tuple[PackRule, ...]

    def rule(self, rule_id: str) -> PackRule:
        """The rule ``rule_id`` of this pack."""
        return next(r for r in self.rules if r.id == rule_id)


@cache
def load_pack(name: str) -> Pack:
    """The pack ``name``, read from the package's data."""
    if name not in PACK_NAMES:
        raise DriftwiseError.for_field(
            "regulation.packs",
            where="load_pack",
            found=repr(name),
            expected="one of " + ", ".join(PACK_NAMES),
        ).with_near(name, PACK_NAMES)
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    pack = Pack.model_validate(yaml.safe_load(text))
    if pack.name != name:  # pragma: no cover - a packaging mistake
        raise DriftwiseError(f"{name}.yaml: field 'name': found {pack.name!r}; expected {name!r}.")
    return pack


def all_packs() -> list[Pack]:
    """Every pack shipped with driftwise, by name."""
    return [load_pack(n) for n in PACK_NAMES]
