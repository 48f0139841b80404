"""Vietnamese text helpers: NFC, upper case, and diacritics-insensitive search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Separators a clerk may type between the parts of a notation: hyphens/dashes, slashes, spaces.
_NOTATION_SEPARATORS = re.compile(r"[\s\-‐‑‒–—/\\]+")


def nfc(s: str) -> str:
    """Unicode NFC: the composed form used in TCVN 6909:2001 text and in our database."""
    return unicodedata.normalize("NFC", s)


def vn_upper(s: str) -> str:
    """Vietnamese upper case (chữ in hoa): đ→Đ, ư→Ư, ế→Ế …, returned in NFC."""
    # str.upper maps every Vietnamese letter correctly; NFC first and after so decomposed input
    # (e + combining marks) comes back composed.
    return nfc(nfc(s).upper())


def fold(s: str) -> str:
    """Diacritics-insensitive search key: "Đắk  Nông" → "dak nong"."""
    decomposed = unicodedata.normalize("NFD", s)
    # đ/Đ carry no combining mark (they are separate letters), so map them explicitly.
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()


def fold_notation(s: str) -> list[str]:
    """Notation search tokens: '-', '/' and spaces are alike.

    "160-TB/TW", "160 TB TW" and "160/tb/tw" all give ``["160", "tb", "tw"]``; a leading "Số"
    or "Số:" is dropped so it does not have to be typed, and numbers lose leading zeros.
    """
    tokens = [t for t in _NOTATION_SEPARATORS.split(fold(s).replace(":", " ")) if t]
    if tokens and tokens[0] == "so":
        tokens = tokens[1:]
    # "05" and "5" are the same number: numbers below 10 are written padded or not.
    return [str(int(t)) if t.isascii() and t.isdigit() else t for t in tokens]


def notation_tokens_match(query: str, notation: str) -> bool:
    """True when the folded tokens of ``query`` occur, in order and adjacent, in ``notation``.

    So "160/TB", "tb tw" and "160 TB TW" all find "160-TB/TW".
    """
    q = fold_notation(query)
    t = fold_notation(notation)
    if not q:
        return False
    return any(t[i : i + len(q)] == q for i in range(len(t) - len(q) + 1))


#: Phrases a State governing body's name is written with in short (ND 30 Phụ lục I, II.2.a:
#: "được viết tắt những cụm từ thông dụng"), as offices print them: "UBND TỈNH ĐẮK NÔNG".
_GOVERNING_ABBREVIATIONS = (
    (re.compile(r"\b(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội\s+đồng\s+nhân\s+dân\b", re.IGNORECASE), "HĐND"),
)


def governing_body_heading(name: str) -> str:
    """A State office's governing body (cơ quan chủ quản) as printed above the office's name:
    in capitals with the usual abbreviations ("Ủy ban nhân dân tỉnh Đắk Nông" → "UBND TỈNH ĐẮK
    NÔNG"). Party headings are printed in full ("TỈNH ỦY ĐẮK NÔNG")."""
    text = nfc(name)
    for pattern, short in _GOVERNING_ABBREVIATIONS:
        text = pattern.sub(short, text)
    return vn_upper(text)
