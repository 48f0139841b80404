"""The header: national heading and the issuing body (tên cơ quan ban hành) with its parent.

The issuer is the last body named above the number; a body named above it is its parent
(cơ quan chủ quản: "UBND TỈNH ĐẮK NÔNG" over "SỞ TÀI CHÍNH", "TỈNH ỦY ĐẮK NÔNG" over "VĂN PHÒNG").
A body's name may wrap ("ỦY BAN NHÂN DÂN" / "TỈNH ĐẮK NÔNG"): see `is_continuation`.
The Party national heading "ĐẢNG CỘNG SẢN VIỆT NAM" is a heading, not a parent body.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.intake.lexicon import restore_upper
from app.domain.intake.lines import Line

PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
STATE_HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
_HEADINGS = {
    "DANG CONG SAN VIET NAM": PARTY_HEADING,
    "CONG HOA XA HOI CHU NGHIA VIET NAM": STATE_HEADING,
}
_MOTTO = "DOC LAP - TU DO - HANH PHUC"
_CONNECTORS = ("VÀ ", "CÁC ", "CỦA ")
_LOCALITIES = ("TỈNH ", "THÀNH PHỐ ", "HUYỆN ", "QUẬN ", "THỊ XÃ ", "XÃ ", "PHƯỜNG ", "THỊ TRẤN ")
_LOCALITY_BODIES = ("TỈNH ỦY", "THÀNH ỦY", "HUYỆN ỦY", "QUẬN ỦY", "THỊ ỦY")


def national_heading(line: Line) -> str | None:
    return _HEADINGS.get(line.fold.strip(" .*-"))


def is_motto(line: Line) -> bool:
    return " ".join(line.fold.replace("-", " - ").split()) == _MOTTO


def is_continuation(previous: str, current: str) -> bool:
    """Whether `current` continues the body named on `previous` rather than naming another one."""
    if current.startswith(_CONNECTORS) or previous.endswith((" CÁC", " VÀ", " CỦA")):
        return True
    if len(current.split()) == 1:  # "BAN CHẤP HÀNH TRUNG" / "ƯƠNG"
        return True
    if current.startswith(_LOCALITY_BODIES):
        return False
    # "ỦY BAN NHÂN DÂN" / "TỈNH ĐẮK NÔNG": a locality completes a body that has none yet.
    return current.startswith(_LOCALITIES) and not any(
        f" {loc.strip()} " in f" {previous} " for loc in _LOCALITIES
    )


def group_bodies(texts: list[str]) -> list[str]:
    """Join wrapped lines: one entry per body named, outermost first."""
    bodies: list[str] = []
    for text in texts:
        if bodies and is_continuation(bodies[-1], text):
            bodies[-1] = f"{bodies[-1]} {text}"
        else:
            bodies.append(text)
    return bodies


@dataclass
class Header:
    national_heading: str | None = None
    heading_index: int | None = None
    issuer: str | None = None
    issuer_parent: str | None = None
    issuer_lines: list[str] | None = None
    issuer_index: int | None = None  # the line the issuer's name starts on
    parent_index: int | None = None


def read_header(lines: list[Line], candidates: list[int]) -> Header:
    """Read the header from `candidates`: indexes of upper-case lines not used by anything else."""
    header = Header()
    body_lines: list[tuple[int, str]] = []
    for i in candidates:
        heading = national_heading(lines[i])
        if heading is not None:
            header.national_heading, header.heading_index = heading, i
        elif not is_motto(lines[i]) and lines[i].text.strip("*-. "):
            body_lines.append((i, restore_upper(lines[i].text)))
    if not body_lines:
        return header
    starts: list[int] = []
    texts: list[str] = []
    for i, text in body_lines:
        if texts and is_continuation(texts[-1], text):
            texts[-1] = f"{texts[-1]} {text}"
        else:
            texts.append(text)
            starts.append(i)
    header.issuer_lines = [t for _, t in body_lines]
    header.issuer, header.issuer_index = texts[-1], starts[-1]
    if len(texts) > 1:
        header.issuer_parent, header.parent_index = " ".join(texts[:-1]), starts[0]
    return header
