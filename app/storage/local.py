"""The local-folder file store (the default backend): a file's name is the SHA-256 of its bytes.

No path from a client ever reaches the file system: names are hex digests we computed. Writes go
to a temporary file in the same folder and are renamed into place, so a reader never sees half a
file. A :class:`StagedWrites` records which files a unit of work created, so a failed request can
remove exactly those (a file that was already there, shared by another document, is kept).

A unit of work holds a shared ``flock`` on every file it stored or found already stored until it
ends. A file is removed (a failed unit's own file, or by the sweep) only under an exclusive lock,
taken without waiting, and only if no committed row names it: a file that another unit in flight
is about to reference, or that a committed row names, is never removed. Files are created with
``link`` (never replaced), so two units storing the same bytes lock the same file.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from app.storage.base import (
    Entry,
    Referenced,
    StagedWrites,
    StorageError,
    check_digest,
    is_digest,
    sha256_hex,
)

log = logging.getLogger("vanthu")
#: Name prefix of a file being written; renamed to its digest once complete.
TEMP_PREFIX = ".incoming-"


def _same_file(fd: int, path: Path) -> bool:
    """The descriptor still names what `path` names (it was not removed meanwhile)."""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


class FileStore:
    """Files under `root`, as root/ab/cd/abcd…; see the module docstring for the locking."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, digest: str) -> Path:
        check_digest(digest)
        return self.root / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).is_file()

    def put(self, data: bytes, staged: StagedWrites | None = None) -> str:
        """Store `data`; return its SHA-256. Idempotent: the same bytes are stored once.

        With `staged`, the file stays locked (shared) until :meth:`release`."""
        digest = sha256_hex(data)
        target = self.path_for(digest)
        try:
            for _ in range(5):  # a file removed between finding and locking it is written again
                if self._reuse(target, staged) or self._create(target, data, staged):
                    break
            else:
                raise StorageError(errno.EAGAIN,
                                   f"cannot store file {digest[:12]}: it keeps being removed")
        except StorageError:
            raise
        except OSError as exc:
            raise StorageError(exc.errno, f"cannot store file: {exc.strerror}") from exc
        return digest

    def _reuse(self, target: Path, staged: StagedWrites | None) -> bool:
        """The bytes are already stored: lock the file and refresh its time (a sweep keeps
        unreferenced files younger than its grace period)."""
        try:
            fd = os.open(target, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a remover holds it
            if not _same_file(fd, target):
                os.close(fd)
                return False
            os.utime(target)
        except BaseException:
            os.close(fd)
            raise
        if staged is None:
            os.close(fd)
        else:
            staged.held.append(fd)
        return True

    def _create(self, target: Path, data: bytes, staged: StagedWrites | None) -> bool:
        """Write a temporary file and link it in place; False if the same bytes got there
        first (then they are reused)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # held from the first byte: a sweep leaves it alone
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            try:
                os.link(tmp, target)
            except FileExistsError:
                os.close(fd)
                return False
        except BaseException:
            os.close(fd)
            raise
        finally:
            Path(tmp).unlink(missing_ok=True)
        if staged is None:
            os.close(fd)
        else:
            staged.created.append(target.name)
            staged.held.append(fd)
        return True

    def get(self, digest: str) -> bytes:
        try:
            return self.path_for(digest).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(2, f"file {digest} is not in the store") from exc

    def release(self, staged: StagedWrites) -> None:
        """The unit of work has ended: drop its locks."""
        for fd in staged.held:
            os.close(fd)
        staged.held.clear()

    def remove_if_unused(self, entry: Entry, referenced: Referenced) -> bool:
        """Remove a stored (or temporary) file unless a unit of work in flight holds it or a
        committed row names it; True if removed."""
        path = Path(entry.key)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # in use by a unit of work that may still commit
            if not _same_file(fd, path) or (is_digest(path.name) and referenced(path.name)):
                return False
            path.unlink()
            return True
        finally:
            os.close(fd)

    def discard(self, staged: StagedWrites, referenced: Referenced) -> None:
        """Remove the files a failed unit of work created, unless another unit uses them."""
        self.release(staged)
        removed = [d for d in staged.created
                   if self.remove_if_unused(self._entry(self.path_for(d)), referenced)]
        if removed:
            log.warning("removed %d stored file(s) of a unit of work that did not commit: %s",
                        len(removed), ", ".join(d[:12] for d in removed))
        staged.created.clear()

    def all_digests(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("??/??/*") if is_digest(p.name))

    @staticmethod
    def _entry(path: Path) -> Entry:
        return Entry(path.name, str(path), leftover=path.name.startswith(TEMP_PREFIX))

    def scan(self) -> Iterator[Entry]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if is_digest(path.name) or path.name.startswith(TEMP_PREFIX):
                yield self._entry(path)

    def age(self, entry: Entry) -> float | None:
        try:
            return time.time() - Path(entry.key).stat().st_mtime
        except FileNotFoundError:
            return None

    def sha256_of(self, digest: str) -> str:
        try:
            with self.path_for(digest).open("rb") as f:
                return hashlib.file_digest(f, "sha256").hexdigest()
        except FileNotFoundError as exc:
            raise StorageError(errno.ENOENT, f"file {digest} is not in the store") from exc
        except OSError as exc:
            raise StorageError(exc.errno, f"cannot read file {digest[:12]}: {exc.strerror}") \
                from exc

    def export(self, digest: str, dest: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(self.path_for(digest), dest)
        except FileNotFoundError as exc:
            raise StorageError(errno.ENOENT, f"file {digest} is not in the store") from exc

    def restore(self, source: Path) -> None:
        target = self.path_for(source.name)
        if target.exists():
            if self.sha256_of(source.name) != source.name:
                raise StorageError(errno.EEXIST, f"{target} exists with other content; "
                                                 "restore into an empty store")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
