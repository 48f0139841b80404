"""Documents, arrivals, dispatches, inbox and register series."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.common import (
    ArrivalStatus,
    Code,
    Confidentiality,
    Day,
    InboxStatus,
    Instant,
    Line10,
    Line40,
    Line60,
    Line100,
    Line200,
    Page,
    RegisterKind,
    ShortText,
    Strict,
    Text,
    Urgency,
)


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


class DuplicateOverrideIn(Strict):
    """Register a document although the office holds one with the same số and ký hiệu."""

    field: Literal["issued_on"] = Field(description="the field that differs from the entry "
                                                    "already in the register")
    reason: Text = Field(description="why this is another document; kept in the audit log",
                         examples=["văn bản ban hành lại, ngày khác, cùng số"])


class ArrivalIn(Strict):
    issuer_code: Code = Field(description="code of the issuing organisation (e.g. TW)")
    document: DocumentIn
    received_at: Instant | None = Field(None, description="defaults to now (server clock)")
    sender: ShortText | None = None
    routed_to: ShortText | None = Field(None, description="chuyển: unit or person")
    deadline: Day | None = Field(None, description="hạn giải quyết")
    file_code: Line40 | None = None
    note: Text | None = None
    late_reason: Text | None = Field(
        None, description="a late entry: received before the series' latest receipt, and why "
                          "it is registered now (at least 10 characters)")
    duplicate_override: DuplicateOverrideIn | None = Field(
        None, description="only after a 409 naming an entry with the same số and ký hiệu")


class ArrivalPatch(Strict):
    status: ArrivalStatus | None = None
    routed_to: ShortText | None = None
    deadline: Day | None = None
    file_code: Line40 | None = None
    note: Text | None = None
    comment: Text | None = None


class ArrivalCorrectionIn(Strict):
    """A correction (đính chính) of an incoming line: the fields to set, and why."""

    reason: Text = Field(description="why; kept in the register and the audit log",
                         examples=["nhập sai trích yếu"])
    notation: Line60 | None = None
    issued_on: Day | None = None
    title: Text | None = None
    issuer_code: Code | None = None
    sender: ShortText | None = None
    received_at: Instant | None = None


class DispatchCorrectionIn(Strict):
    """A correction (đính chính) of an outgoing line; its number and notation stay."""

    reason: Text = Field(description="why; kept in the register and the audit log")
    title: Text | None = None
    issued_on: Day | None = None
    signer_authority: Line200 | None = None
    signer_title: Line200 | None = None
    signer_name: Line200 | None = None
    archive_unit: Line200 | None = None
    copies_count: int | None = Field(None, ge=1, le=100000)


class CancelIn(Strict):
    reason: Text = Field(description="why the number was given in error (hủy số)",
                         examples=["cấp trùng số cho văn bản đã vào sổ"])


class CorrectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor_id: int
    reason: str
    changes: dict[str, list[str | None]] = Field(
        description="field → [before, after]", examples=[{"title": ["Kết luân", "Kết luận"]}])


class CancellationOut(BaseModel):
    at: datetime
    reason: str


def cancellation_of(row: Any) -> CancellationOut | None:
    if row.cancelled_at is None:
        return None
    return CancellationOut(at=row.cancelled_at, reason=row.cancel_reason or "")


class FileOut(BaseModel):
    sha256: str
    size: int
    filename: str
    content_type: str
    url: str


class ReferenceOut(BaseModel):
    notation: str
    issued_on: date | None
    document_id: int | None


class DocumentOut(BaseModel):
    id: int
    issuer_code: str
    issuer_name: str
    number: int | None
    notation: str = Field(description="canonical số và ký hiệu, as books and copies print it")
    notation_as_written: str | None = Field(
        None, description="what was typed, when it differs from the canonical form")
    type_code: str | None
    issued_on: date
    place: str | None
    title: str
    signer_authority: str | None
    signer_title: str | None
    signer_name: str | None
    confidentiality: Confidentiality
    urgency: Urgency
    page_count: int | None
    files: list[FileOut]
    references: list[ReferenceOut]

    @classmethod
    def of(cls, doc: Any) -> DocumentOut:
        return cls(
            id=doc.id, issuer_code=doc.issuer.code, issuer_name=doc.issuer.name,
            number=doc.number, notation=doc.notation,
            notation_as_written=doc.notation_as_written, type_code=doc.type_code,
            issued_on=doc.issued_on, place=doc.place, title=doc.title,
            signer_authority=doc.signer_authority, signer_title=doc.signer_title,
            signer_name=doc.signer_name, confidentiality=doc.confidentiality,
            urgency=doc.urgency, page_count=doc.page_count,
            files=[FileOut(sha256=f.sha256, size=f.size, filename=f.filename,
                           content_type=f.content_type,
                           url=f"/documents/{doc.id}/files/{f.sha256}") for f in doc.files],
            references=[ReferenceOut(notation=r.notation, issued_on=r.issued_on,
                                     document_id=r.target_id) for r in doc.references])


class ArrivalEventOut(BaseModel):
    at: datetime
    actor_id: int
    from_status: ArrivalStatus | None
    to_status: ArrivalStatus
    routed_to: str | None
    deadline: date | None
    note: str | None


class ArrivalOut(BaseModel):
    id: int
    org_code: str
    arrival_number: int = Field(description="số đến")
    scope_key: str
    received_on: date
    received_at: datetime
    sender: str | None
    routed_to: str | None
    routed_on: date | None
    deadline: date | None
    status: ArrivalStatus
    file_code: str | None
    note: str | None
    copy_id: int | None
    document: DocumentOut
    history: list[ArrivalEventOut]
    cancelled: CancellationOut | None = Field(None, description="set when the number is cancelled")
    corrections: list[CorrectionOut] = Field(default_factory=list)
    late_reason: str | None = Field(None, description="set on a late entry (out of order)")
    registered_at: datetime = Field(description="when the line was written (vào sổ lúc)")

    @classmethod
    def of(cls, a: Any) -> ArrivalOut:
        return cls(
            late_reason=a.late_reason, registered_at=a.created_at,
            cancelled=cancellation_of(a),
            corrections=[CorrectionOut.model_validate(c) for c in a.corrections],
            id=a.id, org_code=a.organisation.code, arrival_number=a.arrival_number,
            scope_key=a.scope_key, received_on=a.received_on, received_at=a.received_at,
            sender=a.sender, routed_to=a.routed_to, routed_on=a.routed_on, deadline=a.deadline,
            status=a.status, file_code=a.file_code, note=a.note, copy_id=a.copy_id,
            document=DocumentOut.of(a.document),
            history=[ArrivalEventOut(at=e.at, actor_id=e.actor_id, from_status=e.from_status,
                                     to_status=e.to_status, routed_to=e.routed_to,
                                     deadline=e.deadline, note=e.note) for e in a.events])


class ArrivalPage(Page):
    items: list[ArrivalOut]


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


class RecipientOut(BaseModel):
    org_code: str | None
    name: str


class DispatchOut(BaseModel):
    id: int
    org_code: str
    number: int
    scope_key: str
    notation: str
    document: DocumentOut
    recipients: list[RecipientOut]
    archive_unit: str | None
    copies_count: int | None
    sent_on: date | None
    cancelled: CancellationOut | None = Field(None, description="set when the number is cancelled")
    corrections: list[CorrectionOut] = Field(default_factory=list)

    @classmethod
    def of(cls, d: Any) -> DispatchOut:
        return cls(
            cancelled=cancellation_of(d),
            corrections=[CorrectionOut.model_validate(c) for c in d.corrections],
            id=d.id, org_code=d.organisation.code, number=d.number, scope_key=d.scope_key,
            notation=d.document.notation, document=DocumentOut.of(d.document),
            recipients=[RecipientOut(org_code=None if r.organisation is None
                                     else r.organisation.code, name=r.name)
                        for r in d.recipients],
            archive_unit=d.archive_unit, copies_count=d.copies_count, sent_on=d.sent_on)


class DispatchPage(Page):
    items: list[DispatchOut]


class InboxItemOut(BaseModel):
    id: int
    status: InboxStatus
    sender_code: str
    document_id: int
    notation: str
    title: str
    copy_id: int | None
    copy_notation: str | None = Field(None, description="for a certified copy: 397-BS/VPTU")
    arrival_id: int | None
    created_at: datetime


class InboxRegisterIn(Strict):
    received_at: Instant | None = None
    routed_to: ShortText | None = None
    deadline: Day | None = None
    note: Text | None = None
    late_reason: Text | None = Field(
        None, description="a late entry: received before the series' latest receipt, and why "
                          "it is registered now (at least 10 characters)")


class ContinueIn(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    register_kind: RegisterKind = Field(alias="register")
    on: Day = Field(description="a date in the series (year or term) to continue")
    last_number: int = Field(ge=0, le=10_000_000, description="last number used on paper")
    doc_type: Line10 | None = None
    secret: bool = False


class SeriesOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)
    register_kind: RegisterKind = Field(alias="register")
    scope_key: str
    last_number: int
    next_number: int
