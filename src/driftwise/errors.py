"""One error root for everything driftwise raises on purpose.

Every message follows one template: *where* (file, column, field or parameter), *what was
found*, *what was expected*, and, where it helps, *what to do next*.

>>> from driftwise.errors import DriftwiseError, closest
>>> closest("agee", ["age", "sex", "race"])
'age'
>>> err = DriftwiseError.for_column("agee", where="ref.csv", found="no such column",
...                                 expected="one of the file's columns", options=["age", "sex"])
>>> print(err)
ref.csv: column 'agee': found no such column; expected one of the file's columns
(did you mean 'age'?).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["DriftwiseError", "closest"]


def closest(name: str, options: Iterable[str]) -> str | None:
    """Return the option closest to ``name``, or ``None`` when nothing is close.

    >>> closest("pricee", ["price", "prize", "region"])
    'price'
    >>> closest("zzz", ["price"]) is None
    True
    """
    opts = list(options)
    lowered = {o.lower(): o for o in opts}
    if name.lower() in lowered:
        return lowered[name.lower()]
    found = difflib.get_close_matches(name, opts, n=1, cutoff=0.6)
    return found[0] if found else None


class DriftwiseError(Exception):
    """The root of every error driftwise raises on purpose.

    The CLI turns it into one ``Error: ...`` line and exit code 1.

    >>> raise DriftwiseError("policy.yaml: field 'risk_tier': found 'hgh'; expected one of low, "
    ...                      "medium, high, regulated (did you mean 'high'?).")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: policy.yaml: field 'risk_tier': found 'hgh'; ...
    """

    @classmethod
    def for_column(
        cls,
        column: str,
        *,
        where: str,
        found: str,
        expected: str,
        options: Iterable[str] | None = None,
        hint: str | None = None,
    ) -> DriftwiseError:
        """Build the standard message for a problem with one column."""
        return cls._build(f"{where}: column {column!r}", column, found, expected, options, hint)

    @classmethod
    def for_field(
        cls,
        field: str,
        *,
        where: str,
        found: str,
        expected: str,
        options: Iterable[str] | None = None,
        hint: str | None = None,
    ) -> DriftwiseError:
        """Build the standard message for a problem with one configuration field or parameter."""
        return cls._build(f"{where}: field {field!r}", field, found, expected, options, hint)

    def with_near(self, name: str, options: Iterable[str]) -> DriftwiseError:
        """Add "did you mean ..." for ``name`` (the last part of a dotted field) if not present."""
        msg = str(self)
        if "did you mean" in msg:
            return self
        near = closest(name, options)
        if near is None or near == name:
            return self
        return DriftwiseError(msg[:-1] + f" (did you mean {near!r}?).")

    @classmethod
    def _build(
        cls,
        head: str,
        name: str,
        found: str,
        expected: str,
        options: Iterable[str] | None,
        hint: str | None,
    ) -> DriftwiseError:
        msg = f"{head}: found {found}; expected {expected}"
        if options is not None:
            near = closest(name, options)
            if near is not None and near != name:
                msg += f" (did you mean {near!r}?)"
        msg += "."
        if hint:
            msg += f" {hint}"
        return cls(msg)
