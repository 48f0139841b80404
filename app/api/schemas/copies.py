"""Copy requests, certified copies and the distribution tree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AliasPath, BaseModel, ConfigDict, Field, computed_field

from app.api.schemas.common import CopyKind, CopyRequestStatus, Line200, Page, RowId, ShortText, Strict, Text
from app.api.schemas.registers import RecipientIn, RecipientOut
from app.domain.dates import format_signing_time
from app.services.copy_requests import MAX_RECIPIENTS


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


class ApproveIn(Strict):
    signer_title: Line200 = Field(examples=["CHÁNH VĂN PHÒNG"])
    signer_name: Line200 = Field(examples=["Lê Văn Chiến"])
    signer_authority: Line200 | None = Field(None, examples=["KT. CHÁNH VĂN PHÒNG"])
    archive_line: ShortText = Field("Lưu VT", description="the last nơi nhận line",
                                    examples=["Lưu Văn phòng Tỉnh ủy"])


class RefuseIn(Strict):
    reason: Text


class CopyRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    org_code: str = Field(validation_alias=AliasPath("organisation", "code"))
    status: CopyRequestStatus
    kind: CopyKind
    document_id: int
    document_notation: str = Field(validation_alias=AliasPath("document", "notation"))
    parent_copy_id: int | None
    pages: list[int] | None
    excerpt: str | None
    reason: str
    recipients: list[RecipientOut]
    copies_count: int
    requested_by: int
    requesting_unit: str | None
    created_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    decision_reason: str | None
    copy_id: int | None


class CopyRequestPage(Page):
    items: list[CopyRequestOut]


class RevokeIn(Strict):
    reason: Text = Field(description="why the copy is revoked (thu hồi); kept in the register",
                         examples=["cấp nhầm văn bản nguồn"])


class CopyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    org_code: str = Field(validation_alias=AliasPath("organisation", "code"))
    kind: CopyKind
    number: int = Field(description="số in the copy register")
    notation: str = Field(description="397-BS/VPTU")
    scope_key: str
    depth: int = Field(description="1 = a copy of the original")
    document_id: int
    document_notation: str = Field(validation_alias=AliasPath("document", "notation"))
    parent_copy_id: int | None
    parent_notation: str | None = Field(None, validation_alias=AliasPath("parent", "notation"))
    place: str
    copy_date: date
    signed_at: datetime
    signer_authority: str | None
    signer_title: str
    signer_name: str
    pages: list[int] | None
    copies_count: int
    recipients: list[RecipientOut]
    pdf_sha256: str
    manifest_sha256: str
    certificate_serial: str
    revoked_at: datetime | None = Field(None, description="set when the office revoked it")
    revocation_reason: str | None = None

    @computed_field(description="as shown in the signature: 04.02.2020 15:30:15 +07:00")  # type: ignore[prop-decorator]
    @property
    def signing_time(self) -> str:
        return format_signing_time(self.signed_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pdf_url(self) -> str:
        return f"/copies/{self.id}/pdf"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def manifest_url(self) -> str:
        return f"/copies/{self.id}/manifest"


class CopyPage(Page):
    items: list[CopyOut]


class CopyHistoryOut(BaseModel):
    copy_id: int
    chain: list[CopyOut] = Field(description="this copy, then the copy it copies, … (newest first)")
    tree: dict[str, Any] = Field(description="the document's whole distribution tree")
    drawing: str = Field(description="the tree drawn as text; ◀ marks this copy")
