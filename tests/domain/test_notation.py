from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.doc_types import Family
from app.domain.errors import NotationError
from app.domain.notation import (
    Notation,
    detect_family,
    format_notation,
    format_number_line,
    notation_key,
    parse_notation,
    party_notation,
    state_notation,
)
from tests.domain.strategies import notations, party_notations, state_cong_van, state_typed

P, S = Family.PARTY, Family.STATE


@pytest.mark.parametrize(
    ("text", "expected", "canonical"),
    [
        # the seed's chain
        ("160-TB/TW", Notation(P, 160, "TB", "TW"), "160-TB/TW"),
        ("Số 160-TB/TW", Notation(P, 160, "TB", "TW"), "160-TB/TW"),
        ("Số 397 -BS/VPTU", Notation(P, 397, "BS", "VPTU"), "397-BS/VPTU"),
        ("Số 30 -SL/VPDUK", Notation(P, 30, "SL", "VPDUK"), "30-SL/VPDUK"),
        ("62-KL/TW", Notation(P, 62, "KL", "TW"), "62-KL/TW"),
        ("18-NQ/TW", Notation(P, 18, "NQ", "TW"), "18-NQ/TW"),
        ("Số 24-BS/UBKTTU", Notation(P, 24, "BS", "UBKTTU"), "24-BS/UBKTTU"),
        ("08-QĐi/TW", Notation(P, 8, "QĐi", "TW"), "08-QĐi/TW"),
        ("5-CT/TW", Notation(P, 5, "CT", "TW"), "05-CT/TW"),
        ("Số 367 - QĐ/TWĐTN-VP", Notation(P, 367, "QĐ", "TWĐTN-VP"), "367-QĐ/TWĐTN-VP"),
        # State
        ("15/2020/NĐ-CP", Notation(S, 15, "NĐ", "CP", year=2020), "15/2020/NĐ-CP"),
        ("Số: 30/2020/NĐ-CP", Notation(S, 30, "NĐ", "CP", year=2020), "30/2020/NĐ-CP"),
        ("20/2020/QĐ-TTg", Notation(S, 20, "QĐ", "TTg", year=2020), "20/2020/QĐ-TTg"),
        ("20/2023/QH15", Notation(S, 20, None, "QH15", year=2023), "20/2023/QH15"),
        (
            "01/2015/TTLT-BNV-BTC",
            Notation(S, 1, "TTLT", "BNV", year=2015, unit="BTC"),
            "01/2015/TTLT-BNV-BTC",
        ),
        ("123/UBND-VP", Notation(S, 123, None, "UBND", unit="VP"), "123/UBND-VP"),
        ("Số: 05/QĐ-UBND", Notation(S, 5, "QĐ", "UBND"), "05/QĐ-UBND"),
        ("5/QĐ-UBND", Notation(S, 5, "QĐ", "UBND"), "05/QĐ-UBND"),
        ("Số: 15/QĐ-BNV", Notation(S, 15, "QĐ", "BNV"), "15/QĐ-BNV"),
        ("Số: 05/BNV-VP", Notation(S, 5, None, "BNV", unit="VP"), "05/BNV-VP"),
        ("Số:12/UBND-VX", Notation(S, 12, None, "UBND", unit="VX"), "12/UBND-VX"),
        ("07/QyĐ-UBND", Notation(S, 7, "QyĐ", "UBND"), "07/QyĐ-UBND"),
        ("11/CTr-UBND", Notation(S, 11, "CTr", "UBND"), "11/CTr-UBND"),
        ("12/TTr-SNV", Notation(S, 12, "TTr", "SNV"), "12/TTr-SNV"),
        ("12/SY-VP", Notation(S, 12, "SY", "VP"), "12/SY-VP"),
        ("03/TrS-UBND", Notation(S, 3, "TrS", "UBND"), "03/TrS-UBND"),
        ("45/QĐ-UBND-NC", Notation(S, 45, "QĐ", "UBND", unit="NC"), "45/QĐ-UBND-NC"),
        ("SỐ: 05 / QĐ – UBND", Notation(S, 5, "QĐ", "UBND"), "05/QĐ-UBND"),
        ("05/UBND", Notation(S, 5, None, "UBND"), "05/UBND"),
    ],
)
def test_table(text: str, expected: Notation, canonical: str) -> None:
    parsed = parse_notation(text)
    assert parsed == expected
    assert format_notation(parsed) == canonical
    assert parse_notation(text, expected.family) == expected


