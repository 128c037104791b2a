"""driftwise: decide how to update a slipping production model, do it safely, keep the record.

>>> import driftwise
>>> driftwise.__version__
'0.1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftwise.errors import DriftwiseError

__version__ = "0.1.0"
__all__ = ["Decision", "DriftwiseError", "Policy", "Schema", "__version__", "check"]

if TYPE_CHECKING:
    from driftwise.api import check
    from driftwise.decide.types import Decision
    from driftwise.policy.model import Policy
    from driftwise.schema.roles import Schema

_LAZY = {
    "check": "driftwise.api",
    "Decision": "driftwise.decide.types",
    "Policy": "driftwise.policy.model",
    "Schema": "driftwise.schema.roles",
}


def __getattr__(name: str) -> Any:
    """Import the public API lazily so that ``import driftwise`` stays fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'driftwise' has no attribute {name!r}")
