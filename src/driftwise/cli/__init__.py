"""The command line: ``driftwise check``, ``driftwise demo``, ``driftwise schema``."""

from driftwise.cli.main import main

__all__ = ["main"]
