"""Name functions and classes by import path, so that an adapter can be rebuilt from its config.

Two spellings are accepted: ``"package.module:qualified.name"`` and ``"package.module.Name"``.
An object has a path only when importing that path gives back the very same object: lambdas,
functions defined inside other functions and objects of ``__main__`` have none.

>>> import_path("json:dumps", where="demo")([1])
'[1]'
>>> path_of(import_path("collections.OrderedDict", where="demo"), where="demo", field="f")
'collections:OrderedDict'
>>> path_of(lambda x: x, where="CallableAdapter.config", field="fit")
Traceback (most recent call last):
...
driftwise.errors.DriftwiseError: CallableAdapter.config: field 'fit': found <lambda>, which
cannot be imported; expected a function importable as 'package.module:function', so that the
adapter can be rebuilt from its config.
"""

from __future__ import annotations

import importlib
from typing import Any

from driftwise.errors import DriftwiseError

__all__ = ["import_path", "path_of"]

_EXPECTED = "an import path such as 'package.module:function' or 'package.module.Class'"


def import_path(path: str, *, where: str, field: str = "estimator") -> Any:
    """The object named by ``path``; a :class:`DriftwiseError` naming ``field`` when absent.

    >>> import_path("json:nothing_here", where="demo", field="fit")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: demo: field 'fit': found 'json:nothing_here', which cannot
    be imported; expected an import path such as 'package.module:function' or
    'package.module.Class'.
    """
    if not isinstance(path, str) or not path.strip():
        raise DriftwiseError.for_field(field, where=where, found=repr(path), expected=_EXPECTED)
    module, sep, name = path.partition(":")
    if not sep:
        module, _, name = path.rpartition(".")
    try:
        if not module or not name:
            raise ImportError(path)
        obj: Any = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise DriftwiseError.for_field(
            field, where=where, found=f"{path!r}, which cannot be imported", expected=_EXPECTED
        ) from None
    return obj


def path_of(obj: Any, *, where: str, field: str) -> str:
    """The ``"module:qualname"`` path that imports back to ``obj``, or a clear error."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    shown = qualname or type(obj).__name__
    path = f"{module}:{qualname}"
    ok = isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname
    if ok and module != "__main__":
        try:
            ok = import_path(path, where=where, field=field) is obj
        except DriftwiseError:
            ok = False
    else:
        ok = False
    if not ok:
        raise DriftwiseError.for_field(
            field,
            where=where,
            found=f"{shown}, which cannot be imported",
            expected="a function importable as 'package.module:function', so that the adapter "
            "can be rebuilt from its config",
        )
    return path
