"""PAdES signing with pyHanko: a visible Vietnamese signature box and attached parent PDFs.

Where things go (see docs/signing.md): the signature is a PAdES baseline-B signature
(/SubFilter /ETSI.CAdES.detached) whose CMS signingTime and /M are the caller's `signed_at`;
the manifest digest, when given, is the signature dictionary's /ContactInfo as
``manifest-sha256:<64 hex>`` (inside the signed byte range).
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle

from signing.signer import OfficeSigner
from signing.timefmt import format_stamp_time, require_aware

MANIFEST_PREFIX = "manifest-sha256:"
FONT_CANDIDATES = (
    "truetype/liberation2/LiberationSerif-Regular.ttf",
    "truetype/liberation/LiberationSerif-Regular.ttf",
    "truetype/dejavu/DejaVuSerif.ttf",
)


def pdf_ready_font(font_path: Path) -> Path:
    """A copy of the font with 1000 units per em, which pyHanko's CID font writer needs.

    pyHanko 0.38 writes /W widths and TJ adjustments in the font's own units, but PDF reads
    them as 1/1000 em; a 2048-unit TrueType font (Liberation, DejaVu) then shows its letters
    spread twice as wide. Rescaling the font to 1000 units makes both agree. Hinting is
    dropped (it would not survive the rescale) and so is FFTM (fontTools cannot subset it).
    """
    data = font_path.read_bytes()
    return _rescaled(hashlib.sha256(data).hexdigest(), str(font_path))


@functools.lru_cache(maxsize=8)
def _rescaled(digest: str, font_path: str) -> Path:
    font = TTFont(font_path)
    if font["head"].unitsPerEm == 1000 and "FFTM" not in font:
        return Path(font_path)
    cache = Path(tempfile.gettempdir()) / "vanthu-fonts"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{digest[:24]}-1000upem.ttf"
    if target.is_file():
        return target
    scale_upem(font, 1000)
    for tag in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "FFTM"):
        if tag in font:
            del font[tag]
    if "glyf" in font:
        glyf = font["glyf"]
        for name in glyf.glyphOrder:
            glyf[name].removeHinting()
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(partial))
    os.replace(partial, target)  # atomic, so concurrent signers never read half a file
    return target


def find_font(roots: Sequence[Path] = (Path("/usr/share/fonts"),)) -> Path:
    """Liberation Serif (Times metrics, full Vietnamese), else DejaVu Serif."""
    for root in roots:
        for rel in FONT_CANDIDATES:
            if (root / rel).is_file():
                return root / rel
    raise FileNotFoundError(
        "no Vietnamese-capable serif font found; install fonts-liberation2 (Debian)"
    )


@dataclass(frozen=True)
class StampText:
    """Lines of the visible signature box, in order: (label, value) → "label: value"."""

    lines: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def office(
        cls,
        office: str,
        email: str,
        signed_at: datetime,
        *,
        signer: str | None = None,
        office_first: bool = True,
    ) -> StampText:
        """The seed's two orders: Cơ quan, Email, Thời gian ký; or [Người ký,] Email, Cơ quan, …"""
        time_line = ("Thời gian ký", format_stamp_time(signed_at))
        if office_first:
            lines = [("Cơ quan", office), ("Email", email)]
        else:
            lines = [("Email", email), ("Cơ quan", office)]
        if signer is not None:
            lines.insert(0, ("Người ký", signer))
        return cls([*lines, time_line])

    def text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.lines)


def embed_parent(pdf: bytes, parent_pdf: bytes, name: str, description: str) -> bytes:
    """Attach `parent_pdf` as an embedded file (before signing, so the signature covers it)."""
    return embed_attachment(pdf, parent_pdf, name, description, "application/pdf")


#: The name under which a copy carries its own signed manifest envelope.
MANIFEST_ATTACHMENT = "manifest.json"


def embed_manifest(pdf: bytes, envelope_json: bytes) -> bytes:
    """Attach the copy's signed manifest envelope, so the PDF verifies on its own (offline).
    The PDF signature then covers it, and records its digest in /ContactInfo."""
    return embed_attachment(pdf, envelope_json, MANIFEST_ATTACHMENT,
                            "Signed manifest (vanthu.signed-manifest/1)", "application/json")


