"""Content-addressed artifacts: layout, atomic writes, tamper detection, dead writers' leftovers."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from driftwise.errors import DriftwiseError
from driftwise.registry import Registry, TamperedArtifactError
from driftwise.registry.artifacts import ArtifactStore


def test_put_is_content_addressed_atomic_and_idempotent(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    blob = os.urandom(100_000)
    sha = store.put(blob)
    assert sha == hashlib.sha256(blob).hexdigest()
    path = tmp_path / sha[:2] / sha
    assert path.read_bytes() == blob
    stat = path.stat()
    assert store.put(blob) == sha
    assert path.stat().st_ino == stat.st_ino  # already there and intact: not rewritten
    assert sorted(p.name for p in (tmp_path / sha[:2]).iterdir()) == [sha]  # no temp files left
    # A damaged file under the right name is replaced by a correct one on the next put.
    path.write_bytes(b"garbage")
    assert store.put(blob) == sha and store.get(sha) == blob
    assert store.put(b"") == hashlib.sha256(b"").hexdigest()


def test_tampered_artifact_is_refused_with_the_exact_message(tmp_path: Path) -> None:
    with Registry(tmp_path) as reg:
        v = reg.register(
            blob=b"model bytes", adapter="sklearn", adapter_config={}, action="initial"
        )
        reg.promote(1, actor="a", reason="r")
        assert reg.get_artifact(v.artifact_sha256) == b"model bytes"
        path = tmp_path / "artifacts" / v.artifact_sha256[:2] / v.artifact_sha256
        data = bytearray(path.read_bytes())
        data[3] ^= 0x01  # flip one bit
        path.write_bytes(bytes(data))
        found = hashlib.sha256(bytes(data)).hexdigest()
        with pytest.raises(TamperedArtifactError) as err:
            reg.get_artifact(v.artifact_sha256)
        assert isinstance(err.value, DriftwiseError)
        assert str(err.value) == (
            f"{path}: field 'sha256': found {found}; expected {v.artifact_sha256}, the hash "
            "recorded when it was registered. The artifact was changed after it was registered "
            "and will not be loaded."
        )
        assert reg.check() == [
            f"version 1: artifact {path} was changed after it was registered: expected sha256 "
            f"{v.artifact_sha256}, found {found}"
        ]
        path.unlink()
        with pytest.raises(DriftwiseError) as missing:
            reg.get_artifact(v.artifact_sha256)
        assert str(missing.value) == (
            f"{path}: field 'sha256': found no such file; expected the artifact "
            f"{v.artifact_sha256} written when the version was registered. It was deleted or "
            "moved; restore it from a backup of the registry folder."
        )
        assert reg.check() == [f"version 1: artifact {path} is missing"]
        # Registering the same bytes again restores the file; the registry is whole again.
        reg.put_artifact(b"model bytes")
        assert reg.check() == []


def test_a_hash_is_never_a_path(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    for bad in ("../../etc/passwd", "A" * 64, "ab"):
        with pytest.raises(DriftwiseError) as err:
            store.get(bad)
        assert str(err.value) == (
            f"artifact: field 'sha256': found {bad!r}; expected 64 lowercase hexadecimal digits."
        )


def test_sweep_removes_only_temp_files_of_dead_writers(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    sha = store.put(b"x")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    host = socket.gethostname()
    folder = tmp_path / sha[:2]
    gone = folder / f"{sha}.tmp.{dead.stdout.strip()}.0a0b0c0d.{host}"
    mine = folder / f"{sha}.tmp.{os.getpid()}.0a0b0c0d.{host}"
    remote = folder / f"{sha}.tmp.{dead.stdout.strip()}.0a0b0c0d.other-host.example"
    for tmp in (gone, mine, remote):
        tmp.write_bytes(b"partial")
    assert store.sweep() == [gone]
    assert sorted(p.name for p in folder.iterdir()) == sorted([sha, mine.name, remote.name])
    assert store.get(sha) == b"x"
