"""Render an original document (bản gốc) for the demo, e.g. the Politburo notice 160-TB/TW.

Header in two columns (issuer left; national or Party heading and the italic place/date right),
type heading and title centred in bold, the body justified with a first-line indent, then
"Nơi nhận" on the left and the signer on the right. Page numbers from page 2, top centre.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.render.fonts import face, register_fonts
from app.render.text import bare_recipient, format_recipients, nfc

STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"
_HEADING = re.compile(r"^\d+(?:\.\d+)*\.\s")


@dataclass(frozen=True)
class OriginalLayout:
    issuer_parent: str | None  # tên cơ quan chủ quản
    issuer: str  # tên cơ quan ban hành, e.g. "BAN CHẤP HÀNH TRUNG ƯƠNG"
    #: "ĐẢNG CỘNG SẢN VIỆT NAM" (Party) or "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (State; the motto
    #: "Độc lập - Tự do - Hạnh phúc" is added under it unless given after a newline).
    national_heading: str
    number_line: str  # "Số 160-TB/TW" / "Số: 15/QĐ-BNV"
    date_line: str  # "Hà Nội, ngày 15 tháng 01 năm 2020"
    type_heading: str  # "THÔNG BÁO"
    title_lines: list[str]  # trích yếu, one entry per printed line
    body_paragraphs: list[str]
    recipients: list[str]
    signer_authority: str | None  # "T/M BỘ CHÍNH TRỊ"
    signer_title: str | None
    signer_name: str
    party: bool = True
    #: Extra metadata for the PDF /Info title.
    pdf_title: str = field(default="")


def is_section_heading(paragraph: str) -> bool:
    """A numbered line without closing punctuation ("2.1. Tăng cường …") is a heading."""
    text = paragraph.strip()
    return bool(_HEADING.match(text)) and not text.endswith((".", ":", ";", ","))


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=face("regular"), fontSize=14, leading=17)
    return {
        "head": ParagraphStyle("head", base, fontSize=13, leading=16, alignment=TA_CENTER),
        "head_bold": ParagraphStyle(
            "head_bold", base, fontName=face("bold"), fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "national": ParagraphStyle(
            "national", base, fontName=face("bold"), fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "date": ParagraphStyle(
            "date", base, fontName=face("italic"), fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "type": ParagraphStyle(
            "type",
            base,
            fontName=face("bold"),
            fontSize=15,
            leading=19,
            alignment=TA_CENTER,
            spaceBefore=18,
        ),
        "title": ParagraphStyle(
            "title", base, fontName=face("bold"), fontSize=14, leading=17, alignment=TA_CENTER
        ),
        "body": ParagraphStyle(
            "body", base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=6
        ),
        "section": ParagraphStyle(
            "section",
            base,
            fontName=face("bold"),
            alignment=TA_JUSTIFY,
            firstLineIndent=10 * mm,
            spaceAfter=6,
        ),
        "list_title": ParagraphStyle(
            "list_title",
            base,
            fontName=face("bold_italic"),
            fontSize=12,
            leading=14,
            alignment=TA_LEFT,
        ),
        "list": ParagraphStyle(
            "list",
            base,
            fontSize=11,
            leading=13,
            alignment=TA_LEFT,
            leftIndent=8,
            firstLineIndent=-8,
        ),
        "sign": ParagraphStyle(
            "sign", base, fontName=face("bold"), fontSize=13, leading=16, alignment=TA_CENTER
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(nfc(text)), style)


class _Rule(Flowable):  # type: ignore[misc]
    """A short centred solid line (under the national motto or the title)."""

    def __init__(self, length: float, space: float = 3.0) -> None:
        super().__init__()
        self.length = length
        self.space = space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.avail = avail_width
        return avail_width, self.space * 2

    def draw(self) -> None:
        x = (self.avail - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x, self.space, x + self.length, self.space)


def _header(layout: OriginalLayout, st: dict[str, ParagraphStyle], width: float) -> Table:
    left: list[Flowable] = []
    if layout.issuer_parent:
        left.append(_p(layout.issuer_parent.upper(), st["head"]))
    left.append(_p(layout.issuer.upper(), st["head_bold"]))
    left.append(_p("*", st["head"]) if layout.party else _Rule(40))
    left.append(_p(layout.number_line, st["head"]))

    right: list[Flowable] = []
    heading_lines = [line for line in layout.national_heading.split("\n") if line.strip()]
    if not layout.party and len(heading_lines) == 1:
        heading_lines.append(STATE_MOTTO)
    for line in heading_lines:
        right.append(_p(line, st["national"]))
    right.append(_Rule(150 if layout.party else 160))
    right.append(Spacer(1, 4))
    right.append(_p(layout.date_line, st["date"]))

    table = Table([[left, right]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _signature(layout: OriginalLayout, st: dict[str, ParagraphStyle], width: float) -> Table:
    left: list[Flowable] = [_p("Nơi nhận:", st["list_title"])]
    left += [_p(line, st["list"]) for line in format_recipients(layout.recipients, layout.party)]
    right: list[Flowable] = []
    if layout.signer_authority:
        right.append(_p(layout.signer_authority.upper(), st["sign"]))
    if layout.signer_title:
        right.append(_p(layout.signer_title.upper(), st["sign"]))
    right.append(Spacer(1, 60))  # signature and seal
    right.append(_p(layout.signer_name, st["sign"]))
    table = Table([[left, right]], colWidths=[width * 0.5, width * 0.5])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 12),
            ]
        )
    )
    return table


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(face("regular"), 13)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))
    canvas.restoreState()


def render_original(layout: OriginalLayout) -> bytes:
    """Multi-page A4 PDF of the original document."""
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=nfc(layout.pdf_title or f"{layout.type_heading} {layout.number_line}"),
        author=nfc(layout.issuer),
        creator="vanthu",
        invariant=True,
        initialFontName=face("regular"),
    )
    width = doc.width
    story: list[Flowable] = [_header(layout, st, width)]
    story.append(_p(layout.type_heading.upper(), st["type"]))
    story += [_p(line, st["title"]) for line in layout.title_lines]
    story.append(_Rule(60, space=6))
    story.append(Spacer(1, 6))
    for paragraph in layout.body_paragraphs:
        style = st["section"] if is_section_heading(paragraph) else st["body"]
        story.append(_p(paragraph, style))
    story.append(KeepTogether([_signature(layout, st, width)]))
    doc.build(story, onLaterPages=_page_number)
    return buffer.getvalue()


# --- The seed's original: 160-TB/TW ------------------------------------------------------------

_BODY_START = "Tại cuộc họp"
_BODY_END = "Thông báo này phổ biến đến chi bộ."


def _blocks(text: str) -> list[str]:
    """Blank-line separated blocks, each with its lines joined by spaces."""
    blocks = re.split(r"\n\s*\n", text)
    return [" ".join(line.strip() for line in b.splitlines() if line.strip()) for b in blocks]


def _join_page_breaks(paragraphs: list[str]) -> list[str]:
    """Rejoin a paragraph the seed split at a page break (the next part starts in lower case)."""
    joined: list[str] = []
    for para in paragraphs:
        if joined and para[:1].islower() and not joined[-1].endswith((".", ":")):
            joined[-1] = f"{joined[-1]} {para}"
        else:
            joined.append(para)
    return joined


def _strip_markdown(line: str) -> str:
    return re.sub(r"^#+\s*", "", line).replace("\\*", "*").strip()


def _find_line(lines: list[str], pattern: str, what: str) -> str:
    for line in lines:
        if re.search(pattern, line):
            return line
    raise ValueError(f"the seed text has no {what} (looked for /{pattern}/)")


def _seed_tail(tail: str) -> tuple[list[str], str, str]:
    """The recipients, the signer's authority and the signer's name after the seed's body."""
    recipients: list[str] = []
    signer_authority: str | None = None
    signer_name = ""
    in_list = False
    for raw in tail.splitlines():
        line = _strip_markdown(raw)
        if not line:
            continue
        if line.startswith("Nơi nhận"):
            in_list = True
        elif in_list and line.startswith("-"):
            recipients.append(bare_recipient(line))
        elif in_list and signer_authority is None:
            signer_authority = line
        elif signer_authority is not None:
            signer_name = line
            break
    if not recipients or signer_authority is None or not signer_name:
        raise ValueError("the seed text has no recipient list and signer after the body")
    return recipients, signer_authority, signer_name


