"""The outgoing register (sổ đăng ký văn bản đi): number, notation, recipients, inbox delivery."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext, Work
from app.db import Dispatch, Document, InboxItem, Organisation, Recipient
from app.db.filters import InOrganisation, InYear, KeysetPage, VisibleTo, apply
from app.db.loads import DISPATCH_LOADS
from app.domain.audit_actions import AuditAction
from app.domain.dates import to_vn
from app.domain.doc_types import DocType, Family, canonical_type
from app.domain.errors import DomainError
from app.domain.fields import (
    Code,
    Day,
    Line10,
    Line200,
    ShortText,
    Strict,
    Text,
)
from app.domain.marks import Confidentiality, Urgency
from app.domain.notation import notation_key, party_notation, state_notation
from app.domain.numbering import RegisterKind
from app.domain.register_period import check_not_future_day, check_open_series
from app.errors import Conflict, Invalid, NotFound
from app.services import audit_log, documents, duplicates, numbering, search_index
from app.services.access import Principal, require_clerk_of, require_read
from app.services.organisations import get_by_code
from app.services.uploads import CheckedPdf

#: The group that marks a State secret document's ký hiệu (its own series, ND 30 Đ15.2).
SECRET_UNIT = "M"


class RecipientIn(Strict):
    org_code: Code | None = None
    name: ShortText | None = None


class DispatchIn(Strict):
    type_code: Line10 | None = Field(None, description="TB, QĐ, CV …; none for a State công văn")
    title: Text
    issued_on: Day | None = Field(None, description="defaults to today (Vietnam time)")
    unit: Code | None = Field(None, max_length=10,
                              description="drafting unit of a State công văn (05/BNV-VP)")
    signer_authority: Line200 | None = None
    signer_title: Line200 | None = None
    signer_name: Line200 | None = None
    confidentiality: Confidentiality = Confidentiality.NONE
    urgency: Urgency = Urgency.THUONG
    recipients: list[RecipientIn] = Field(default_factory=list, max_length=500)
    archive_unit: Line200 | None = None
    copies_count: int | None = Field(None, ge=1, le=100000)
    note: Text | None = None


def resolve_recipients(session: Session, lines: list[RecipientIn],
                       field_name: str = "recipients") -> list[tuple[Organisation | None, str]]:
    out: list[tuple[Organisation | None, str]] = []
    for i, line in enumerate(lines):
        if line.org_code:
            org = session.scalar(select(Organisation).where(Organisation.code == line.org_code))
            if org is None:
                raise Invalid(f"no organisation with code {line.org_code!r}",
                              field=f"{field_name}[{i}].org_code")
            out.append((org, line.name or org.name))
        elif line.name and line.name.strip():
            out.append((None, line.name.strip()))
        else:
            raise Invalid("a recipient needs org_code or name", field=f"{field_name}[{i}]")
    return out


def _catalogue_type(family: Family, typed: str | None, on: date) -> DocType | None:
    """The catalogue type a clerk typed ("ctr", "Qđ" …), so one type is one series; None for a
    State công văn. 422 naming ``type_code`` and listing the family's codes."""
    if not typed:
        if family is Family.PARTY:
            raise Invalid("Party documents need a type_code (CV for a công văn)",
                          field="type_code")
        return None
    try:
        found = canonical_type(family, typed, on)
    except DomainError as exc:
        raise Invalid(exc.reason, field=exc.field) from exc
    if family is Family.STATE and found.code == "CV":
        return None  # ND 30: a công văn has no type in its ký hiệu and shares the series
    if found.abbreviation is None:
        raise Invalid(f"{found.name} has no abbreviation and is not numbered by type",
                      field="type_code")
    return found


def _open_scope(org: Organisation, issued_on: date, today: date, type_code: str,
                secret: bool) -> str:
    """The series a document dated ``issued_on`` is numbered in, which must be running today: not
    dated in the future, not into a year or committee term that has ended (422 ``issued_on``)."""
    try:
        check_not_future_day(issued_on, today, "issued_on")
        scope = numbering.register_scope(org, RegisterKind.DISPATCH, issued_on,
                                         doc_type=type_code, secret=secret)
        check_open_series(scope, numbering.register_scope(
            org, RegisterKind.DISPATCH, today, doc_type=type_code, secret=secret),
            issued_on, "issued_on")
    except DomainError as exc:
        raise Invalid(exc.reason, field=exc.field) from exc
    return scope


def _refuse_taken(session: Session, org: Organisation, notation: str, issued_on: date,
                  type_code: str | None) -> None:
    """The number just drawn must make a notation no document of the office already has in this
    numbering period (a paper number entered by hand, a series edited outside the service): 409,
    never a second document with the same số và ký hiệu."""
    period = duplicates.period(org, issued_on, type_code)
    for doc in session.scalars(select(Document).where(
            Document.issuer_id == org.id, Document.notation_key == notation_key(notation))):
        if duplicates.period(org, doc.issued_on, doc.type_code) == period:
            raise Conflict(f"{notation} is already the notation of a document of {org.code} in "
                           "this year or term; the series and the register disagree: check the "
                           "series (GET …/registers/series) before numbering", field="type_code")


def notation_for(org: Organisation, number: int, abbreviation: str | None, year: int,
                 unit: str | None, *, secret: bool = False) -> str:
    """The ký hiệu of a new outgoing document. A State secret document is numbered in its own
    series (ND 30 Đ15.2) and marked with the group M, so it never shares a số và ký hiệu with
    an ordinary document of the year (01/QĐ-UBND and 01/QĐ-UBND-M)."""
    try:
        if org.family == Family.PARTY.value:
            if not abbreviation:
                raise Invalid("Party documents need a type_code (CV for a công văn)",
                              field="type_code")
            return party_notation(number, abbreviation, org.code)
        if secret:
            unit = "-".join(p for p in (unit, SECRET_UNIT) if p)
        return state_notation(number, abbreviation, org.code, unit=unit)
    except DomainError as exc:
        raise Invalid(exc.reason, field=exc.field) from exc


