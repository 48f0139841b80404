"""Register books (sổ đăng ký) as ND 30 Phụ lục IV prints them, as PDF (A4 landscape).

The PDF carries the cover fields (cơ quan chủ quản, cơ quan, title, Năm, Từ ngày … đến ngày …,
Từ số … đến số …, Quyển số) at the top of page 1, repeats the column header on every page and
numbers pages "Trang x/y". Rows are streamed: the renderer takes a factory of row iterators and
walks it twice (once to count pages, once to draw), holding one row at a time. The forms (rows,
columns, cells) are :mod:`app.render.register_forms`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.render.fonts import face, register_fonts
from app.render.register_forms import (
    FORMS,
    RegisterKind,
    RegisterMeta,
    Row,
    columns,
    format_cell,
    row_cells,
)
from app.render.text import nfc, wrap

PAGE_WIDTH: float = float(landscape(A4)[0])
PAGE_HEIGHT: float = float(landscape(A4)[1])
MARGIN_LEFT: float = 20 * mm
MARGIN_RIGHT: float = 15 * mm
MARGIN_TOP: float = 15 * mm
MARGIN_BOTTOM: float = 15 * mm
TABLE_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
CELL_SIZE = 9.0
CELL_LEADING = 11.0
PAD = 3.0
FOOTER_SPACE: float = 8 * mm
COVER_HEIGHT = 120.0  # points the cover block takes on page 1
RUNNING_HEAD_HEIGHT = 18.0  # points the running head takes on later pages


def _widths(kind: RegisterKind) -> list[float]:
    weights = FORMS[kind].weights
    total = sum(weights)
    return [TABLE_WIDTH * w / total for w in weights]


def _wrap_cells(cells: list[str], widths: list[float], font: str) -> list[list[str]]:
    return [
        wrap(c, font, CELL_SIZE, w - 2 * PAD) if c else [""]
        for c, w in zip(cells, widths, strict=True)
    ]


def _height(lines: list[list[str]]) -> float:
    return max(len(c) for c in lines) * CELL_LEADING + 2 * PAD


def _header_lines(kind: RegisterKind) -> list[list[str]]:
    widths = _widths(kind)
    titles = _wrap_cells(list(columns(kind)), widths, face("bold"))
    return titles


def _table_top(page: int) -> float:
    top = PAGE_HEIGHT - MARGIN_TOP
    return top - (COVER_HEIGHT if page == 0 else RUNNING_HEAD_HEIGHT)


def _table_bottom() -> float:
    return MARGIN_BOTTOM + FOOTER_SPACE


def _number_row_height() -> float:
    return CELL_LEADING + 2 * PAD


def _body_top(kind: RegisterKind, page: int) -> float:
    return _table_top(page) - _height(_header_lines(kind)) - _number_row_height()


def _truncate(lines: list[list[str]], max_lines: int) -> list[list[str]]:
    """Cut a row taller than a whole page so it still fits on one (marking the cut with …)."""
    return [
        c if len(c) <= max_lines else [*c[: max_lines - 1], c[max_lines - 1] + " …"] for c in lines
    ]


def _placed(
    kind: RegisterKind, rows: Iterator[Row]
) -> Iterator[tuple[int, float, list[list[str]]]]:
    """(page index, top y, wrapped cells) for each row, paginating as it goes."""
    widths = _widths(kind)
    font = face("regular")

    def capacity(page: int) -> int:
        return int((_body_top(kind, page) - _table_bottom() - 2 * PAD) // CELL_LEADING)

    page, y = 0, _body_top(kind, 0)
    for row in rows:
        lines = _wrap_cells(row_cells(kind, row), widths, font)
        if y - _height(lines) < _table_bottom():
            if y == _body_top(kind, page):
                # Even an empty page cannot hold it: cut it here rather than leave a blank page.
                lines = _truncate(lines, capacity(page))
            else:
                page += 1
                y = _body_top(kind, page)
                lines = _truncate(lines, capacity(page))
        yield page, y, lines
        y -= _height(lines)


def _draw_row(
    canvas: Canvas,
    y: float,
    lines: list[list[str]],
    widths: list[float],
    font: str,
    centred: bool = False,
) -> float:
    height = _height(lines)
    x = MARGIN_LEFT
    canvas.setFont(font, CELL_SIZE)
    for cell, width in zip(lines, widths, strict=True):
        canvas.rect(x, y - height, width, height, stroke=1, fill=0)
        baseline = y - PAD - CELL_SIZE
        for line in cell:
            if centred:
                canvas.drawCentredString(x + width / 2, baseline, line)
            else:
                canvas.drawString(x + PAD, baseline, line)
            baseline -= CELL_LEADING
        x += width
    return y - height


def _draw_header(canvas: Canvas, kind: RegisterKind, page: int) -> None:
    widths = _widths(kind)
    y = _draw_row(canvas, _table_top(page), _header_lines(kind), widths, face("bold"), True)
    numbers = [[f"({n})"] for n in range(1, len(widths) + 1)]
    _draw_row(canvas, y, numbers, widths, face("italic"), True)


def _period(meta: RegisterMeta) -> list[str]:
    label = "Năm" if meta.year_or_term.strip().isdigit() else "Nhiệm kỳ"
    lines = [f"{label}: {meta.year_or_term}"]
    lines.append(
        f"Từ ngày {format_cell(meta.date_from) or '…'} đến ngày {format_cell(meta.date_to) or '…'}"
    )
    lines.append(
        f"Từ số {format_cell(meta.number_from) or '…'} đến số {format_cell(meta.number_to) or '…'}"
    )
    lines.append(f"Quyển số: {format_cell(meta.volume) or '…'}")
    return lines


def _draw_cover(canvas: Canvas, meta: RegisterMeta) -> None:
    top = PAGE_HEIGHT - MARGIN_TOP
    left_centre = MARGIN_LEFT + 130
    y = top - 12
    if meta.parent_org:
        canvas.setFont(face("regular"), 12)
        canvas.drawCentredString(left_centre, y, nfc(meta.parent_org.upper()))
        y -= 15
    canvas.setFont(face("bold"), 12)
    canvas.drawCentredString(left_centre, y, nfc(meta.org_name.upper()))
    centre = PAGE_WIDTH / 2
    canvas.setFont(face("bold"), 16)
    canvas.drawCentredString(centre, top - 48, FORMS[meta.kind].title)
    canvas.setFont(face("regular"), 11)
    period = _period(meta)
    canvas.drawCentredString(centre, top - 66, nfc(period[0]))
    canvas.drawCentredString(centre, top - 80, nfc(f"{period[1]}    {period[2]}"))
    canvas.drawCentredString(centre, top - 94, nfc(period[3]))


def _draw_running_head(canvas: Canvas, meta: RegisterMeta) -> None:
    canvas.setFont(face("italic"), 9)
    period = _period(meta)
    canvas.drawString(
        MARGIN_LEFT,
        PAGE_HEIGHT - MARGIN_TOP - 10,
        nfc(f"{FORMS[meta.kind].title} – {meta.org_name} – {period[0]} – {period[3]}"),
    )


def _draw_footer(canvas: Canvas, page: int, total: int) -> None:
    canvas.setFont(face("regular"), 10)
    canvas.drawCentredString(PAGE_WIDTH / 2, MARGIN_BOTTOM, f"Trang {page}/{total}")


def count_pages(meta: RegisterMeta, rows: Iterator[Row]) -> int:
    """How many pages the PDF register takes for these rows (consumes the iterator)."""
    register_fonts()
    last = 0
    for page, _, _ in _placed(meta.kind, rows):
        last = page
    return last + 1


def write_register_pdf(meta: RegisterMeta, rows: Callable[[], Iterator[Row]], out: BinaryIO) -> int:
    """Write the register as PDF to `out`; `rows()` is called twice. Returns the page count."""
    register_fonts()
    total = count_pages(meta, rows())
    canvas = Canvas(
        out,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=True,
        pageCompression=1,
        initialFontName=face("regular"),
    )
    canvas.setTitle(nfc(f"{FORMS[meta.kind].title} – {meta.org_name} – {meta.year_or_term}"))
    canvas.setAuthor(nfc(meta.org_name))
    canvas.setCreator("vanthu")
    canvas.setLineWidth(0.5)
    widths = _widths(meta.kind)
    font = face("regular")

    def start(page: int) -> None:
        canvas.setLineWidth(0.5)
        if page == 0:
            _draw_cover(canvas, meta)
        else:
            _draw_running_head(canvas, meta)
        _draw_header(canvas, meta.kind, page)

    current = 0
    start(0)
    for page, y, lines in _placed(meta.kind, rows()):
        if page != current:
            _draw_footer(canvas, current + 1, total)
            canvas.showPage()
            current = page
            start(page)
        _draw_row(canvas, y, lines, widths, font)
    if current + 1 != total:
        raise ValueError(
            f"the rows changed between the two passes ({total} pages counted, {current + 1} drawn)"
        )
    _draw_footer(canvas, current + 1, total)
    canvas.showPage()
    canvas.save()
    return total
