from __future__ import annotations

import pytest

from app.domain.copy_forms import (
    CopyKind,
    check_copy_maker,
    check_copy_source,
    copy_notation,
    copy_type_code,
    filing_line,
)
from app.domain.doc_types import Family
from app.domain.errors import DomainError
from app.domain.notation import parse_notation
from app.domain.text import governing_body_heading

P, S = Family.PARTY, Family.STATE
Y, L, T = CopyKind.SAO_Y, CopyKind.SAO_LUC, CopyKind.TRICH_SAO


def test_headings() -> None:
    assert [k.heading() for k in CopyKind] == ["SAO Y", "SAO LỤC", "TRÍCH SAO"]
    assert [k.heading(P) for k in CopyKind] == ["SAO Y BẢN CHÍNH", "SAO LỤC", "TRÍCH SAO"]


def test_copy_notations_seed_and_state() -> None:
    assert copy_notation(P, 397, "VPTU", L) == "397-BS/VPTU"
    assert copy_notation(P, 30, "VPDUK", L, local_code="SL") == "30-SL/VPDUK"
    assert copy_notation(S, 12, "VP", Y) == "12/SY-VP"
    assert copy_notation(S, 1, "VP", L) == "01/SL-VP"
    assert copy_notation(S, 3, "UBND", T) == "03/TrS-UBND"
    # each copy notation reads back as the same family and code
    n = parse_notation(copy_notation(S, 3, "UBND", T))
    assert (n.family, n.type_code, n.issuer) == (S, "TrS", "UBND")


def test_codes() -> None:
    assert [copy_type_code(S, k) for k in CopyKind] == ["SY", "SL", "TrS"]
    assert {copy_type_code(P, k) for k in CopyKind} == {"BS"}
    with pytest.raises(DomainError) as info:
        copy_type_code(S, Y, "BS")
    assert info.value.field == "local_code"
    assert info.value.reason == (
        "State copy codes are fixed by ND 30 Phụ lục III (SY for SAO Y), got local code 'BS'"
    )
    with pytest.raises(DomainError):
        copy_type_code(P, L, "S1")


@pytest.mark.parametrize(
    ("family", "kind", "source"),
    [
        (S, Y, "original"),
        (S, L, "SAO_Y"),
        (S, T, "original"),
        (P, Y, "original"),
        (P, L, "original"),  # 397-BS/VPTU copies 160-TB/TW
        (P, L, "SAO_LUC"),  # 30-SL/VPDUK copies 397-BS/VPTU
        (P, L, "SAO_Y"),
        (P, T, "original"),
    ],
)
def test_allowed_sources(family: Family, kind: CopyKind, source: str) -> None:
    check_copy_source(family, kind, source)


@pytest.mark.parametrize(
    ("family", "kind", "source", "reason"),
    [
        (
            S,
            L,
            "original",
            "a State sao lục must be made from a sao y, not from the original "
            "(bản gốc/bản chính) (ND 30 Điều 3.11)",
        ),
        (
            S,
            L,
            "SAO_LUC",
            "a State sao lục must be made from a sao y, not from a sao lục (ND 30 Điều 3.11)",
        ),
        (
            S,
            Y,
            "SAO_Y",
            "a State sao y must be made from the original (bản gốc/bản chính), "
            "not from a sao y (ND 30 Điều 3.10)",
        ),
        (
            S,
            T,
            "SAO_Y",
            "a State trích sao must be made from the original (bản gốc/bản chính), "
            "not from a sao y (ND 30 Điều 3.12)",
        ),
        (
            P,
            Y,
            "SAO_LUC",
            "a Party sao y bản chính must be made from the original "
            "(bản gốc/bản chính), not from a sao lục (HD 36-HD/VPTW Mục II khoản 3)",
        ),
        (
            S,
            Y,
            "copy",
            "source kind must be one of original, SAO_Y, SAO_LUC, TRICH_SAO, got 'copy'",
        ),
    ],
)
def test_refused_sources(family: Family, kind: CopyKind, source: str, reason: str) -> None:
    with pytest.raises(DomainError) as info:
        check_copy_source(family, kind, source)
    assert (info.value.field, info.value.reason) == ("source", reason)


def test_party_copy_maker() -> None:
    check_copy_maker(P, L, copier_is_issuer=False)
    check_copy_maker(P, Y, copier_is_issuer=True)
    check_copy_maker(S, Y, copier_is_issuer=False)
    with pytest.raises(DomainError) as info:
        check_copy_maker(P, Y, copier_is_issuer=False)
    assert info.value.field == "kind"
    with pytest.raises(DomainError):
        check_copy_maker(P, L, copier_is_issuer=True)


@pytest.mark.parametrize(("family", "given", "printed"), [
    (Family.STATE, None, "Lưu: VT"),
    (Family.STATE, "Lưu VT", "Lưu: VT"),
    (Family.STATE, "Lưu  VT, TH", "Lưu: VT, TH"),
    (Family.STATE, "Lưu: VT", "Lưu: VT"),
    (Family.PARTY, None, "Lưu VT"),
    (Family.PARTY, "Lưu Văn phòng Tỉnh ủy", "Lưu Văn phòng Tỉnh ủy"),
])
def test_filing_line_follows_the_family(family: Family, given: str | None, printed: str) -> None:
    assert filing_line(family, given) == printed


@pytest.mark.parametrize(("name", "printed"), [
    ("Ủy ban nhân dân tỉnh Đắk Nông", "UBND TỈNH ĐẮK NÔNG"),
    ("Uỷ ban nhân dân huyện Cư Jút", "UBND HUYỆN CƯ JÚT"),
    ("HỘI ĐỒNG NHÂN DÂN TỈNH ĐẮK NÔNG", "HĐND TỈNH ĐẮK NÔNG"),
    ("Bộ Nội vụ", "BỘ NỘI VỤ"),
])
def test_governing_body_uses_the_usual_abbreviations(name: str, printed: str) -> None:
    assert governing_body_heading(name) == printed
