"""Certified copies (sao văn bản): kinds, headings, notation codes and the rule on sources.

State (ND 30 Đ3.10–12, Đ25, Phụ lục I Phần II): sao y copies the bản gốc/bản chính; sao lục
copies a sao y; trích sao copies part of the bản gốc/bản chính. Codes SY, SL, TrS in one series.
Party (HD 36 Mục II khoản 3): sao y bản chính is made by the issuing body; sao lục is a receiving
body's full copy of another body's document (of the original or of a copy: the seed's 30-SL/VPDUK
copies 397-BS/VPTU); trích sao copies part of the bản chính. Code BS, or a local code such as SL.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from app.domain.doc_types import Family
from app.domain.errors import DomainError
from app.domain.marks import AuthorityPrefix, Confidentiality, Urgency
from app.domain.notation import party_notation, state_notation

__all__ = [
    "AuthorityPrefix",
    "Confidentiality",
    "CopyKind",
    "SourceKind",
    "Urgency",
    "check_copy_maker",
    "check_copy_source",
    "copy_notation",
    "copy_type_code",
    "filing_line",
]

SourceKind = Literal["original", "SAO_Y", "SAO_LUC", "TRICH_SAO"]
ORIGINAL: SourceKind = "original"


class CopyKind(StrEnum):
    SAO_Y = "SAO_Y"  # sao y (Party: sao y bản chính)
    SAO_LUC = "SAO_LUC"  # sao lục
    TRICH_SAO = "TRICH_SAO"  # trích sao

    def heading(self, family: Family = Family.STATE) -> str:
        """The hình thức sao printed on the copy: "SAO Y" (Party "SAO Y BẢN CHÍNH"), …"""
        if self is CopyKind.SAO_Y and family is Family.PARTY:
            return "SAO Y BẢN CHÍNH"
        return _HEADINGS[self]


_HEADINGS = {
    CopyKind.SAO_Y: "SAO Y",
    CopyKind.SAO_LUC: "SAO LỤC",
    CopyKind.TRICH_SAO: "TRÍCH SAO",
}
_STATE_CODES = {CopyKind.SAO_Y: "SY", CopyKind.SAO_LUC: "SL", CopyKind.TRICH_SAO: "TrS"}
PARTY_COPY_CODE = "BS"


def copy_type_code(family: Family, kind: CopyKind, local_code: str | None = None) -> str:
    """The type part of the copy's ký hiệu: State SY/SL/TrS (Phụ lục III); Party BS (HD 36), or
    the organisation's configured ``local_code`` (e.g. "SL"). State codes are fixed by ND 30."""
    if family is Family.STATE:
        if local_code is not None and local_code != _STATE_CODES[kind]:
            raise DomainError(
                f"State copy codes are fixed by ND 30 Phụ lục III ({_STATE_CODES[kind]} for "
                f"{kind.heading()}), got local code {local_code!r}",
                field="local_code",
            )
        return _STATE_CODES[kind]
    if local_code is None:
        return PARTY_COPY_CODE
    if not local_code.isalpha():
        raise DomainError(
            f"a local copy code must be letters only, got {local_code!r}", field="local_code"
        )
    return local_code


