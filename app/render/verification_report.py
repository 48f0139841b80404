"""An auditor's PDF report on a verified copy chain (báo cáo kiểm tra chữ ký số).

The chain is drawn as an indented list, the original first (depth 0) and each copy one step
further in; every check gets a drawn ✓, ✗ or – (Liberation Serif has neither glyph, so the
marks are vector paths) followed by "Đạt", "Không đạt" or "Chưa kiểm tra" (a check that could
not be made) so the result also reads as text.
Times are shown as "dd.mm.yyyy HH:MM:SS +07:00", the form Vietnamese signing tools print.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
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
from app.render.text import nfc
from signing import Status, format_stamp_time

INDENT_STEP = 8 * mm
OK_COLOUR = colors.HexColor("#1b7a2e")
FAIL_COLOUR = colors.HexColor("#b3261e")
UNCHECKED_COLOUR = colors.HexColor("#6b6b6b")
STATUS_WORDS = {Status.PASSED: "Đạt", Status.FAILED: "Không đạt",
                Status.NOT_CHECKED: "Chưa kiểm tra"}


@dataclass(frozen=True)
class ReportLink:
    """One document of the chain: the original or a copy, with its signature checks."""

    label: str  # "Bản gốc", "Bản sao lục", …
    notation: str  # "160-TB/TW", "397-BS/VPTU"
    office: str
    cert_subject: str | None
    cert_serial: int | str | None
    issuer_subject: str | None
    signed_at: datetime | None  # timezone-aware
    checks: list[tuple[str, Status, str]] = field(default_factory=list)  # (name, status, detail)


@dataclass(frozen=True)
class VerificationReportData:
    title: str
    generated_at: datetime  # timezone-aware
    subject: str  # what was verified (file name, notation, digest)
    verdict_ok: bool
    verdict_text: str
    links: list[ReportLink]  # links[0] is the original; each next link copies the previous one
    notes: list[str] = field(default_factory=list)


def vietnam_time(moment: datetime) -> str:
    """ "dd.mm.yyyy HH:MM:SS +07:00"; a naive datetime is refused (its instant is unknown)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; give an aware datetime")
    return format_stamp_time(moment)


def format_serial(serial: int | str | None) -> str:
    """Certificate serial as upper-case hex ("0x…"), as certificate viewers show it."""
    if serial is None:
        return "—"
    if isinstance(serial, int):
        return f"0x{serial:X}"
    return serial


class Mark(Flowable):  # type: ignore[misc]
    """A drawn check mark (passed), cross (failed) or dash (not checked), `size` points square."""

    def __init__(self, status: Status, size: float = 9.0) -> None:
        super().__init__()
        self.status = status
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        c, s = self.canv, self.size
        c.saveState()
        c.setLineWidth(1.6)
        c.setLineCap(1)
        c.setLineJoin(1)
        if self.status is Status.NOT_CHECKED:
            c.setStrokeColor(UNCHECKED_COLOUR)
            c.line(0.15 * s, 0.5 * s, 0.85 * s, 0.5 * s)
        elif self.status is Status.PASSED:
            c.setStrokeColor(OK_COLOUR)
            path = c.beginPath()
            path.moveTo(0.08 * s, 0.5 * s)
            path.lineTo(0.38 * s, 0.15 * s)
            path.lineTo(0.92 * s, 0.9 * s)
            c.drawPath(path, stroke=1, fill=0)
        else:
            c.setStrokeColor(FAIL_COLOUR)
            c.line(0.15 * s, 0.15 * s, 0.85 * s, 0.85 * s)
            c.line(0.15 * s, 0.85 * s, 0.85 * s, 0.15 * s)
        c.restoreState()


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=face("regular"), fontSize=10.5, leading=13)
    return {
        "title": ParagraphStyle(
            "title", base, fontName=face("bold"), fontSize=15, leading=19, alignment=1, spaceAfter=4
        ),
        "meta": ParagraphStyle("meta", base, fontName=face("italic"), alignment=1),
        "h": ParagraphStyle(
            "h", base, fontName=face("bold"), fontSize=12, leading=15, spaceBefore=10, spaceAfter=4
        ),
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=9.5, leading=12),
        "verdict_ok": ParagraphStyle(
            "vok", base, fontName=face("bold"), fontSize=12, leading=15, textColor=OK_COLOUR
        ),
        "verdict_fail": ParagraphStyle(
            "vfail", base, fontName=face("bold"), fontSize=12, leading=15, textColor=FAIL_COLOUR
        ),
        "link": ParagraphStyle("link", base, fontName=face("bold"), fontSize=11, leading=14),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(nfc(text)), style)


