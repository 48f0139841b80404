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
from app.domain.text import governing_body_heading, vn_upper
from app.render.compose import compose_copy
from app.render.copy_page import CopyBlock, fit_stamp, render_after, stamp_line_count
from app.render.fonts import font_path
from app.render.page_extent import room_below
from signing import (
    CopyForm,
    Manifest,
    OfficeRef,
    OfficeSigner,
    SignedCopy,
    SignerRef,
    SourceKind,
    SourceRef,
    StampPlace,
    StampText,
    sha256_hex,
    sign_copy,
)


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


def number_line(family: Family, notation: str) -> str:
    return f"Số {notation}" if family is Family.PARTY else f"Số: {notation}"


def manifest_for(office: CopyOffice, spec: CopySpec) -> Manifest:
    """What the copy attests (docs/signing.md §2.1); a secret document's copy names its độ mật."""
    extra: dict[str, object] = {"document": spec.document_notation}
    if spec.confidentiality.is_secret:  # ordinary copies keep the manifest they always had
        extra["confidentiality"] = spec.confidentiality.value
    return Manifest(
        kind=CopyForm(spec.kind.value),
        notation=spec.notation,
        office=OfficeRef(office.code, office.name, office.email),
        place=spec.place,
        date=spec.copy_date,
        signer=SignerRef(spec.signer_authority or "", spec.signer_title, spec.signer_name),
        signed_at=format_signing_time_iso(spec.signed_at),
        recipients=tuple(spec.recipients),
        source=SourceRef(spec.source_notation, sha256_hex(spec.source_pdf),
                         SourceKind.COPY if spec.source_is_copy else SourceKind.ORIGINAL),
        parent_manifest_sha256=spec.parent_manifest_sha256,
        pages=None if spec.pages is None else tuple(spec.pages),
        extra=extra,
    )


def _governing_line(office: CopyOffice) -> str | None:
    """The governing body above the office's name: a State one with its usual abbreviations."""
    if not office.parent_name:
        return None
    if office.family is Family.STATE:
        return governing_body_heading(office.parent_name)
    return vn_upper(office.parent_name)


def make_copy_files(office: CopyOffice, spec: CopySpec, identity: OfficeSigner,
                    font: Path | None = None, tsa_url: str | None = None) -> SignedCopy:
    stamp = fit_stamp(StampText.office(
        office.signature_office, office.email, spec.signed_at,
        signer=office.short_name if office.signer_line_first else None,
        office_first=not office.signer_line_first))
    last = -1 if not spec.pages else max(spec.pages) - 1  # the page the block follows
    page = render_after(CopyBlock(
        kind_heading=spec.kind.heading(office.family),
        office_parent=_governing_line(office),
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
        stamp_lines=stamp_line_count(stamp),
    ), room_below(spec.source_pdf, last))
    composed = compose_copy(spec.source_pdf, page.pdf, spec.pages,
                            block_on_last_page=page.on_last_page)
    # The source travels inside the copy (sign_copy attaches it), so the chain verifies from
    # the file alone; a trích sao carries only its chosen pages, never the whole source.
    return sign_copy(
        composed, manifest_for(office, spec), identity, source_pdf=spec.source_pdf, stamp=stamp,
        # The block's pages end the file; the box is on its signature_page (the first).
        place=StampPlace(page.signature_box, page.signature_page - page.page_count),
        reason=f"{spec.kind.heading(office.family)} {spec.notation}",
        font_path=font or font_path("regular"), timestamp_url=tsa_url)
