"""Signed tree heads, events and proofs of the audit log, served from the database's node store.

The service signs a tree head (size, root hash, time) with its log key when asked for the latest
one and the log has grown since the last; it never signs a tree that does not extend the last
signed one (that would be a fork: the log was rewritten). Proofs are RFC 6962 §2.1.1/§2.1.2,
computed from the complete-subtree hashes in ``audit_nodes`` (O(log n) lookups, no rehashing).
Auditors and admins may read all of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.audit.event_codec import EventFormatError, encode_event
from app.audit.merkle import MerkleLog
from app.audit.tree_head import SignedTreeHead, TreeHead, sign_tree_head
from app.context import AppContext
from app.db import AuditEvent
from app.db import SignedTreeHead as SignedTreeHeadRow
from app.errors import Conflict, Invalid, NotFound
from app.services.access import Principal, require_role
from app.services.audit_log import DbNodeStore, event_document

#: Orders tree-head signers on PostgreSQL (SQLite's write lock already does), so two requests
#: for a grown log sign it once.
_PG_STH_LOCK_KEY = 0x7661_6E73  # "vans"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
READER_ROLES = ("auditor", "admin")


@dataclass(frozen=True)
class AuditEntry:
    """One event as an auditor sees it: the event, its canonical bytes and its leaf hash."""

    seq: int
    event: dict[str, Any]
    canonical: bytes
    leaf_hash: bytes


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    audit_path: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    first: int
    second: int
    consistency: list[bytes]


def log_size(session: Session) -> int:
    """Number of events in the log (events are numbered 0 … n−1 without gaps)."""
    return int(session.scalar(select(func.coalesce(func.max(AuditEvent.seq) + 1, 0))) or 0)


def db_log(session: Session, size: int | None = None) -> MerkleLog:
    """The log over ``audit_nodes`` (read-only use: proofs and roots)."""
    return MerkleLog(DbNodeStore(session), size=log_size(session) if size is None else size)


def to_signed(row: SignedTreeHeadRow) -> SignedTreeHead:
    head = TreeHead(tree_size=row.tree_size, timestamp_ms=row.timestamp_ms,
                    root_hash=bytes(row.root_hash))
    return SignedTreeHead(head=head, signature=bytes(row.signature), key_id=row.key_id)


def latest_row(session: Session) -> SignedTreeHeadRow | None:
    """The signed head of the largest size (the newest of those, if signed more than once)."""
    return session.scalar(select(SignedTreeHeadRow).order_by(
        SignedTreeHeadRow.tree_size.desc(), SignedTreeHeadRow.id.desc()).limit(1))


@contextmanager
def _intact_log() -> Iterator[None]:
    """A node the log needs is missing: say so plainly rather than fail with a 500."""
    try:
        yield
    except KeyError as exc:
        raise Conflict(f"the audit log's node {exc.args[0]} is missing from audit_nodes: the log "
                       "was tampered with; run `vanthu audit verify`") from exc


def _millis(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("the clock must give timezone-aware times")
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def sign_head(ctx: AppContext) -> SignedTreeHead:
    """Sign the current tree head and store it; an unchanged size returns the stored head.

    Raises :class:`Conflict` if the log no longer extends the last signed head (events were
    deleted or rewritten): the service does not sign a fork.
    """
    with ctx.unit_of_work() as work, _intact_log():
        s = work.session
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_STH_LOCK_KEY})
        size = log_size(s)
        last = latest_row(s)
        log = db_log(s, size)
        if last is not None:
            if last.tree_size > size:
                raise Conflict(
                    f"the log has {size} events but a head was signed at size {last.tree_size}: "
                    "events were removed; run `vanthu audit verify`")
            if log.root(last.tree_size) != bytes(last.root_hash):
                raise Conflict(
                    f"the log's root at size {last.tree_size} is not the signed one: the log was "
                    "rewritten; run `vanthu audit verify`")
            if last.tree_size == size:
                return to_signed(last)
        head = TreeHead(tree_size=size, timestamp_ms=_millis(ctx.clock()), root_hash=log.root())
        sth = sign_tree_head(head, ctx.keys.log_key())
        s.add(SignedTreeHeadRow(tree_size=sth.tree_size, timestamp_ms=sth.timestamp_ms,
                                root_hash=sth.root_hash, signature=sth.signature,
                                key_id=sth.key_id))
    return sth


def tree_head(ctx: AppContext, who: Principal) -> SignedTreeHead:
    """The latest signed tree head, signing a fresh one if the log grew."""
    require_role(who, *READER_ROLES)
    return sign_head(ctx)


def entry(ctx: AppContext, who: Principal, seq: int) -> AuditEntry:
    require_role(who, *READER_ROLES)
    with ctx.reading() as s:
        row = s.get(AuditEvent, seq)
        if row is None:
            raise NotFound(f"no event {seq}: the log has {log_size(s)} events (0 to n−1)",
                           field="seq")
        document = event_document(row)
        try:
            canonical = encode_event(document)
        except EventFormatError as exc:
            raise Conflict(f"event {seq}'s row is not a valid event ({exc}): it was altered; run "
                           "`vanthu audit verify`") from exc
        with _intact_log():
            return AuditEntry(seq=seq, event=document, canonical=canonical,
                              leaf_hash=db_log(s, seq + 1).leaf(seq))


def inclusion(ctx: AppContext, who: Principal, seq: int, tree_size: int) -> InclusionProof:
    """RFC 6962 audit path of event ``seq`` in the tree of the first ``tree_size`` events."""
    require_role(who, *READER_ROLES)
    with ctx.reading() as s:
        size = log_size(s)
        if not 1 <= tree_size <= size:
            raise Invalid(f"tree_size must be between 1 and {size}, the log's size "
                          f"(got {tree_size})", field="tree_size")
        if not 0 <= seq < tree_size:
            raise Invalid(f"event {seq} is not in the tree of size {tree_size} (events 0 to "
                          f"{tree_size - 1})", field="seq")
        log = db_log(s, size)
        with _intact_log():
            return InclusionProof(leaf_index=seq, tree_size=tree_size, leaf_hash=log.leaf(seq),
                                  audit_path=log.inclusion_proof(seq, tree_size))


def consistency(ctx: AppContext, who: Principal, first: int, second: int) -> ConsistencyProof:
    """RFC 6962 proof that the tree of size ``first`` is a prefix of the tree of size ``second``."""
    require_role(who, *READER_ROLES)
    with ctx.reading() as s:
        size = log_size(s)
        if not 0 <= second <= size:
            raise Invalid(f"second must be between 0 and {size}, the log's size (got {second})",
                          field="second")
        if not 0 <= first <= second:
            raise Invalid(f"first must be between 0 and second ({second}), got {first}",
                          field="first")
        with _intact_log():
            return ConsistencyProof(first=first, second=second,
                                    consistency=db_log(s, size).consistency_proof(first, second))


def log_public_pem(ctx: AppContext, who: Principal) -> bytes:
    require_role(who, *READER_ROLES)
    return ctx.keys.log_public_pem()
