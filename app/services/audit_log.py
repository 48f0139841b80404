"""Append events to the tamper-evident audit log, in the same transaction as the change itself.

Every change made through the service calls :func:`record`; reads of confidential documents too.
The log is one ordered sequence, so appends are serialised: SQLite already holds the write lock
(BEGIN IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.audit.event_codec import event_leaf_hash, state_digest
from app.audit.merkle import MerkleLog
from app.db import AuditEvent, AuditNode
from app.db.types import utcnow
from app.domain.audit_actions import AuditAction
from app.services.access import Principal

#: Arbitrary constant naming the advisory lock that orders appends on PostgreSQL.
_PG_LOCK_KEY = 0x7661_6E74  # "vant"


class DbNodeStore:
    """The Merkle log's complete-subtree hashes, kept in ``audit_nodes`` (NodeStore protocol)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._pending: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        cached = self._pending.get((level, index))
        if cached is not None:
            return cached
        value = self.session.scalar(
            select(AuditNode.hash).where(AuditNode.level == level, AuditNode.idx == index)
        )
        if value is None:
            raise KeyError((level, index))
        return bytes(value)

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        for level, index, digest in items:
            self._pending[(level, index)] = digest
            self.session.add(AuditNode(level=level, idx=index, hash=digest))

    def size(self) -> int:
        count = self.session.scalar(select(func.count()).where(AuditNode.level == 0))
        return int(count or 0)


def digest_of(state: Mapping[str, Any] | None) -> str | None:
    return None if state is None else state_digest(state)


def record(
    session: Session,
    who: Principal | None,
    action: AuditAction,
    subject_type: str,
    subject_id: str | int,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (a leaf) and the log nodes it completes. ``action`` must be an
    :class:`AuditAction` (a plain string that is not one raises ``ValueError``); the row stores
    its string value."""
    action_text = AuditAction(action).value
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    session.flush()
    seq = int(session.scalar(select(func.coalesce(func.max(AuditEvent.seq) + 1, 0))) or 0)
    at = utcnow()
    event: dict[str, Any] = {
        "seq": seq,
        "at": at.isoformat().replace("+00:00", "Z"),
        "actor": None
        if who is None
        else {"user_id": who.user_id, "org_code": who.org_code, "role": who.role},
        "action": action_text,
        "subject": {"type": subject_type, "id": str(subject_id)},
        "before_sha256": digest_of(before),
        "after_sha256": digest_of(after),
        "details": dict(details or {}),
    }
    leaf = event_leaf_hash(event)
    row = AuditEvent(
        seq=seq,
        at=at,
        actor_user_id=None if who is None else who.user_id,
        actor_org_code=None if who is None else who.org_code,
        actor_role=None if who is None else who.role,
        action=action_text,
        subject_type=subject_type,
        subject_id=str(subject_id),
        before_sha256=event["before_sha256"],
        after_sha256=event["after_sha256"],
        details=event["details"],
        leaf_hash=leaf,
    )
    session.add(row)
    MerkleLog(DbNodeStore(session), size=seq).append(leaf)
    session.flush()
    return row


def event_document(row: AuditEvent) -> dict[str, Any]:
    """Rebuild the exact event the leaf hash was computed over, from its row."""
    return {
        "seq": row.seq,
        "at": row.at.isoformat().replace("+00:00", "Z"),
        "actor": None
        if row.actor_user_id is None
        else {"user_id": row.actor_user_id, "org_code": row.actor_org_code, "role": row.actor_role},
        "action": row.action,
        "subject": {"type": row.subject_type, "id": row.subject_id},
        "before_sha256": row.before_sha256,
        "after_sha256": row.after_sha256,
        "details": row.details,
    }
