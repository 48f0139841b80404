"""One document, one entry: (số, ký hiệu, issuer) identifies a document whatever the date typed
(ND 30 Phụ lục VI III.1.h). A second entry with the same identity in the same numbering period
but another date is a 409 naming the office's existing entry and the differing field; the clerk
may register it anyway only by naming that field and giving a reason, which the log keeps."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Arrival, Dispatch, Document, Organisation
from app.domain.doc_types import Family
from app.domain.errors import ScopeError
from app.domain.fields import (
    Strict,
    Text,
)
from app.domain.numbering import RegisterKind, scope_key
from app.errors import Conflict, Invalid
from app.services.numbering import org_terms

#: The fields a clerk may declare different from the entry already in the register.
OVERRIDABLE = ("issued_on",)
MIN_REASON = 10


class DuplicateOverrideIn(Strict):
    """Register a document although the office holds one with the same số and ký hiệu."""

    field: Literal["issued_on"] = Field(description="the field that differs from the entry "
                                                    "already in the register")
    reason: Text = Field(description="why this is another document; kept in the audit log",
                         examples=["văn bản ban hành lại, ngày khác, cùng số"])


def period(issuer: Organisation, on: date, type_code: str | None) -> str:
    """The issuer's numbering period of a date: its year (State) or committee term (Party;
    the year when the issuer's terms are not known)."""
    try:
        return scope_key(Family(issuer.family), RegisterKind.DISPATCH, on,
                         doc_type=type_code or "CV", terms=org_terms(issuer))
    except ScopeError:
        return f"{on.year:04d}"


def _entry_of(session: Session, office: Organisation, doc: Document) -> str | None:
    """Where the office holds the document: its incoming or outgoing line, if any."""
    arrival = session.scalar(select(Arrival.id).where(
        Arrival.organisation_id == office.id, Arrival.document_id == doc.id).limit(1))
    if arrival is not None:
        return f"/arrivals/{arrival}"
    dispatch = session.scalar(select(Dispatch.id).where(
        Dispatch.organisation_id == office.id, Dispatch.document_id == doc.id))
    return None if dispatch is None else f"/dispatches/{dispatch}"


def check(session: Session, office: Organisation, issuer: Organisation, key: str,
          issued_on: date, type_code: str | None, canonical: str,
          override: DuplicateOverrideIn | None) -> Document | None:
    """The office's entry this one duplicates (None if none): raises the 409 unless overridden,
    and returns the duplicated document when the override is accepted. Only what the office
    itself holds is compared: another office's records are never named."""
    wanted = period(issuer, issued_on, type_code)
    candidates = session.scalars(select(Document).where(
        Document.issuer_id == issuer.id, Document.notation_key == key,
        Document.issued_on != issued_on))
    for doc in candidates:
        if period(issuer, doc.issued_on, doc.type_code) != wanted:
            continue  # the number restarted: another year or term, another document
        entry = _entry_of(session, office, doc)
        if entry is None:
            continue
        if override is None:
            raise Conflict(
                f"{canonical} of {issuer.code} is already in the registers of {office.code}, "
                f"dated {doc.issued_on.strftime('%d/%m/%Y')}; this one is dated "
                f"{issued_on.strftime('%d/%m/%Y')}. If they are two documents, say so: "
                "duplicate_override with field \"issued_on\" and the reason",
                field="document.issued_on", existing=entry, differing_field="issued_on",
                existing_issued_on=doc.issued_on.isoformat())
        if override.field not in OVERRIDABLE:
            raise Invalid(f"duplicate_override.field must be one of {', '.join(OVERRIDABLE)}: "
                          "the field that differs from the existing entry",
                          field="duplicate_override.field")
        if len(override.reason.strip()) < MIN_REASON:
            raise Invalid("duplicate_override.reason says why this is another document "
                          f"(at least {MIN_REASON} characters)", field="duplicate_override.reason")
        return doc
    return None
