"""Split raw text into clean logical lines, keeping the physical line number for evidence.

OCR and PDF text come with Markdown residue ("## THÔNG BÁO", "\\*"), tabs between columns,
doubled or stray combining accents, and the Icelandic "Ð" for "Đ". A physical line that holds
two columns (a tab or a run of three spaces between them) becomes two logical lines with the
same number, so
"ĐẾN<TAB>Số: 952" reads as the stamp word and its first field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_COLUMN_GAP = re.compile(r"\t+| {3,}")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_SPACES = re.compile(r"\s+")
_OCR_CHARS = str.maketrans({"Ð": "Đ", "ð": "đ", "\u00a0": " ", "–": "-", "—": "-", "…": "..."})


@dataclass(frozen=True)
class Line:
    """One logical line: a column cell of a physical line."""

    number: int  # 1-based physical line number in the input
    raw: str  # the physical line, surrounding whitespace stripped (what evidence shows)
    text: str  # cleaned text of this cell
    fold: str  # `text` upper-cased without diacritics; same length as `text`

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def is_upper(self) -> bool:
        """True when the line has letters and none of them is lower-case (an office or title)."""
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and not any(c.islower() for c in letters)


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "D"
    base = unicodedata.normalize("NFD", ch)[0]
    upper = base.upper()
    return upper if len(upper) == 1 else base


def fold(text: str) -> str:
    """Upper-case `text` and drop its diacritics, character for character (đ → D)."""
    return "".join(_fold_char(c) for c in text)


def clean(text: str) -> str:
    """NFC, OCR character fixes, no stray combining marks, Markdown residue removed, one space."""
    text = unicodedata.normalize("NFC", text.translate(_OCR_CHARS))
    # A mark that did not compose is a doubled or misplaced accent: the base letter keeps its own.
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _MARKDOWN_HEADING.sub("", text.strip())
    text = text.replace("\\*", "*").replace("**", "").replace("\\", "")
    return _SPACES.sub(" ", text).strip()


def split_lines(text: str) -> list[Line]:
    """Logical lines of `text`, blank lines kept (they separate blocks)."""
    out: list[Line] = []
    for number, physical in enumerate(text.splitlines(), start=1):
        raw = physical.strip()
        cells = [c for c in _COLUMN_GAP.split(physical.rstrip()) if c.strip()] or [""]
        for cell in cells:
            cleaned = clean(cell)
            out.append(Line(number=number, raw=raw, text=cleaned, fold=fold(cleaned)))
    return out
