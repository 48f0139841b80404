"""Documents: find-or-create by (issuer, canonical notation, date), attach files, check
visibility."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import Work
from app.db import Document, DocumentFile, DocumentReference, Organisation
from app.db.loads import DOCUMENT_LOADS
from app.domain.audit_actions import AuditAction
from app.domain.canonical import canonical_notation
from app.domain.doc_types import Family, canonical_type
from app.domain.errors import DomainError
from app.domain.fields import (
    Day,
    Line10,
    Line60,
    Line100,
    Line200,
    Strict,
    Text,
)
from app.domain.marks import Confidentiality, Urgency
from app.domain.notation import Notation, format_notation, notation_key
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.services import duplicates, search_index
from app.services.access import Principal
from app.services.duplicates import DuplicateOverrideIn
from app.services.pdf_text import extract_text
from app.services.uploads import CheckedPdf
from app.storage import Store


class ReferenceIn(Strict):
    notation: Line60
    issued_on: Day | None = None


class DocumentIn(Strict):
    notation: Line60 = Field(description="số và ký hiệu as written: 160-TB/TW, 05/QĐ-UBND")
    issued_on: Day
    title: Text = Field(description="trích yếu")
    type_code: Line10 | None = None
    place: Line100 | None = None
    signer_authority: Line200 | None = Field(None, examples=["T/M BỘ CHÍNH TRỊ"])
    signer_title: Line200 | None = None
    signer_name: Line200 | None = None
    confidentiality: Confidentiality = Confidentiality.NONE
    urgency: Urgency = Urgency.THUONG
    page_count: int | None = Field(None, ge=1, le=100000)
    references: list[ReferenceIn] = Field(default_factory=list, max_length=200)


def snapshot(doc: Document) -> dict[str, Any]:
    return {
        "issuer_id": doc.issuer_id,
        "notation": doc.notation,
        "issued_on": doc.issued_on.isoformat(),
        "title": doc.title,
        "type_code": doc.type_code,
        "confidentiality": doc.confidentiality,
        "urgency": doc.urgency,
        "files": [f.sha256 for f in doc.files],
    } | ({} if doc.notation_as_written is None else {"notation_as_written": doc.notation_as_written})


def canonical(issuer: Organisation, notation: str, type_code: str | None,
              issued_on: date) -> tuple[Notation, str | None]:
    """The notation as the register writes it, and the type's catalogue code (None for a State
    công văn), from what the clerk typed. 422 naming ``notation`` or ``type_code``."""
    family = Family(issuer.family)
    try:
        parsed, doc_type = canonical_notation(notation, family, issuer.code, issued_on)
        declared = canonical_type(family, type_code, issued_on) if type_code else None
    except DomainError as exc:
        raise Invalid(exc.reason, field=exc.field) from exc
    if declared is not None and doc_type is not None and declared.code != doc_type.code:
        raise Invalid(f"type_code {type_code!r} does not match the notation's type "
                      f"{parsed.type_code!r}", field="type_code")
    found = doc_type or declared
    return parsed, None if found is None else found.code


def parse_number(issuer: Organisation, notation: str, type_code: str | None,
                 issued_on: date) -> tuple[int, str | None]:
    """The number and the type's catalogue code of a notation written by `issuer`."""
    parsed, code = canonical(issuer, notation, type_code, issued_on)
    return parsed.number, code


