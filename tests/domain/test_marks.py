from __future__ import annotations

import pytest

from app.domain.doc_types import Family
from app.domain.errors import DomainError
from app.domain.marks import (
    AuthorityPrefix,
    Confidentiality,
    Urgency,
    format_authority,
    parse_authority,
)

A = AuthorityPrefix


def test_confidentiality() -> None:
    assert [c.value for c in Confidentiality] == ["NONE", "MAT", "TOI_MAT", "TUYET_MAT"]
    assert [c.label for c in Confidentiality] == ["", "MẬT", "TỐI MẬT", "TUYỆT MẬT"]
    assert Confidentiality("TOI_MAT").rank == 2
    assert not Confidentiality.NONE.is_secret and Confidentiality.MAT.is_secret


def test_urgency() -> None:
    assert [u.label for u in Urgency] == ["Thường", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]
    assert [u.edxml_priority for u in Urgency] == [0, 1, 2, 3]
    assert Urgency.from_edxml_priority(4) is Urgency.HOA_TOC
    with pytest.raises(DomainError) as info:
        Urgency.from_edxml_priority(5)
    assert info.value.field == "priority"


@pytest.mark.parametrize(
    ("text", "prefix", "title"),
    [
        ("T/M BỘ CHÍNH TRỊ", A.ON_BEHALF, "BỘ CHÍNH TRỊ"),
        ("K/T BÍ THƯ", A.DEPUTY, "BÍ THƯ"),
        ("T/L BAN THƯỜNG VỤ", A.BY_ORDER, "BAN THƯỜNG VỤ"),
        ("TM. ỦY BAN NHÂN DÂN", A.ON_BEHALF, "ỦY BAN NHÂN DÂN"),
        ("KT. BỘ TRƯỞNG", A.DEPUTY, "BỘ TRƯỞNG"),
        ("TL. BỘ TRƯỞNG", A.BY_ORDER, "BỘ TRƯỞNG"),
        ("TUQ. BỘ TRƯỞNG", A.AUTHORISED, "BỘ TRƯỞNG"),
        ("TƯQ. BỘ TRƯỞNG", A.AUTHORISED, "BỘ TRƯỞNG"),
        ("Q. CHÁNH VĂN PHÒNG", A.ACTING, "CHÁNH VĂN PHÒNG"),
        ("CHÁNH VĂN PHÒNG", None, "CHÁNH VĂN PHÒNG"),
        ("TRƯỞNG BAN", None, "TRƯỞNG BAN"),  # starts with T but is no prefix
    ],
)
def test_parse_authority(text: str, prefix: AuthorityPrefix | None, title: str) -> None:
    assert parse_authority(text) == (prefix, title)


def test_format_authority() -> None:
    assert format_authority(A.ON_BEHALF, "Bộ Chính trị", Family.PARTY) == "T/M BỘ CHÍNH TRỊ"
    assert format_authority(A.DEPUTY, "bộ trưởng", Family.STATE) == "KT. BỘ TRƯỞNG"
    assert format_authority(None, "Chánh Văn phòng", Family.PARTY) == "CHÁNH VĂN PHÒNG"
    with pytest.raises(DomainError) as info:
        format_authority(A.AUTHORISED, "Bí thư", Family.PARTY)
    assert info.value.reason == "Party documents have no AUTHORISED prefix (only T/M, K/T, T/L)"