def seed_original_layout(seed_text: str) -> OriginalLayout:
    """Build the layout of 160-TB/TW from the seed chain's text (kept in
    app/demo_data/160-TB-TW-sao-luc-chain.txt)."""
    text = nfc(seed_text)
    start, end = text.find(_BODY_START), text.find(_BODY_END)
    if start < 0 or end < 0 or end < start:
        raise ValueError(f"the seed text has no body from {_BODY_START!r} to {_BODY_END!r}")
    head_lines = [_strip_markdown(line) for line in text[:start].splitlines() if line.strip()]

    number_line = _find_line(head_lines, r"^Số\s+\d+-[A-Za-zĐđ]+/[A-Za-zĐđ]+$", "number line")
    date_line = _find_line(head_lines, r"ngày \d{1,2} tháng \d{1,2} năm \d{4}$", "date line")
    national = _find_line(head_lines, r"^ĐẢNG CỘNG SẢN VIỆT NAM$|^CỘNG HÒA XÃ HỘI", "heading")
    issuer = head_lines[0]
    type_index = next(
        (n for n, line in enumerate(text[:start].splitlines()) if line.startswith("## ")), None
    )
    if type_index is None:
        raise ValueError("the seed text has no type heading (a line starting with '## ')")
    after_type = [
        _strip_markdown(line) for line in text[:start].splitlines()[type_index:] if line.strip()
    ]
    type_heading, title_lines = after_type[0], after_type[1:]

    body = [_strip_markdown(b) for b in _blocks(text[start : end + len(_BODY_END)])]
    body = _join_page_breaks([b for b in body if b])

    recipients, signer_authority, signer_name = _seed_tail(text[end + len(_BODY_END) :])
    party = national.startswith("ĐẢNG")
    return OriginalLayout(
        issuer_parent=None,
        issuer=issuer,
        national_heading=national,
        number_line=number_line,
        date_line=date_line,
        type_heading=type_heading,
        title_lines=title_lines,
        body_paragraphs=body,
        recipients=recipients,
        signer_authority=signer_authority,
        signer_title=None,
        signer_name=signer_name,
        party=party,
    )
