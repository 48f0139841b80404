"""The S3-compatible object store backend, for several API hosts sharing one register.

A file is the object ``prefix + digest``; writes use ``If-None-Match: *`` (the same bytes are
stored once; a store that ignores the condition rewrites identical bytes, which is harmless) and
record the time in the object's metadata (``vanthu-stored``); storing bytes already there records
it again (a copy onto itself). Reads check the SHA-256 of what came back; a missing object is a
StorageError (ENOENT).

No file locks reach across hosts, so units of work and removers meet through *holds*: small
objects ``prefix + "holds/" + digest + "/" + kind + time + "-" + random``, kind ``u`` for a unit
of work storing or reusing the file, ``r`` for a remover (a failed unit's discard, the sweep).

- A unit first writes its hold, then lists the file's holds and waits while a remover's hold is
  there, and only then writes or reuses the file. It deletes its hold when it ends (after the
  COMMIT or the rollback).
- A remover first writes its hold, then lists the file's holds: if another unit's hold is there
  the file is kept; if a committed row names it, it is kept; otherwise it is deleted. The
  remover's hold is deleted last.

Why this is safe: each side writes, then reads what the other wrote (S3 is strongly consistent
for PUT, DELETE and LIST). Of a unit U and a remover R, at least one sees the other's hold. If
R sees U's, R keeps the file. If R does not, R listed before U wrote its hold, so U's listing
comes after R's hold was written and U waits until R is done; the file U then finds missing is
written again before U commits. A unit that committed before R listed has deleted its hold after
its COMMIT, so R's reference check (made after its listing) sees its row. Two removers at once
only delete the same object twice.

Holds carry the writer's clock. One older than VANTHU_STORAGE_SWEEP_GRACE_SECONDS (longer than any
unit of work) belongs to a process that died: it is ignored and the sweep deletes it. So the hosts'
clocks must agree to well within the grace period (NTP). The sweep also keeps any unreferenced
file stored (or stored again) within its grace period, as the local store does.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
HOLDS = "holds/"
STORED = "vanthu-stored"  # metadata: when the object was stored (or stored again), epoch seconds
_MISSING = {"404", "NoSuchKey", "NotFound"}


@contextmanager
def _errors(what: str) -> Iterator[None]:
    """Turn the client's errors into StorageError (ENOENT for a missing object)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        number = errno.ENOENT if code in _MISSING else errno.EIO
        raise StorageError(number, f"{what}: {code or exc}") from exc
    except BotoCoreError as exc:
        raise StorageError(errno.EIO, f"{what}: {exc}") from exc


