"""/audit: the tamper-evident log for auditors — signed tree heads, events, proofs, the log key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from app.api.deps import Caller, Ctx
from app.api.problems import errors
from app.api.schemas.audit import (
    AuditEventOut,
    ConsistencyProofOut,
    InclusionProofOut,
    TreeHeadOut,
)
from app.api.schemas.common import MAX_SEQ
from app.services import tree_heads

#: 409: the log does not match its signed heads (it was altered); the detail says where.
router = APIRouter(prefix="/audit", tags=["audit"], responses=errors(409))


@router.get("/tree-head", response_model=TreeHeadOut,
            summary="The latest signed tree head (signs a fresh one if the log grew)")
def get_tree_head(ctx: Ctx, who: Caller) -> TreeHeadOut:
    return TreeHeadOut.of(tree_heads.tree_head(ctx, who))


@router.get("/events/{seq}", response_model=AuditEventOut, summary="One event of the log")
def get_event(seq: Annotated[int, Path(ge=0, le=MAX_SEQ)], ctx: Ctx, who: Caller) -> AuditEventOut:
    return AuditEventOut.of(tree_heads.entry(ctx, who, seq))


@router.get("/proofs/inclusion", response_model=InclusionProofOut,
            summary="Inclusion proof of event `seq` in the tree of `tree_size` events")
def get_inclusion_proof(
    ctx: Ctx, who: Caller,
    seq: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the event's number (leaf index)")],
    tree_size: Annotated[int, Query(ge=1, le=MAX_SEQ, description="size of a signed tree head")],
) -> InclusionProofOut:
    return InclusionProofOut.of(tree_heads.inclusion(ctx, who, seq, tree_size))


@router.get("/proofs/consistency", response_model=ConsistencyProofOut,
            summary="Consistency proof between the trees of `first` and `second` events")
def get_consistency_proof(
    ctx: Ctx, who: Caller,
    first: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the older tree size")],
    second: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the newer tree size")],
) -> ConsistencyProofOut:
    return ConsistencyProofOut.of(tree_heads.consistency(ctx, who, first, second))


@router.get("/log-key", response_class=Response,
            responses={200: {"content": {"application/x-pem-file": {}}}},
            summary="The log key's public key (SubjectPublicKeyInfo PEM)")
def get_log_key(ctx: Ctx, who: Caller) -> Response:
    return Response(tree_heads.log_public_pem(ctx, who), media_type="application/x-pem-file",
                    headers={"Content-Disposition": 'attachment; filename="log.pub.pem"'})
