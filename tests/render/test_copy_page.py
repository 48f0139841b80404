from __future__ import annotations

import io
import unicodedata
from dataclasses import replace

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from app.render.copy_page import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    CopyBlock,
    render_copy_page,
)
from app.render.text import format_recipients
from tests.render.conftest import Poppler, lines_crossing_text, squash


def test_party_block_text_reads_back_in_nfc(poppler: Poppler, party_block: CopyBlock) -> None:
    page = render_copy_page(party_block)
    text = poppler.text(page.pdf)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for expected in [
        "TỈNH ỦY ĐẮK NÔNG",
        "VĂN PHÒNG",
        "*",
        "Số 397-BS/VPTU",
        "SAO LỤC",
        "Đắk Nông, ngày 04 tháng 02 năm 2020",
        "Nơi nhận:",
        "- Các đ/c TUV,",
        "- Các Đảng bộ trực thuộc,",
        "- Lưu Văn phòng Tỉnh ủy.",
        "CHÁNH VĂN PHÒNG",
        "Lê Văn Chiến",
    ]:
        assert expected in lines, (expected, lines)
    assert text == unicodedata.normalize("NFC", text)
    assert poppler.page_count(page.pdf) == 1


def test_decomposed_input_is_printed_precomposed(poppler: Poppler, party_block: CopyBlock) -> None:
    nfd = replace(party_block, signer_name=unicodedata.normalize("NFD", "Nguyễn Khắc Trung"))
    raw = poppler.text(render_copy_page(nfd).pdf)
    assert "Nguyễn Khắc Trung" in raw  # raw pdftotext output, before any normalisation
    assert "\u0303" not in raw and "\u0301" not in raw


def test_state_block_uses_state_punctuation_and_no_star(poppler: Poppler) -> None:
    block = CopyBlock(
        kind_heading="sao y",
        office_parent="ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG",
        office_name="Văn phòng",
        party=False,
        number_line="Số: 12/SY-VP",
        date_line="Đắk Nông, ngày 05 tháng 3 năm 2020",
        signer_authority="KT. CHÁNH VĂN PHÒNG",
        signer_title="PHÓ CHÁNH VĂN PHÒNG",
        signer_name="Trần Thị Hoa",
        recipients=["Sở Nội vụ", "UBND các huyện"],
    )
    lines = [ln.strip() for ln in poppler.text(render_copy_page(block).pdf).splitlines()]
    assert "SAO Y" in lines and "VĂN PHÒNG" in lines
    assert "*" not in lines
    assert [ln for ln in lines if ln.startswith("- ")] == [
        "- Sở Nội vụ;",
        "- UBND các huyện;",
        "- Lưu: VT.",
    ]
    assert "KT. CHÁNH VĂN PHÒNG" in lines and "PHÓ CHÁNH VĂN PHÒNG" in lines


