"""The certified-copy block (trang sao văn bản): A4 page(s) appended to the copied pages.

Layout per ND 30 Phụ lục I Phần II (State) and HD 36-HD/VPTW khoản 3 (Party): a solid line across
the full text width, then two columns: left the copying office (parent, name, Party "*" or State
rule), the copy number and, for a secret document, its độ mật mark (box 10a: bold, framed,
under the number); right the copy form (SAO Y / SAO LỤC / TRÍCH SAO) and the italic place
and date. Below: left "Nơi nhận:" and its list, right the signer's authority and title, the box
where the signing library draws the visible signature, and the signer's name.

A nơi nhận list too long for the first page continues at the top of further pages (an item's
wrapped lines kept together); the signer's block stays on the first page, beside the list's
start, with the copy number and date it attests. A note follows the last item.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.render.fonts import Style, face, register_fonts
from app.render.text import format_recipients, nfc, wrap
from signing import StampText

PAGE_WIDTH: float = A4[0]
PAGE_HEIGHT: float = A4[1]
#: ND 30 Phụ lục I, I.5: top 20-25 mm, bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGIN_LEFT: float = 30 * mm
MARGIN_RIGHT: float = 15 * mm
MARGIN_TOP: float = 20 * mm
MARGIN_BOTTOM: float = 20 * mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
LEFT_WIDTH = TEXT_WIDTH * 0.45
RIGHT_X = MARGIN_LEFT + LEFT_WIDTH
RIGHT_WIDTH = TEXT_WIDTH - LEFT_WIDTH

#: Visible signature stamp ("Cơ quan: … / Email: … / Thời gian ký: …"), in points: the
#: smallest box; a longer text wraps and the box grows downwards, never the text shrinks.
SIGNATURE_BOX_WIDTH = 200.0  # "Thời gian ký: … +07:00" on one line at 10 pt
SIGNATURE_BOX_HEIGHT = 70.0
#: The stamp's text as the signing library draws it (signing.pdf_sign.stamp_style): 10 pt on
#: 12 pt lines, inside a 1 pt border, 6 + 4 pt margins left and right, 4 + 4 top and bottom.
STAMP_SIZE = 10.0
STAMP_LEADING = 12.0
STAMP_TEXT_WIDTH = SIGNATURE_BOX_WIDTH - 2 * (1 + 6 + 4) - 2  # 2 pt to spare for rounding
STAMP_MARGINS_HEIGHT = 2 * (1 + 4 + 4) + 4

HEADING_SIZE = 13.0
KIND_SIZE = 14.0
DATE_SIZE = 13.0
MARK_SIZE = 13.0
#: The độ mật frame: 8 mm high, the label's width plus this padding each side, in points.
MARK_HEIGHT: float = 8 * mm
MARK_PADDING: float = 3 * mm
LIST_TITLE_SIZE = 12.0
LIST_SIZE = 11.0
NOTE_SIZE = 11.0
LEADING = 1.2
#: How far below its baseline a line's descenders reach, in em.
DESCENT = 0.25
#: How far above its baseline a line's capitals (and their marks: "Ố") reach, in em.
CAP_HEIGHT = 0.9
#: Space between the State rule and the text above and below it, in points.
RULE_GAP = 2.0


@dataclass(frozen=True)
class CopyBlock:
    """What the copy block says. Strings are printed as given (NFC-normalised)."""

    kind_heading: str  # hình thức sao: "SAO Y" | "SAO LỤC" | "TRÍCH SAO"
    office_parent: str | None  # tên cơ quan chủ quản, e.g. "TỈNH ỦY ĐẮK NÔNG"
    office_name: str  # tên cơ quan sao, e.g. "VĂN PHÒNG"
    party: bool  # Party documents: "*" under the office name and "," list punctuation
    number_line: str  # số, ký hiệu bản sao, e.g. "Số 397-BS/VPTU"
    date_line: str  # địa danh, ngày tháng năm sao
    signer_authority: str | None  # e.g. "T/L BAN THƯỜNG VỤ", "KT. CHÁNH VĂN PHÒNG"
    signer_title: str  # e.g. "CHÁNH VĂN PHÒNG"
    signer_name: str
    recipients: list[str] = field(default_factory=list)  # nơi nhận, without "- " and punctuation
    note: str | None = None  # e.g. which pages a trích sao reproduces
    #: độ mật label ("MẬT", "TỐI MẬT", "TUYỆT MẬT"), framed under the number; None: no mark
    confidentiality_mark: str | None = None
    #: How many lines the visible signature's text takes (see :func:`fit_stamp`).
    stamp_lines: int = 4


@dataclass(frozen=True)
class RenderedCopyPage:
    pdf: bytes
    #: (x1, y1, x2, y2) in PDF points, origin bottom-left, on page `signature_page`.
    signature_box: tuple[float, float, float, float]
    #: 0-based index, among the block's pages, of the page carrying the signature box.
    signature_page: int = 0
    #: How many pages the block takes (more than one when the nơi nhận list flows on).
    page_count: int = 1
    #: The block's first page is drawn over the copied document's last page, under its text
    #: (ND 30 Phụ lục I Phần II II.2.a); False: the block starts a page of its own.
    on_last_page: bool = False


class BlockDoesNotFit(ValueError):
    """The signer's block does not fit between the block's top and the bottom margin."""


class _Writer:
    """Draws centred or left-aligned wrapped lines, moving a cursor down the page(s)."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.page = 0  # 0-based index of the page being drawn

    @staticmethod
    def wrapped(text: str, style: Style, size: float, width: float, indent: float) -> list[str]:
        font = face(style)
        first, *rest = wrap(text, font, size, width)
        return [first] + [w for r in rest for w in wrap(r, font, size, width - indent)]

    def _draw(self, line: str, n: int, style: Style, size: float, x: float, width: float,
              y: float, centred: bool, indent: float) -> None:
        self.canvas.setFont(face(style), size)
        if centred:
            self.canvas.drawCentredString(x + width / 2, y, line)
        else:
            self.canvas.drawString(x + (indent if n else 0.0), y, line)

    def lines(
        self,
        text: str,
        style: Style,
        size: float,
        x: float,
        width: float,
        y: float,
        centred: bool = True,
        indent: float = 0.0,
    ) -> float:
        """Draw `text` wrapped to `width`, first baseline at `y`; return the next baseline."""
        for n, line in enumerate(self.wrapped(text, style, size, width, indent)):
            self._draw(line, n, style, size, x, width, y, centred, indent)
            y -= size * LEADING
        return y

    def flowing(
        self, text: str, style: Style, size: float, x: float, width: float, y: float,
        indent: float = 0.0,
    ) -> float:
        """Like `lines` (left-aligned), going on to a new page at the bottom margin; the lines
        of one item stay together unless they are taller than a page."""
        wrapped = self.wrapped(text, style, size, width, indent)
        step = size * LEADING

        def fits(count: int, baseline: float) -> bool:
            return baseline - (count - 1) * step - size * DESCENT >= MARGIN_BOTTOM

        if not fits(len(wrapped), y) and fits(len(wrapped), self.top(size)):
            y = self.new_page(size)
        for n, line in enumerate(wrapped):
            if not fits(1, y):
                y = self.new_page(size)
            self._draw(line, n, style, size, x, width, y, False, indent)
            y -= step
        return y

    @staticmethod
    def top(size: float) -> float:
        """First baseline of a continuation page for text of `size`."""
        return PAGE_HEIGHT - MARGIN_TOP - size

    def new_page(self, size: float) -> float:
        self.canvas.showPage()
        self.page += 1
        return self.top(size)


