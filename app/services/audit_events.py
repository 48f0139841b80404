"""The audit log's events as an auditor lists them: newest first, by action and time, paged.

Readers are the tree heads' readers (auditors and admins); each item is the event exactly as it
was hashed (docs/audit.md §2), so a listed event can be checked against its leaf with
/audit/events/{seq} and an inclusion proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.context import AppContext
from app.db import AuditEvent
from app.db.filters import Equals, KeysetPage, Since, Until, apply
from app.domain.audit_actions import AuditAction
from app.errors import Invalid
from app.services.access import Principal, require_role
from app.services.audit_log import event_document
from app.services.tree_heads import READER_ROLES


@dataclass(frozen=True)
class EventFilter:
    action: str | None = None  # one AuditAction value, e.g. "arrival.registered"
    subject_type: str | None = None  # "arrival", "copy", …
    subject_id: str | None = None
    since: datetime | None = None  # at or after
    until: datetime | None = None  # at or before
    before_seq: int | None = None  # keyset: events older than this one
    limit: int = 50


def list_events(ctx: AppContext, who: Principal,
                f: EventFilter) -> tuple[list[dict[str, Any]], int | None]:
    """(events newest first, the seq to continue before, or None on the last page)."""
    require_role(who, *READER_ROLES)
    if f.action is not None and f.action not in {a.value for a in AuditAction}:
        raise Invalid(f"action {f.action!r} is not one the service records (e.g. "
                      f"{AuditAction.ARRIVAL_REGISTERED.value}, "
                      f"{AuditAction.COPY_ISSUED.value})", field="action")
    for name, moment in (("since", f.since), ("until", f.until)):
        if moment is not None and moment.tzinfo is None:
            raise Invalid(f"{name} needs a time zone (…Z or +07:00)", field=name)
    if f.since is not None and f.until is not None and f.since > f.until:
        raise Invalid("since is after until", field="since")
    with ctx.reading() as s:
        stmt = apply(select(AuditEvent), Equals(AuditEvent.action, f.action),
                     Equals(AuditEvent.subject_type, f.subject_type),
                     Equals(AuditEvent.subject_id, f.subject_id),
                     Since(AuditEvent.at, f.since), Until(AuditEvent.at, f.until))
        rows, last = KeysetPage(AuditEvent.seq, f.before_seq, f.limit).read(s, stmt)
        return [event_document(row) for row in rows], last