def embed_attachment(pdf: bytes, payload: bytes, name: str, description: str,
                     mime_type: str) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    data = embed.EmbeddedFileObject.from_file_data(
        writer,
        payload,
        mime_type=mime_type,
        params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True),
    )
    ascii_name = name.encode("ascii", "replace").decode("ascii")
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=ascii_name,
            file_name=name,
            embedded_data=data,
            description=description,
        ),
    )
    out = BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


class _FixedTimeSigner(signers.PdfSigner):
    """pyHanko takes the clock by default; we sign at the caller's (historical) time."""

    def __init__(self, *args: Any, signed_at: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signed_at = signed_at

    def init_signing_session(
        self, pdf_out: Any, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signed_at
        return session


def stamp_style(font_path: Path, font_size: int = 10) -> TextStampStyle:
    return TextStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(pdf_ready_font(font_path)), font_size=font_size),
            leading=font_size + 2,
            box_layout_rule=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins(4, 4, 4, 4),
            ),
        ),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(6, 6, 4, 4),
        ),
        border_width=1,
        background=None,
    )


def sign_pdf(
    pdf: bytes,
    identity: OfficeSigner,
    *,
    signed_at: datetime,
    appearance: StampText,
    box: tuple[float, float, float, float],
    page: int = -1,
    field_name: str = "Signature1",
    font_path: Path | None = None,
    manifest_sha256: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    timestamp_url: str | None = None,
) -> bytes:
    """Sign `pdf` (PAdES B-B, incremental update) with a visible box at `box` on `page`;
    with `timestamp_url`, the signature also carries an RFC 3161 timestamp from that TSA
    (PAdES B-T), which says when the signature existed, beside the time it claims.

    `box` is (x1, y1, x2, y2) in PDF points; `page` is 0-based, -1 = last page. `identity`
    is the office's key in a file (pyHanko's SimpleSigner) or on a token (its PKCS11Signer).
    """
    require_aware(signed_at, "signed_at")
    if manifest_sha256 is not None and (
        len(manifest_sha256) != 64 or any(ch not in "0123456789abcdef" for ch in manifest_sha256)
    ):
        raise ValueError("manifest_sha256 must be 64 lowercase hex digits")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        # RFC 8419: Ed25519 in CMS pairs with SHA-512; the others use SHA-256.
        md_algorithm="sha512" if identity.key_type == "ed25519" else "sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        contact_info=f"{MANIFEST_PREFIX}{manifest_sha256}" if manifest_sha256 else None,
    )
    with identity.open() as key:
        return _sign_with(pdf, key.pdf_signer(), meta, signed_at=signed_at, appearance=appearance,
                          box=box, page=page, field_name=field_name, font_path=font_path,
                          timestamp_url=timestamp_url)


def _sign_with(pdf: bytes, pdf_signer: signers.Signer, meta: signers.PdfSignatureMetadata, *,
               signed_at: datetime, appearance: StampText, box: tuple[float, float, float, float],
               page: int, field_name: str, font_path: Path | None,
               timestamp_url: str | None) -> bytes:
    signer = _FixedTimeSigner(
        meta,
        pdf_signer,
        signed_at=signed_at,
        timestamper=None if timestamp_url is None else HTTPTimeStamper(timestamp_url, timeout=30),
        stamp_style=stamp_style(font_path or find_font()),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=page,
            box=box,  # type: ignore[arg-type]  # pyHanko annotates ints; PDF points are reals
        ),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    out = BytesIO()
    signer.sign_pdf(
        writer,
        appearance_text_params={"text": appearance.text()},
        output=out,
    )
    return out.getvalue()


def sig_contact_manifest(contact_info: generic.PdfObject | None) -> str | None:
    """The manifest digest recorded in /ContactInfo, if any."""
    if contact_info is None:
        return None
    text = str(contact_info)
    if text.startswith(MANIFEST_PREFIX):
        return text[len(MANIFEST_PREFIX) :]
    return None