def _code(exc: BaseException) -> str:
    cause = exc.__cause__
    response = getattr(cause, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class S3Store:
    """Files as objects of one bucket under one prefix; see the module docstring."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", *,
                 hold_seconds: float = 300.0, wait_seconds: float = 30.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.hold_seconds, self.wait_seconds, self.clock = hold_seconds, wait_seconds, clock

    @classmethod
    def connect(cls, *, bucket: str, prefix: str = "", endpoint: str | None = None,
                hold_seconds: float = 300.0) -> S3Store:
        """A client from the standard AWS settings (credentials, region) for `endpoint`."""
        import boto3
        from botocore.config import Config

        config = Config(s3={"addressing_style": "path"} if endpoint else {},
                        retries={"max_attempts": 3, "mode": "standard"},
                        connect_timeout=5, read_timeout=60,
                        request_checksum_calculation="when_required",
                        response_checksum_validation="when_required")
        client = boto3.client("s3", endpoint_url=endpoint, config=config)
        return cls(client, bucket, prefix, hold_seconds=hold_seconds)

    def key_for(self, digest: str) -> str:
        return self.prefix + check_digest(digest)

    # -- holds -----------------------------------------------------------------------------
    def _hold(self, digest: str, kind: str) -> str:
        key = (f"{self.prefix}{HOLDS}{digest}/{kind}{int(self.clock() * 1000):013d}-"
               f"{secrets.token_hex(8)}")
        with _errors(f"cannot store file {digest[:12]}"):
            self.client.put_object(Bucket=self.bucket, Key=key, Body=b"")
        return key

    def _held_since(self, key: str) -> float | None:
        """When the hold `key` was written (epoch seconds), None if `key` is no hold."""
        name = key.rsplit("/", 1)[-1]
        try:
            return int(name[1:14]) / 1000 if name[:1] in "ur" and name[14:15] == "-" else None
        except ValueError:
            return None

    def _live(self, digest: str, kind: str, ignore: Collection[str] = ()) -> list[str]:
        """The holds of `kind` on `digest` written within the hold period."""
        folder = f"{self.prefix}{HOLDS}{digest}/"
        with _errors(f"cannot list the holds of file {digest[:12]}"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=folder + kind)
            keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
        now = self.clock()
        return [k for k in keys if k not in ignore
                and now - (self._held_since(k) or 0.0) <= self.hold_seconds]

    def _drop(self, key: str) -> None:
        """Delete a hold; a failure is logged only (the hold goes stale, the sweep deletes it)."""
        try:
            with _errors("cannot delete a hold"):
                self.client.delete_object(Bucket=self.bucket, Key=key)
        except StorageError as exc:
            log.warning("storage: %s (%s); it goes stale after the grace period", exc, key)

    # -- writing ---------------------------------------------------------------------------
    def put(self, data: bytes, staged: StagedWrites | None = None) -> str:
        digest = sha256_hex(data)
        hold = self._hold(digest, "u")
        try:
            deadline = time.monotonic() + self.wait_seconds
            while self._live(digest, "r"):  # a remover is deciding about this file: let it end
                if time.monotonic() > deadline:
                    raise StorageError(errno.EAGAIN, f"cannot store file {digest[:12]}: it is "
                                                     "being removed")
                time.sleep(0.05)
            created = self._write(digest, data)
        except BaseException:
            self._drop(hold)
            raise
        if staged is None:
            self._drop(hold)
        else:
            staged.leases.append(hold)
            if created:
                staged.created.append(digest)
        return digest

    def _write(self, digest: str, data: bytes) -> bool:
        """Store the object unless it is there; True if this call created it."""
        key, what = self.key_for(digest), f"cannot store file {digest[:12]}"
        for _ in range(5):
            try:
                with _errors(what):
                    self.client.put_object(Bucket=self.bucket, Key=key, Body=data,
                                           IfNoneMatch="*", Metadata=self._stamp())
                return True
            except StorageError as exc:
                if _code(exc) == "ConditionalRequestConflict":
                    continue  # another conditional write of the same key in progress
                if _code(exc) not in ("PreconditionFailed", "412"):
                    raise
            try:  # already there: record the time again, so the sweep sees it as young
                with _errors(what):
                    self.client.copy_object(
                        Bucket=self.bucket, Key=key, Metadata=self._stamp(),
                        CopySource={"Bucket": self.bucket, "Key": key},
                        MetadataDirective="REPLACE")
                return False
            except StorageError as exc:
                if exc.errno != errno.ENOENT:
                    raise
        raise StorageError(errno.EAGAIN, f"{what}: it keeps changing")

    def _stamp(self) -> dict[str, str]:
        return {STORED: f"{self.clock():.3f}"}

    def release(self, staged: StagedWrites) -> None:
        for hold in staged.leases:
            self._drop(hold)
        staged.leases.clear()

    # -- removing --------------------------------------------------------------------------
    def _remove(self, digest: str, referenced: Referenced, own: set[str]) -> bool:
        hold = self._hold(digest, "r")
        try:
            if self._live(digest, "u", own) or referenced(digest):
                return False
            with _errors(f"cannot remove file {digest[:12]}"):
                self.client.delete_object(Bucket=self.bucket, Key=self.key_for(digest))
            return True
        finally:
            self._drop(hold)

    def discard(self, staged: StagedWrites, referenced: Referenced) -> None:
        """As the local store's; a file that cannot be removed now (the store unreachable) is
        kept for the sweep, and the unit's own error is what its caller sees."""
        own, removed = set(staged.leases), []
        for digest in staged.created:
            try:
                if self._remove(digest, referenced, own):
                    removed.append(digest)
            except StorageError as exc:
                log.warning("storage: kept file %s of a unit of work that did not commit (%s); "
                            "the sweep removes it later", digest[:12], exc)
        self.release(staged)
        staged.created.clear()
        if removed:
            log.warning("removed %d stored file(s) of a unit of work that did not commit: %s",
                        len(removed), ", ".join(d[:12] for d in removed))

    def remove_if_unused(self, entry: Entry, referenced: Referenced) -> bool:
        if not entry.leftover:
            return self._remove(entry.name, referenced, set())
        since = self._held_since(entry.key)
        if since is None or self.clock() - since <= self.hold_seconds:
            return False  # a unit or remover still at work
        with _errors("cannot delete a stale hold"):
            self.client.delete_object(Bucket=self.bucket, Key=entry.key)
        return True

    # -- reading ---------------------------------------------------------------------------
    def _body(self, digest: str) -> Any:
        with _errors(f"file {digest} is not readable in the store"):
            return self.client.get_object(Bucket=self.bucket, Key=self.key_for(digest))["Body"]

    def get(self, digest: str) -> bytes:
        body = self._body(digest)
        with _errors(f"cannot read file {digest[:12]}"):
            data: bytes = body.read()
        if sha256_hex(data) != digest:
            raise StorageError(errno.EIO, f"file {digest[:12]} came back altered from the store")
        return data

    def sha256_of(self, digest: str) -> str:
        body, sha = self._body(digest), hashlib.sha256()
        with _errors(f"cannot read file {digest[:12]}"):
            for chunk in iter(lambda: body.read(1 << 20), b""):
                sha.update(chunk)
        return sha.hexdigest()

    def exists(self, digest: str) -> bool:
        try:
            with _errors(f"cannot look up file {digest[:12]}"):
                self.client.head_object(Bucket=self.bucket, Key=self.key_for(digest))
        except StorageError as exc:
            if exc.errno == errno.ENOENT:
                return False
            raise
        return True

    def scan(self) -> Iterator[Entry]:
        with _errors("cannot list the store"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix)
            for page in pages:
                for obj in page.get("Contents", []):
                    rest = obj["Key"][len(self.prefix):]
                    if is_digest(rest):
                        yield Entry(rest, obj["Key"])
                    elif rest.startswith(HOLDS) and self._held_since(rest) is not None:
                        yield Entry(rest, obj["Key"], leftover=True)

    def all_digests(self) -> list[str]:
        return sorted(e.name for e in self.scan() if not e.leftover)

    def age(self, entry: Entry) -> float | None:
        if entry.leftover:
            since = self._held_since(entry.key)
            return None if since is None else self.clock() - since
        try:
            with _errors(f"cannot look up file {entry.name[:12]}"):
                head = self.client.head_object(Bucket=self.bucket, Key=entry.key)
        except StorageError as exc:
            if exc.errno == errno.ENOENT:
                return None
            raise
        stored = head.get("Metadata", {}).get(STORED)
        try:
            return self.clock() - float(stored)
        except (TypeError, ValueError):  # put there by another tool: the object's own time
            return self.clock() - float(head["LastModified"].timestamp())

    # -- backup ----------------------------------------------------------------------------
    def export(self, digest: str, dest: Path) -> None:
        data = self.get(digest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)

    def restore(self, source: Path) -> None:
        digest = check_digest(source.name)
        if self.exists(digest):
            if self.sha256_of(digest) != digest:
                raise StorageError(errno.EEXIST, f"{self.key_for(digest)} exists with other "
                                                 "content; restore into an empty store")
            return
        self.put(source.read_bytes())
