"""/intake: read a received document's text into a proposal; register a confirmed proposal."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.deps import Caller, Ctx
from app.api.problems import errors
from app.api.schemas.common import PathId
from app.api.schemas.intake import (
    ConfirmIn,
    ConfirmOut,
    DeclaredCopyOut,
    DeclaredOut,
    DeclaredStampOut,
    DocumentDeclaredCopyOut,
    ParseIn,
    ParseOut,
)
from app.api.uploads import read_pdf
from app.errors import Invalid, UnsupportedMedia
from app.services import intake, intake_parse

router = APIRouter(tags=["intake"])

_PARSE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ParseIn.model_json_schema(), "example": {
                "text": "BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG CỘNG SẢN VIỆT NAM\nSố 160-TB/TW\nHà Nội, "
                        "ngày 15 tháng 01 năm 2020\nTHÔNG BÁO\nKẾT LUẬN CỦA BỘ CHÍNH TRỊ …"}},
            "multipart/form-data": {"schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary",
                             "description": "a PDF with a text layer"},
                    "text": {"type": "string", "description": "or the text itself"}}},
                "example": {"file": "(the PDF's bytes: curl -F file=@160-TB-TW.pdf)"}},
        },
    }
}


def _parse_json(raw: bytes) -> ParseIn:
    try:
        return ParseIn.model_validate(json.loads(raw))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"the body is not JSON: {exc}", field="text") from exc
    except RecursionError as exc:  # JSON nested thousands deep
        raise Invalid("the body is nested too deeply", field="body") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "text"
        raise Invalid(f"{where}: {first['msg']}", field=where) from exc


async def _parsed(ctx: Ctx, request: Request) -> intake_parse.Parsed:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "application/json":
        body = _parse_json(await request.body())
        return await run_in_threadpool(intake_parse.parse, ctx, body.text)
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise UnsupportedMedia(f"send JSON {{\"text\": …}} or multipart with a PDF (file); got "
                               f"{kind or 'no content type'}", field="file")
    form = await request.form(max_files=1, max_fields=5, max_part_size=intake.MAX_TEXT * 4)
    try:
        upload, text = form.get("file"), form.get("text")
        if isinstance(upload, UploadFile):
            pdf = await run_in_threadpool(read_pdf, ctx, upload)
            return await run_in_threadpool(intake_parse.parse_pdf, ctx, pdf)
        if isinstance(text, str):
            return await run_in_threadpool(intake_parse.parse, ctx, text)
    finally:
        await form.close()
    raise Invalid("the form has neither a PDF (file) nor a text field", field="file")


@router.post(
    "/intake/parse", response_model=ParseOut, openapi_extra=_PARSE_BODY,
    summary="Read a document's text (JSON) or a PDF's text layer (multipart) into a proposal",
    responses={413: {"description": "the upload is larger than the limit"},
               415: {"description": "neither JSON nor multipart, or the file is not a PDF"},
               422: {"description": "empty text, or a PDF without a text layer (a scan)"}},
)
async def parse(request: Request, ctx: Ctx, who: Caller) -> JSONResponse:
    """Paste the document's text (JSON `{"text": …}`) or send its PDF (multipart `file`): the
    answer proposes the issuer, notation, date, title, signer and references for the clerk to
    confirm, and flags a duplicate."""
    parsed = await _parsed(ctx, request)
    # Returned as read: the proposal is not held to the input limits until it is confirmed.
    return JSONResponse(parsed.to_dict())


@router.post(
    "/orgs/{code}/intake/confirm", status_code=status.HTTP_201_CREATED,
    response_model=ConfirmOut, responses=errors(409),
    summary="Register a confirmed proposal as an arrival (số đến from this register), with the "
            "issuer and the declared copy chain where accepted",
)
def confirm(code: str, body: ConfirmIn, ctx: Ctx, who: Caller) -> ConfirmOut:
    """The clerk's checked proposal becomes an arrival: the register gives the số đến; declared copy
    blocks are kept as declared (not verified)."""
    choices = intake.Choices(
        issuer_code=body.issuer_code, create_issuer=body.create_issuer,
        issuer_name=body.issuer_name, issuer_family=body.issuer_family,
        import_copies=body.import_copies, received_at=body.received_at, sender=body.sender,
        routed_to=body.routed_to, deadline=body.deadline, file_code=body.file_code,
        note=body.note, late_reason=body.late_reason)
    return ConfirmOut.of(intake.confirm(ctx, who, code, body.proposal.to_domain(), choices))


@router.get("/arrivals/{arrival_id}/declared", response_model=DeclaredOut,
            summary="Copy blocks and other offices' stamps read from the arrival's text "
                    "(declared, not verified)")
def declared_for_arrival(arrival_id: PathId, ctx: Ctx, who: Caller) -> DeclaredOut:
    """The copy blocks and stamps of other offices read from the arrival's text: what the paper
    says, not what was verified."""
    found = intake.declared_for_arrival(ctx, who, arrival_id)
    return DeclaredOut(copies=[DeclaredCopyOut.of(c) for c in found.copies],
                       stamps=[DeclaredStampOut.of(s) for s in found.stamps])


@router.get("/documents/{doc_id}/declared-copies", response_model=list[DocumentDeclaredCopyOut],
            summary="Copy blocks of this document declared on arrivals you may read "
                    "(read from text, not verified)")
def declared_copies_of_document(doc_id: PathId, ctx: Ctx,
                                who: Caller) -> list[DocumentDeclaredCopyOut]:
    """Copy blocks declared on the arrivals of this document that the caller may read."""
    return [DocumentDeclaredCopyOut(**DeclaredCopyOut.of(c).model_dump(),
                                    org_code=a.organisation.code)
            for c, a in intake.declared_copies_of_document(ctx, who, doc_id)]
