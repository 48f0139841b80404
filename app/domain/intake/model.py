"""The proposal the intake parser returns: what a clerk reviews before registering a document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.intake.lines import Line

JSON = dict[str, Any]


@dataclass(frozen=True)
class Evidence:
    """The line a field was read from (1-based) and that line as printed."""

    line: int
    text: str

    @classmethod
    def of(cls, line: Line) -> Evidence:
        return cls(line=line.number, text=line.raw)

    def to_dict(self) -> JSON:
        return {"line": self.line, "text": self.text}


@dataclass
class Signer:
    authority: str | None = None  # "T/M BỘ CHÍNH TRỊ", "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"
    prefixes: list[str] = field(default_factory=list)  # as printed: "T/M", "TM.", "KT."
    title: str | None = None  # chức vụ: "PHÓ CHỦ TỊCH"
    name: str | None = None

    def to_dict(self) -> JSON:
        return {
            "authority": self.authority,
            "prefixes": list(self.prefixes),
            "title": self.title,
            "name": self.name,
        }


@dataclass
class ArrivalStamp:
    """One "ĐẾN" stamp (Phụ lục IV, Mục V of ND 30)."""

    office: str | None
    number: int | None  # số đến
    date: date | None  # ngày đến
    routing: str | None = None  # chuyển
    file_code: str | None = None  # số và ký hiệu hồ sơ
    office_line: str | None = None  # the office as printed

    def to_dict(self) -> JSON:
        return {
            "office": self.office,
            "number": self.number,
            "date": _iso(self.date),
            "routing": self.routing,
            "file_code": self.file_code,
            "office_line": self.office_line,
        }


@dataclass
class SignatureBlock:
    """The visible text of a digital signature ("Cơ quan:", "Email:", "Thời gian ký:")."""

    organisation: str | None = None
    signer: str | None = None  # "Người ký:" / "Ký bởi:"
    email: str | None = None
    signed_at: datetime | None = None

    def to_dict(self) -> JSON:
        return {
            "organisation": self.organisation,
            "signer": self.signer,
            "email": self.email,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
        }


@dataclass
class CopyBlock:
    """A certified-copy block (sao y / sao lục / trích sao) printed after the copied text."""

    kind: str  # SAO_Y | SAO_LUC | TRICH_SAO
    notation: str | None = None
    number: int | None = None
    office: str | None = None
    office_lines: list[str] = field(default_factory=list)
    place: str | None = None
    date: date | None = None
    signer_authority: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    recipients: list[str] = field(default_factory=list)
    signature: SignatureBlock | None = None

    def to_dict(self) -> JSON:
        return {
            "kind": self.kind,
            "notation": self.notation,
            "number": self.number,
            "office": self.office,
            "office_lines": list(self.office_lines),
            "place": self.place,
            "date": _iso(self.date),
            "signer_authority": self.signer_authority,
            "signer_title": self.signer_title,
            "signer_name": self.signer_name,
            "recipients": list(self.recipients),
            "signature": self.signature.to_dict() if self.signature else None,
        }


@dataclass(frozen=True)
class Reference:
    notation: str
    date: date | None = None

    def to_dict(self) -> JSON:
        return {"notation": self.notation, "date": _iso(self.date)}


@dataclass
class Proposal:
    """Everything read from one document's text, each field with the line it came from."""

    family: str | None = None  # "party" | "state"
    national_heading: str | None = None
    issuer: str | None = None
    issuer_parent: str | None = None
    issuer_lines: list[str] = field(default_factory=list)
    number: int | None = None
    notation: str | None = None
    symbol: str | None = None
    doc_type_code: str | None = None
    doc_type: str | None = None
    place: str | None = None
    issued_on: date | None = None
    title: str | None = None
    signer: Signer = field(default_factory=Signer)
    addressees: list[str] = field(default_factory=list)  # kính gửi
    recipients: list[str] = field(default_factory=list)  # nơi nhận
    references: list[Reference] = field(default_factory=list)
    arrival_stamps: list[ArrivalStamp] = field(default_factory=list)
    copies: list[CopyBlock] = field(default_factory=list)
    signature: SignatureBlock | None = None  # the original's own digital signature, if shown
    confidentiality: str | None = None  # MAT | TOI_MAT | TUYET_MAT
    urgency: str | None = None  # KHAN | THUONG_KHAN | HOA_TOC
    evidence: dict[str, Evidence] = field(default_factory=dict)

    def to_dict(self) -> JSON:
        return {
            "family": self.family,
            "national_heading": self.national_heading,
            "issuer": self.issuer,
            "issuer_parent": self.issuer_parent,
            "issuer_line": " / ".join(self.issuer_lines) or None,
            "number": self.number,
            "notation": self.notation,
            "symbol": self.symbol,
            "doc_type_code": self.doc_type_code,
            "doc_type": self.doc_type,
            "place": self.place,
            "issued_on": _iso(self.issued_on),
            "title": self.title,
            "signer": self.signer.to_dict(),
            "addressees": list(self.addressees),
            "recipients": list(self.recipients),
            "references": [r.notation for r in self.references],
            "reference_details": [r.to_dict() for r in self.references],
            "arrival_stamps": [s.to_dict() for s in self.arrival_stamps],
            "copies": [c.to_dict() for c in self.copies],
            "signature": self.signature.to_dict() if self.signature else None,
            "confidentiality": self.confidentiality,
            "urgency": self.urgency,
            "evidence": {k: v.to_dict() for k, v in sorted(self.evidence.items())},
        }

    def to_text(self) -> str:
        from app.domain.intake.render import render_text

        return render_text(self)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
