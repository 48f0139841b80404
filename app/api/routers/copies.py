"""/copy-requests, /copies and the distribution tree: certified copies down the chain."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import JSONResponse, Response

from app.api import cursor
from app.api.deps import Caller, Ctx
from app.api.problems import errors
from app.api.reports import report_response
from app.api.schemas.common import CopyKind, CopyRequestStatus, Instant, PathId, QueryId, QueryYear
from app.api.schemas.copies import (
    ApproveIn,
    CopyHistoryOut,
    CopyOut,
    CopyPage,
    CopyRequestIn,
    CopyRequestOut,
    CopyRequestPage,
    RefuseIn,
    RevokeIn,
)
from app.api.schemas.registers import DocumentOut
from app.api.uploads import read_pdf
from app.errors import NotFound
from app.services import (
    copies,
    copy_archive,
    copy_requests,
    distribution,
    revocation,
    scans,
    verification,
)

router = APIRouter(tags=["copies"])


@router.post("/orgs/{code}/copy-requests", status_code=status.HTTP_201_CREATED,
             response_model=CopyRequestOut, summary="Ask the office for a certified copy")
def request_copy(code: str, body: CopyRequestIn, ctx: Ctx, who: Caller) -> CopyRequestOut:
    """Đề nghị sao: a department asks for a sao y, sao lục or trích sao of a document (or of a copy
    received) with the reason and the recipients; a clerk or the head approves or refuses."""
    return CopyRequestOut.model_validate(copy_requests.create(ctx, who, code, body))


@router.get("/orgs/{code}/copy-requests",
            summary="The office's copy requests", response_model=CopyRequestPage)
def list_copy_requests(
    code: str, ctx: Ctx, who: Caller,
    status_: Annotated[CopyRequestStatus | None,
                       Query(alias="status")] = None,
    kind: CopyKind | None = None, document_id: QueryId = None,
    requested_by: QueryId = None, created_from: Instant | None = None,
    created_to: Instant | None = None,
    cursor_: Annotated[str | None, Query(alias="cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CopyRequestPage:
    """Requests by status (pending, approved, refused), newest first."""
    items, last = copy_requests.list_for(ctx, who, code, copy_requests.RequestFilter(
        status=status_, kind=kind, document_id=document_id, requested_by=requested_by,
        created_from=created_from, created_to=created_to),
        after_id=cursor.decode(cursor_), limit=limit)
    return CopyRequestPage(items=[CopyRequestOut.model_validate(r) for r in items],
                           next_cursor=cursor.encode(last))


@router.get("/copy-requests/{request_id}", summary="One copy request", response_model=CopyRequestOut)
def get_copy_request(request_id: PathId, ctx: Ctx, who: Caller) -> CopyRequestOut:
    """The request with its kind, source, reason, recipients and outcome."""
    return CopyRequestOut.model_validate(copy_requests.get(ctx, who, request_id))


@router.post("/copy-requests/{request_id}/approve", status_code=status.HTTP_201_CREATED,
             response_model=CopyOut, responses=errors(409, 503, 507),
             summary="Approve a request: the copy is numbered, signed and sent, or nothing happens")
def approve_copy_request(request_id: PathId, body: ApproveIn, ctx: Ctx, who: Caller) -> CopyOut:
    """The copy gets the next number of the office's copy register (`397-BS/VPTU`), is rendered with
    its copy block, signed (PAdES), stored and delivered to in-system recipients in one step; any
    failure leaves nothing behind."""
    return CopyOut.model_validate(copies.approve(ctx, who, request_id, body))


@router.post("/copy-requests/{request_id}/refuse",
             summary="Refuse a copy request, with a reason", response_model=CopyRequestOut,
             responses=errors(409))
def refuse_copy_request(request_id: PathId, body: RefuseIn, ctx: Ctx, who: Caller) -> CopyRequestOut:
    """The request is closed as refused; the reason is kept and shown to the asker."""
    return CopyRequestOut.model_validate(copy_requests.refuse(ctx, who, request_id, body.reason))


@router.get("/orgs/{code}/copies", response_model=CopyPage,
            summary="The office's copy register (sổ bản sao), newest first")
def list_copies(code: str, ctx: Ctx, who: Caller, year: QueryYear = None,
                document_id: QueryId = None,
                cursor_: Annotated[str | None, Query(alias="cursor")] = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> CopyPage:
    """Certified copies issued by this office, with their numbers and notations, paged."""
    items, last = copies.list_for(ctx, who, code, year=year, document_id=document_id,
                                  after_id=cursor.decode(cursor_), limit=limit)
    return CopyPage(items=[CopyOut.model_validate(c) for c in items], next_cursor=cursor.encode(last))


@router.get("/copies/{copy_id}", summary="One certified copy", response_model=CopyOut)
def get_copy(copy_id: PathId, ctx: Ctx, who: Caller) -> CopyOut:
    """The copy's number, notation, kind, source, recipients and signing time, with links to its PDF
    and manifest."""
    return CopyOut.model_validate(copies.get(ctx, who, copy_id))


@router.post("/copies/{copy_id}/revoke", response_model=CopyOut, responses=errors(409),
             summary="Revoke (thu hồi) a copy issued in error: every verification then reports "
                     "it, and the copies made from it, REVOKED")
def revoke_copy(copy_id: PathId, body: RevokeIn, ctx: Ctx, who: Caller) -> CopyOut:
    """Thu hồi: with a reason; the copy stays on record and every verification of it, or of a copy
    made from it, reports REVOKED."""
    return CopyOut.model_validate(revocation.revoke(ctx, who, copy_id, body.reason))


@router.get("/copies/{copy_id}/pdf", summary="The copy's signed PDF", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def get_copy_pdf(copy_id: PathId, ctx: Ctx, who: Caller) -> Response:
    """The certified copy as issued: the source's pages with the copy block, signed by the office's
    key."""
    copy = copies.get(ctx, who, copy_id)
    name = copy.notation.replace("/", "_")
    return Response(ctx.store.get(copy.pdf_sha256), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


@router.get("/copies/{copy_id}/archive.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **errors(409, 503)},
            summary="The copy for archiving (PAdES B-LTA): its validation data and a document "
                    "timestamp added; not stored, no new copy (needs VANTHU_TSA_URL)")
def get_copy_archive(copy_id: PathId, ctx: Ctx, who: Caller) -> Response:
    """PAdES B-LTA: the signed copy with its validation data (certificates, CRLs, OCSP answers)
    and a document timestamp from VANTHU_TSA_URL, so that it still verifies after its
    certificates expire. Not stored, no new copy, no number; 409 without a TSA configured."""
    done = copy_archive.archive(ctx, copy_id, who)
    return Response(done.archived.pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{done.filename}"'})


@router.get("/copies/{copy_id}/manifest", response_class=Response,
            responses={200: {"content": {"application/json": {}}}},
            summary="The signed manifest envelope (vanthu.signed-manifest/1)")
def get_copy_manifest(copy_id: PathId, ctx: Ctx, who: Caller) -> Response:
    """The JSON envelope signed with the copy, linking it to its source by SHA-256: what an offline
    verifier checks (docs/signing.md)."""
    copy = copies.get(ctx, who, copy_id)
    if copy.envelope_sha256 is None:
        raise NotFound(f"no stored manifest for {copy.notation}")
    return Response(ctx.store.get(copy.envelope_sha256), media_type="application/json")


@router.get("/copies/{copy_id}/verification",
            summary="Verify the copy's whole chain to the original; ?format=pdf for the report",
            responses={200: {"content": {"application/pdf": {}}}})
def verify_copy(copy_id: PathId, ctx: Ctx, who: Caller,
                format_: Annotated[Literal["json", "pdf"], Query(alias="format")] = "json",
                ) -> Response:
    """Checks every link from this copy back to the original: signatures, certificates, digests,
    revocation. JSON by default; `format=pdf` gives the auditor's report."""
    copies.get(ctx, who, copy_id)  # the issuer, its recipients and auditors above it
    return report_response(ctx, verification.verify_copy(ctx, copy_id), format_)


