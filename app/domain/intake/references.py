"""Documents the text cites: "Kết luận số 62-KL/TW, ngày 08/12/2009" → notation and date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.domain.intake.dates import make_date, numeric_date
from app.domain.intake.lines import Line, fold
from app.domain.intake.number import try_notation

_L = "A-Za-zĐđ"
_GROUP = rf"[A-ZĐ][{_L}0-9]*"
_NOTATION = re.compile(
    rf"(?<![\w/.-])("
    rf"\d{{1,5}}\s?-\s?[A-ZĐ][{_L}]{{0,5}}/{_GROUP}(?:-{_GROUP})*"  # Party 62-KL/TW
    rf"|\d{{1,5}}/(?:\d{{4}}/)?[A-ZĐ][{_L}]{{0,7}}-{_GROUP}(?:-{_GROUP})*"  # State 15/2020/NĐ-CP
    rf"|\d{{1,5}}/\d{{4}}/QH\d{{1,2}}"  # a law: 80/2015/QH13
    rf")(?![\w/])"
)
_DATE_AFTER = re.compile(
    r"^\s*,?\s*(?:NGAY|BAN HANH NGAY)\s+"
    r"(?:(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})|(\d{1,2})\s+THANG\s+(\d{1,2})\s+NAM\s+(\d{4}))"
)


@dataclass(frozen=True)
class Citation:
    notation: str
    date: date | None
    index: int


def _date_after(text: str) -> date | None:
    match = _DATE_AFTER.match(fold(text))
    if match is None:
        return None
    if match.group(1):
        return numeric_date(match.group(1))
    return make_date(int(match.group(4)), int(match.group(3)), int(match.group(2)))


def find_citations(lines: list[Line], indexes: list[int], exclude: set[str]) -> list[Citation]:
    """Each cited notation once, first citation first; a later citation may supply the date."""
    found: dict[str, Citation] = {}
    for i in indexes:
        text = lines[i].text
        for match in _NOTATION.finditer(text):
            notation = re.sub(r"\s", "", match.group(1))
            if notation in exclude or try_notation(notation) is None:
                continue
            cited = _date_after(text[match.end() :])
            known = found.get(notation)
            if known is None:
                found[notation] = Citation(notation, cited, i)
            elif known.date is None and cited is not None:
                found[notation] = Citation(notation, cited, known.index)
    return list(found.values())
