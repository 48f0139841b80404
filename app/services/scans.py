"""Putting a document's PDF on file after registration (a scan of the paper the office holds),
so that it can be copied."""

from __future__ import annotations

from sqlalchemy import select

from app.context import AppContext
from app.db import Document, DocumentFile
from app.db.loads import DOCUMENT_LOADS
from app.domain.audit_actions import AuditAction
from app.errors import Forbidden
from app.services import audit_log, documents
from app.services.access import Principal
from app.services.copy_requests import holds_document
from app.services.organisations import get_by_code
from app.services.uploads import CheckedPdf


def upload(ctx: AppContext, who: Principal, document_id: int, pdf: CheckedPdf) -> Document:
    with ctx.unit_of_work() as work:
        s = work.session
        doc = documents.get(s, document_id)
        org = get_by_code(s, who.org_code)
        # the holder first, and no notation in the refusal: an outsider learns nothing of it
        if who.role != "clerk" or not holds_document(s, org, doc):
            raise Forbidden(f"a clerk of an office that issued or registered document "
                            f"{document_id} puts its scan on file (you are {who.role} of "
                            f"{who.org_code})")
        documents.require_visible(who, doc)
        before = documents.snapshot(doc)
        known = {f.sha256 for f in doc.files}
        row: DocumentFile = documents.attach_pdf(work, ctx.store, who, doc, pdf)
        if row.sha256 not in known:
            s.refresh(doc, ["files"])
            audit_log.record(s, who, AuditAction.DOCUMENT_FILE_ADDED, "document", doc.id, before=before,
                             after=documents.snapshot(doc))
    with ctx.reading() as s:
        return s.scalars(select(Document).where(Document.id == document_id)
                         .options(*DOCUMENT_LOADS)).one()
