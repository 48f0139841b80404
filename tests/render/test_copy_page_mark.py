"""The độ mật mark on the copy block: bold, framed, under the number line (box 10a)."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from app.render.copy_page import PAGE_WIDTH, CopyBlock, render_copy_page
from tests.render.conftest import Poppler, Word

RECT = re.compile(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re\b")


def rectangles(pdf: bytes) -> list[tuple[float, float, float, float]]:
    """(x1, y1, x2, y2) of every rectangle the page's content draws."""
    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    data = page["/Contents"].get_object().data
    return [(float(x), float(y), float(x) + float(w), float(y) + float(h))
            for x, y, w, h in RECT.findall(data)]


def font_after_frame(pdf: bytes) -> str:
    """BaseFont of the first text set after the first rectangle is drawn."""
    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"][0].get_object()
    data = page["/Contents"].get_object().data
    after = data[RECT.search(data).end():]  # type: ignore[union-attr]
    name = re.search(rb"/([^\s/]+) [\d.]+ Tf", after)
    assert name, after[:200]
    font = page["/Resources"]["/Font"]["/" + name.group(1).decode()].get_object()
    return str(font["/BaseFont"])


def line_of(words: list[Word], text: str) -> list[Word]:
    first = [w for w in words if w.text == text.split()[0]]
    assert first, (text, [w.text for w in words])
    return [w for w in words if abs(w.y1 - first[0].y1) < 1]


@pytest.mark.parametrize("label", ["MẬT", "TỐI MẬT", "TUYỆT MẬT"])
def test_the_mark_is_framed_in_bold_under_the_number(
        poppler: Poppler, party_block: CopyBlock, label: str) -> None:
    page = render_copy_page(replace(party_block, confidentiality_mark=label))
    words = poppler.words(page.pdf)
    number = line_of(words, "Số 397-BS/VPTU")
    mark = [w for w in words if w.text in label.split() and w.y2 < number[0].y1]
    assert " ".join(w.text for w in mark) == label
    # just under the number line, in the left column, centred under it
    assert 0 < number[0].y1 - max(w.y2 for w in mark) < 15
    middle = PAGE_WIDTH / 2
    assert all(w.x2 < middle for w in mark)
    number_centre = (number[0].x1 + number[-1].x2) / 2
    mark_centre = (mark[0].x1 + mark[-1].x2) / 2
    assert mark_centre == pytest.approx(number_centre, abs=3)
    # a frame round it, clear of the number line
    frames = [r for r in rectangles(page.pdf)
              if r[0] < mark[0].x1 and r[2] > mark[-1].x2
              and r[1] < min(w.y1 for w in mark) and r[3] > max(w.y2 for w in mark)]
    assert len(frames) == 1 and frames[0][3] < number[0].y1, frames
    # bold: the text drawn in the frame is set in the bold face
    assert font_after_frame(page.pdf).endswith("LiberationSerif-Bold")
    # the signer's block moves down with the heading and still fits
    assert page.page_count == 1 and "Lê Văn Chiến" in poppler.text(page.pdf)


def test_an_ordinary_block_has_no_mark_and_no_frame(
        poppler: Poppler, party_block: CopyBlock) -> None:
    page = render_copy_page(party_block)
    assert "MẬT" not in poppler.text(page.pdf)
    assert rectangles(page.pdf) == []
    assert render_copy_page(replace(party_block, confidentiality_mark="")).pdf == page.pdf
