"""Where the copy block goes (ND 30 Phụ lục I Phần II II.2.a): right under the copied document's
last text, below a solid line, when the heading and the signer's block fit there; otherwise on a
page of its own. Read back with pdftotext and pdfplumber."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from app.render.compose import compose_copy
from app.render.copy_page import CopyBlock, render_after
from app.render.fonts import register_fonts
from app.render.page_extent import lowest_mark, room_below
from tests.render.conftest import Poppler, lines_crossing_text


def _source(last_line_y: float, size: tuple[float, float] = A4, image: bool = False) -> bytes:
    """One page with text from the top down to a line at `last_line_y` (PDF points)."""
    family = register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    c.setFont(family, 13)
    y = size[1] - 80
    while y > last_line_y + 15:
        c.drawString(85, y, f"Nội dung văn bản, dòng ở độ cao {y:.0f}")
        y -= 20
    c.drawString(85, last_line_y, "Dòng cuối của văn bản")
    if image:  # a scan: one picture over the whole page
        c.drawInlineImage(_tiny_png(), 0, 0, size[0], size[1])
    c.showPage()
    c.save()
    return buf.getvalue()


def _tiny_png() -> object:
    from PIL import Image

    return Image.new("L", (4, 4), 255)


def test_lowest_mark_finds_the_last_line(poppler: Poppler) -> None:
    pdf = _source(500)
    lowest = lowest_mark(pdf, 0)
    words = poppler.words(pdf)
    assert min(w.y1 for w in words) == pytest.approx(lowest, abs=2.5)
    assert 490 < lowest < 500


@pytest.mark.parametrize(("last_line_y", "same_page"), [(500, True), (200, False)])
def test_block_goes_under_the_last_text_when_it_fits(
        poppler: Poppler, party_block: CopyBlock, last_line_y: float, same_page: bool) -> None:
    source = _source(last_line_y)
    page = render_after(party_block, room_below(source, -1))
    assert page.on_last_page is same_page
    composed = compose_copy(source, page.pdf, block_on_last_page=page.on_last_page)
    texts = poppler.pages_text(composed)
    assert len(texts) == (1 if same_page else 2)
    last = texts[-1]
    assert "SAO LỤC" in last and "Lê Văn Chiến" in last
    if same_page:
        assert last.index("Dòng cuối của văn bản") < last.index("TỈNH ỦY ĐẮK NÔNG")
        # the block's solid line is under the last line, and nothing runs through a letter
        block_words = [w for w in poppler.words(composed) if w.text == "SAO"]
        last_words = [w for w in poppler.words(composed) if w.text == "cuối"]
        assert block_words[0].y2 < last_words[0].y1
    assert lines_crossing_text(composed) == []


def test_a_scan_or_another_paper_size_takes_the_block_on_a_new_page(
        party_block: CopyBlock) -> None:
    assert room_below(_source(700, landscape(A4)), -1) is None
    scan = _source(700, image=True)
    assert lowest_mark(scan, 0) == pytest.approx(0.0)
    assert render_after(party_block, room_below(scan, -1)).on_last_page is False
