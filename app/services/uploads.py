"""Checks on uploaded files: size limit and content sniffing (a "PDF" must parse as one)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from app.errors import PayloadTooLarge, UnsupportedMedia

MAX_PAGES = 2000


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes
    page_count: int
    filename: str


def safe_filename(name: str | None) -> str:
    """Keep a display name only: no folders, no control characters (it never reaches a path)."""
    base = (name or "document.pdf").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return (cleaned.strip(" .") or "document.pdf")[:200]


def check_pdf(data: bytes, max_bytes: int, filename: str | None = None,
              field: str = "file") -> CheckedPdf:
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"the file is {len(data)} bytes; the limit is {max_bytes} bytes", field=field)
    if not data.lstrip(b"\r\n\t ")[:5] == b"%PDF-":
        raise UnsupportedMedia("the file is not a PDF (it does not start with %PDF-)",
                               field=field)
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise UnsupportedMedia("encrypted PDFs are not accepted", field=field)
        pages = int(reader.root["/Pages"]["/Count"])
    except UnsupportedMedia:
        raise
    except Exception as exc:  # any parser failure means "not a usable PDF"
        raise UnsupportedMedia(f"the PDF cannot be read: {type(exc).__name__}: {exc}"[:300],
                               field=field) from exc
    if pages < 1 or pages > MAX_PAGES:
        raise UnsupportedMedia(f"the PDF has {pages} pages; 1 to {MAX_PAGES} are accepted",
                               field=field)
    return CheckedPdf(data=data, page_count=pages, filename=safe_filename(filename))
