"""What every file store backend shares: the errors, a unit of work's record of what it stored,
and the interface the services use (:class:`Store`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from signing import sha256_hex as sha256_hex  # one definition, the signing library's

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def is_digest(name: str) -> bool:
    return bool(_HEX64.match(name))


def check_digest(digest: str) -> str:
    """`digest` if it is 64 lower-case hex digits; no other name ever reaches a backend."""
    if not _HEX64.match(digest):
        raise ValueError(f"not a SHA-256 hex digest: {digest[:80]!r}")
    return digest


class StorageError(OSError):
    """The store could not write or read a file (disk full, permissions, missing file, the
    object store unreachable). ``errno`` is ENOENT for a file that is not in the store."""


@dataclass
class StagedWrites:
    """Files created during one unit of work, to delete if it does not commit."""

    created: list[str] = field(default_factory=list)
    #: Local store: descriptors holding a shared lock on each file the unit stored or reused.
    held: list[int] = field(default_factory=list)
    #: Object store: the hold objects naming each file the unit stored or reused.
    leases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """Something the store holds, as a sweep sees it: a content file (named by its digest) or
    a leftover (a half-written temporary file, a hold of a unit of work that died)."""

    name: str
    key: str  # the backend's own name for it: a path, an object key
    leftover: bool = False


#: Whether a committed row names a digest.
Referenced = Callable[[str], bool]


class Store(Protocol):
    """A content-addressed file store: a file's name is the SHA-256 of its bytes."""

    def put(self, data: bytes, staged: StagedWrites | None = None) -> str:
        """Store `data`, return its SHA-256; the same bytes are stored once. With `staged`,
        the file is held for the unit of work until :meth:`release`."""
        ...

    def get(self, digest: str) -> bytes:
        """The file's bytes; StorageError (ENOENT) if it is not in the store."""
        ...

    def exists(self, digest: str) -> bool: ...

    def sha256_of(self, digest: str) -> str:
        """The SHA-256 of the bytes stored under `digest`, computed now (for audit verify)."""
        ...

    def release(self, staged: StagedWrites) -> None:
        """The unit of work has ended: it holds its files no longer."""
        ...

    def discard(self, staged: StagedWrites, referenced: Referenced) -> None:
        """Remove the files a failed unit created, unless another unit holds them or a
        committed row names them."""
        ...

    def all_digests(self) -> list[str]: ...

    def scan(self) -> Iterator[Entry]:
        """Every content file and leftover, for the sweep."""
        ...

    def age(self, entry: Entry) -> float | None:
        """Seconds since the entry was written or last stored again; None if it is gone."""
        ...

    def remove_if_unused(self, entry: Entry, referenced: Referenced) -> bool:
        """Remove the entry unless a unit in flight holds it or a committed row names it."""
        ...

    def export(self, digest: str, dest: Path) -> None:
        """Write the stored file to `dest` (a backup), checking its digest."""
        ...

    def restore(self, source: Path) -> None:
        """Store the file `source`, named by its digest (a restore); the same bytes already
        stored are kept, other bytes under its name are an error."""
        ...