def _draw_mark(canvas: Canvas, label: str, next_baseline: float) -> float:
    """Frame `label` (bold caps) centred in the left column under the line whose next baseline
    is `next_baseline`; return the next baseline under the frame."""
    text = nfc(label).upper()
    width = stringWidth(text, face("bold"), MARK_SIZE) + 2 * MARK_PADDING
    centre = MARGIN_LEFT + LEFT_WIDTH / 2
    # 4 pt under the descenders of the number line
    top = next_baseline + HEADING_SIZE * (LEADING - DESCENT) - 4
    bottom = top - MARK_HEIGHT
    canvas.setLineWidth(1.0)
    canvas.rect(centre - width / 2, bottom, width, MARK_HEIGHT, stroke=1, fill=0)
    canvas.setFont(face("bold"), MARK_SIZE)
    # capitals centred in the frame (cap height about 0.66 em)
    canvas.drawCentredString(centre, bottom + (MARK_HEIGHT - MARK_SIZE * 0.66) / 2, text)
    return bottom - HEADING_SIZE * (LEADING - DESCENT)


def fit_stamp(stamp: StampText) -> StampText:
    """The stamp with each value wrapped so that its lines fit the box at 10 pt: a long office
    name runs on ("Cơ quan: Đảng ủy Khối các cơ" / "quan và doanh nghiệp tỉnh, …", as the seed
    prints it) instead of being shrunk to fit."""
    register_fonts()  # measured before any page is drawn in this process
    font = face("regular")
    lines: list[tuple[str, str]] = []
    for label, value in stamp.lines:
        lead = f"{label}: "
        first, *rest = wrap(lead + value, font, STAMP_SIZE, STAMP_TEXT_WIDTH)
        lines.append((label, "\n".join([first.removeprefix(lead), *rest])))
    return StampText(lines)


