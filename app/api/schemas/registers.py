"""Documents, arrivals, dispatches, inbox and register series."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AliasPath, BaseModel, ConfigDict, Field, computed_field, model_validator

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
    Line200,
    Page,
    RegisterKind,
    ShortText,
    Strict,
    Text,
    Urgency,
)
from app.services.arrivals import ArrivalIn as ArrivalIn
from app.services.dispatches import DispatchIn as DispatchIn
from app.services.dispatches import RecipientIn as RecipientIn
from app.services.documents import DocumentIn as DocumentIn
from app.services.documents import ReferenceIn as ReferenceIn
from app.services.duplicates import DuplicateOverrideIn as DuplicateOverrideIn


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
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    reason: str


class FileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sha256: str
    size: int
    filename: str
    content_type: str
    document_id: int = Field(exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return f"/documents/{self.document_id}/files/{self.sha256}"


class ReferenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    notation: str
    issued_on: date | None
    document_id: int | None = Field(validation_alias="target_id")


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    issuer_code: str = Field(validation_alias=AliasPath("issuer", "code"))
    issuer_name: str = Field(validation_alias=AliasPath("issuer", "name"))
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


class ArrivalEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor_id: int
    from_status: ArrivalStatus | None
    to_status: ArrivalStatus
    routed_to: str | None
    deadline: date | None
    note: str | None


class ArrivalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    org_code: str = Field(validation_alias=AliasPath("organisation", "code"))
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
    history: list[ArrivalEventOut] = Field(validation_alias="events")
    cancelled: CancellationOut | None = Field(None, validation_alias="cancellation",
                                              description="set when the number is cancelled")
    corrections: list[CorrectionOut] = Field(default_factory=list)
    late_reason: str | None = Field(None, description="set on a late entry (out of order)")
    registered_at: datetime = Field(validation_alias="created_at",
                                    description="when the line was written (vào sổ lúc)")


class ArrivalPage(Page):
    items: list[ArrivalOut]


class RecipientOut(BaseModel):
    """One line of a nơi nhận list: a row (organisation in the system, or a name) or the
    dict a copy request keeps."""

    model_config = ConfigDict(from_attributes=True)

    org_code: str | None = Field(None, validation_alias=AliasPath("organisation", "code"))
    name: str

    @model_validator(mode="before")
    @classmethod
    def _from_dict(cls, value: Any) -> Any:
        if isinstance(value, dict) and "org_code" in value:
            return {"organisation": {"code": value["org_code"]}, "name": value.get("name")}
        return value


class DispatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    org_code: str = Field(validation_alias=AliasPath("organisation", "code"))
    number: int
    scope_key: str
    notation: str = Field(validation_alias=AliasPath("document", "notation"))
    document: DocumentOut
    recipients: list[RecipientOut]
    archive_unit: str | None
    copies_count: int | None
    sent_on: date | None
    cancelled: CancellationOut | None = Field(None, validation_alias="cancellation",
                                              description="set when the number is cancelled")
    corrections: list[CorrectionOut] = Field(default_factory=list)


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
