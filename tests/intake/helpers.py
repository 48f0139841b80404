"""Inputs for the intake API and CLI tests: the seed's text, PDFs with and without a text layer."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.intake.golden import DOCUMENTS

SEED_PATH = Path(__file__).resolve().parents[2] / "app" / "demo_data" / \
    "160-TB-TW-sao-luc-chain.txt"

#: The keys every parse answer carries.
REQUIRED_KEYS = {"issuer", "issuer_parent", "number", "notation", "symbol", "doc_type_code",
                 "doc_type", "place", "issued_on", "title", "signer", "recipients", "references",
                 "arrival_stamps", "copies", "confidentiality", "urgency"}


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def document_text(name: str) -> str:
    return (DOCUMENTS / f"{name}.txt").read_text(encoding="utf-8")


def text_pdf(text: str) -> bytes:
    """A PDF whose text layer holds ``text`` line by line (Vietnamese through the app's font)."""
    from app.render.fonts import register_fonts

    family = register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 800.0
    c.setFont(family, 9)
    for line in text.splitlines():
        if y < 40:
            c.showPage()
            c.setFont(family, 9)
            y = 800.0
        c.drawString(30, y, line.replace("\t", "    "))
        y -= 11
    c.showPage()
    c.save()
    return buf.getvalue()


def scan_pdf(pages: int = 2) -> bytes:
    """A PDF of pages with only drawings on them: what a scan without OCR looks like."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        c.rect(72, 72 + n * 10, 300, 500, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def without_evidence(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("evidence", "source")}