def find_or_create(work: Work, who: Principal, issuer: Organisation, data: DocumentIn, *,
                   office: Organisation | None = None,
                   override: DuplicateOverrideIn | None = None) -> tuple[Document, bool]:
    """The document with this identity, or a new one. With ``office`` (the registering office)
    a document it already holds with the same số and ký hiệu but another date is a 409 unless
    ``override`` declares the differing field and why."""
    s = work.session
    parsed, type_code = canonical(issuer, data.notation, data.type_code, data.issued_on)
    text = format_notation(parsed)
    key = notation_key(text)
    existing = s.scalar(select(Document).where(
        Document.issuer_id == issuer.id, Document.notation_key == key,
        Document.issued_on == data.issued_on))
    if existing is not None:
        return existing, False
    duplicated = None if office is None else duplicates.check(
        s, office, issuer, key, data.issued_on, type_code, text, override)
    typed = data.notation.strip()
    doc = Document(
        issuer_id=issuer.id, number=parsed.number, notation=text, notation_key=key,
        notation_as_written=None if typed == text else typed,
        type_code=type_code, issued_on=data.issued_on, place=data.place, title=data.title,
        signer_authority=data.signer_authority, signer_title=data.signer_title,
        signer_name=data.signer_name, confidentiality=data.confidentiality,
        urgency=data.urgency, page_count=data.page_count, created_by=who.user_id)
    s.add(doc)
    s.flush()
    if duplicated is not None and override is not None:
        from app.services import audit_log

        audit_log.record(s, who, AuditAction.DOCUMENT_DUPLICATE_ACCEPTED, "document", doc.id,
                         details={"duplicates": duplicated.id, "field": override.field,
                                  "reason": override.reason.strip()})
    for ref in data.references:
        target = s.scalar(select(Document.id).where(
            Document.notation_key == notation_key(ref.notation)).limit(1))
        s.add(DocumentReference(document_id=doc.id, notation=ref.notation,
                                issued_on=ref.issued_on, target_id=target))
    s.flush()
    search_index.index_document(s, doc)
    return doc, True


def attach_pdf(work: Work, store: Store, who: Principal, doc: Document,
               pdf: CheckedPdf) -> DocumentFile:
    digest = store.put(pdf.data, work.staged)
    for existing in doc.files:
        if existing.sha256 == digest:
            return existing
    row = DocumentFile(document_id=doc.id, sha256=digest, size=len(pdf.data),
                       filename=pdf.filename, content_type="application/pdf",
                       created_by=who.user_id)
    work.session.add(row)
    if doc.page_count is None:
        doc.page_count = pdf.page_count
    work.session.flush()
    search_index.add_file_text(work.session, doc, extract_text(pdf.data))
    return row


def require_level(who: Principal, confidentiality: str) -> None:
    """A document is written only by someone cleared for its độ mật."""
    if not who.may_see_level(confidentiality):
        raise Forbidden(f"a {confidentiality} document needs that clearance; yours is "
                        f"{who.clearance}", field="confidentiality")


def require_visible(who: Principal, doc: Document) -> None:
    if not who.may_see_level(doc.confidentiality):
        raise Forbidden(f"document {doc.id} is {doc.confidentiality}; your clearance is "
                        f"{who.clearance}")


def get(session: Session, doc_id: int) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id}")
    return doc


def ensure_not_registered(existing_arrival_id: int | None, org_code: str) -> None:
    if existing_arrival_id is not None:
        raise Conflict(f"this document is already in the incoming register of {org_code}",
                       existing=f"/arrivals/{existing_arrival_id}")


def holder_org_ids(session: Session, doc_id: int) -> set[int]:
    """Organisations that hold the document: issued it, registered it, copied it or were sent it."""
    from app.db import Arrival, CertifiedCopy, InboxItem

    holders = {int(i) for i in session.scalars(select(Document.issuer_id).where(
        Document.id == doc_id))}
    for model in (Arrival, CertifiedCopy, InboxItem):
        holders.update(int(i) for i in session.scalars(
            select(model.organisation_id).where(model.document_id == doc_id)))
    return holders


def read_document(ctx: Any, who: Principal, doc_id: int) -> Document:
    """A document the caller may see (held by an office they may read, within their clearance)."""
    from app.services import audit_log
    from app.services.access import readable_org_ids

    with ctx.reading() as s:
        doc = s.scalar(select(Document).where(Document.id == doc_id).options(*DOCUMENT_LOADS))
        if doc is None or not (holder_org_ids(s, doc_id) & readable_org_ids(s, who)):
            raise NotFound(f"no document {doc_id} in your registers")
        require_visible(who, doc)
    found: Document = doc
    if found.confidentiality != "NONE":
        with ctx.unit_of_work() as work:
            audit_log.record(work.session, who, AuditAction.DOCUMENT_READ, "document", doc.id,
                             details={"confidentiality": found.confidentiality})
    return found
