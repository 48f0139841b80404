"""The visible text of a digital signature: "Cơ quan:", "Người ký:", "Email:", "Thời gian ký:".

A value may wrap onto the next lines ("Cơ quan: Đảng ủy Khối các cơ" / "quan và doanh nghiệp
tỉnh,"); it runs until the next label or a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.domain.dates import parse_signing_time
from app.domain.errors import DateTextError
from app.domain.intake.lines import Line
from app.domain.intake.model import SignatureBlock

_LABELS: tuple[tuple[str, str], ...] = (
    ("THOI GIAN KY", "signed_at"),
    ("NGUOI KY", "signer"),
    ("KY BOI", "signer"),
    ("CO QUAN", "organisation"),
    ("E-MAIL", "email"),
    ("EMAIL", "email"),
)


def _label(line: Line) -> tuple[str, str] | None:
    for label, name in _LABELS:
        match = re.match(rf"^{label}\s*:", line.fold)
        if match:
            return name, line.text[match.end() :].strip()
    return None


@dataclass
class FoundSignature:
    block: SignatureBlock
    index: int
    field_index: dict[str, int] = field(default_factory=dict)
    indexes: list[int] = field(default_factory=list)


def find_signatures(lines: list[Line], start: int, end: int) -> list[FoundSignature]:
    """Signature blocks in [start, end): runs of labelled lines with their continuations."""
    blocks: list[FoundSignature] = []
    end = min(end, len(lines))
    i = start
    while i < end:
        if _label(lines[i]) is None:
            i += 1
            continue
        values: dict[str, str] = {}
        found = FoundSignature(block=SignatureBlock(), index=i)
        current: str | None = None
        while i < end and not lines[i].blank:
            labelled = _label(lines[i])
            if labelled is None and lines[i].is_upper:
                break  # "SAO LỤC" or an office name right under the box
            if labelled is not None:
                current, value = labelled
                values[current] = value
                found.field_index.setdefault(current, i)
            elif current is not None:
                values[current] = f"{values[current]} {lines[i].text}".strip()
            found.indexes.append(i)
            i += 1
        found.block.organisation = values.get("organisation") or None
        found.block.signer = values.get("signer") or None
        found.block.email = values.get("email") or None
        if values.get("signed_at"):
            try:
                found.block.signed_at = parse_signing_time(values["signed_at"])
            except DateTextError:
                found.block.signed_at = None
        blocks.append(found)
    return blocks
