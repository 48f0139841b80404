from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.domain.text import fold, fold_notation, nfc, notation_tokens_match, vn_upper
from tests.domain.strategies import VN_LETTERS


def test_vn_upper() -> None:
    assert vn_upper("đảng cộng sản việt nam") == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert vn_upper("tỉnh ủy đắk nông") == "TỈNH ỦY ĐẮK NÔNG"
    decomposed = unicodedata.normalize("NFD", "thường trực")
    assert vn_upper(decomposed) == "THƯỜNG TRỰC"
    assert unicodedata.is_normalized("NFC", vn_upper(decomposed))


def test_nfc() -> None:
    assert nfc(unicodedata.normalize("NFD", "Hà Nội")) == "Hà Nội"
    assert len(nfc(unicodedata.normalize("NFD", "ộ"))) == 1


def test_fold() -> None:
    assert fold("Đắk Nông") == "dak nong"
    assert fold("  THÔNG   BÁO ") == "thong bao"
    assert fold(unicodedata.normalize("NFD", "Thường trực Tỉnh ủy")) == "thuong truc tinh uy"
    assert fold("VPĐUK") == fold("VPDUK") == "vpduk"


def test_fold_notation_tokens() -> None:
    assert fold_notation("160-TB/TW") == ["160", "tb", "tw"]
    assert fold_notation("160 TB TW") == ["160", "tb", "tw"]
    assert fold_notation("Số: 05/QĐ-UBND") == ["5", "qd", "ubnd"]
    assert fold_notation("Số 397 -BS/VPTU") == ["397", "bs", "vptu"]
    assert fold_notation("30–SL/VPĐUK") == ["30", "sl", "vpduk"]


def test_notation_tokens_match() -> None:
    assert notation_tokens_match("160/TB", "160-TB/TW")
    assert notation_tokens_match("160 TB TW", "160-TB/TW")
    assert notation_tokens_match("tb tw", "160-TB/TW")
    assert notation_tokens_match("5/QD", "Số: 05/QĐ-UBND")
    assert not notation_tokens_match("160/TW", "160-TB/TW")
    assert not notation_tokens_match("16-TB", "160-TB/TW")
    assert not notation_tokens_match("", "160-TB/TW")


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(st.text(alphabet=VN_LETTERS + " "))
def test_fold_vietnamese_to_ascii(s: str) -> None:
    assert fold(s).isascii()
    assert fold(vn_upper(s)) == fold(s)
