from __future__ import annotations

from dataclasses import replace

from app.render.original import (
    OriginalLayout,
    is_section_heading,
    render_original,
    seed_original_layout,
)
from tests.render.conftest import Poppler, squash


def test_seed_layout_fields(seed_text: str) -> None:
    layout = seed_original_layout(seed_text)
    assert layout.issuer == "BAN CHẤP HÀNH TRUNG ƯƠNG"
    assert layout.national_heading == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert layout.number_line == "Số 160-TB/TW"
    assert layout.date_line == "Hà Nội, ngày 15 tháng 01 năm 2020"
    assert layout.type_heading == "THÔNG BÁO"
    assert layout.title_lines == [
        "KẾT LUẬN CỦA BỘ CHÍNH TRỊ",
        "về việc tiếp tục thực hiện Kết luận số 62-KL/TW, ngày 08/12/2009",
        "của Bộ Chính trị",
    ]
    assert layout.signer_authority == "T/M BỘ CHÍNH TRỊ"
    assert layout.signer_name == "Trần Quốc Vượng"
    assert layout.party is True
    assert len(layout.recipients) == 6
    assert layout.recipients[0] == "Các tỉnh ủy, thành ủy"
    assert layout.recipients[-1] == "Lưu Văn phòng Trung ương Đảng"


def test_seed_body_runs_from_first_to_last_sentence(seed_text: str) -> None:
    body = seed_original_layout(seed_text).body_paragraphs
    assert body[0].startswith("Tại cuộc họp ngày 20/12/2019")
    assert body[-1] == "Thông báo này phổ biến đến chi bộ."
    for heading in (
        "2.1. Tăng cường sự lãnh đạo của Đảng đối với Mặt trận Tổ quốc và các tổ chức chính trị"
        " - xã hội",
        "2.5. Kiện toàn tổ chức bộ máy, cán bộ",
        "3. Tổ chức thực hiện",
    ):
        assert heading in body
        assert is_section_heading(heading)
    assert not is_section_heading(body[1])  # "1. Qua 10 năm …" is a numbered paragraph
    # Paragraphs the seed split at page breaks are joined again.
    assert any("chưa đổi mới công tác đào tạo, bồi dưỡng, nâng cao" in p for p in body)
    split_starts = ("bồi dưỡng", "vận động gắn", "chính trị - xã hội; làm")
    assert not any(p.startswith(split_starts) for p in body)
    assert all("#" not in p for p in body)


def test_rendered_notice_reads_back(poppler: Poppler, seed_text: str) -> None:
    layout = seed_original_layout(seed_text)
    pdf = render_original(layout)
    pages = poppler.page_count(pdf)
    assert 3 <= pages <= 6
    text = squash(poppler.text(pdf))
    for expected in (
        "BAN CHẤP HÀNH TRUNG ƯƠNG",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 160-TB/TW",
        "Hà Nội, ngày 15 tháng 01 năm 2020",
        "THÔNG BÁO",
        "KẾT LUẬN CỦA BỘ CHÍNH TRỊ",
        "T/M BỘ CHÍNH TRỊ",
        "Trần Quốc Vượng",
        "- Các tỉnh ủy, thành ủy,",
        "- Lưu Văn phòng Trung ương Đảng.",
    ):
        assert expected in text, expected
    for paragraph in layout.body_paragraphs:
        assert squash(paragraph)[:80] in text, paragraph[:80]
    # Page numbers from page 2 on, top centre.
    page_texts = poppler.pages_text(pdf)
    assert page_texts[1].lstrip().startswith("2")


def test_state_heading_gets_the_motto(poppler: Poppler) -> None:
    layout = OriginalLayout(
        issuer_parent="BỘ NỘI VỤ",
        issuer="VỤ VĂN THƯ",
        national_heading="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        number_line="Số: 15/QĐ-BNV",
        date_line="Hà Nội, ngày 05 tháng 3 năm 2020",
        type_heading="Quyết định",
        title_lines=["Về việc ban hành quy chế công tác văn thư"],
        body_paragraphs=["Điều 1. Ban hành kèm theo Quyết định này Quy chế công tác văn thư."],
        recipients=["Như Điều 1"],
        signer_authority="KT. BỘ TRƯỞNG",
        signer_title="THỨ TRƯỞNG",
        signer_name="Nguyễn Văn A",
        party=False,
    )
    text = squash(poppler.text(render_original(layout)))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "QUYẾT ĐỊNH" in text
    assert "- Như Điều 1; - Lưu: VT." in text
    assert "KT. BỘ TRƯỞNG THỨ TRƯỞNG" in text
    single = replace(
        layout, national_heading="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    )
    assert squash(poppler.text(render_original(single))).count("Độc lập - Tự do - Hạnh phúc") == 1
