"""The "Số …" line: number and notation (số và ký hiệu) of a document or a copy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import NotationError
from app.domain.intake.lines import Line
from app.domain.notation import Notation, parse_notation

_NUMBER_PREFIX = re.compile(r"^SO\s*:?\s*(?=\d)")
_AROUND_SEPARATOR = re.compile(r"\s*([-/])\s*")
_LEADING = re.compile(r"\d+[-/]")


@dataclass(frozen=True)
class NumberLine:
    index: int
    notation: str  # as printed, stray spaces removed: "397-BS/VPTU"
    parsed: Notation
    continued_on: int | None = None  # the next line, when the notation was broken across two

    @property
    def symbol(self) -> str:
        """The ký hiệu without the number (and without the year of a normative document)."""
        match = _LEADING.match(self.notation)
        body = self.notation[match.end() :] if match else self.notation
        if self.parsed.year is not None and body.startswith(f"{self.parsed.year}/"):
            body = body[5:]
        return body


def compact_notation(text: str) -> str:
    """ "397 -BS/VPTU" → "397-BS/VPTU": the rules allow no space inside a notation."""
    return _AROUND_SEPARATOR.sub(r"\1", text.strip())


def try_notation(token: str) -> Notation | None:
    try:
        return parse_notation(token)
    except NotationError:
        return None


def read_number_line(lines: list[Line], index: int) -> NumberLine | None:
    line = lines[index]
    match = _NUMBER_PREFIX.match(line.fold)
    if match is None:
        return None
    words = compact_notation(line.text[match.end() :]).split()
    token = words[0].rstrip(".,;") if words else ""
    nxt = None
    if token.endswith(("-", "/")):  # a line break inside the notation
        nxt = next((j for j in range(index + 1, min(index + 3, len(lines))) if lines[j].text), None)
        if nxt is not None:
            token = compact_notation(token + lines[nxt].text).split()[0].rstrip(".,;")
    parsed = try_notation(token)
    if parsed is None:
        return None
    return NumberLine(index=index, notation=token, parsed=parsed, continued_on=nxt)


def find_number_line(lines: list[Line], start: int, end: int) -> NumberLine | None:
    for i in range(start, min(end, len(lines))):
        found = read_number_line(lines, i)
        if found is not None:
            return found
    return None
