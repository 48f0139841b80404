"""The type line ("THÔNG BÁO", "QUYẾT ĐỊNH") and the title (trích yếu) below it, or a "V/v" line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.doc_types import DocType, Family, type_by_name
from app.domain.intake.lines import Line

_BODY_STARTS = (
    "CAN CU",
    "TAI ",
    "KINH GUI",
    "THUC HIEN",
    "THEO ",
    "DIEU ",
    "XET ",
    "THI HANH",
    "CHUONG ",
    "PHAN ",
    "NOI NHAN",
    "NGAY ",
    "HOM NAY",
)
_SEPARATOR = re.compile(r"^[-*_=. ]+$")
_SUMMARY = re.compile(r"^V\s?/\s?V\b")
_MAX_TITLE_LINES = 6


@dataclass(frozen=True)
class TypeLine:
    index: int
    doc_type: DocType


@dataclass(frozen=True)
class Title:
    text: str
    index: int
    indexes: tuple[int, ...]


def read_type_line(line: Line, index: int) -> TypeLine | None:
    """A line that is nothing but a type name, upper-case (the Party's "BẢN SAO" excluded)."""
    if not line.is_upper:
        return None
    name = line.text.strip(" :.")
    for family in (Family.PARTY, Family.STATE):
        found = type_by_name(family, name)
        if found is not None and not found.is_copy:
            return TypeLine(index, found)
    return None


def find_type_line(lines: list[Line], start: int, end: int) -> TypeLine | None:
    for i in range(start, min(end, len(lines))):
        found = read_type_line(lines[i], i)
        if found is not None:
            return found
    return None


def _starts_body(line: Line) -> bool:
    return line.fold.startswith(_BODY_STARTS) or line.text[:1].isdigit() or len(line.text) > 220


def read_title(lines: list[Line], type_index: int, end: int) -> Title | None:
    """The lines after the type line up to the body, joined by single spaces."""
    taken: list[int] = []
    saw_blank = False
    for i in range(type_index + 1, min(end, len(lines))):
        line = lines[i]
        if line.blank:
            saw_blank = True
            continue
        if _SEPARATOR.match(line.text):
            if taken:
                break
            continue
        if _starts_body(line) or line.text[:1] in "-+•":
            break
        if taken:
            previous_upper = lines[taken[-1]].is_upper
            if line.is_upper and not previous_upper:
                break  # the enacting body ("ỦY BAN NHÂN DÂN TỈNH …") under a lower-case title
            if saw_blank and not previous_upper and not line.text[0].islower():
                break  # a new paragraph
        taken.append(i)
        saw_blank = False
        if len(taken) == _MAX_TITLE_LINES:
            break
    if not taken:
        return None
    text = " ".join(lines[i].text for i in taken)
    return Title(text=text, index=taken[0], indexes=tuple(taken))


def find_summary(lines: list[Line], start: int, end: int) -> Title | None:
    """A công văn's "V/v …" line (về việc), with the lines it wraps onto."""
    end = min(end, len(lines))
    for i in range(start, end):
        if _SUMMARY.match(lines[i].fold):
            taken = [i]
            for j in range(i + 1, end):
                nxt = lines[j]
                if nxt.blank or not nxt.text[0].islower():
                    break
                taken.append(j)
            text = " ".join(lines[j].text for j in taken)
            return Title(text=text, index=i, indexes=tuple(taken))
    return None