@pytest.mark.parametrize(
    ("text", "family", "reason"),
    [
        ("", None, "notation is empty"),
        ("Số ", None, "notation is empty"),
        ("0-TB/TW", None, "number must be a positive integer, got '0'"),
        ("00/QĐ-UBND", None, "number must be a positive integer, got '00'"),
        ("TB/TW", None, "a notation starts with the document number (digits), got 'TB/TW'"),
        (
            "160",
            None,
            "missing ký hiệu after the number '160': expected a notation like 160-TB/TW (Party) "
            "or 05/QĐ-UBND (State)",
        ),
        ("160.TB/TW", None, "expected '-' (Party) or '/' (State) after the number '160', got '.'"),
        (
            "160/TB/TW",
            P,
            "expected '-' between number and type in a Party notation like 160-TB/TW",
        ),
        (
            "05-QĐ/UBND",
            S,
            "expected '/' between number and ký hiệu in a State notation like 05/QĐ-UBND",
        ),
        ("160-TB", None, "expected '/' between type and issuer in a Party notation like 160-TB/TW"),
        (
            "160-/TW",
            None,
            "missing type abbreviation between '-' and '/' in a Party notation like 160-TB/TW",
        ),
        ("160-T1/TW", None, "type abbreviation must be letters only, got 'T1'"),
        ("160-TB/", None, "missing issuer after '/' in a Party notation like 160-TB/TW"),
        (
            "160-TB/TW/X",
            None,
            "unexpected second '/' in the issuer 'TW/X' of a Party notation like 160-TB/TW",
        ),
        ("12-TB/123", None, "issuer must contain letters, got '123'"),
        (
            "160 TB TW",
            None,
            "unexpected space in '160 TB TW': the parts of a notation are joined by '-' and '/' "
            "without spaces",
        ),
        (
            "05/QĐ",
            None,
            "missing issuer after the type 'QĐ': expected a State notation like 05/QĐ-UBND",
        ),
        (
            "05/QĐ--UBND",
            None,
            "empty part in the ký hiệu 'QĐ--UBND': two '-' in a row or '-' at an end",
        ),
        ("05/20/NĐ-CP", None, "year must have four digits, got '20'"),
        (
            "05/2020",
            None,
            "missing ký hiệu after the year '2020': expected a notation like 15/2020/NĐ-CP",
        ),
        (
            "05/QĐ/UBND",
            None,
            "unexpected '/' in the ký hiệu 'QĐ/UBND': a State notation is N/TYPE-ISSUER "
            "(05/QĐ-UBND) or N/YYYY/TYPE-ISSUER (15/2020/NĐ-CP)",
        ),
        ("05/QĐ-UB.ND", None, "ký hiệu parts must be letters or digits, got 'UB.ND' in 'QĐ-UB.ND'"),
    ],
)
def test_invalid(text: str, family: Family | None, reason: str) -> None:
    with pytest.raises(NotationError) as info:
        parse_notation(text, family)
    assert info.value.field == "notation"
    assert info.value.reason == reason
    assert str(info.value) == reason


def test_number_lines() -> None:
    assert format_number_line(parse_notation("160-TB/TW")) == "Số 160-TB/TW"
    assert format_number_line(parse_notation("5/QĐ-UBND")) == "Số: 05/QĐ-UBND"


def test_builders() -> None:
    assert party_notation(160, "TB", "TW") == "160-TB/TW"
    assert party_notation(5, "CT", "TU") == "05-CT/TU"
    assert state_notation(5, "QĐ", "UBND") == "05/QĐ-UBND"
    assert state_notation(5, None, "BNV", unit="VP") == "05/BNV-VP"
    assert state_notation(15, "NĐ", "CP", year=2020) == "15/2020/NĐ-CP"


@pytest.mark.parametrize(
    ("build", "field", "reason"),
    [
        (
            lambda: party_notation(0, "TB", "TW"),
            "number",
            "number must be a positive integer, got 0",
        ),
        (
            lambda: state_notation(5, "XYZ", "UBND"),
            "type_code",
            "'XYZ' is not a State type abbreviation (ND 30 Phụ lục III); a công văn has no type: "
            "leave type_code empty",
        ),
        (
            lambda: state_notation(5, None, "TB", unit="VP"),
            "issuer",
            "issuer 'TB' would read as a type abbreviation; a State công văn starts with the "
            "issuer, like 05/BNV-VP",
        ),
        (
            lambda: Notation(Family.PARTY, 5, None, "TW"),
            "type_code",
            "a Party notation needs a type abbreviation (công văn is CV), like 160-TB/TW",
        ),
        (
            lambda: state_notation(5, "NĐ", "CP", year=20),
            "year",
            "year must have four digits, got 20",
        ),
    ],
)
def test_invalid_construction(build: object, field: str, reason: str) -> None:
    with pytest.raises(NotationError) as info:
        build()  # type: ignore[operator]
    assert (info.value.field, info.value.reason) == (field, reason)


def test_detect_family() -> None:
    assert detect_family("Số 160-TB/TW") is P
    assert detect_family("Số: 05/QĐ-UBND") is S
    assert detect_family("TB/TW") is None


def test_notation_key_matches_spellings() -> None:
    assert notation_key("30-SL/VPDUK") == notation_key("30-SL/VPĐUK") == "30-sl/vpduk"
    assert notation_key("Số 30 - sl/vpđuk") == notation_key("30-SL/VPDUK")
    assert notation_key("5/QĐ-UBND") == notation_key("Số: 05/QD-UBND") == "05/qd-ubnd"
    assert notation_key("160-TB/TW") != notation_key("161-TB/TW")
    assert notation_key("160-TB/TW") != notation_key("160/TB-TW")
    # unparsable text still gets a stable key
    assert notation_key("  abc  DEF ") == "abcdef"


@given(notations)
def test_parse_format_roundtrip(n: Notation) -> None:
    text = format_notation(n)
    assert parse_notation(text) == n
    assert parse_notation(text, n.family) == n
    assert format_notation(parse_notation(text)) == text


@given(
    party_notations | state_typed | state_cong_van,
    st.sampled_from(["", "Số ", "Số: ", "số:"]),
    st.sampled_from(["", " ", "  "]),
)
def test_tolerant_spelling(n: Notation, prefix: str, space: str) -> None:
    text = format_notation(n)
    loose = prefix + text.replace("-", f"{space}-{space}").replace("/", f"{space}/{space}")
    assert parse_notation(loose) == n
    assert notation_key(loose) == notation_key(text)
