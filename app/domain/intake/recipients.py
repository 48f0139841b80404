"""Recipient lists: "Nơi nhận:" (where copies go) and "Kính gửi:" (the addressees of a letter)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.intake.lines import Line

_BULLETS = "-+•*–"


def clean_item(text: str) -> str:
    """ "- Các tỉnh ủy, thành ủy," → "Các tỉnh ủy, thành ủy"."""
    return text.strip().lstrip(_BULLETS).strip().rstrip(",;.").strip()


def is_bullet(line: Line) -> bool:
    return line.text[:1] in _BULLETS and len(line.text) > 1 and line.text.strip("*") != ""


@dataclass
class RecipientList:
    heading_index: int
    items: list[str] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)

    @property
    def last(self) -> int:
        return max(self.indexes, default=self.heading_index)


def is_recipients_heading(line: Line) -> bool:
    return line.fold.startswith("NOI NHAN")


def is_addressees_heading(line: Line) -> bool:
    return line.fold.startswith("KINH GUI")


def read_list(lines: list[Line], heading: int, end: int) -> RecipientList:
    """The items after the heading: bullet lines, a lower-case line continuing the item above.

    A line of another column (the signer beside the list) is stepped over when more items follow.
    """
    found = RecipientList(heading_index=heading)
    inline = lines[heading].text.split(":", 1)
    if len(inline) == 2 and clean_item(inline[1]):
        found.items.append(clean_item(inline[1]))
    end = min(end, len(lines))
    i = heading + 1
    while i < end:
        line = lines[i]
        if line.blank:
            i += 1
            continue
        if is_bullet(line):
            found.items.append(clean_item(line.text))
            found.indexes.append(i)
        elif found.items and line.text[0].islower():
            found.items[-1] = clean_item(f"{found.items[-1]} {line.text}")
            found.indexes.append(i)
        else:
            following = next((j for j in range(i + 1, end) if not lines[j].blank), None)
            if following is None or not is_bullet(lines[following]):
                break
        i += 1
    return found


def find_list(
    lines: list[Line], start: int, end: int, addressees: bool = False
) -> RecipientList | None:
    test = is_addressees_heading if addressees else is_recipients_heading
    for i in range(start, min(end, len(lines))):
        if test(lines[i]):
            return read_list(lines, i, end)
    return None
