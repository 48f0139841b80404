"""Content-addressed file store: a file's name is the SHA-256 of its bytes.

No path from a client ever reaches the file system: names are hex digests we computed. Writes go
to a temporary file in the same folder and are renamed into place, so a reader never sees half a
file. A :class:`StagedWrites` records which files a unit of work created, so a failed request can
remove exactly those (a file that was already there, shared by another document, is kept).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("vanthu")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
#: Name prefix of a file being written; renamed to its digest once complete.
TEMP_PREFIX = ".incoming-"


def is_digest(name: str) -> bool:
    return bool(_HEX64.match(name))


class StorageError(OSError):
    """The store could not write or read a file (disk full, permissions, missing file)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class StagedWrites:
    """Files created during one unit of work, to delete if it does not commit."""

    created: list[str] = field(default_factory=list)


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, digest: str) -> Path:
        if not _HEX64.match(digest):
            raise ValueError(f"not a SHA-256 hex digest: {digest[:80]!r}")
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).is_file()

    def put(self, data: bytes, staged: StagedWrites | None = None) -> str:
        """Store `data`; return its SHA-256. Idempotent: the same bytes are stored once."""
        digest = sha256_hex(data)
        target = self.path_for(digest)
        try:
            # Already stored: refresh its time so a sweep running now sees it as in use (a sweep
            # removes only unreferenced files older than its grace period).
            os.utime(target)
            return digest
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StorageError(exc.errno, f"cannot store file: {exc.strerror}") from exc
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(exc.errno, f"cannot store file: {exc.strerror}") from exc
        if staged is not None:
            staged.created.append(digest)
        return digest

    def get(self, digest: str) -> bytes:
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(2, f"file {digest} is not in the store") from exc

    def delete(self, digest: str) -> None:
        self.path_for(digest).unlink(missing_ok=True)

    def discard(self, staged: StagedWrites) -> None:
        """Remove the files a failed unit of work created."""
        if staged.created:
            log.warning("removing %d stored file(s) of a unit of work that did not commit: %s",
                        len(staged.created), ", ".join(d[:12] for d in staged.created))
        for digest in staged.created:
            self.delete(digest)
        staged.created.clear()

    def all_digests(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("??/??/*") if _HEX64.match(p.name))
