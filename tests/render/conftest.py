"""Fixtures for the rendering tests: text extraction through poppler, and signed sources."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.render.copy_page import CopyBlock
from app.render.fonts import font_path
from tests.tooling import require_tool

SEED = Path(__file__).parents[2] / "app" / "demo_data" / "160-TB-TW-sao-luc-chain.txt"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC text with every run of whitespace made one space."""
    return re.sub(r"\s+", " ", nfc(text)).strip()


@dataclass(frozen=True)
class Word:
    text: str
    x1: float  # PDF points, origin bottom-left
    y1: float
    x2: float
    y2: float


class Poppler:
    """poppler-utils, the independent reader our PDFs must satisfy."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pdftotext = require_tool("pdftotext")
        self.pdfinfo = require_tool("pdfinfo")
        self._n = 0

    def _file(self, pdf: bytes) -> Path:
        self._n += 1
        path = self.tmp / f"doc{self._n}.pdf"
        path.write_bytes(pdf)
        return path

    def text(self, pdf: bytes, *options: str) -> str:
        done = subprocess.run(
            [self.pdftotext, *options, str(self._file(pdf)), "-"],
            capture_output=True,
            check=True,
        )
        return nfc(done.stdout.decode("utf-8"))

    def pages_text(self, pdf: bytes, *options: str) -> list[str]:
        """Text of each page (pdftotext separates pages with a form feed)."""
        return self.text(pdf, *options).split("\f")[:-1]

    def page_count(self, pdf: bytes) -> int:
        done = subprocess.run(
            [self.pdfinfo, str(self._file(pdf))], capture_output=True, check=True, text=True
        )
        match = re.search(r"^Pages:\s+(\d+)$", done.stdout, re.M)
        assert match, done.stdout
        return int(match.group(1))

    def words(self, pdf: bytes, page: int = 1) -> list[Word]:
        html = self.text(pdf, "-bbox", "-f", str(page), "-l", str(page))
        page_tag = re.search(r'<page width="[\d.]+" height="([\d.]+)"', html)
        assert page_tag, html[:200]
        height = float(page_tag.group(1))
        words = []
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            html,
        ):
            x1, top, x2, bottom = (float(v) for v in m.groups()[:4])
            words.append(Word(nfc(m.group(5)), x1, height - bottom, x2, height - top))
        return words


@pytest.fixture
def poppler(tmp_path: Path) -> Poppler:
    return Poppler(tmp_path)


@pytest.fixture
def seed_text() -> str:
    if not SEED.is_file():
        pytest.fail(f"seed file {SEED} is missing")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def party_block() -> CopyBlock:
    """The seed's first copy block: VPTU's sao lục 397-BS/VPTU."""
    return CopyBlock(
        kind_heading="SAO LỤC",
        office_parent="TỈNH ỦY ĐẮK NÔNG",
        office_name="VĂN PHÒNG",
        party=True,
        number_line="Số 397-BS/VPTU",
        date_line="Đắk Nông, ngày 04 tháng 02 năm 2020",
        signer_authority=None,
        signer_title="CHÁNH VĂN PHÒNG",
        signer_name="Lê Văn Chiến",
        recipients=["Các đ/c TUV", "Các Đảng bộ trực thuộc", "Lưu Văn phòng Tỉnh ủy"],
        note=None,
    )


def _certificate() -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Văn phòng Tỉnh ủy Đắk Nông"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Văn phòng"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


SignVisible = Callable[[bytes, tuple[float, float, float, float], str], bytes]


@pytest.fixture(scope="session")
def sign_visible() -> SignVisible:
    """Sign a PDF with pyHanko, drawing `stamp_text` in a visible widget on the last page."""
    cert, key = _certificate()
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=registry)

    def sign(pdf: bytes, box: tuple[float, float, float, float], stamp_text: str) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        last = int(writer.root["/Pages"]["/Count"]) - 1
        box_int = (round(box[0]), round(box[1]), round(box[2]), round(box[3]))
        fields.append_signature_field(
            writer, fields.SigFieldSpec("Signature1", on_page=last, box=box_int)
        )
        style = TextStampStyle(
            stamp_text=stamp_text,
            text_box_style=TextBoxStyle(
                font=GlyphAccumulatorFactory(str(font_path("regular")), font_size=9)
            ),
            border_width=0,
        )
        pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name="Signature1"),
            signer=signer,
            stamp_style=style,
        )
        out = pdf_signer.sign_pdf(writer)
        signed: bytes = out.getvalue()
        return signed

    return sign


def lines_crossing_text(pdf: bytes) -> list[str]:
    """Every drawn line or frame edge (pdfplumber) that runs through a character's box: a rule
    through "Số: 01/SY-SNV" makes the number look struck out. One entry per crossing, readable."""
    import pdfplumber  # a test-only tool, loaded where used

    crossings: list[str] = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            for edge in page.edges:
                for ch in page.chars:
                    if not ch["text"].strip():
                        continue
                    across_x = edge["x0"] < ch["x1"] and ch["x0"] < edge["x1"]
                    across_y = edge["top"] < ch["bottom"] and ch["top"] < edge["bottom"]
                    if edge["orientation"] == "h":
                        across_y = ch["top"] < edge["top"] < ch["bottom"]
                    else:
                        across_x = ch["x0"] < edge["x0"] < ch["x1"]
                    if across_x and across_y:
                        crossings.append(f"page {number}: {edge['orientation']} line at "
                                         f"{edge['top']:.1f} through {ch['text']!r}")
    return crossings
