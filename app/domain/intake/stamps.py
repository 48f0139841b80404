"""Arrival stamps ("ĐẾN" / Số / Ngày / Chuyển), wherever OCR has put them in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.domain.intake.dates import numeric_date
from app.domain.intake.lines import Line, fold
from app.domain.intake.model import ArrivalStamp
from app.domain.intake.offices import normalise_office

#: Folded label → stamp field, longest first (so "SO VA KY HIEU HS" is not read as "SO").
_LABELS: tuple[tuple[str, str], ...] = (
    ("SO VA KY HIEU HS", "file_code"),
    ("SO DEN", "number"),
    ("NGAY DEN", "date"),
    ("NGUOI GUI", "ignored"),
    ("CHUYEN", "routing"),
    ("NGAY", "date"),
    ("GIO", "ignored"),
    ("SO", "number"),
)
_MAX_OFFICE_LINES = 2


@dataclass
class FoundStamp:
    stamp: ArrivalStamp
    word_index: int  # the "ĐẾN" line
    office_index: int | None = None
    field_index: dict[str, int] = field(default_factory=dict)
    indexes: set[int] = field(default_factory=set)


def _label(text: str) -> tuple[str, str] | None:
    """(field, value) of a stamp field line such as "Ngày: 29/01/2020"."""
    folded = fold(text)
    for label, name in _LABELS:
        if re.match(rf"^{label}\b\s*:?", folded):
            value = text.split(":", 1)[1] if ":" in text else text[len(label) :]
            return name, value.strip()
    return None


def _value(text: str) -> str | None:
    cleaned = text.strip(" .…:")
    return cleaned or None


def _read(lines: list[Line], word: int) -> FoundStamp:
    found = FoundStamp(stamp=ArrivalStamp(office=None, number=None, date=None), word_index=word)
    found.indexes.add(word)
    office: list[int] = []
    j = word - 1
    while j >= 0 and len(office) < _MAX_OFFICE_LINES and lines[j].is_upper:
        office.insert(0, j)
        j -= 1
    if office:
        found.office_index = office[0]
        found.indexes.update(office)
        texts = [lines[k].text for k in office]
        found.stamp.office = normalise_office(texts)
        found.stamp.office_line = " / ".join(texts)
    rest = lines[word].text.split(None, 1)  # "ĐẾN Số: 952" on one line
    pending = [(word, rest[1])] if len(rest) == 2 else []
    k = word + 1
    while k < len(lines) and not lines[k].blank and len(pending) < 8:
        if _label(lines[k].text) is None:
            break
        pending.append((k, lines[k].text))
        k += 1
    for index, text in pending:
        labelled = _label(text)
        if labelled is None:
            continue
        name, raw_value = labelled
        found.indexes.add(index)
        value = _value(raw_value)
        digits = re.match(r"\d+", value or "")
        if name == "number" and digits:
            found.stamp.number = int(digits.group())
        elif name == "date" and value:
            found.stamp.date = numeric_date(value)
        elif name == "routing":
            found.stamp.routing = value
        elif name == "file_code":
            found.stamp.file_code = value
        else:
            continue
        if value is not None:
            found.field_index[name] = index
    return found


def find_stamps(lines: list[Line]) -> list[FoundStamp]:
    """Every arrival stamp: a line reading "ĐẾN" (maybe "DEN", maybe followed by "Số: …")."""
    stamps = []
    for i, line in enumerate(lines):
        words = line.fold.replace(":", " ").split()
        if words[:1] == ["DEN"] and (len(words) == 1 or words[1] == "SO"):
            stamps.append(_read(lines, i))
    return stamps
