"""Intake: the proposal read from a document's text, the clerk's confirmation, declared history."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.api.schemas.common import (
    AwareInstant,
    Code,
    Confidentiality,
    CopyKind,
    Day,
    Family,
    Instant,
    Line40,
    Line60,
    Line100,
    Line200,
    ShortText,
    Strict,
    Text,
    Urgency,
)
from app.api.schemas.registers import ArrivalOut
from app.domain.intake import (
    ArrivalStamp,
    CopyBlock,
    Evidence,
    Proposal,
    Reference,
    SignatureBlock,
    Signer,
)
from app.services.intake import DECLARED, MAX_TEXT, Confirmed, signed_at_vn

#: Column sizes the proposal's values must fit (longer values are a 422 naming the field).
Notation = Line60
Place = Line100
Name = Line200
Lines = Annotated[list[ShortText], Field(max_length=200)]


class Loose(BaseModel):
    """Keys the proposal has for reading only (evidence, issuer_match, …) are ignored on input,
    so the parse answer can be posted back as it is."""

    model_config = ConfigDict(extra="ignore")


class SignerBody(Loose):
    authority: Name | None = None
    prefixes: list[Annotated[str, StringConstraints(max_length=10)]] = Field(
        default_factory=list, max_length=10)
    title: Name | None = None
    name: Name | None = None


class SignatureBody(Loose):
    """The visible text of a signature box: declared, never verified."""

    organisation: ShortText | None = None
    signer: Name | None = None
    email: Name | None = None
    signed_at: AwareInstant | None = Field(None, description="ISO 8601 with its offset")
    status: str = Field(DECLARED, description="always declared: read from text, not verified")

    def to_domain(self) -> SignatureBlock:
        return SignatureBlock(organisation=self.organisation, signer=self.signer,
                              email=self.email, signed_at=self.signed_at)


class StampBody(Loose):
    office: ShortText | None = None
    number: int | None = Field(None, ge=0, le=10_000_000, description="that office's số đến")
    date: Day | None = None
    routing: ShortText | None = None
    file_code: Notation | None = None
    office_line: ShortText | None = None


class CopyBody(Loose):
    kind: CopyKind
    notation: Notation | None = None
    number: int | None = Field(None, ge=0, le=10_000_000)
    office: ShortText | None = None
    office_lines: Lines = Field(default_factory=list)
    place: Place | None = None
    date: Day | None = None
    signer_authority: Name | None = None
    signer_title: Name | None = None
    signer_name: Name | None = None
    recipients: Lines = Field(default_factory=list)
    signature: SignatureBody | None = None


class ReferenceBody(Loose):
    notation: Notation
    date: Day | None = None


class EvidenceBody(Loose):
    line: int = Field(ge=0, le=10_000_000)
    text: Annotated[str, StringConstraints(max_length=2000)]


class ProposalBody(Loose):
    """The proposal as ``POST /intake/parse`` returns it, possibly edited by the clerk."""

    family: Family | None = None
    issuer: ShortText | None = None
    issuer_parent: ShortText | None = None
    number: int | None = Field(None, ge=0, le=10_000_000,
                               description="read from the notation on confirming")
    notation: Notation | None = None
    symbol: Notation | None = None
    doc_type_code: Annotated[str, StringConstraints(max_length=10)] | None = None
    doc_type: ShortText | None = None
    place: Place | None = None
    issued_on: Day | None = None
    title: Text | None = None
    signer: SignerBody = Field(default_factory=SignerBody)
    addressees: Lines = Field(default_factory=list)
    recipients: Lines = Field(default_factory=list)
    references: list[Notation] = Field(default_factory=list, max_length=200)
    reference_details: list[ReferenceBody] = Field(
        default_factory=list, max_length=200,
        description="the references with their dates; used instead of `references` when given")
    arrival_stamps: list[StampBody] = Field(default_factory=list, max_length=50)
    copies: list[CopyBody] = Field(default_factory=list, max_length=50)
    signature: SignatureBody | None = None
    confidentiality: Confidentiality | None = None
    urgency: Urgency | None = None
    evidence: dict[str, EvidenceBody] = Field(default_factory=dict, max_length=2000)

    def to_domain(self) -> Proposal:
        details = {r.notation: r.date for r in self.reference_details}
        notations = [r.notation for r in self.reference_details] or self.references
        return Proposal(
            family=self.family, issuer=self.issuer, issuer_parent=self.issuer_parent,
            number=self.number, notation=self.notation, symbol=self.symbol,
            doc_type_code=self.doc_type_code, doc_type=self.doc_type, place=self.place,
            issued_on=self.issued_on, title=self.title,
            signer=Signer(authority=self.signer.authority, prefixes=list(self.signer.prefixes),
                          title=self.signer.title, name=self.signer.name),
            addressees=list(self.addressees), recipients=list(self.recipients),
            references=[Reference(n, details.get(n)) for n in dict.fromkeys(notations)],
            arrival_stamps=[ArrivalStamp(office=s.office, number=s.number, date=s.date,
                                         routing=s.routing, file_code=s.file_code,
                                         office_line=s.office_line)
                            for s in self.arrival_stamps],
            copies=[CopyBlock(kind=c.kind, notation=c.notation, number=c.number,
                              office=c.office, office_lines=list(c.office_lines),
                              place=c.place, date=c.date, signer_authority=c.signer_authority,
                              signer_title=c.signer_title, signer_name=c.signer_name,
                              recipients=list(c.recipients),
                              signature=None if c.signature is None else c.signature.to_domain())
                    for c in self.copies],
            signature=None if self.signature is None else self.signature.to_domain(),
            confidentiality=None if self.confidentiality == "NONE" else self.confidentiality,
            urgency=None if self.urgency == "THUONG" else self.urgency,
            evidence={k: Evidence(line=v.line, text=v.text) for k, v in self.evidence.items()})


class ParseIn(Strict):
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT,
                               description="the document's text (OCR output or text layer)")]


class IssuerMatch(BaseModel):
    code: str
    name: str
    family: Family
    external: bool


class SourceOut(BaseModel):
    kind: Literal["text", "pdf"]
    pages: int | None


class ParseOut(ProposalBody):
    """The proposal (the keys of ``vanthu intake --json``) and what the register knows."""

    national_heading: str | None = None
    issuer_line: str | None = None
    issuer_match: IssuerMatch | None = Field(
        None, description="the organisation in the system with the issuer's name, if exactly one")
    source: SourceOut
    declared: str = Field(DECLARED, description="how copy blocks and signature boxes are meant")


class ConfirmIn(Strict):
    proposal: ProposalBody
    issuer_code: Code | None = Field(
        None, description="an organisation in the system to use as issuer; with create_issuer, "
                          "the new organisation's code")
    create_issuer: bool = Field(False, description="add the issuer (external) if not in the system")
    issuer_name: ShortText | None = Field(None, description="new issuer's name (default: as read)")
    issuer_family: Family | None = Field(None, description="new issuer's family (default: as read)")
    import_copies: bool = Field(False, description="record the copy blocks read (declared)")
    received_at: Instant | None = Field(None, description="defaults to now (server clock)")
    sender: ShortText | None = Field(None, description="default: the last copying office, else "
                                                       "the issuer")
    routed_to: ShortText | None = None
    deadline: Day | None = None
    file_code: Line40 | None = None
    note: Text | None = None
    late_reason: Text | None = Field(
        None, description="a late entry: received before the series' latest receipt, and why "
                          "it is registered now (at least 10 characters)")


class DeclaredSignatureOut(BaseModel):
    organisation: str | None
    signer: str | None
    email: str | None
    signed_at: str | None = Field(description="as declared, ISO 8601 in Vietnam time")
    status: str = DECLARED


class DeclaredCopyOut(BaseModel):
    id: int
    arrival_id: int
    document_id: int
    position: int
    status: str = DECLARED
    kind: str
    notation: str | None
    office: str | None
    place: str | None
    date: dt.date | None
    signer_authority: str | None
    signer_title: str | None
    signer_name: str | None
    recipients: list[str]
    signature: DeclaredSignatureOut | None
    evidence: dict[str, Any]

    @classmethod
    def of(cls, c: Any) -> DeclaredCopyOut:
        has_sig = any(v is not None for v in (c.signature_organisation, c.signature_signer,
                                              c.signature_email, c.signature_signed_at))
        return cls(
            id=c.id, arrival_id=c.arrival_id, document_id=c.document_id, position=c.position,
            kind=c.kind, notation=c.notation, office=c.office, place=c.place, date=c.copied_on,
            signer_authority=c.signer_authority, signer_title=c.signer_title,
            signer_name=c.signer_name, recipients=list(c.recipients),
            signature=DeclaredSignatureOut(
                organisation=c.signature_organisation, signer=c.signature_signer,
                email=c.signature_email, signed_at=signed_at_vn(c.signature_signed_at))
            if has_sig else None,
            evidence=dict(c.evidence))


class DeclaredStampOut(BaseModel):
    id: int
    arrival_id: int
    position: int
    status: str = DECLARED
    office: str | None
    office_line: str | None
    number: int | None = Field(description="that office's số đến, not this register's")
    date: dt.date | None
    routing: str | None
    file_code: str | None
    evidence: dict[str, Any]

    @classmethod
    def of(cls, s: Any) -> DeclaredStampOut:
        return cls(id=s.id, arrival_id=s.arrival_id, position=s.position, office=s.office,
                   office_line=s.office_line, number=s.number, date=s.stamped_on,
                   routing=s.routing, file_code=s.file_code, evidence=dict(s.evidence))


class DeclaredOut(BaseModel):
    status: str = DECLARED
    copies: list[DeclaredCopyOut]
    stamps: list[DeclaredStampOut]


class IssuerOut(BaseModel):
    code: str
    name: str
    family: Family
    external: bool
    created: bool


class ConfirmOut(BaseModel):
    arrival: ArrivalOut
    issuer: IssuerOut
    document_created: bool
    declared: DeclaredOut
    notes: list[str]

    @classmethod
    def of(cls, c: Confirmed) -> ConfirmOut:
        i = c.issuer
        return cls(arrival=ArrivalOut.model_validate(c.arrival),
                   issuer=IssuerOut(code=i.code, name=i.name, family=i.family,
                                    external=i.external, created=c.issuer_created),
                   document_created=c.document_created,
                   declared=DeclaredOut(copies=[DeclaredCopyOut.of(x) for x in c.copies],
                                        stamps=[DeclaredStampOut.of(x) for x in c.stamps]),
                   notes=c.notes)


class DocumentDeclaredCopyOut(DeclaredCopyOut):
    org_code: str = Field(description="the office whose arrival carried the block")
