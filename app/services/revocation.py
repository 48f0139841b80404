"""Revoking a certified copy issued in error (thu hồi bản sao), and what verification learns.

The signed PDF cannot be unsigned, so a revocation lives in the issuing office's register: from
then on every verification of the copy, and of any copy made from it, reports it REVOKED with
the reason and the date. The office's clerk or head decides, as for issuing it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.context import AppContext
from app.db import CertifiedCopy, InboxItem
from app.domain import corrections as rules
from app.domain.audit_actions import AuditAction
from app.domain.statuses import InboxStatus
from app.errors import Conflict, Invalid, NotFound
from app.services import audit_log, copies, copy_requests, documents
from app.services.access import Principal


def revoke(ctx: AppContext, who: Principal, copy_id: int, reason: str) -> CertifiedCopy:
    problem = rules.reason_problem(reason)
    if problem is not None:
        raise Invalid(problem, field="reason")
    with ctx.unit_of_work() as work:
        s = work.session
        copy = s.scalar(select(CertifiedCopy).where(CertifiedCopy.id == copy_id)
                        .options(selectinload(CertifiedCopy.organisation),
                                 selectinload(CertifiedCopy.document),
                                 selectinload(CertifiedCopy.recipients))
                        .with_for_update())
        if copy is None:
            raise NotFound(f"no certified copy {copy_id}")
        copies.require_copy_access(s, who, copy)
        copy_requests.require_decider(who, copy.organisation)
        documents.require_visible(who, copy.document)
        if copy.revoked_at is not None:
            raise Conflict(f"{copy.notation} is already revoked", field="copy_id")
        before = copies.snapshot(copy)
        copy.revoked_at, copy.revoked_by = ctx.clock(), who.user_id
        copy.revocation_reason = reason.strip()
        for item in s.scalars(select(InboxItem).where(InboxItem.copy_id == copy.id,
                                                      InboxItem.status == InboxStatus.PENDING)):
            item.status = InboxStatus.WITHDRAWN
        s.flush()
        audit_log.record(s, who, AuditAction.COPY_REVOKED, "copy", copy.id, before=before,
                         after=copies.snapshot(copy), details={"reason": reason.strip()})
    return copies.written(ctx, copy_id)
