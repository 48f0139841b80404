"""The verification report (POST /verify; also served for a copy by reference)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class RevocationSourceOut(BaseModel):
    source: Literal["OCSP", "CRL"]
    where: str = Field(description="the OCSP responder's URL, or the CRL issuer's subject",
                       examples=["http://ocsp.ca.gov.vn/"])
    certificate: str = Field(description="common name of the certificate asked about")
    revoked: bool


class CheckOut(BaseModel):
    name: str = Field(examples=["integrity"])
    ok: bool
    reason: str = Field(description="why it passed or failed, in plain words")
    sources: list[RevocationSourceOut] | None = Field(
        default=None, description="revocation only: which OCSP responder or CRL answered for "
                                  "each certificate of the path (none: no answer was had)")


class SignerOut(BaseModel):
    field_name: str
    subject: str | None = Field(examples=["E=VPTU@TUDaknong,CN=Văn phòng Tỉnh ủy Đắk Nông,C=VN"])
    organisation: str | None
    serial: str | None = Field(description="certificate serial, hex")
    issuer: str | None
    signed_at: str | None = Field(examples=["2020-02-04T15:30:15+07:00"])
    reason: str | None
    manifest_sha256: str | None


class RegisterMatchOut(BaseModel):
    depth: int
    found: bool
    kind: Literal["copy", "document"] | None
    id: int | None = Field(description="certified copy id or document id")
    notation: str | None
    organisation: str | None = Field(description="copying office or issuer (code)")
    by: Literal["pdf digest", "file digest", "notation"] | None
    same_file: bool = Field(description="false when only the notation matched")
    detail: str


class LinkOut(BaseModel):
    depth: int = Field(description="0 = the file verified; increasing toward the original")
    role: Literal["copy", "original"]
    kind: str | None = Field(description="SAO_Y, SAO_LUC or TRICH_SAO (from the manifest)")
    office: str | None
    notation: str | None = Field(examples=["397-BS/VPTU"])
    notation_source: str | None = Field(
        description="manifest, child manifest, signature reason or attachment")
    pdf_sha256: str
    manifest_sha256: str | None
    available: bool = Field(description="false: known only by the digest its copy attests")
    subject: str | None
    serial: str | None
    signed_at: str | None
    signers: list[SignerOut]
    ok: bool
    checks: list[CheckOut]
    register_entry: RegisterMatchOut | None


class RevocationOut(BaseModel):
    copy_id: int
    notation: str = Field(examples=["397-BS/VPTU"])
    office: str = Field(description="the office that issued and revoked it (code)")
    revoked_at: str = Field(examples=["2020-02-05T09:00:00+07:00"])
    reason: str


class VerificationOut(BaseModel):
    subject: str
    sha256: str
    verdict: Literal["VALID", "INVALID", "UNSIGNED", "REVOKED"] = Field(
        description="UNSIGNED: the PDF carries no signature (answered 200, not an error); "
                    "REVOKED: the copy, or a copy it was made from, was revoked by its office")
    ok: bool
    summary: str
    chain: list[str | None] = Field(examples=[["30-SL/VPDUK", "397-BS/VPTU", "160-TB/TW"]])
    reasons: list[str]
    links: list[LinkOut]
    notes: list[str]
    unmatched: list[str] = Field(description="links the register does not know")
    revocations: list[RevocationOut] = Field(
        default_factory=list, description="links of the chain their office revoked")
