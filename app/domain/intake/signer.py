"""The signer block: authority prefix (T/M, TM., KT., TL., TUQ., Q.), title (chức vụ) and name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.domain.intake.lexicon import match_title, restore_upper
from app.domain.intake.lines import Line
from app.domain.intake.model import Signer
from app.domain.intake.recipients import is_bullet

_AUTHORITY = re.compile(
    r"^(T\s?/\s?M|TM\.?|K\s?/\s?T|KT\.?|T\s?/\s?L|TL\.?|TUQ\.?|T/UQ|Q\.)\s+(\S.*)$"
)
_SIGNATURE_NOTE = re.compile(r"^[(\[].*[)\]]$")  # "(Đã ký)", "[chữ ký]"
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*$")


def authority_match(line: Line) -> re.Match[str] | None:
    return _AUTHORITY.match(line.text) if line.is_upper else None


def is_title_line(line: Line) -> bool:
    return line.is_upper and match_title(line.text) is not None


def is_name(line: Line) -> bool:
    """A person's name: two to six capitalised words ("Trần Quốc Vượng")."""
    words = line.text.split()
    return 2 <= len(words) <= 6 and all(
        _NAME_WORD.match(w) and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words
    )


@dataclass
class SignerFound:
    signer: Signer
    authority_index: int | None = None
    title_index: int | None = None
    name_index: int | None = None
    indexes: list[int] = field(default_factory=list)

    @property
    def last(self) -> int | None:
        return max(self.indexes) if self.indexes else None


def _prefix(raw: str) -> str:
    return raw.replace(" ", "")


def read_signer(lines: list[Line], start: int, end: int) -> SignerFound | None:
    """The signer block whose first line (an authority or a known title) is in [start, end)."""
    end = min(end, len(lines))
    first = next(
        (i for i in range(start, end) if authority_match(lines[i]) or is_title_line(lines[i])),
        None,
    )
    if first is None:
        return None
    found = SignerFound(signer=Signer())
    authority_parts: list[str] = []
    title_parts: list[str] = []
    i = first
    while i < end:
        line = lines[i]
        match = authority_match(line)
        if (
            line.blank
            or _SIGNATURE_NOTE.match(line.text)
            or line.text.strip("*") == ""
            or is_bullet(line)  # a recipient beside the signer (two-column layout)
        ):
            i += 1
            continue
        if match and not title_parts:
            found.signer.prefixes.append(_prefix(match.group(1)))
            authority_parts.append(f"{_prefix(match.group(1))} {restore_upper(match.group(2))}")
            found.authority_index = i if found.authority_index is None else found.authority_index
        elif line.is_upper and not match and len(title_parts) < 2:
            title_parts.append(line.text)
            found.title_index = i if found.title_index is None else found.title_index
        elif is_name(line):
            found.signer.name = line.text
            found.name_index = i
            found.indexes.append(i)
            break
        else:
            break
        found.indexes.append(i)
        i += 1
    if authority_parts:
        found.signer.authority = " ".join(authority_parts)
    if title_parts:
        joined = " ".join(title_parts)
        found.signer.title = match_title(joined) or restore_upper(joined)
    return found
