"""Make a certified copy's files: render the copy block, compose, embed the parent, sign.

No database here: given what the copy attests and the office's identity, return the signed PDF
and the signed manifest (docs/signing.md §2). The copies service stores them and writes the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.domain.copy_forms import CopyKind
from app.domain.dates import format_date_line, format_signing_time_iso
from app.domain.doc_types import Family
from app.domain.marks import Confidentiality
from app.domain.text import vn_upper
from app.render.compose import compose_copy
from app.render.copy_page import CopyBlock, render_copy_page
from app.render.fonts import font_path
from signing.identity import SigningIdentity
from signing.manifest import SignedManifest, sign_manifest
from signing.pdf_sign import StampText, embed_manifest, embed_parent, sha256_hex, sign_pdf

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class CopyOffice:
    """How the copying office appears on the copy and in its signature box."""

    code: str
    name: str
    parent_name: str | None  # tên cơ quan chủ quản, printed above the office name
    short_name: str  # "Văn phòng"
    email: str
    family: Family
    signature_office: str  # "Cơ quan: …" in the signature box
    signer_line_first: bool  # the seed's second form: "Người ký: …" first, "Cơ quan" after Email


@dataclass(frozen=True)
class CopySpec:
    kind: CopyKind
    notation: str
    place: str
    copy_date: date
    signed_at: datetime
    signer_authority: str | None
    signer_title: str
    signer_name: str
    recipients: list[str]
    pages: list[int] | None
    source_notation: str
    source_pdf: bytes
    source_is_copy: bool
    parent_manifest_sha256: str | None
    document_notation: str
    #: the document's độ mật: a secret one prints its mark and names it in the manifest
    confidentiality: Confidentiality = Confidentiality.NONE


@dataclass(frozen=True)
class CopyFiles:
    pdf: bytes
    manifest: SignedManifest

    @property
    def pdf_sha256(self) -> str:
        return sha256_hex(self.pdf)


def number_line(family: Family, notation: str) -> str:
    return f"Số {notation}" if family is Family.PARTY else f"Số: {notation}"


def manifest_for(office: CopyOffice, spec: CopySpec) -> dict[str, object]:
    manifest: dict[str, object] = {
        "version": MANIFEST_VERSION,
        "kind": spec.kind.value,
        "notation": spec.notation,
        "office": {"code": office.code, "name": office.name, "email": office.email},
        "place": spec.place,
        "date": spec.copy_date.isoformat(),
        "signer": {"authority": spec.signer_authority or "", "title": spec.signer_title,
                   "name": spec.signer_name},
        "signed_at": format_signing_time_iso(spec.signed_at),
        "recipients": list(spec.recipients),
        "source": {"notation": spec.source_notation, "sha256": sha256_hex(spec.source_pdf),
                   "kind": "copy" if spec.source_is_copy else "original"},
        "parent_manifest_sha256": spec.parent_manifest_sha256,
        "pages": spec.pages,
        "document": spec.document_notation,
    }
    if spec.confidentiality.is_secret:  # ordinary copies keep the manifest they always had
        manifest["confidentiality"] = spec.confidentiality.value
    return manifest


def make_copy_files(office: CopyOffice, spec: CopySpec, identity: SigningIdentity,
                    font: Path | None = None) -> CopyFiles:
    page = render_copy_page(CopyBlock(
        kind_heading=spec.kind.heading(office.family),
        office_parent=vn_upper(office.parent_name) if office.parent_name else None,
        office_name=vn_upper(office.short_name),
        party=office.family is Family.PARTY,
        number_line=number_line(office.family, spec.notation),
        date_line=format_date_line(spec.place, spec.copy_date, office.family),
        signer_authority=spec.signer_authority,
        signer_title=spec.signer_title,
        signer_name=spec.signer_name,
        recipients=list(spec.recipients),
        note=None if not spec.pages else
        "Trích sao trang " + ", ".join(str(p) for p in spec.pages),
        confidentiality_mark=spec.confidentiality.label or None,
    ))
    composed = compose_copy(spec.source_pdf, page.pdf, spec.pages)
    # The source travels inside the copy, so the chain verifies from the file alone; a trích
    # sao carries only its chosen pages, never the whole source.
    if spec.kind is not CopyKind.TRICH_SAO:
        composed = embed_parent(composed, spec.source_pdf,
                                f"{spec.source_notation.replace('/', '_')}.pdf",
                                f"Bản được sao: {spec.source_notation}")
    manifest = sign_manifest(manifest_for(office, spec), identity)
    composed = embed_manifest(composed, manifest.to_json())
    stamp = StampText.office(
        office.signature_office, office.email, spec.signed_at,
        signer=office.short_name if office.signer_line_first else None,
        office_first=not office.signer_line_first)
    signed = sign_pdf(
        composed, identity, signed_at=spec.signed_at, appearance=stamp,
        # The block's pages end the file; the box is on its signature_page (the first).
        box=page.signature_box, page=page.signature_page - page.page_count,
        field_name="SaoVanBan",
        font_path=font or font_path("regular"), manifest_sha256=manifest.sha256,
        reason=f"{spec.kind.heading(office.family)} {spec.notation}", location=spec.place)
    return CopyFiles(pdf=signed, manifest=manifest)
