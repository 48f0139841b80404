"""Date lines ("Hà Nội, ngày 15 tháng 01 năm 2020"), with or without diacritics or line breaks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.domain.dates import parse_numeric_date
from app.domain.errors import DateTextError
from app.domain.intake.lexicon import restore_place
from app.domain.intake.lines import Line, fold

_DATE = re.compile(r"NGAY\s*(\d{1,2})\s*THANG\s*(\d{1,2})\s*NAM\s*(\d{4})")
_DATE_START = re.compile(r"NGAY\s*\d{1,2}(\s*THANG(\s*\d{1,2}(\s*NAM)?)?)?\s*\.?$")
_NUMERIC = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}")


@dataclass(frozen=True)
class DateLine:
    index: int  # index of the first line used
    place: str | None
    date: date


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _place(before: str) -> str | None:
    # Two columns joined by OCR ("Số: 12/QĐ-UBND Đắk Nông, ngày…"): the place follows the notation.
    words = before.strip(" ,").split()
    for i in range(len(words) - 1, -1, -1):
        if any(c.isdigit() for c in words[i]):
            words = words[i + 1 :]
            break
    place = " ".join(words).strip(" ,")
    return restore_place(place) if place else None


def read_date_line(lines: list[Line], index: int) -> DateLine | None:
    """The date line starting at `lines[index]`, joining a line broken inside the date."""
    line = lines[index]
    text, folded = line.text, line.fold
    match = _DATE.search(folded)
    if match is None and _DATE_START.search(folded):
        nxt = next((j for j in range(index + 1, min(index + 3, len(lines))) if lines[j].text), None)
        if nxt is not None:
            text = text + " " + lines[nxt].text
            folded = fold(text)
            match = _DATE.search(folded)
    if match is None:
        return None
    day = make_date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if day is None:
        return None
    place = _place(text[: match.start()])
    if place is None and index > 0 and lines[index - 1].text.endswith(","):
        place = restore_place(lines[index - 1].text.strip(" ,"))  # "Hà Nội," broken off
    return DateLine(index=index, place=place, date=day)


def find_date_line(lines: list[Line], start: int, end: int) -> DateLine | None:
    for i in range(start, min(end, len(lines))):
        found = read_date_line(lines, i)
        if found is not None:
            return found
    return None


def numeric_date(text: str) -> date | None:
    """The first dd/mm/yyyy (or dd.mm.yyyy) date in `text`, or None."""
    match = _NUMERIC.search(text)
    if match is None:
        return None
    try:
        return parse_numeric_date(re.sub(r"\s", "", match.group()))
    except DateTextError:
        return None
