"""The text layer of a PDF, for the search index: bounded, and never an error (a scan without
text, or a PDF the extractor cannot read, simply has no text)."""

from __future__ import annotations

import io
import logging

#: Pages and characters read per file: enough for search, bounded for big or hostile files.
MAX_PAGES = 200
MAX_CHARS = 200_000


def extract_text(data: bytes) -> str:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_CHARS:
                break
        return "\n".join(parts)[:MAX_CHARS]
    except Exception:
        return ""