def stamp_line_count(stamp: StampText) -> int:
    return len(stamp.text().split("\n"))


def _fit_size(text: str, style: Style, size: float, width: float, minimum: float) -> float:
    """Largest size <= `size` (down to `minimum`) at which `text` fits on one line."""
    while size > minimum and stringWidth(nfc(text), face(style), size) > width:
        size -= 0.5
    return size


def _draw_office_column(writer: _Writer, block: CopyBlock, top: float) -> float:
    """Left column: the copying office, the Party "*" or the State rule, the copy number and the
    độ mật mark; returns the next baseline under it."""
    canvas = writer.canvas
    y = top - 22
    if block.office_parent:
        y = writer.lines(
            block.office_parent.upper(), "regular", HEADING_SIZE, MARGIN_LEFT, LEFT_WIDTH, y
        )
    y = writer.lines(block.office_name.upper(), "bold", HEADING_SIZE, MARGIN_LEFT, LEFT_WIDTH, y)
    if block.party:
        y = writer.lines("*", "regular", HEADING_SIZE, MARGIN_LEFT, LEFT_WIDTH, y)
    else:
        # ND 30: a short solid rule under the organisation name (1/3 to 1/2 of its width).
        widest = max(
            stringWidth(line, face("bold"), HEADING_SIZE)
            for line in wrap(block.office_name.upper(), face("bold"), HEADING_SIZE, LEFT_WIDTH)
        )
        rule = max(widest / 2.5, 30.0)
        centre = MARGIN_LEFT + LEFT_WIDTH / 2
        # Under the name's descenders (its baseline is one leading above `y`), and the number
        # line moved down so that its capitals stay clear of the rule.
        rule_y = y + HEADING_SIZE * LEADING - HEADING_SIZE * DESCENT - RULE_GAP
        canvas.setLineWidth(0.5)
        canvas.line(centre - rule / 2, rule_y, centre + rule / 2, rule_y)
        y = min(y, rule_y - RULE_GAP - HEADING_SIZE * CAP_HEIGHT)
    y = writer.lines(block.number_line, "regular", HEADING_SIZE, MARGIN_LEFT, LEFT_WIDTH, y)
    if block.confidentiality_mark:
        y = _draw_mark(canvas, block.confidentiality_mark, y)
    return y


def _draw_form_column(writer: _Writer, block: CopyBlock, top: float) -> float:
    """Right column: the copy form and the place and date; returns the next baseline."""
    y = top - 22
    y = writer.lines(block.kind_heading.upper(), "bold", KIND_SIZE, RIGHT_X, RIGHT_WIDTH, y)
    y -= 4
    date_size = _fit_size(block.date_line, "italic", DATE_SIZE, RIGHT_WIDTH, 11.0)
    return writer.lines(block.date_line, "italic", date_size, RIGHT_X, RIGHT_WIDTH, y)


def _draw_signer(
    writer: _Writer, block: CopyBlock, lower_top: float
) -> tuple[tuple[float, float, float, float], float]:
    """Lower right (it stays on the first page): authority, title, the signature box, name.
    Returns the box and the next baseline under the name."""
    y = lower_top
    if block.signer_authority:
        y = writer.lines(
            block.signer_authority.upper(), "bold", HEADING_SIZE, RIGHT_X, RIGHT_WIDTH, y
        )
    y = writer.lines(block.signer_title.upper(), "bold", HEADING_SIZE, RIGHT_X, RIGHT_WIDTH, y)
    # y is the next baseline; the last line's descenders end about 0.25 em below the previous.
    box_top = y + HEADING_SIZE * LEADING - HEADING_SIZE * 0.3 - 6
    box_x1 = RIGHT_X + (RIGHT_WIDTH - SIGNATURE_BOX_WIDTH) / 2
    box_height = max(SIGNATURE_BOX_HEIGHT,
                     block.stamp_lines * STAMP_LEADING + STAMP_MARGINS_HEIGHT)
    box = (box_x1, box_top - box_height, box_x1 + SIGNATURE_BOX_WIDTH, box_top)
    y = box[1] - 8 - HEADING_SIZE
    y = writer.lines(block.signer_name, "bold", HEADING_SIZE, RIGHT_X, RIGHT_WIDTH, y)
    if y + HEADING_SIZE * (LEADING - DESCENT) < MARGIN_BOTTOM:
        raise BlockDoesNotFit(
            "the signer's block does not fit under the copy heading: shorten the office "
            "names, the signer's authority or title"
        )
    return box, y


