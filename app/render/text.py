"""Text helpers shared by the renderers: NFC normalisation, wrapping, recipient lists."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from reportlab.pdfbase.pdfmetrics import stringWidth

from app.domain.copy_forms import filing_line
from app.domain.doc_types import Family


def nfc(text: str) -> str:
    """NFC form: precomposed Vietnamese letters (ệ, not e + ̣ + ̂), one glyph each."""
    return unicodedata.normalize("NFC", text)


def _split_long_word(word: str, font: str, size: float, width: float) -> list[str]:
    """Break a word wider than `width` (a long notation, an e-mail) at character level."""
    parts: list[str] = []
    current = ""
    for ch in word:
        if current and stringWidth(current + ch, font, size) > width:
            parts.append(current)
            current = ch
        else:
            current += ch
    if current:
        parts.append(current)
    return parts


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap to `width` points; explicit newlines are kept; never returns []."""
    lines: list[str] = []
    for raw in nfc(text).split("\n"):
        current = ""
        for word in raw.split():
            pieces = (
                _split_long_word(word, font, size, width)
                if stringWidth(word, font, size) > width
                else [word]
            )
            for piece in pieces:
                candidate = f"{current} {piece}" if current else piece
                if current and stringWidth(candidate, font, size) > width:
                    lines.append(current)
                    current = piece
                else:
                    current = candidate
        lines.append(current)
    return lines or [""]


def bare_recipient(item: str) -> str:
    """Recipient text without the leading dash and trailing punctuation the caller may add."""
    text = nfc(item).strip()
    text = text.removeprefix("-").strip()
    return text.rstrip(",;.").strip()


def format_recipients(recipients: Iterable[str], party: bool) -> list[str]:
    """Lines of a "Nơi nhận" block.

    Party (HD 36): "- X," … last "- Lưu <đơn vị>."; State (ND 30 Phụ lục I, II.9): "- X;" …
    last "- Lưu: VT.". When no item starts with "Lưu", the filing line is appended
    ("Lưu VT" for Party, "Lưu: VT" for State).
    """
    family = Family.PARTY if party else Family.STATE
    items = [bare_recipient(r) for r in recipients]
    items = [filing_line(family, i) if i.startswith("Lưu") else i for i in items if i]
    if not any(i.startswith("Lưu") for i in items):
        items.append(filing_line(family))
    separator = "," if party else ";"
    return [f"- {item}{'.' if n == len(items) - 1 else separator}" for n, item in enumerate(items)]
