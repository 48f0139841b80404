"""/audit: the tamper-evident log for auditors — signed tree heads, events, proofs, the log key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from app.api import cursor
from app.api.deps import Caller, Ctx
from app.api.problems import errors
from app.api.schemas.audit import (
    AuditEventOut,
    AuditEventPage,
    ConsistencyProofOut,
    InclusionProofOut,
    LoggedEventOut,
    TreeHeadOut,
)
from app.api.schemas.common import MAX_SEQ
from app.services import audit_events, tree_heads

#: 409: the log does not match its signed heads (it was altered); the detail says where.
router = APIRouter(prefix="/audit", tags=["audit"], responses=errors(409))


@router.get("/tree-head", response_model=TreeHeadOut,
            summary="The latest signed tree head (signs a fresh one if the log grew)")
def get_tree_head(ctx: Ctx, who: Caller) -> TreeHeadOut:
    """RFC 6962 signed tree head of the audit log. If the log grew since the last head, a new one is
    signed first; `vanthu serve` also signs on a schedule (VANTHU_TREE_HEAD_INTERVAL_SECONDS).
    Auditors and admins."""
    return TreeHeadOut.of(tree_heads.tree_head(ctx, who))


@router.get("/events", response_model=AuditEventPage,
            summary="The log's events, newest first, by action, subject and time (paged)")
def list_events(
    ctx: Ctx, who: Caller,
    action: Annotated[str | None, Query(max_length=60, examples=["arrival.registered"],
                                        description="one action (docs/audit.md §2)")] = None,
    subject_type: Annotated[str | None, Query(max_length=40, examples=["copy"])] = None,
    subject_id: Annotated[str | None, Query(max_length=60)] = None,
    since: Annotated[datetime | None, Query(
        description="at or after (with a time zone)", examples=["2020-02-04T00:00:00+07:00"])] = None,
    until: Annotated[datetime | None, Query(description="at or before (with a time zone)")] = None,
    cursor_: Annotated[str | None, Query(alias="cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditEventPage:
    """Auditors and admins list what happened, newest first; each item is the event exactly as
    hashed into the log, so it can be checked against its leaf (`/audit/events/{seq}`) and a
    signed tree head (`/audit/proofs/inclusion`)."""
    items, last = audit_events.list_events(ctx, who, audit_events.EventFilter(
        action=action, subject_type=subject_type, subject_id=subject_id, since=since,
        until=until, before_seq=cursor.decode(cursor_), limit=limit))
    return AuditEventPage(items=[LoggedEventOut.model_validate(i) for i in items],
                          next_cursor=cursor.encode(last))


@router.get("/events/{seq}", response_model=AuditEventOut, summary="One event of the log")
def get_event(seq: Annotated[int, Path(ge=0, le=MAX_SEQ)], ctx: Ctx, who: Caller) -> AuditEventOut:
    """The event as hashed, its RFC 8785 canonical text and the log's leaf hash for it. Auditors and
    admins."""
    return AuditEventOut.of(tree_heads.entry(ctx, who, seq))


@router.get("/proofs/inclusion", response_model=InclusionProofOut,
            summary="Inclusion proof of event `seq` in the tree of `tree_size` events")
def get_inclusion_proof(
    ctx: Ctx, who: Caller,
    seq: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the event's number (leaf index)")],
    tree_size: Annotated[int, Query(ge=1, le=MAX_SEQ, description="size of a signed tree head")],
) -> InclusionProofOut:
    """RFC 6962 §2.1.1 audit path proving event `seq` is in the tree of the first `tree_size` events
    (use the size of a signed head you hold)."""
    return InclusionProofOut.of(tree_heads.inclusion(ctx, who, seq, tree_size))


@router.get("/proofs/consistency", response_model=ConsistencyProofOut,
            summary="Consistency proof between the trees of `first` and `second` events")
def get_consistency_proof(
    ctx: Ctx, who: Caller,
    first: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the older tree size")],
    second: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the newer tree size")],
) -> ConsistencyProofOut:
    """RFC 6962 §2.1.2 proof that the tree of `first` events is a prefix of the tree of `second`
    events: the log was only appended to."""
    return ConsistencyProofOut.of(tree_heads.consistency(ctx, who, first, second))


@router.get("/log-key", response_class=Response,
            responses={200: {"content": {"application/x-pem-file": {}}}},
            summary="The log key's public key (SubjectPublicKeyInfo PEM)")
def get_log_key(ctx: Ctx, who: Caller) -> Response:
    """The public key that signs the tree heads, to check them without trusting the service."""
    return Response(tree_heads.log_public_pem(ctx, who), media_type="application/x-pem-file",
                    headers={"Content-Disposition": 'attachment; filename="log.pub.pem"'})
