"""Is the process that started a run still the one running it?

A process id alone can be reused after its process dies. Where ``/proc`` exists (Linux) the
process start time (field 22 of ``/proc/<pid>/stat``, in clock ticks since boot) tells a new
process with a recycled id from the original; a zombie (killed, not yet reaped) counts as dead.
Elsewhere only ``os.kill(pid, 0)`` is available.

>>> import os
>>> is_alive(os.getpid(), start_time(os.getpid()))
True
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["is_alive", "start_time"]


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    return text[text.rfind(")") + 2 :].split()


def start_time(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot; ``None`` when unknown.

    >>> start_time(os.getpid()) is None or start_time(os.getpid()) > 0
    True
    """
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 20:
        return None
    return int(fields[19])


def is_alive(pid: int, started: int | None = None) -> bool:
    """Whether ``pid`` runs and, when ``started`` is given and knowable, started then.

    >>> is_alive(os.getpid(), -1)
    False
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists but belongs to someone else
    fields = _stat_fields(pid)
    if fields is None:
        return True
    if fields[0] in ("Z", "X"):  # zombie or dead: killed, waiting to be reaped
        return False
    return started is None or len(fields) < 20 or int(fields[19]) == started
