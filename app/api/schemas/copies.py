"""Copy requests, certified copies and the distribution tree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AliasPath, BaseModel, ConfigDict, Field, computed_field

from app.api.schemas.common import CopyKind, CopyRequestStatus, Page, Strict, Text
from app.api.schemas.registers import RecipientOut
from app.domain.dates import format_signing_time
from app.services.copies import ApproveIn as ApproveIn
from app.services.copy_requests import CopyRequestIn as CopyRequestIn


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
