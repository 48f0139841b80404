# mypy: disable-error-code="no-untyped-call"
# (pyHanko's pdf_utils.generic constructors carry no annotations.)
from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from app.render.compose import _appearance_matrix, compose_copy
from app.render.copy_page import CopyBlock, render_copy_page
from app.render.fonts import face, register_fonts
from tests.render.conftest import Poppler, SignVisible, squash

STAMP_1 = "Cơ quan: Văn phòng\nEmail: VPTU@TUDaknong\nThời gian ký: 04.02.2020 15:30:15 +07:00"
STAMP_2 = (
    "Cơ quan: Văn phòng Đảng ủy Khối\nEmail: VPDUK@TUDakNong\n"
    "Thời gian ký: 06.02.2020 14:00:23 +07:00"
)


def source_pdf(pages: int = 3, **canvas_options: object) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, **canvas_options)
    for n in range(1, pages + 1):
        canvas.setFont(face("regular"), 14)
        canvas.drawString(100, 700, f"Trang nguồn số {n} – Bộ Chính trị kết luận")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_all_pages_then_the_block(poppler: Poppler, party_block: CopyBlock) -> None:
    out = compose_copy(source_pdf(3), render_copy_page(party_block).pdf)
    pages = poppler.pages_text(out)
    assert poppler.page_count(out) == 4 == len(pages)
    for n in (1, 2, 3):
        assert squash(pages[n - 1]) == f"Trang nguồn số {n} – Bộ Chính trị kết luận"
    assert "Số 397-BS/VPTU" in pages[3] and "Lê Văn Chiến" in pages[3]


def test_page_content_is_kept_exactly(party_block: CopyBlock) -> None:
    src = source_pdf(2)
    out = compose_copy(src, render_copy_page(party_block).pdf)
    src_reader = PdfFileReader(io.BytesIO(src))
    out_reader = PdfFileReader(io.BytesIO(out))
    for index in range(2):
        original = src_reader.root["/Pages"]["/Kids"][index].get_object()["/Contents"]
        page = out_reader.root["/Pages"]["/Kids"][index].get_object()
        form = page["/Resources"]["/XObject"]["/P0"]
        assert form.data == original.get_object().data
        source_page = src_reader.root["/Pages"]["/Kids"][index].get_object()
        assert [float(v) for v in page["/MediaBox"]] == pytest.approx(
            [float(v) for v in source_page["/MediaBox"]]
        )


def test_trich_sao_keeps_only_the_chosen_pages(poppler: Poppler, party_block: CopyBlock) -> None:
    out = compose_copy(source_pdf(4), render_copy_page(party_block).pdf, pages=[3, 1])
    pages = poppler.pages_text(out)
    assert len(pages) == 3
    assert "số 1 " in pages[0] and "số 3 " in pages[1]  # source order
    assert "SAO LỤC" in pages[2]
    assert not any("số 2 " in p or "số 4 " in p for p in pages)


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ([0], "page 0 does not exist: the source has pages 1 to 3"),
        ([1, 4], "page 4 does not exist"),
        ([2, 2], "page 2 is listed twice"),
        ([], "pages is empty"),
        (["1"], "page '1' is not a page number"),
    ],
)
def test_bad_page_selection(party_block: CopyBlock, pages: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compose_copy(source_pdf(3), render_copy_page(party_block).pdf, pages=pages)


def test_not_a_pdf_is_refused(party_block: CopyBlock) -> None:
    block = render_copy_page(party_block).pdf
    with pytest.raises(ValueError, match="source document is not a PDF"):
        compose_copy(b"GIF89a not a pdf", block)
    with pytest.raises(ValueError, match="source document is not a readable PDF"):
        compose_copy(b"%PDF-1.7\nthis is garbage, no xref", block)
    with pytest.raises(ValueError, match="copy block page is not a PDF"):
        compose_copy(source_pdf(1), b"")


def test_encrypted_source_is_refused(party_block: CopyBlock) -> None:
    encrypted = source_pdf(1, encrypt=StandardEncryption("secret", canPrint=1))
    with pytest.raises(ValueError, match="encrypted"):
        compose_copy(encrypted, render_copy_page(party_block).pdf)


def test_zero_page_source_is_refused(party_block: CopyBlock) -> None:
    writer = PdfFileWriter()
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ValueError, match="zero pages"):
        compose_copy(buffer.getvalue(), render_copy_page(party_block).pdf)


