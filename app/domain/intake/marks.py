"""Confidentiality (độ mật) and urgency (độ khẩn) marks: stamp lines such as "MẬT", "HỎA TỐC"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.intake.lines import Line

#: Folded phrase → (field, value); longest phrases are tried first.
_MARKS: dict[str, tuple[str, str]] = {
    "TUYET MAT": ("confidentiality", "TUYET_MAT"),
    "TOI MAT": ("confidentiality", "TOI_MAT"),
    "MAT": ("confidentiality", "MAT"),
    "HOA TOC HEN GIO": ("urgency", "HOA_TOC"),  # edXML's fifth level; ND 30 knows Hỏa tốc only
    "HOA TOC": ("urgency", "HOA_TOC"),
    "THUONG KHAN": ("urgency", "THUONG_KHAN"),
    "KHAN": ("urgency", "KHAN"),
}
_PHRASES = sorted(_MARKS, key=lambda p: -len(p.split()))


@dataclass(frozen=True)
class Mark:
    index: int
    field: str  # "confidentiality" | "urgency"
    value: str


def read_marks(lines: list[Line], index: int) -> list[Mark]:
    """The marks a line consists of, or [] when the line holds anything else."""
    line = lines[index]
    if not line.is_upper:
        return []
    words = re.sub(r"[^A-Z ]", " ", line.fold).split()
    found: list[Mark] = []
    i = 0
    while i < len(words):
        for phrase in _PHRASES:
            n = len(phrase.split())
            if " ".join(words[i : i + n]) == phrase:
                field, value = _MARKS[phrase]
                found.append(Mark(index, field, value))
                i += n
                break
        else:
            return []
    return found


def find_marks(lines: list[Line]) -> list[Mark]:
    return [mark for i in range(len(lines)) for mark in read_marks(lines, i)]