def test_fonts_are_embedded_subsets(party_block: CopyBlock) -> None:
    reader = PdfFileReader(io.BytesIO(render_copy_page(party_block).pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    font_dicts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert font_dicts
    for font in font_dicts:
        assert "LiberationSerif" in font["/BaseFont"]
        assert font["/BaseFont"][7] == "+"  # subset tag "ABCDEF+"
        assert "/FontFile2" in font["/FontDescriptor"]


def test_signature_box_is_inside_the_page_and_clear_of_text(
    poppler: Poppler, party_block: CopyBlock
) -> None:
    long_block = replace(
        party_block,
        signer_authority="T/L BAN THƯỜNG VỤ",
        note="Sao lục từ bản điện tử có chữ ký số của Ban Chấp hành Trung ương.",
    )
    for block in (party_block, long_block):
        page = render_copy_page(block)
        x1, y1, x2, y2 = page.signature_box
        assert (x2 - x1, y2 - y1) == pytest.approx((200, 70), abs=0.01)
        assert MARGIN_LEFT <= x1 < x2 <= PAGE_WIDTH - MARGIN_RIGHT
        assert MARGIN_BOTTOM <= y1 < y2 <= PAGE_HEIGHT
        words = poppler.words(page.pdf)
        assert len(words) > 20
        for w in words:
            overlaps = w.x1 < x2 and w.x2 > x1 and w.y1 < y2 and w.y2 > y1
            assert not overlaps, (w, page.signature_box)
        title = [w for w in words if w.text == "CHÁNH"]
        name = [w for w in words if w.text == "Chiến"]
        assert title and title[0].y1 >= y2  # title above the box
        assert name and name[0].y2 <= y1  # name below the box
        assert x1 < name[0].x1 < x2  # name centred under the box


def test_layout_columns(poppler: Poppler, party_block: CopyBlock) -> None:
    words = {w.text: w for w in poppler.words(render_copy_page(party_block).pdf)}
    middle = PAGE_WIDTH / 2
    assert words["LỤC"].x1 > middle * 0.9  # copy form in the right column
    assert words["Số"].x2 < middle  # number in the left column
    assert words["nhận:"].x2 < middle
    assert words["LỤC"].y1 > words["nhận:"].y2  # the heading rows come first


def test_a_long_recipient_list_flows_onto_further_pages(
    poppler: Poppler, party_block: CopyBlock
) -> None:
    items = [f"Đảng ủy cơ sở số {n} thuộc Đảng bộ Khối các cơ quan tỉnh" for n in range(1, 81)]
    crowded = replace(party_block, recipients=items, note="Trích sao trang 1, 3.")
    page = render_copy_page(crowded)
    assert page.page_count == poppler.page_count(page.pdf) >= 3
    assert page.signature_page == 0
    texts = [squash(t) for t in poppler.pages_text(page.pdf)]
    # every item, in order, across the pages; the list starts on the signer's page
    flat = " ".join(texts)
    positions = [flat.index(f"- {item},") for item in items]
    assert positions == sorted(positions)
    assert "- Đảng ủy cơ sở số 1 thuộc" in texts[0] and "Lê Văn Chiến" in texts[0]
    assert "Số 397-BS/VPTU" in texts[0] and "Lê Văn Chiến" not in texts[-1]
    assert "- Lưu VT." in texts[-1] and texts[-1].endswith("Trích sao trang 1, 3.")
    # an item's wrapped lines stay on one page, and nothing goes below the bottom margin
    for n, text in enumerate(texts):
        assert text.count("- Đảng ủy") == text.count("Khối các cơ quan tỉnh"), n
        assert min(w.y1 for w in poppler.words(page.pdf, n + 1)) >= MARGIN_BOTTOM - 0.5
    # the signature box is still clear of every word on its page
    x1, y1, x2, y2 = page.signature_box
    for w in poppler.words(page.pdf, 1):
        assert not (w.x1 < x2 and w.x2 > x1 and w.y1 < y2 and w.y2 > y1), w


def test_a_signer_block_that_cannot_fit_is_refused(party_block: CopyBlock) -> None:
    crowded = replace(party_block, signer_authority="T/L BAN THƯỜNG VỤ " * 60)
    with pytest.raises(ValueError, match="does not fit"):
        render_copy_page(crowded)


def test_note_is_printed(poppler: Poppler, party_block: CopyBlock) -> None:
    page = render_copy_page(replace(party_block, note="Trích sao trang 1, 3 của văn bản gốc."))
    assert "Trích sao trang 1, 3 của văn bản gốc." in squash(poppler.text(page.pdf))


@pytest.mark.parametrize(
    ("party", "given", "expected"),
    [
        (
            True,
            ["Các đ/c TUV", "- Các Đảng bộ trực thuộc,", "Lưu Văn phòng Tỉnh ủy."],
            ["- Các đ/c TUV,", "- Các Đảng bộ trực thuộc,", "- Lưu Văn phòng Tỉnh ủy."],
        ),
        (
            True,
            ["Thường trực ĐUK", "Các TCCS đảng"],
            ["- Thường trực ĐUK,", "- Các TCCS đảng,", "- Lưu VT."],
        ),
        (False, ["Sở Nội vụ;"], ["- Sở Nội vụ;", "- Lưu: VT."]),
        (False, ["Sở Nội vụ", "Lưu: VT, TCCB"], ["- Sở Nội vụ;", "- Lưu: VT, TCCB."]),
    ],
)
def test_format_recipients(party: bool, given: list[str], expected: list[str]) -> None:
    assert format_recipients(given, party) == expected


@pytest.mark.parametrize("party", [True, False])
def test_no_rule_or_frame_runs_through_text(party_block: CopyBlock, party: bool) -> None:
    """The State rule sits under the office's name, clear of "Số: …" (issue 16); nor do the
    copy's full-width line and the độ mật frame touch a letter."""
    block = replace(party_block, party=party, office_parent="ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG",
                    office_name="SỞ NỘI VỤ", number_line="Số: 01/SY-SNV",
                    confidentiality_mark="MẬT")
    assert lines_crossing_text(render_copy_page(block).pdf) == []


def test_the_stamp_is_measured_in_a_fresh_process() -> None:
    """fit_stamp runs before any page is drawn (a server's first copy): it registers the
    fonts it measures with."""
    import subprocess
    import sys

    code = ("from datetime import datetime, UTC\n"
            "from app.render.copy_page import fit_stamp\nfrom signing import StampText\n"
            "print(fit_stamp(StampText.office('Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh, "
            "Tỉnh ủy Đắk Nông', 'vpduk@daknong.gov.vn', datetime(2020, 2, 6, tzinfo=UTC))).text())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-1000:]
    assert done.stdout.splitlines()[:2] == ["Cơ quan: Đảng ủy Khối các cơ quan và",
                                            "doanh nghiệp tỉnh, Tỉnh ủy Đắk Nông"]
