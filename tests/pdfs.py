"""Small PDFs for tests, made with reportlab (Vietnamese text through the project's font)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def make_pdf(pages: list[str]) -> bytes:
    from app.render.fonts import register_fonts

    family = register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for text in pages:
        c.setFont(family, 14)
        c.drawString(72, 760, text)
        c.showPage()
    c.save()
    return buf.getvalue()
