"""Small PDFs for tests, made with reportlab (Vietnamese text through the project's font), and
our PDFs read back with our users' tools (poppler's pdftotext and pdfsig, NSS certutil)."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.tooling import require_tool


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


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def pdftotext_pages(pdf: bytes, tmp: Path) -> list[str]:
    (tmp / "copy.pdf").write_bytes(pdf)
    out = subprocess.run([require_tool("pdftotext"), str(tmp / "copy.pdf"), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [squash(page) for page in out.split("\f")[:-1]]


def pdfsig_report(pdf: bytes, roots: list[Any], tmp: Path) -> str:
    certutil, pdfsig = require_tool("certutil"), require_tool("pdfsig")
    nss = tmp / "nss"
    nss.mkdir()
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    for n, root in enumerate(roots):
        pem = tmp / f"root-{n}.pem"
        pem.write_bytes(root.public_bytes(Encoding.PEM))
        subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", f"root-{n}", "-t", "CT,C,C",
                        "-i", str(pem)], check=True)
    (tmp / "signed.pdf").write_bytes(pdf)
    done = subprocess.run([pdfsig, "-nssdir", f"sql:{nss}", str(tmp / "signed.pdf")],
                          capture_output=True, text=True)
    return done.stdout + done.stderr


def signature_page(pdf: bytes) -> int:
    """0-based index of the page carrying the copy's signature widget."""
    reader = PdfFileReader(io.BytesIO(pdf))
    field = reader.embedded_signatures[0].sig_field
    widget = field.get("/P") or field["/Kids"][0].get_object()["/P"]
    pages = [reader.find_page_for_modification(i)[0] for i in range(int(
        reader.root["/Pages"]["/Count"]))]
    return [p.idnum for p in pages].index(widget.idnum)