def _draw_recipients(writer: _Writer, block: CopyBlock, lower_top: float) -> float:
    """Lower left: "Nơi nhận:" and the list, going on to further pages when it is long."""
    canvas = writer.canvas
    y = lower_top
    canvas.setFont(face("bold_italic"), LIST_TITLE_SIZE)
    canvas.drawString(MARGIN_LEFT, y, "Nơi nhận:")
    y -= LIST_TITLE_SIZE * LEADING
    dash = stringWidth("- ", face("regular"), LIST_SIZE)
    for line in format_recipients(block.recipients, block.party):
        y = writer.flowing(line, "regular", LIST_SIZE, MARGIN_LEFT, LEFT_WIDTH, y, indent=dash)
    return y


#: Space between the copied document's last mark and the copy block's solid line, in points.
GAP_ABOVE_BLOCK = 18.0


def _least_height(block: CopyBlock) -> float:
    """A lower bound of the height from the block's solid line to the signer's name: less room
    than this and the block cannot fit, so it is not drawn only to be thrown away."""
    step = HEADING_SIZE * LEADING
    box = max(SIGNATURE_BOX_HEIGHT, block.stamp_lines * STAMP_LEADING + STAMP_MARGINS_HEIGHT)
    # heading offset, office name and number, the gap, the signer's title, the box, the name;
    # less 12 pt of slack so that a block that just fits is still tried
    return 22 + 2 * step + 16 + step + box + 8 + HEADING_SIZE - 12


def render_after(block: CopyBlock, lowest_mark: float | None) -> RenderedCopyPage:
    """The block right under the copied document's last mark (`lowest_mark`, PDF points from
    the bottom of its last page) when the heading and the signer's block fit there; else on a
    page of its own. None: the last page cannot take it (not an upright A4 page)."""
    if lowest_mark is not None and lowest_mark - GAP_ABOVE_BLOCK - MARGIN_BOTTOM >= _least_height(
            block):
        top = min(lowest_mark - GAP_ABOVE_BLOCK, PAGE_HEIGHT - MARGIN_TOP)
        try:
            return render_copy_page(block, top=top)
        except BlockDoesNotFit:
            pass
    return render_copy_page(block)


def render_copy_page(block: CopyBlock, top: float | None = None) -> RenderedCopyPage:
    """Render the block page(s); the returned box, on `signature_page`, is where the visible
    signature goes. With `top`, the block's solid line is drawn there, to go over the copied
    document's last page (`on_last_page`). Raises BlockDoesNotFit (a ValueError) only when the
    signer's block cannot fit under the heading."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=A4, invariant=True, pageCompression=1, initialFontName=face("regular")
    )
    canvas.setTitle(nfc(f"{block.kind_heading} {block.number_line}"))
    canvas.setAuthor(nfc(block.office_name))
    canvas.setCreator("vanthu")
    writer = _Writer(canvas)

    on_last_page = top is not None
    top = PAGE_HEIGHT - MARGIN_TOP if top is None else top
    canvas.setLineWidth(0.75)
    canvas.line(MARGIN_LEFT, top, PAGE_WIDTH - MARGIN_RIGHT, top)
    left_bottom = _draw_office_column(writer, block, top)
    right_bottom = _draw_form_column(writer, block, top)

    # Lower right first (it stays on this page), then the list, which may flow on.
    lower_top = min(left_bottom, right_bottom) - 16
    box, signer_bottom = _draw_signer(writer, block, lower_top)
    y = _draw_recipients(writer, block, lower_top)

    # The note runs across the page, under both blocks (or under the list, once it flowed).
    y = (min(y, signer_bottom) if writer.page == 0 else y) - 10
    if block.note:
        y = writer.flowing(block.note, "italic", NOTE_SIZE, MARGIN_LEFT, TEXT_WIDTH, y)

    canvas.showPage()
    canvas.save()
    x1, y1, x2, y2 = (round(v, 2) for v in box)
    return RenderedCopyPage(pdf=buffer.getvalue(), signature_box=(x1, y1, x2, y2),
                            signature_page=0, page_count=writer.page + 1,
                            on_last_page=on_last_page)
