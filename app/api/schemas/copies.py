"""Copy requests, certified copies and the distribution tree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

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
    id: int
    org_code: str
    status: CopyRequestStatus
    kind: CopyKind
    document_id: int
    document_notation: str
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

    @classmethod
    def of(cls, r: Any) -> CopyRequestOut:
        return cls(
            id=r.id, org_code=r.organisation.code, status=r.status, kind=r.kind,
            document_id=r.document_id, document_notation=r.document.notation,
            parent_copy_id=r.parent_copy_id, pages=r.pages, excerpt=r.excerpt, reason=r.reason,
            recipients=[RecipientOut(org_code=x.get("org_code"), name=x["name"])
                        for x in r.recipients],
            copies_count=r.copies_count, requested_by=r.requested_by,
            requesting_unit=r.requesting_unit, created_at=r.created_at,
            decided_by=r.decided_by, decided_at=r.decided_at,
            decision_reason=r.decision_reason, copy_id=r.copy_id)


class CopyRequestPage(Page):
    items: list[CopyRequestOut]


class RevokeIn(Strict):
    reason: Text = Field(description="why the copy is revoked (thu hồi); kept in the register",
                         examples=["cấp nhầm văn bản nguồn"])


class CopyOut(BaseModel):
    id: int
    org_code: str
    kind: CopyKind
    number: int = Field(description="số in the copy register")
    notation: str = Field(description="397-BS/VPTU")
    scope_key: str
    depth: int = Field(description="1 = a copy of the original")
    document_id: int
    document_notation: str
    parent_copy_id: int | None
    parent_notation: str | None
    place: str
    copy_date: date
    signed_at: datetime
    signing_time: str = Field(description="as shown in the signature: 04.02.2020 15:30:15 +07:00")
    signer_authority: str | None
    signer_title: str
    signer_name: str
    pages: list[int] | None
    copies_count: int
    recipients: list[RecipientOut]
    pdf_sha256: str
    manifest_sha256: str
    certificate_serial: str
    pdf_url: str
    manifest_url: str
    revoked_at: datetime | None = Field(None, description="set when the office revoked it")
    revocation_reason: str | None = None

    @classmethod
    def of(cls, c: Any) -> CopyOut:
        return cls(
            revoked_at=c.revoked_at, revocation_reason=c.revocation_reason,
            id=c.id, org_code=c.organisation.code, kind=c.kind, number=c.number,
            notation=c.notation, scope_key=c.scope_key, depth=c.depth,
            document_id=c.document_id, document_notation=c.document.notation,
            parent_copy_id=c.parent_copy_id,
            parent_notation=None if c.parent is None else c.parent.notation,
            place=c.place, copy_date=c.copy_date, signed_at=c.signed_at,
            signing_time=format_signing_time(c.signed_at), signer_authority=c.signer_authority,
            signer_title=c.signer_title, signer_name=c.signer_name, pages=c.pages,
            copies_count=c.copies_count,
            recipients=[RecipientOut(org_code=None if r.organisation is None
                                     else r.organisation.code, name=r.name)
                        for r in c.recipients],
            pdf_sha256=c.pdf_sha256, manifest_sha256=c.manifest_sha256,
            certificate_serial=c.certificate_serial, pdf_url=f"/copies/{c.id}/pdf",
            manifest_url=f"/copies/{c.id}/manifest")


class CopyPage(Page):
    items: list[CopyOut]


class CopyHistoryOut(BaseModel):
    copy_id: int
    chain: list[CopyOut] = Field(description="this copy, then the copy it copies, … (newest first)")
    tree: dict[str, Any] = Field(description="the document's whole distribution tree")
    drawing: str = Field(description="the tree drawn as text; ◀ marks this copy")
