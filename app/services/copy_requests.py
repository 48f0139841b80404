"""Requests for certified copies (đề nghị sao văn bản): made by a department, decided by its office.

A request names its source: a registered document (the office holds the original or bản chính)
or a copy the office received. The rules on sources and makers (ND 30 Đ3.10–12, HD 36) are
checked when the request is made and again when it is issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import Field
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import Arrival, CertifiedCopy, CopyRequest, Document, DocumentFile, Organisation
from app.db.filters import Before, Equals, InOrganisation, KeysetPage, Since, VisibleTo, apply
from app.db.loads import COPY_REQUEST_LOADS
from app.domain.audit_actions import AuditAction
from app.domain.copy_forms import CopyKind, check_copy_maker, check_copy_source
from app.domain.dates import to_vn
from app.domain.doc_types import Family
from app.domain.errors import DomainError
from app.domain.fields import (
    Line200,
    RowId,
    Strict,
    Text,
)
from app.domain.statuses import CopyRequestStatus
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.services import audit_log, documents
from app.services.access import Principal, require_read
from app.services.dispatches import RecipientIn, resolve_recipients
from app.services.organisations import get_by_code

#: Who decides on a request: the office's văn thư or its head (lãnh đạo văn phòng).
DECIDERS = ("clerk", "head")
#: Who may ask: the office's departments, and the deciders themselves.
REQUESTERS = ("department", "clerk", "head")
MAX_COPIES = 500
#: A nơi nhận list is printed on the copy (flowing onto further pages when long); beyond these it
#: is not a list of recipients any more: name a group ("Các Đảng bộ trực thuộc") instead.
MAX_RECIPIENTS = 200
MAX_RECIPIENT_CHARS = 300


class CopyRequestIn(Strict):
    kind: CopyKind = Field(description="SAO_Y (sao y), SAO_LUC (sao lục), TRICH_SAO (trích sao)")
    document_id: RowId | None = Field(None, description="copy the document the office holds")
    copy_id: RowId | None = Field(None, description="or copy a certified copy the office received")
    pages: list[Annotated[int, Field(ge=1, le=2000)]] | None = Field(None, max_length=2000,
                                    description="trích sao: the 1-based pages to reproduce")
    excerpt: Text | None = Field(None, description="trích sao: the part, in words")
    reason: Text
    recipients: list[RecipientIn] = Field(min_length=1, max_length=MAX_RECIPIENTS,
                                          description="nơi nhận: org_code or a printed name")
    copies_count: int = Field(1, ge=1, le=500, description="số lượng bản")
    requesting_unit: Line200 | None = None


@dataclass(frozen=True)
class Source:
    """What a copy is made from."""

    document: Document
    parent: CertifiedCopy | None  # the copy being copied, for a copy of a copy
    sha256: str | None  # the PDF to copy (None: nothing on file yet)
    page_count: int | None

    @property
    def kind(self) -> str:
        return "original" if self.parent is None else self.parent.kind

    @property
    def notation(self) -> str:
        return self.document.notation if self.parent is None else self.parent.notation


def holds_document(session: Session, org: Organisation, doc: Document) -> bool:
    """The office issued the document or registered it on arrival (not only a copy of it)."""
    if doc.issuer_id == org.id:
        return True
    return bool(session.scalar(select(exists().where(
        Arrival.organisation_id == org.id, Arrival.document_id == doc.id,
        Arrival.copy_id.is_(None), Arrival.cancelled_at.is_(None)))))


def holds_copy(session: Session, org: Organisation, copy: CertifiedCopy) -> bool:
    """The office registered this certified copy on arrival."""
    return bool(session.scalar(select(exists().where(
        Arrival.organisation_id == org.id, Arrival.copy_id == copy.id,
        Arrival.cancelled_at.is_(None)))))


def document_pdf(session: Session, doc: Document) -> DocumentFile | None:
    """The PDF a copy of the document reproduces: the first one put on file."""
    return session.scalar(select(DocumentFile).where(DocumentFile.document_id == doc.id)
                          .order_by(DocumentFile.id).limit(1))


def resolve_source(session: Session, who: Principal, org: Organisation, *,
                   document_id: int | None, copy_id: int | None,
                   pinned_sha256: str | None = None) -> Source:
    if (document_id is None) == (copy_id is None):
        raise Invalid("name the source: document_id (the document) or copy_id (a copy you "
                      "received), not both", field="document_id")
    if copy_id is not None:
        parent = session.get(CertifiedCopy, copy_id)
        # A copy the office has not registered is not named: nothing of another office's records.
        if parent is None or not holds_copy(session, org, parent):
            raise NotFound(f"no certified copy {copy_id} in the incoming register of {org.code}; "
                           "an office copies only what it holds", field="copy_id")
        documents.require_visible(who, parent.document)
        if parent.revoked_at is not None:
            raise Conflict(f"{parent.notation} was revoked by its office on "
                           f"{to_vn(parent.revoked_at).strftime('%d/%m/%Y')} "
                           f"({parent.revocation_reason}); a revoked copy is not copied again",
                           field="copy_id")
        return Source(parent.document, parent, parent.pdf_sha256, None)
    assert document_id is not None
    doc = session.get(Document, document_id)
    if doc is None or not holds_document(session, org, doc):
        raise NotFound(f"no document {document_id} that {org.code} issued or registered on "
                       "arrival; an office copies only what it holds", field="document_id")
    documents.require_visible(who, doc)
    if pinned_sha256 is not None:
        return Source(doc, None, pinned_sha256, doc.page_count)
    pdf = document_pdf(session, doc)
    return Source(doc, None, None if pdf is None else pdf.sha256, doc.page_count)


def check_rules(org: Organisation, kind: CopyKind, source: Source, pages: list[int] | None) -> None:
    family = Family(org.family)
    try:
        check_copy_source(family, kind, source.kind)
        if source.parent is None:
            check_copy_maker(family, kind, copier_is_issuer=source.document.issuer_id == org.id)
    except DomainError as exc:
        raise Invalid(exc.reason, field=exc.field) from exc
    if kind is CopyKind.TRICH_SAO:
        if not pages:
            raise Invalid("a trích sao names the pages it reproduces", field="pages")
        if len(set(pages)) != len(pages) or any(p < 1 for p in pages):
            raise Invalid("pages are distinct page numbers from 1", field="pages")
        if source.page_count is not None and max(pages) > source.page_count:
            raise Invalid(f"{source.notation} has {source.page_count} pages; page {max(pages)} "
                          "does not exist", field="pages")
    elif pages:
        raise Invalid(f"only a trích sao takes pages; a {kind.heading(family).lower()} copies "
                      "the whole document", field="pages")


def check_recipient_lines(names: list[str]) -> None:
    """The nơi nhận lines a copy will print: at least one, at most MAX_RECIPIENTS lines of at
    most MAX_RECIPIENT_CHARS characters (the archive line is added when the copy is issued)."""
    if not names:
        raise Invalid("a copy goes to at least one recipient (nơi nhận)", field="recipients")
    if len(names) > MAX_RECIPIENTS:
        raise Invalid(f"a copy lists at most {MAX_RECIPIENTS} nơi nhận lines, this request has "
                      f"{len(names)}; name groups of recipients instead (\"Các Đảng bộ trực "
                      "thuộc\")", field="recipients")
    for i, name in enumerate(names):
        if len(name) > MAX_RECIPIENT_CHARS:
            raise Invalid(f"nơi nhận line {i + 1} has {len(name)} characters; a line has at most "
                          f"{MAX_RECIPIENT_CHARS}", field="recipients")


def create(ctx: AppContext, who: Principal, org_code: str, data: CopyRequestIn) -> CopyRequest:
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        if who.org_id != org.id or who.role not in REQUESTERS:
            raise Forbidden(f"copies of {org.code} are requested by its departments and clerks "
                            f"(you are {who.role} of {who.org_code})")
        if not data.reason.strip():
            raise Invalid("say why the copy is needed", field="reason")
        if not 1 <= data.copies_count <= MAX_COPIES:
            raise Invalid(f"copies_count is 1 to {MAX_COPIES}", field="copies_count")
        source = resolve_source(s, who, org, document_id=data.document_id, copy_id=data.copy_id)
        check_rules(org, data.kind, source, data.pages)
        recipients = resolve_recipients(s, data.recipients)
        check_recipient_lines([name for _, name in recipients])
        request = CopyRequest(
            organisation_id=org.id, requested_by=who.user_id,
            requesting_unit=data.requesting_unit, document_id=source.document.id,
            parent_copy_id=None if source.parent is None else source.parent.id,
            kind=data.kind.value, pages=data.pages or None, excerpt=data.excerpt,
            reason=data.reason.strip(), source_sha256=source.sha256 if source.parent is None
            else None,
            recipients=[{"org_code": None if o is None else o.code, "name": name}
                        for o, name in recipients],
            copies_count=data.copies_count, status=CopyRequestStatus.PENDING)
        s.add(request)
        s.flush()
        audit_log.record(s, who, AuditAction.COPY_REQUEST_CREATED, "copy_request", request.id,
                         after=snapshot(request))
        request_id = request.id
    return _written(ctx, request_id)


def refuse(ctx: AppContext, who: Principal, request_id: int, reason: str) -> CopyRequest:
    with ctx.unit_of_work() as work:
        s = work.session
        request = lock(s, request_id)
        require_decider(who, request.organisation)
        documents.require_visible(who, request.document)
        require_pending(request)
        if not reason.strip():
            raise Invalid("a refusal gives its reason", field="reason")
        before = snapshot(request)
        request.status, request.decided_by = CopyRequestStatus.REFUSED, who.user_id
        request.decided_at, request.decision_reason = ctx.clock(), reason.strip()
        audit_log.record(s, who, AuditAction.COPY_REQUEST_REFUSED, "copy_request", request.id,
                         before=before, after=snapshot(request))
    return _written(ctx, request_id)


def lock(session: Session, request_id: int) -> CopyRequest:
    """Read the request for a decision, locking its row (PostgreSQL); SQLite's write
    transaction already excludes every other writer."""
    request = session.scalar(select(CopyRequest).where(CopyRequest.id == request_id)
                             .with_for_update())
    if request is None:
        raise NotFound(f"no copy request {request_id}")
    return request


def require_decider(who: Principal, org: Organisation) -> None:
    if who.org_id != org.id or who.role not in DECIDERS:
        raise Forbidden(f"only a clerk or the head of {org.code} decides its copy requests "
                        f"(you are {who.role} of {who.org_code})")


def require_pending(request: CopyRequest) -> None:
    if request.status == CopyRequestStatus.ISSUED:
        raise Conflict(f"copy request {request.id} is already issued",
                       existing=f"/copies/{request.copy_id}")
    if request.status != CopyRequestStatus.PENDING:
        raise Conflict(f"copy request {request.id} was {request.status}: "
                       f"{request.decision_reason}")


def snapshot(request: CopyRequest) -> dict[str, object]:
    return {
        "organisation_id": request.organisation_id, "requested_by": request.requested_by,
        "document_id": request.document_id, "parent_copy_id": request.parent_copy_id,
        "kind": request.kind, "pages": request.pages, "reason": request.reason,
        "recipients": request.recipients, "copies_count": request.copies_count,
        "status": request.status, "decided_by": request.decided_by,
        "decision_reason": request.decision_reason, "copy_id": request.copy_id,
    }


def _load(session: Session, request_id: int) -> CopyRequest:
    request = session.scalar(select(CopyRequest).where(CopyRequest.id == request_id)
                             .options(*COPY_REQUEST_LOADS))
    if request is None:
        raise NotFound(f"no copy request {request_id}")
    return request


def _written(ctx: AppContext, request_id: int) -> CopyRequest:
    with ctx.reading() as s:
        return _load(s, request_id)


def get(ctx: AppContext, who: Principal, request_id: int) -> CopyRequest:
    with ctx.reading() as s:
        request = _load(s, request_id)
        require_read(s, who, request.organisation)
        documents.require_visible(who, request.document)
        return request


@dataclass
class RequestFilter:
    status: str | None = None
    kind: str | None = None
    document_id: int | None = None
    requested_by: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def list_for(ctx: AppContext, who: Principal, org_code: str, flt: RequestFilter, *,
             after_id: int | None = None, limit: int = 50) -> tuple[list[CopyRequest], int | None]:
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        # a department sees its own requests
        own = Equals(CopyRequest.requested_by, who.user_id) if who.role == "department" else None
        query = apply(select(CopyRequest).join(Document, CopyRequest.document_id == Document.id)
                      .options(*COPY_REQUEST_LOADS),
                      InOrganisation(CopyRequest, org.id), VisibleTo(who.visible_levels()), own,
                      Equals(CopyRequest.status, flt.status), Equals(CopyRequest.kind, flt.kind),
                      Equals(CopyRequest.document_id, flt.document_id),
                      Equals(CopyRequest.requested_by, flt.requested_by),
                      Since(CopyRequest.created_at, flt.created_from),
                      Before(CopyRequest.created_at, flt.created_to))
        return KeysetPage(CopyRequest.id, after_id, limit).read(s, query)