_STATE_SOURCES: dict[CopyKind, tuple[SourceKind, ...]] = {
    CopyKind.SAO_Y: (ORIGINAL,),  # Đ3.10: from the bản gốc or bản chính
    CopyKind.SAO_LUC: ("SAO_Y",),  # Đ3.11: from a bản sao y
    CopyKind.TRICH_SAO: (ORIGINAL,),  # Đ3.12: part of the bản gốc or bản chính
}
_PARTY_SOURCES: dict[CopyKind, tuple[SourceKind, ...]] = {
    CopyKind.SAO_Y: (ORIGINAL,),  # sao y bản chính
    CopyKind.SAO_LUC: (ORIGINAL, "SAO_Y", "SAO_LUC", "TRICH_SAO"),  # no restriction
    CopyKind.TRICH_SAO: (ORIGINAL,),  # from the bản chính
}
_SOURCE_NAMES = {
    ORIGINAL: "the original (bản gốc/bản chính)",
    "SAO_Y": "a sao y",
    "SAO_LUC": "a sao lục",
    "TRICH_SAO": "a trích sao",
}
_RULE_SOURCES = {
    (Family.STATE, CopyKind.SAO_Y): "ND 30 Điều 3.10",
    (Family.STATE, CopyKind.SAO_LUC): "ND 30 Điều 3.11",
    (Family.STATE, CopyKind.TRICH_SAO): "ND 30 Điều 3.12",
    (Family.PARTY, CopyKind.SAO_Y): "HD 36-HD/VPTW Mục II khoản 3",
    (Family.PARTY, CopyKind.TRICH_SAO): "HD 36-HD/VPTW Mục II khoản 3",
}


def check_copy_source(family: Family, kind: CopyKind, source_kind: str) -> None:
    """Refuse a copy made from the wrong kind of source, naming the rule.

    ``source_kind`` is "original" or the CopyKind value of the copy being copied.
    """
    if source_kind not in _SOURCE_NAMES:
        raise DomainError(
            f"source kind must be one of {', '.join(_SOURCE_NAMES)}, got {source_kind!r}",
            field="source",
        )
    allowed = (_STATE_SOURCES if family is Family.STATE else _PARTY_SOURCES)[kind]
    if source_kind in allowed:
        return
    wanted = " or ".join(_SOURCE_NAMES[a] for a in allowed)
    raise DomainError(
        f"a {family.value.capitalize()} {kind.heading(family).lower()} must be made from {wanted}, "
        f"not from {_SOURCE_NAMES[source_kind]} ({_RULE_SOURCES[(family, kind)]})",
        field="source",
    )


def check_copy_maker(family: Family, kind: CopyKind, *, copier_is_issuer: bool) -> None:
    """Party rule on who copies (HD 36): sao y bản chính only by the body that issued the original;
    sao lục by a body that received another body's document. ND 30 sets no such rule (Đ27)."""
    if family is Family.STATE:
        return
    if kind is CopyKind.SAO_Y and not copier_is_issuer:
        raise DomainError(
            "a Party sao y bản chính is made by the body that issued the original; "
            "a receiving body makes a sao lục (HD 36-HD/VPTW Mục II khoản 3)",
            field="kind",
        )
    if kind is CopyKind.SAO_LUC and copier_is_issuer:
        raise DomainError(
            "a Party sao lục copies another body's document; the issuing body makes a "
            "sao y bản chính of its own document (HD 36-HD/VPTW Mục II khoản 3)",
            field="kind",
        )


def copy_notation(
    family: Family,
    number: int,
    org_code: str,
    kind: CopyKind,
    local_code: str | None = None,
) -> str:
    """The copy's số và ký hiệu: Party ``397-BS/VPTU`` (``30-SL/VPDUK`` with local code SL),
    State ``12/SY-VP`` (Phụ lục I Phần II II.1.c; Mẫu 3.1)."""
    code = copy_type_code(family, kind, local_code)
    if family is Family.PARTY:
        return party_notation(number, code, org_code)
    return state_notation(number, code, org_code)


def filing_line(family: Family, given: str | None = None) -> str:
    """The last nơi nhận line (where the office files its copy), without dash or full stop.

    State (ND 30 Phụ lục I, II.9): "Lưu: VT" with the colon, and an office's own line gets it
    ("Lưu VT, TH" becomes "Lưu: VT, TH"). Party (HD 36): "Lưu VT" or the office's own line
    ("Lưu Văn phòng Tỉnh ủy"), as given."""
    text = " ".join((given or "").split()) or "Lưu VT"
    if family is Family.STATE and text.startswith("Lưu") and not text.startswith("Lưu:"):
        text = "Lưu: " + text.removeprefix("Lưu").lstrip()
    return text
