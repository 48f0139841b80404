"""Office names printed on stamps and copy blocks, rendered unit first and repaired."""

from __future__ import annotations

from app.domain.intake.header import group_bodies
from app.domain.intake.lexicon import restore_upper

_STAFF_UNITS = ("VĂN PHÒNG", "THƯỜNG TRỰC")


def normalise_office(lines: list[str]) -> str:
    """One office name from its printed lines, unit first: "VĂN PHÒNG TỈNH ỦY ĐẮK NÔNG".

    Stamps and copy blocks print the parent body above the unit (or before it, once OCR has
    joined the two lines); registers name the unit first, then its parent. "THƯỜNG TRỰC TỈNH <X>"
    lacks its body ("ỦY" fell off the stamp): with no HĐND named it is the Tỉnh ủy's Thường trực.
    """
    bodies = group_bodies([restore_upper(line) for line in lines if line.strip()])
    if not bodies:
        return ""
    text = " ".join([bodies[-1], *bodies[:-1]])
    for unit in _STAFF_UNITS:
        if text.endswith(" " + unit):
            text = unit + " " + text[: -len(unit) - 1]
    tokens = text.split()
    lacks_body = tokens[2:3] in (["TỈNH"], ["HUYỆN"]) and len(tokens) > 3 and tokens[3] != "ỦY"
    if tokens[:2] == ["THƯỜNG", "TRỰC"] and lacks_body:
        tokens.insert(3, "ỦY")
    return " ".join(tokens)
