from __future__ import annotations

from datetime import date

import pytest

from app.domain.doc_types import (
    Family,
    TypeKind,
    doc_types,
    lookup_type,
    ruleset_for,
    type_by_code,
    type_by_name,
)

P, S = Family.PARTY, Family.STATE
SEED_DAY = date(2020, 2, 4)


def test_state_nd30_table_is_complete() -> None:
    types = doc_types(S, date(2020, 3, 5))
    admin = [t for t in types if t.kind is TypeKind.ADMINISTRATIVE]
    # ND 30 Điều 7: 29 administrative types, of which công văn and thư công have no abbreviation.
    assert len(admin) == 29
    assert {t.code for t in admin if t.abbreviation is None} == {"CV", "THU_CONG"}
    copies = {t.abbreviation for t in types if t.kind is TypeKind.COPY}
    assert copies == {"SY", "SL", "TrS"}


@pytest.mark.parametrize(
    ("family", "abbr", "name"),
    [
        (S, "QyĐ", "Quy định"),
        (S, "QĐ", "Quyết định (cá biệt)"),
        (S, "HD", "Hướng dẫn"),
        (S, "HĐ", "Hợp đồng"),
        (S, "DA", "Dự án"),
        (S, "ĐA", "Đề án"),
        (S, "CTr", "Chương trình"),
        (S, "TTr", "Tờ trình"),
        (S, "TrS", "Bản trích sao"),
        (S, "TS", "Bản trích sao"),  # the pre-2020 spelling, accepted on input
        (S, "QD", "Quyết định (cá biệt)"),  # ASCII D, unambiguous
        (P, "TB", "Thông báo"),
        (P, "KL", "Kết luận"),
        (P, "QĐi", "Quy định"),
        (P, "TT", "Thông tri"),
        (P, "CV", "Công văn"),
        (P, "BS", "Bản sao"),
        (P, "SL", "Bản sao"),  # local variant seen in 30-SL/VPDUK
    ],
)
def test_lookup(family: Family, abbr: str, name: str) -> None:
    found = lookup_type(family, abbr, SEED_DAY if family is P else date(2021, 1, 1))
    assert found is not None
    assert found.name == name
    assert found.family is family


def test_lookup_unknown_and_ambiguous() -> None:
    assert lookup_type(S, "XYZ", date(2021, 1, 1)) is None
    assert lookup_type(S, "CV", date(2021, 1, 1)) is None  # State công văn has no abbreviation
    assert type_by_code(S, "CV") is not None
    # case is ignored before Đ/D is: "hd" is Hướng dẫn, "hđ" Hợp đồng
    assert lookup_type(S, "hd", date(2021, 1, 1)).name == "Hướng dẫn"  # type: ignore[union-attr]
    assert lookup_type(S, "hđ", date(2021, 1, 1)).name == "Hợp đồng"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["THÔNG BÁO", "Thông báo", "thong bao", " thông  báo "])
def test_type_by_name(name: str) -> None:
    for family in (P, S):
        t = type_by_name(family, name, SEED_DAY)
        assert t is not None and t.code == "TB"


def test_type_by_name_ignores_qualifier() -> None:
    t = type_by_name(S, "QUYẾT ĐỊNH", date(2021, 1, 1))
    assert t is not None and t.abbreviation == "QĐ"
    assert type_by_name(S, "Quy định", date(2021, 1, 1)).abbreviation == "QyĐ"  # type: ignore[union-attr]
    assert type_by_name(S, "Kết luận", date(2021, 1, 1)) is None
    assert type_by_name(P, "Kết luận", SEED_DAY) is not None


def test_party_rules_versioned_by_date() -> None:
    assert ruleset_for(P, date(2020, 1, 15)).id == "party-66-2017"
    assert ruleset_for(P, date(2026, 1, 8)).id == "party-66-2017"
    assert ruleset_for(P, date(2026, 1, 9)).id == "party-399-2026"
    assert lookup_type(P, "PA", date(2025, 12, 31)) is None
    assert lookup_type(P, "PA", date(2026, 2, 1)) is not None
    # before the first known ruleset the first one applies
    assert ruleset_for(P, date(2010, 1, 1)).id == "party-66-2017"
    assert ruleset_for(S, date(2019, 1, 1)).id == "state-nd30-2020"
    assert ruleset_for(P).id == "party-399-2026"


def test_codes_unique_per_ruleset() -> None:
    for family in (P, S):
        for on in (date(2020, 1, 1), date(2026, 6, 1)):
            codes = [t.code for t in doc_types(family, on)]
            assert len(codes) == len(set(codes))
            abbrs = [t.abbreviation for t in doc_types(family, on) if t.abbreviation]
            assert len(abbrs) == len(set(abbrs))
