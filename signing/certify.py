"""Sign a certified copy (bản sao): the one way a copy is made, beside `verify_chain`, the one
way it is checked.

The caller gives the composed pages (the source's pages and the copy block) and what the copy
attests (`Manifest`); this attaches the source (not for a trích sao, which carries only its
chosen pages), signs and attaches the manifest, and signs the PDF with the visible stamp, the
manifest's digest in /ContactInfo and the manifest's signing time (docs/signing.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from signing.manifest import SignedManifest, sign_manifest
from signing.manifest_model import CopyForm, Manifest, sha256_hex
from signing.pdf_sign import StampText, embed_manifest, embed_parent, sign_pdf
from signing.signer import OfficeSigner
from signing.timefmt import parse_iso

#: The signature field of every copy.
COPY_FIELD = "SaoVanBan"


@dataclass(frozen=True)
class StampPlace:
    """Where the visible signature box goes: (x1, y1, x2, y2) in points on `page` (0-based,
    negative from the end)."""

    box: tuple[float, float, float, float]
    page: int = -1


@dataclass(frozen=True)
class SignedCopy:
    pdf: bytes = field(repr=False)
    manifest: SignedManifest

    @property
    def pdf_sha256(self) -> str:
        return sha256_hex(self.pdf)


def sign_copy(
    composed: bytes,
    manifest: Manifest,
    identity: OfficeSigner,
    *,
    source_pdf: bytes | None,
    stamp: StampText,
    place: StampPlace,
    reason: str,
    font_path: Path | None = None,
    timestamp_url: str | None = None,
) -> SignedCopy:
    """Attach, sign and seal one copy. `source_pdf` is the document copied (required unless
    the copy is a trích sao); its digest must be the one the manifest attests. `identity` is
    the office's key in a file or on a token: one session signs the manifest and the PDF."""
    if manifest.kind is not CopyForm.TRICH_SAO:
        if source_pdf is None:
            raise ValueError(f"a {manifest.kind.value} copy carries its source: give source_pdf")
        if sha256_hex(source_pdf) != manifest.source.sha256:
            raise ValueError("source_pdf is not the document the manifest attests")
        notation = manifest.source.notation
        composed = embed_parent(composed, source_pdf, f"{notation.replace('/', '_')}.pdf",
                                f"Bản được sao: {notation}")
    with identity.open() as key:
        envelope = sign_manifest(manifest, key)
        composed = embed_manifest(composed, envelope.to_json())
        signed = sign_pdf(
            composed, key, signed_at=parse_iso(manifest.signed_at), appearance=stamp,
            box=place.box, page=place.page, field_name=COPY_FIELD, font_path=font_path,
            manifest_sha256=envelope.sha256, reason=reason, location=manifest.place,
            timestamp_url=timestamp_url)
    return SignedCopy(pdf=signed, manifest=envelope)