@router.get("/copies/{copy_id}/history", response_model=CopyHistoryOut,
            summary="The copy's chain back to the original and the document's distribution tree")
def copy_history(copy_id: PathId, ctx: Ctx, who: Caller) -> CopyHistoryOut:
    """The links from this copy to the original, and the tree of every copy made of the same
    document that the caller may see."""
    chain = copies.chain(ctx, who, copy_id)
    tree = distribution.tree(ctx, who, chain[0].document_id)
    return CopyHistoryOut(copy_id=copy_id, chain=[CopyOut.model_validate(c) for c in chain], tree=tree,
                          drawing=distribution.draw(tree, copy_id))


@router.get("/documents/{doc_id}/distribution",
            summary="Who received the document, who copied it to whom, at which depth",
            responses={200: {"content": {"application/json": {"schema": {"type": "object"}},
                                         "text/plain": {"schema": {"type": "string"}}}}})
def document_distribution(doc_id: PathId, ctx: Ctx, who: Caller,
                          format_: Annotated[Literal["json", "text"],
                                             Query(alias="format")] = "json") -> Response:
    """Who received the document, who copied it and to whom, at which depth; `format=text` draws the
    tree."""
    tree = distribution.tree(ctx, who, doc_id)
    if format_ == "text":
        return Response(distribution.draw(tree), media_type="text/plain; charset=utf-8")
    return JSONResponse(tree)


@router.post("/documents/{doc_id}/files", status_code=status.HTTP_201_CREATED,
             response_model=DocumentOut, responses=errors(415, 503, 507),
             summary="Put a PDF (a scan of the paper held) on file, so it can be copied")
def upload_document_file(doc_id: PathId, ctx: Ctx, who: Caller,
                         file: Annotated[UploadFile, File()]) -> DocumentOut:
    """Puts a scan of the paper the office holds on file (a PDF), so a copy can be made of it."""
    return DocumentOut.model_validate(scans.upload(ctx, who, doc_id, read_pdf(ctx, file)))
