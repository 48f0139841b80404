"""/documents: a document's metadata and its files."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.deps import Caller, Ctx
from app.api.schemas.common import PathId
from app.api.schemas.registers import DocumentOut
from app.errors import NotFound
from app.services import documents

router = APIRouter(tags=["documents"])


@router.get("/documents/{doc_id}", summary="One document", response_model=DocumentOut)
def get_document(doc_id: PathId, ctx: Ctx, who: Caller) -> DocumentOut:
    """The document as issued (issuer, notation, date, title, signer, references) with its files;
    reading a confidential one is an audit-log event."""
    return DocumentOut.model_validate(documents.read_document(ctx, who, doc_id))


@router.get("/documents/{doc_id}/files/{sha256}",
            summary="One of a document's files (PDF)", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def get_document_file(doc_id: PathId, sha256: str, ctx: Ctx, who: Caller) -> Response:
    """The stored bytes of the document's file with that SHA-256."""
    doc = documents.read_document(ctx, who, doc_id)
    match = next((f for f in doc.files if f.sha256 == sha256), None)
    if match is None:
        raise NotFound(f"document {doc_id} has no file {sha256[:64]}")
    return Response(ctx.store.get(match.sha256), media_type=match.content_type,
                    headers={"Content-Disposition": f'attachment; filename="{match.sha256}.pdf"'})
