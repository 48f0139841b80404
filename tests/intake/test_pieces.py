"""The parser's pieces on small inputs: noise, joins, repairs and the edge of each rule."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.intake import parse_text
from app.domain.intake.copies import copy_kind
from app.domain.intake.dates import find_date_line
from app.domain.intake.lexicon import match_title, restore_upper
from app.domain.intake.lines import clean, fold, split_lines
from app.domain.intake.marks import find_marks
from app.domain.intake.number import find_number_line
from app.domain.intake.offices import normalise_office
from app.domain.intake.recipients import clean_item, find_list
from app.domain.intake.references import find_citations
from app.domain.intake.signatures import find_signatures
from app.domain.intake.signer import is_name, read_signer
from app.domain.intake.stamps import find_stamps


def test_clean_removes_doubled_accents_markdown_and_eth() -> None:
    assert clean("## Ðắ\u0301k  Nông\\*") == "Đắk Nông*"
    assert fold("Đắk Nông") == "DAK NONG" and len(fold("Đắk Nông")) == len("Đắk Nông")


def test_split_lines_splits_columns_and_keeps_line_numbers() -> None:
    lines = split_lines("A\nĐẾN\tSố: 952\n")
    assert [(x.number, x.text) for x in lines] == [(1, "A"), (2, "ĐẾN"), (2, "Số: 952")]
    assert lines[1].raw == "ĐẾN\tSố: 952"


@pytest.mark.parametrize(
    ("text", "place", "day"),
    [
        ("Hà Nội, ngày 15 tháng 01 năm 2020", "Hà Nội", date(2020, 1, 15)),
        ("Dak Nong, ngay 30 thang 3 nam 2021", "Đắk Nông", date(2021, 3, 30)),
        ("Đắk Nông, ngày 18 tháng 01\nnăm 2022", "Đắk Nông", date(2022, 1, 18)),
        ("Số: 12/QĐ-UBND   Gia Nghĩa, ngày 5 tháng 3 năm 2021", "Gia Nghĩa", date(2021, 3, 5)),
    ],
)
def test_date_line(text: str, place: str, day: date) -> None:
    lines = split_lines(text)
    found = find_date_line(lines, 0, len(lines))
    assert found is not None and (found.place, found.date) == (place, day)


def test_impossible_date_is_not_read() -> None:
    lines = split_lines("Hà Nội, ngày 31 tháng 02 năm 2020")
    assert find_date_line(lines, 0, len(lines)) is None


@pytest.mark.parametrize(
    ("text", "notation", "symbol", "number"),
    [
        ("Số 397 -BS/VPTU", "397-BS/VPTU", "BS/VPTU", 397),
        ("Số: 15/2020/NĐ-CP", "15/2020/NĐ-CP", "NĐ-CP", 15),
        ("So 47-KL/TU", "47-KL/TU", "KL/TU", 47),
        ("Số: 27/QĐ-\nUBND", "27/QĐ-UBND", "QĐ-UBND", 27),
        ("Số: 1234/UBND-KT", "1234/UBND-KT", "UBND-KT", 1234),
    ],
)
def test_number_line(text: str, notation: str, symbol: str, number: int) -> None:
    lines = split_lines(text)
    found = find_number_line(lines, 0, len(lines))
    assert found is not None
    assert (found.notation, found.symbol, found.parsed.number) == (notation, symbol, number)


def test_stamp_number_is_not_a_document_number() -> None:
    lines = split_lines("Số: 952")
    assert find_number_line(lines, 0, len(lines)) is None


def test_office_repairs() -> None:
    assert normalise_office(["TỈNH ỦY ĐẮK NÔNG VAN PHONG"]) == "VĂN PHÒNG TỈNH ỦY ĐẮK NÔNG"
    assert normalise_office(["THƯỜNG CHINH TỈNH ĐẮK NÔNG"]) == "THƯỜNG TRỰC TỈNH ỦY ĐẮK NÔNG"
    assert normalise_office(["THƯỜNG TRỰC HĐND TỈNH ĐẮK NÔNG"]) == "THƯỜNG TRỰC HĐND TỈNH ĐẮK NÔNG"
    assert normalise_office(
        ["ĐẢNG ỦY KHỎI CÁC CƠ QUAN", "VÀ DOANH NGHIỆP TỈNH ĐẮK NÔNG", "VĂN PHÒNG"]
    ) == ("VĂN PHÒNG ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK NÔNG")
    assert restore_upper("UY BAN NHAN DAN TINH LAM DONG") == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    assert restore_upper("SỞ XYZ") == "SỞ XYZ"  # unknown words stay as printed


def test_titles() -> None:
    assert match_title("CHÍNH VĂN PHÒNG") == "CHÁNH VĂN PHÒNG"
    assert match_title("PHO CHU TICH") == "PHÓ CHỦ TỊCH"
    assert match_title("VĂN PHÒNG") is None


def test_names() -> None:
    assert all(is_name(split_lines(n)[0]) for n in ("Trần Quốc Vượng", "Ngo Thanh Danh"))
    assert not any(
        is_name(split_lines(n)[0]) for n in ("Tỉnh ủy Đắk Nông", "CHỦ TỊCH", "Lưu VT", "An")
    )


def test_signer_chain_of_authority() -> None:
    text = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n(Đã ký)\n\nTôn Thị Ngọc Hạnh"
    lines = split_lines(text)
    found = read_signer(lines, 0, len(lines))
    assert found is not None
    assert found.signer.prefixes == ["TM.", "KT."]
    assert found.signer.authority == "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"
    assert (found.signer.title, found.signer.name) == ("PHÓ CHỦ TỊCH", "Tôn Thị Ngọc Hạnh")
    assert found.name_index == len(lines) - 1


def test_recipients_clean_and_continue() -> None:
    lines = split_lines(
        "Nơi nhận:\n- Các tỉnh ủy, thành ủy,\n- Ban Bí thư\ntrung ương;\n- Lưu: VT.\n\nX"
    )
    found = find_list(lines, 0, len(lines))
    assert found is not None
    assert found.items == ["Các tỉnh ủy, thành ủy", "Ban Bí thư trung ương", "Lưu: VT"]
    assert clean_item("- Lưu Văn phòng Trung ương Đảng.") == "Lưu Văn phòng Trung ương Đảng"


def test_addressee_on_the_heading_line() -> None:
    lines = split_lines("Kính gửi: Sở Tài chính.\n\nThực hiện …")
    found = find_list(lines, 0, len(lines), addressees=True)
    assert found is not None and found.items == ["Sở Tài chính"]


def test_citations() -> None:
    lines = split_lines(
        "thực hiện Kết luận số 62-KL/TW, ngày 08/12/2009 và Nghị quyết số 18-NQ/TW;\n"
        "Luật số 77/2015/QH13 ngày 19 tháng 6 năm 2015; Nghị định 30/2020/NĐ-CP; ngày 20/12/2019\n"
        "Kết luận số 62-KL/TW"
    )
    found = find_citations(lines, list(range(len(lines))), exclude={"30/2020/NĐ-CP"})
    assert [(c.notation, c.date) for c in found] == [
        ("62-KL/TW", date(2009, 12, 8)),
        ("18-NQ/TW", None),
        ("77/2015/QH13", date(2015, 6, 19)),
    ]


def test_signature_block_joins_wrapped_values() -> None:
    text = (
        "Người ký: Văn phòng\nEmail: VPDUK@TUDakNong\nCơ quan: Đảng ủy Khối các cơ\n"
        "quan và doanh nghiệp tỉnh,\nTỉnh ủy Đắk Nông\nThời gian ký: 06.02.2020\n"
        "14:00:23 +07:00\nSAO LỤC"
    )
    lines = split_lines(text)
    (found,) = find_signatures(lines, 0, len(lines))
    block = found.block
    assert block.organisation == "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh, Tỉnh ủy Đắk Nông"
    assert block.signer == "Văn phòng" and block.email == "VPDUK@TUDakNong"
    assert block.signed_at is not None
    assert block.signed_at.isoformat() == "2020-02-06T14:00:23+07:00"
    assert len(found.indexes) == 7  # "SAO LỤC" is not part of the box


def test_signature_block_without_offset_has_no_time() -> None:
    lines = split_lines("Cơ quan: Văn phòng\nThời gian ký: 04.02.2020 15:30:15")
    (found,) = find_signatures(lines, 0, len(lines))
    assert found.block.signed_at is None and found.block.organisation == "Văn phòng"


def test_stamp_fields_without_diacritics_on_one_line() -> None:
    lines = split_lines("VAN PHONG UBND TINH\tDEN So: 41\nNgay den: 02/03/2021\nChuyen: ...")
    (found,) = find_stamps(lines)
    stamp = found.stamp
    assert (stamp.number, stamp.date, stamp.routing) == (41, date(2021, 3, 2), None)
    assert stamp.office == "VĂN PHÒNG UBND TỈNH"


def test_marks() -> None:
    lines = split_lines("MẬT\nHỎA TỐC\nTỐI MẬT THƯỢNG KHẨN\nMật khẩu\nKHẨN TRƯƠNG")
    assert [(m.field, m.value) for m in find_marks(lines)] == [
        ("confidentiality", "MAT"),
        ("urgency", "HOA_TOC"),
        ("confidentiality", "TOI_MAT"),
        ("urgency", "THUONG_KHAN"),
    ]


def test_copy_kinds() -> None:
    kinds = [copy_kind(x) for x in split_lines("SAO Y BẢN CHÍNH\nSAO LỤC\nTRÍCH SAO\nSao lục")]
    assert kinds == ["SAO_Y", "SAO_LUC", "TRICH_SAO", None]


def test_empty_text_gives_an_empty_proposal() -> None:
    data = parse_text("").to_dict()
    assert data["issuer"] is None and data["number"] is None
    assert data["recipients"] == [] and data["copies"] == [] and data["evidence"] == {}


def test_stamps_sorted_by_arrival_date_whatever_the_print_order() -> None:
    text = (
        "B\nĐẾN\nSố: 9\nNgày: 05/02/2021\n\nA\nĐẾN\nSố: 3\nNgày: 01/02/2021\n\n"
        "VĂN PHÒNG\nSố 4-CV/VPTU\nĐắk Nông, ngày 30 tháng 01 năm 2021"
    )
    stamps = parse_text(text).arrival_stamps
    assert [(s.number, s.date) for s in stamps] == [(3, date(2021, 2, 1)), (9, date(2021, 2, 5))]