def _field(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"<i>{escape(nfc(label))}:</i> {escape(nfc(value))}", style)


def _link_block(
    link: ReportLink, depth: int, total: int, st: dict[str, ParagraphStyle], width: float
) -> Flowable:
    inner_width = width - depth * INDENT_STEP
    role = "bản gốc" if depth == 0 else f"bản sao cấp {depth}"
    rows: list[list[Flowable | str]] = [
        [_p(f"Cấp {depth}/{total - 1} ({role}) – {link.label} {link.notation}", st["link"])],
        [_field("Cơ quan", link.office, st["small"])],
        [_field("Chủ thể chứng thư", link.cert_subject or "—", st["small"])],
        [_field("Số hiệu chứng thư", format_serial(link.cert_serial), st["small"])],
        [_field("Tổ chức cấp", link.issuer_subject or "—", st["small"])],
        [
            _field(
                "Thời gian ký", vietnam_time(link.signed_at) if link.signed_at else "—", st["small"]
            )
        ],
    ]
    if link.checks:
        rows.append([_checks_table(link, st, inner_width)])
    block = Table(rows, colWidths=[inner_width])
    block.setStyle(
        TableStyle(
            [
                ("LINEBEFORE", (0, 0), (0, -1), 1.2, colors.grey),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    if depth == 0:
        return KeepTogether([block, Spacer(1, 8)])
    return KeepTogether([_indented(block, depth, inner_width), Spacer(1, 8)])


def _checks_table(link: ReportLink, st: dict[str, ParagraphStyle], inner_width: float) -> Table:
    """One row per check of the link: the drawn mark, its word, the check and its detail."""
    checks: list[list[Flowable | str]] = [
        [
            Mark(status),
            _p(STATUS_WORDS[status], st["small"]),
            _p(name, st["small"]),
            _p(detail, st["small"]),
        ]
        for name, status, detail in link.checks
    ]
    table = Table(
        checks,
        colWidths=[14, 52, inner_width * 0.3, inner_width - 14 - 52 - inner_width * 0.3 - 8],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _indented(block: Table, depth: int, inner_width: float) -> Table:
    """`block` moved right by one step per level of the chain."""
    outer = Table([["", block]], colWidths=[depth * INDENT_STEP, inner_width])
    outer.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return outer


def _footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(face("regular"), 9)
    canvas.drawCentredString(A4[0] / 2, 12 * mm, f"Trang {doc.page}")
    canvas.restoreState()


def render_verification_report(data: VerificationReportData) -> bytes:
    """A4 PDF: heading, verdict, the chain (original first, indented by depth), notes."""
    st = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=nfc(data.title),
        author="vanthu",
        creator="vanthu",
        invariant=True,
        initialFontName=face("regular"),
    )
    width = doc.width
    story: list[Flowable] = [
        _p(data.title, st["title"]),
        _p(f"Lập lúc {vietnam_time(data.generated_at)}", st["meta"]),
        Spacer(1, 8),
        _field("Đối tượng kiểm tra", data.subject, st["body"]),
        Spacer(1, 6),
    ]
    verdict = Table(
        [
            [
                Mark(Status.PASSED if data.verdict_ok else Status.FAILED, 12),
                _p(
                    ("KẾT LUẬN: ĐẠT – " if data.verdict_ok else "KẾT LUẬN: KHÔNG ĐẠT – ")
                    + data.verdict_text,
                    st["verdict_ok" if data.verdict_ok else "verdict_fail"],
                ),
            ]
        ],
        colWidths=[20, width - 20],
    )
    verdict.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, OK_COLOUR if data.verdict_ok else FAIL_COLOUR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story.append(verdict)
    story.append(_p(f"Chuỗi văn bản ({len(data.links)} cấp, bản gốc ở trên cùng)", st["h"]))
    for depth, link in enumerate(data.links):
        story.append(_link_block(link, depth, len(data.links), st, width))
    if data.notes:
        story.append(_p("Ghi chú", st["h"]))
        story += [_p(f"- {note}", st["body"]) for note in data.notes]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
