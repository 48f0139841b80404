"""The seed chain (160-TB/TW, sao lục by VPTU, then by the Đảng ủy Khối's office) parses exactly."""

from __future__ import annotations

from typing import Any

import pytest

from app.demo import SEED_FILE
from app.domain.intake import parse_text
from tests.intake.golden import read_document


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return parse_text(read_document("seed_160_tb_tw_sao_luc_chain")).to_dict()


def test_copy_in_tests_is_the_seed_the_demo_loads() -> None:
    assert SEED_FILE.read_text(encoding="utf-8") == read_document("seed_160_tb_tw_sao_luc_chain")


def test_original(seed: dict[str, Any]) -> None:
    assert seed["issuer"] == "BAN CHẤP HÀNH TRUNG ƯƠNG"
    assert seed["issuer_parent"] is None
    assert seed["national_heading"] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert seed["family"] == "party"
    assert (seed["number"], seed["notation"], seed["symbol"]) == (160, "160-TB/TW", "TB/TW")
    assert (seed["doc_type_code"], seed["doc_type"]) == ("TB", "Thông báo")
    assert (seed["place"], seed["issued_on"]) == ("Hà Nội", "2020-01-15")
    assert seed["title"] == (
        "KẾT LUẬN CỦA BỘ CHÍNH TRỊ về việc tiếp tục thực hiện Kết luận số 62-KL/TW, "
        "ngày 08/12/2009 của Bộ Chính trị"
    )
    assert seed["signer"] == {
        "authority": "T/M BỘ CHÍNH TRỊ",
        "prefixes": ["T/M"],
        "title": None,
        "name": "Trần Quốc Vượng",
    }
    assert seed["recipients"] == [
        "Các tỉnh ủy, thành ủy",
        "Các ban đảng, ban cán sự đảng, đảng đoàn, đảng ủy trực thuộc Trung ương",
        "Ban Bí thư Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
        "Các đảng ủy đơn vị sự nghiệp Trung ương",
        "Các đồng chí Ủy viên Ban Chấp hành Trung ương",
        "Lưu Văn phòng Trung ương Đảng",
    ]
    assert seed["references"] == ["62-KL/TW", "18-NQ/TW"]
    assert seed["reference_details"] == [
        {"notation": "62-KL/TW", "date": "2009-12-08"},
        {"notation": "18-NQ/TW", "date": None},
    ]
    assert seed["confidentiality"] is None and seed["urgency"] is None


def test_arrival_stamps(seed: dict[str, Any]) -> None:
    stamps = [(s["office"], s["number"], s["date"]) for s in seed["arrival_stamps"]]
    assert stamps == [
        ("VĂN PHÒNG TỈNH ỦY ĐẮK NÔNG", 565, "2020-01-29"),
        ("THƯỜNG TRỰC TỈNH ỦY ĐẮK NÔNG", 952, "2020-02-11"),
    ]
    assert [s["routing"] for s in seed["arrival_stamps"]] == [None, None]
    ev = seed["evidence"]
    assert ev["arrival_stamps.0.office"] == {"line": 16, "text": "TỈNH ỦY ĐẮK NÔNG VAN PHONG"}
    assert ev["arrival_stamps.1.office"] == {"line": 11, "text": "THƯỜNG CHINH TỈNH ĐẮK NÔNG"}


def test_first_copy(seed: dict[str, Any]) -> None:
    copy = seed["copies"][0]
    assert copy["kind"] == "SAO_LUC"
    assert (copy["notation"], copy["number"]) == ("397-BS/VPTU", 397)
    assert copy["office"] == "VĂN PHÒNG TỈNH ỦY ĐẮK NÔNG"
    assert (copy["place"], copy["date"]) == ("Đắk Nông", "2020-02-04")
    assert (copy["signer_title"], copy["signer_name"]) == ("CHÁNH VĂN PHÒNG", "Lê Văn Chiến")
    assert copy["recipients"] == ["Các đ/c TUV", "Các Đảng bộ trực thuộc", "Lưu Văn phòng Tỉnh ủy"]
    assert copy["signature"] == {
        "organisation": "Văn phòng",
        "signer": None,
        "email": "VPTU@TUDaknong",
        "signed_at": "2020-02-04T15:30:15+07:00",
    }


def test_second_copy(seed: dict[str, Any]) -> None:
    copy = seed["copies"][1]
    assert copy["kind"] == "SAO_LUC"
    assert (copy["notation"], copy["number"]) == ("30-SL/VPDUK", 30)
    assert copy["office"] == "VĂN PHÒNG ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK NÔNG"
    assert (copy["place"], copy["date"]) == ("Đắk Nông", "2020-02-06")
    assert (copy["signer_title"], copy["signer_name"]) == ("CHÁNH VĂN PHÒNG", "Nguyễn Khắc Trung")
    assert copy["recipients"] == ["Thường trực ĐUK", "Các TCCS đảng", "Lưu VT"]
    assert copy["signature"] == {
        "organisation": "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh, Tỉnh ủy Đắk Nông",
        "signer": "Văn phòng",
        "email": "VPDUK@TUDakNong",
        "signed_at": "2020-02-06T14:00:23+07:00",
    }
    assert len(seed["copies"]) == 2


def test_evidence_points_at_the_lines_read(seed: dict[str, Any]) -> None:
    ev = seed["evidence"]
    assert ev["notation"] == {"line": 5, "text": "Số 160-TB/TW"}
    assert ev["issued_on"] == {"line": 9, "text": "Hà Nội, ngày 15 tháng 01 năm 2020"}
    assert ev["signer.name"] == {"line": 109, "text": "Trần Quốc Vượng"}
    assert ev["copies.0.notation"] == {"line": 125, "text": "Số 397 -BS/VPTU"}
    assert ev["copies.1.signature.signed_at"]["line"] == 150


def test_text_print_names_every_part() -> None:
    text = parse_text(read_document("seed_160_tb_tw_sao_luc_chain")).to_text()
    for expected in (
        "160-TB/TW",
        "Trần Quốc Vượng",
        "Số đến",
        "565",
        "952",
        "397-BS/VPTU",
        "30-SL/VPDUK",
        "2020-02-06T14:00:23+07:00",
    ):
        assert expected in text