def test_signed_source_keeps_its_stamp_and_drops_its_fields(
    poppler: Poppler, party_block: CopyBlock, sign_visible: SignVisible
) -> None:
    first = render_copy_page(party_block)
    signed = sign_visible(compose_copy(source_pdf(2), first.pdf), first.signature_box, STAMP_1)
    assert PdfFileReader(io.BytesIO(signed)).embedded_signatures  # the fixture really signed

    second = render_copy_page(
        CopyBlock(
            kind_heading="SAO LỤC",
            office_parent="ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK NÔNG",
            office_name="VĂN PHÒNG",
            party=True,
            number_line="Số 30-SL/VPDUK",
            date_line="Đắk Nông, ngày 06 tháng 02 năm 2020",
            signer_authority=None,
            signer_title="CHÁNH VĂN PHÒNG",
            signer_name="Nguyễn Khắc Trung",
            recipients=["Thường trực ĐUK", "Các TCCS đảng", "Lưu VT"],
        )
    )
    out = compose_copy(signed, second.pdf)
    pages = poppler.pages_text(out)
    assert len(pages) == poppler.page_count(out) == 4
    stamp_page = squash(pages[2])
    assert squash(STAMP_1) in stamp_page  # the parent's visible signature text survives
    assert "Lê Văn Chiến" in stamp_page and "Số 397-BS/VPTU" in stamp_page
    # The stamp text sits where the parent's signature box was.
    x1, y1, x2, y2 = first.signature_box
    stamp_words = [
        w for w in poppler.words(out, page=3) if w.text.startswith(("Email:", "Thời gian"))
    ]
    assert len(stamp_words) == 2
    for w in stamp_words:
        # Only the start is checked: pyHanko's stamp font reports overly wide advances.
        assert x1 - 1 <= w.x1 < x2 and y1 - 1 <= w.y1 < y2

    reader = PdfFileReader(io.BytesIO(out))
    assert "/AcroForm" not in reader.root
    assert reader.embedded_signatures == []
    for page_ref in reader.root["/Pages"]["/Kids"]:
        assert "/Annots" not in page_ref.get_object()
    assert b"/Sig" not in out and b"/ByteRange" not in out

    # A copy of the copy of the copy still shows both stamps (the whole chain).
    signed_again = sign_visible(out, second.signature_box, STAMP_2)
    third = compose_copy(signed_again, first.pdf)
    text = squash(poppler.text(third))
    assert squash(STAMP_1) in text and squash(STAMP_2) in text
    assert poppler.page_count(third) == 5


def test_hidden_and_state_dict_appearances(poppler: Poppler, party_block: CopyBlock) -> None:
    """A hand-made /Widget with an /AP /N state dictionary is painted; a hidden one is not."""
    buffer = io.BytesIO()
    inc = IncrementalPdfFileWriter(io.BytesIO(source_pdf(1)))
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )

    def appearance(text: str) -> generic.IndirectObject:
        stream = generic.StreamObject(
            {
                generic.pdf_name("/BBox"): generic.ArrayObject(
                    map(generic.NumberObject, [0, 0, 100, 20])
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(
                    {
                        generic.pdf_name("/Font"): generic.DictionaryObject(
                            {generic.pdf_name("/F1"): font}
                        )
                    }
                ),
            },
            stream_data=f"BT /F1 10 Tf 2 5 Td ({text}) Tj ET".encode(),
        )
        return inc.add_object(stream)

    visible = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                map(generic.NumberObject, [300, 100, 400, 120])
            ),
            generic.pdf_name("/AS"): generic.pdf_name("/On"),
            generic.pdf_name("/AP"): generic.DictionaryObject(
                {
                    generic.pdf_name("/N"): generic.DictionaryObject(
                        {
                            generic.pdf_name("/On"): appearance("WidgetOn"),
                            generic.pdf_name("/Off"): appearance("WidgetOff"),
                        }
                    )
                }
            ),
        }
    )
    hidden = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
            generic.pdf_name("/F"): generic.NumberObject(2),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                map(generic.NumberObject, [300, 200, 400, 220])
            ),
            generic.pdf_name("/AP"): generic.DictionaryObject(
                {generic.pdf_name("/N"): appearance("HiddenOne")}
            ),
        }
    )
    page_ref = inc.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    page[generic.pdf_name("/Annots")] = generic.ArrayObject(
        [inc.add_object(visible), inc.add_object(hidden)]
    )
    inc.update_container(page)
    inc.write(buffer)

    out = compose_copy(buffer.getvalue(), render_copy_page(party_block).pdf)
    text = poppler.text(out)
    assert "WidgetOn" in text
    assert "WidgetOff" not in text and "HiddenOne" not in text
    words = [w for w in poppler.words(out) if w.text == "WidgetOn"]
    assert words and 300 <= words[0].x1 < 330 and 100 <= words[0].y1 <= 120


def test_appearance_matrix_maps_bbox_onto_rect() -> None:
    form = generic.StreamObject(
        {
            generic.pdf_name("/BBox"): generic.ArrayObject(
                map(generic.NumberObject, [10, 10, 110, 60])
            ),
        }
    )
    assert _appearance_matrix(form, [200.0, 300.0, 400.0, 350.0]) == "2 0 0 1 180 290"
    form[generic.pdf_name("/Matrix")] = generic.ArrayObject(
        map(generic.NumberObject, [1, 0, 0, 1, -10, -10])
    )
    assert _appearance_matrix(form, [200.0, 300.0, 300.0, 350.0]) == "1 0 0 1 200 300"
