"""Content-addressed artifact files: written atomically, verified every time they are read.

An artifact is the bytes an adapter's ``dumps(model)`` produced. It is stored once, under its
SHA-256: ``ROOT/<sha[:2]>/<sha>``. Writing goes to a temporary file in the same folder, is
flushed to disk and then renamed into place, so a reader sees either no file or the whole file.
Reading recomputes the hash and refuses bytes that changed after they were stored, so nothing
is ever deserialised unverified.

>>> import tempfile
>>> from driftwise.registry.artifacts import ArtifactStore
>>> with tempfile.TemporaryDirectory() as tmp:
...     store = ArtifactStore(tmp)
...     sha = store.put(b"model bytes")
...     store.get(sha), store.path(sha).parent.name == sha[:2]
(b'model bytes', True)
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
from pathlib import Path

from driftwise.errors import DriftwiseError
from driftwise.registry._process import is_alive

__all__ = ["ArtifactStore", "TamperedArtifactError", "check_sha", "sha256_hex", "verify_bytes"]

_HEX = frozenset("0123456789abcdef")


class TamperedArtifactError(DriftwiseError):
    """An artifact's bytes no longer match the hash recorded when it was registered.

    >>> verify_bytes(b"changed", sha256_hex(b"original"), where="artifacts/ab/abc")
    Traceback (most recent call last):
    ...
    driftwise.registry.artifacts.TamperedArtifactError: artifacts/ab/abc: field 'sha256': ...
    """


def sha256_hex(blob: bytes) -> str:
    """The SHA-256 of ``blob`` as 64 lowercase hex digits.

    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(blob).hexdigest()


def verify_bytes(blob: bytes, expected: str, *, where: str) -> bytes:
    """Return ``blob`` when its SHA-256 is ``expected``; raise :class:`TamperedArtifactError`.

    ``where`` names the file (or URI) the bytes were read from.

    >>> verify_bytes(b"abc", sha256_hex(b"abc"), where="f")
    b'abc'
    """
    found = sha256_hex(blob)
    if found != expected:
        raise TamperedArtifactError.for_field(
            "sha256",
            where=where,
            found=found,
            expected=f"{expected}, the hash recorded when it was registered",
            hint="The artifact was changed after it was registered and will not be loaded.",
        )
    return blob


def check_sha(sha256: str, *, where: str) -> str:
    """Return ``sha256`` when it is 64 lowercase hex digits (never a path); raise otherwise.

    >>> check_sha("../../etc/passwd", where="get_artifact")
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: get_artifact: field 'sha256': found '../../etc/passwd';
    expected 64 lowercase hexadecimal digits.
    """
    if len(sha256) != 64 or not set(sha256) <= _HEX:
        raise DriftwiseError.for_field(
            "sha256", where=where, found=repr(sha256), expected="64 lowercase hexadecimal digits"
        )
    return sha256


class ArtifactStore:
    """A folder of artifacts named by their SHA-256.

    Parameters
    ----------
    root : str or Path
        The folder (created when missing).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     store = ArtifactStore(tmp)
    ...     store.put(b"x") == store.put(b"x"), store.verify(sha256_hex(b"x"))
    (True, None)
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the artifact with this hash lives (whether or not it exists)."""
        check_sha(sha256, where="artifact")
        return self.root / sha256[:2] / sha256

    def put(self, blob: bytes) -> str:
        """Store ``blob`` atomically and return its SHA-256; a no-op when already stored intact.

        A file that exists under the hash but holds other bytes is replaced by the right ones.
        """
        sha = sha256_hex(blob)
        final = self.path(sha)
        if final.is_file() and self._intact(final, sha):
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        # sha.tmp.<pid>.<token>.<host>: sweep() can tell which writer died.
        tmp = final.parent / (
            f"{sha}.tmp.{os.getpid()}.{secrets.token_hex(4)}.{socket.gethostname()}"
        )
        try:
            with open(tmp, "wb") as fh:
                fh.write(blob)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._fsync_dir(final.parent)
        return sha

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``, after checking they still hash to it.

        Raises :class:`TamperedArtifactError` when they do not, and :class:`DriftwiseError`
        naming the path when the file is missing.
        """
        path = self.path(sha256)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise DriftwiseError.for_field(
                "sha256",
                where=str(path),
                found="no such file",
                expected=f"the artifact {sha256} written when the version was registered",
                hint="It was deleted or moved; restore it from a backup of the registry folder.",
            ) from None
        return verify_bytes(blob, sha256, where=str(path))

    def verify(self, sha256: str) -> str | None:
        """``None`` when the artifact is present and intact, otherwise what is wrong with it."""
        path = self.path(sha256)
        if not path.is_file():
            return f"artifact {path} is missing"
        found = self._hash_file(path)
        if found != sha256:
            return (
                f"artifact {path} was changed after it was registered: "
                f"expected sha256 {sha256}, found {found}"
            )
        return None

    def sweep(self) -> list[Path]:
        """Remove temporary files left by writers on this host that died mid-write."""
        host = socket.gethostname()
        removed = []
        for tmp in self.root.glob("??/*.tmp.*"):
            parts = tmp.name.split(".", 4)
            if len(parts) != 5 or parts[4] != host or not parts[2].isdigit():
                continue
            if not is_alive(int(parts[2])):
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
        return removed

    @staticmethod
    def _hash_file(path: Path) -> str:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def _intact(self, path: Path, sha256: str) -> bool:
        return self._hash_file(path) == sha256

    @staticmethod
    def _fsync_dir(folder: Path) -> None:
        # Make the rename itself durable (POSIX); not possible on every platform.
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