def register(ctx: AppContext, who: Principal, org_code: str, data: DispatchIn,
             pdf: CheckedPdf | None = None) -> Dispatch:
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        require_clerk_of(who, org)
        documents.require_level(who, data.confidentiality)  # before any number is taken
        today = to_vn(ctx.clock()).date()
        issued_on = data.issued_on or today
        family = Family(org.family)
        doc_type = _catalogue_type(family, data.type_code, issued_on)
        secret = data.confidentiality != "NONE"
        recipients = resolve_recipients(s, data.recipients)
        scope = _open_scope(org, issued_on, today, doc_type.code if doc_type else "CV", secret)
        number = numbering.take_number(s, org.id, RegisterKind.DISPATCH.value, scope)
        notation = notation_for(org, number, None if doc_type is None else doc_type.abbreviation,
                                issued_on.year, data.unit, secret=secret)
        _refuse_taken(s, org, notation, issued_on, None if doc_type is None else doc_type.code)
        doc = Document(
            issuer_id=org.id, number=number, notation=notation,
            notation_key=notation_key(notation),
            type_code=None if doc_type is None else doc_type.code,
            issued_on=issued_on, place=org.place_name, title=data.title,
            signer_authority=data.signer_authority, signer_title=data.signer_title,
            signer_name=data.signer_name, confidentiality=data.confidentiality,
            urgency=data.urgency, created_by=who.user_id)
        s.add(doc)
        s.flush()
        search_index.index_document(s, doc)
        if pdf is not None:
            documents.attach_pdf(work, ctx.store, who, doc, pdf)
        dispatch = Dispatch(organisation_id=org.id, document_id=doc.id, scope_key=scope,
                            number=number, archive_unit=data.archive_unit,
                            copies_count=data.copies_count, sent_on=issued_on, note=data.note,
                            created_by=who.user_id)
        s.add(dispatch)
        s.flush()
        deliver(work, org, doc, recipients, dispatch_id=dispatch.id)
        audit_log.record(s, who, AuditAction.DISPATCH_REGISTERED, "dispatch", dispatch.id,
                         after=snapshot(dispatch, doc, [name for _, name in recipients]))
        dispatch_id = dispatch.id
    return get(ctx, who, dispatch_id)


def deliver(work: Work, sender: Organisation, doc: Document,
            recipients: list[tuple[Organisation | None, str]], *, dispatch_id: int | None = None,
            copy_id: int | None = None) -> list[InboxItem]:
    """Write the nơi nhận lines; in-system recipients find the document in their inbox."""
    s = work.session
    items: list[InboxItem] = []
    for position, (org, name) in enumerate(recipients):
        s.add(Recipient(dispatch_id=dispatch_id, copy_id=copy_id, position=position,
                        organisation_id=None if org is None else org.id, name=name))
        if org is not None and not org.external and org.id != sender.id:
            item = InboxItem(organisation_id=org.id, document_id=doc.id, copy_id=copy_id,
                             sender_id=sender.id)
            s.add(item)
            items.append(item)
    s.flush()
    return items


def load(session: Session, dispatch_id: int) -> Dispatch:
    dispatch = session.scalar(select(Dispatch).where(Dispatch.id == dispatch_id)
                              .options(*DISPATCH_LOADS))
    if dispatch is None:
        raise NotFound(f"no dispatch {dispatch_id}")
    return dispatch


def get(ctx: AppContext, who: Principal, dispatch_id: int) -> Dispatch:
    with ctx.reading() as s:
        dispatch = load(s, dispatch_id)
        require_read(s, who, dispatch.organisation)
        documents.require_visible(who, dispatch.document)
        return dispatch


def list_for(ctx: AppContext, who: Principal, org_code: str, *, year: int | None = None,
             after_id: int | None = None, limit: int = 50) -> tuple[list[Dispatch], int | None]:
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        query = apply(select(Dispatch).join(Document, Dispatch.document_id == Document.id)
                      .options(*DISPATCH_LOADS),
                      InOrganisation(Dispatch, org.id), VisibleTo(who.visible_levels()),
                      InYear(Document.issued_on, year))
        return KeysetPage(Dispatch.id, after_id, limit).read(s, query)


def snapshot(dispatch: Dispatch, doc: Document,
             recipients: list[str] | None = None) -> dict[str, Any]:
    """The state the log records for a row of the outgoing register (and audit verify checks);
    `recipients` are the nơi nhận names when the relationship is not loaded yet."""
    names = [r.name for r in dispatch.recipients] if recipients is None else recipients
    state = {"organisation_id": dispatch.organisation_id, "number": dispatch.number,
             "scope_key": dispatch.scope_key, "notation": doc.notation,
             "archive_unit": dispatch.archive_unit, "copies_count": dispatch.copies_count,
             "sent_on": None if dispatch.sent_on is None else dispatch.sent_on.isoformat(),
             "document": documents.snapshot(doc), "recipients": names}
    if dispatch.cancelled_at is not None:  # only then, so earlier states still match
        state["cancelled"] = {"at": dispatch.cancelled_at.astimezone(UTC).isoformat(),
                              "reason": dispatch.cancel_reason}
    return state


def written(ctx: AppContext, dispatch_id: int) -> Dispatch:
    """Re-read a line the caller has just written (no access check)."""
    with ctx.reading() as s:
        return load(s, dispatch_id)


def summary(dispatch: Dispatch) -> dict[str, Any]:
    return {"id": dispatch.id, "notation": dispatch.document.notation}
