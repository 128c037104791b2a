"""The peers' own virtual environment, made on first use: ``benchmarks/.peers-venv``.

Evidently 0.7.23 does not import with pandas 3 (``infer_dtype_from_object``), so the peers run in
a separate environment with ``pandas<3``, as separate processes on the same saved Parquet files.
Evidently sends usage telemetry unless ``DO_NOT_TRACK`` / ``EVIDENTLY_DISABLE_TELEMETRY`` are set:
:func:`environment` sets both for every peer process.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".peers-venv"
REQUIREMENTS = ("evidently==0.7.23", "pandas<3", "pyarrow", "scipy", "numpy")
NO_TELEMETRY = {"DO_NOT_TRACK": "1", "EVIDENTLY_DISABLE_TELEMETRY": "1"}


def python() -> Path:
    """The interpreter of the peers' environment (it may not exist yet: see :func:`ensure`)."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def environment() -> dict[str, str]:
    """The process environment for a peer: the current one, telemetry off."""
    return {**os.environ, **NO_TELEMETRY}


def _stamp() -> Path:
    key = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()[:16]
    return VENV / f".installed-{key}"


def ensure() -> Path:
    """Create and fill the environment unless it is already there with these requirements."""
    if _stamp().exists():
        return python()
    print(f"peers: creating {VENV} ({' '.join(REQUIREMENTS)})", file=sys.stderr, flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, env=environment())
    subprocess.run([*pip, *REQUIREMENTS], check=True, env=environment())
    _stamp().touch()
    return python()


def versions() -> dict[str, str]:
    """Installed versions of the peers' main packages (for the results' header)."""
    code = (
        "import importlib.metadata as m\n"
        "for p in ('evidently', 'pandas', 'numpy', 'scipy', 'pyarrow'):\n"
        "    print(p, m.version(p))\n"
    )
    out = subprocess.run(
        [str(ensure()), "-c", code], check=True, capture_output=True, text=True, env=environment()
    ).stdout
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


if __name__ == "__main__":
    print(versions())
