"""Fixtures for the signing library: a development CA per session, office identities, PDFs."""

from __future__ import annotations

import subprocess
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from signing.ca import DevCA
from signing.identity import SigningIdentity
from signing.manifest import sha256_hex
from signing.pdf_sign import StampText, find_font, sign_pdf
from signing.timefmt import VN_TZ, iso_vn
from signing.trust import TrustStore
from tests.tooling import require_tool

PASSPHRASE = b"mat-khau-thu-nghiem"
OFFICE = "Văn phòng Tỉnh ủy Đắk Nông"
EMAIL = "VPTU@TUDaknong"
#: The seed's signing times (160-TB/TW chain).
T_ORIGINAL = datetime(2020, 1, 15, 9, 0, 0, tzinfo=VN_TZ)
T_SAO_LUC = datetime(2020, 2, 4, 15, 30, 15, tzinfo=VN_TZ)
T_SAO_LUC_2 = datetime(2020, 2, 6, 14, 0, 23, tzinfo=VN_TZ)
T_THIRD = datetime(2020, 3, 2, 8, 15, 0, tzinfo=VN_TZ)
BOX = (300.0, 60.0, 560.0, 140.0)


@pytest.fixture(scope="session")
def font_path() -> Path:
    return find_font()


@pytest.fixture(scope="session")
def dev_ca(tmp_path_factory: pytest.TempPathFactory) -> DevCA:
    return DevCA.create(tmp_path_factory.mktemp("ca"), PASSPHRASE)


@pytest.fixture(scope="session")
def trust(dev_ca: DevCA, tmp_path_factory: pytest.TempPathFactory) -> TrustStore:
    return TrustStore.from_dir(dev_ca.write_trust_dir(tmp_path_factory.mktemp("trust")))


@pytest.fixture(scope="session")
def office(dev_ca: DevCA) -> SigningIdentity:
    return dev_ca.issue_office(OFFICE, EMAIL)


@pytest.fixture(scope="session")
def office_rsa(dev_ca: DevCA) -> SigningIdentity:
    return dev_ca.issue_office("Văn phòng Đảng ủy Khối", "VPDUK@TUDakNong", key_type="rsa-2048")


@pytest.fixture(scope="session")
def office_ed25519(dev_ca: DevCA) -> SigningIdentity:
    return dev_ca.issue_office("Văn phòng UBND tỉnh", "VPUB@daknong.gov.vn", key_type="ed25519")


@pytest.fixture(scope="session")
def central_office(dev_ca: DevCA) -> SigningIdentity:
    return dev_ca.issue_office("Văn phòng Trung ương Đảng", "VPTW@dangcongsan.vn")


def make_pdf(lines: list[str], pages: int = 1) -> bytes:
    """A small A4 PDF with Vietnamese text in an embedded Liberation/DejaVu font."""
    font = find_font()
    if "VNSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("VNSerif", str(font)))
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    for page in range(pages):
        c.setFont("VNSerif", 12)
        y = 780.0
        for line in [*lines, f"Trang {page + 1}"]:
            c.drawString(72, y, line)
            y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="session")
def source_pdf() -> bytes:
    return make_pdf(["BAN CHẤP HÀNH TRUNG ƯƠNG", "Số 160-TB/TW", "THÔNG BÁO KẾT LUẬN"], pages=2)


def stamp(identity: SigningIdentity, when: datetime, office_name: str = "Văn phòng") -> StampText:
    email = str(identity.certificate.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value)
    return StampText.office(office_name, email, when)


def sign(
    pdf: bytes,
    identity: SigningIdentity,
    when: datetime,
    font: Path,
    manifest_sha256: str | None = None,
) -> bytes:
    return sign_pdf(
        pdf,
        identity,
        signed_at=when,
        appearance=stamp(identity, when),
        box=BOX,
        page=-1,
        field_name="Signature1",
        font_path=font,
        manifest_sha256=manifest_sha256,
        reason="Sao lục",
        location="Đắk Nông",
    )


def manifest_for(
    *,
    kind: str = "SAO_LUC",
    notation: str = "397-BS/VPTU",
    signed_at: datetime = T_SAO_LUC,
    source_pdf: bytes,
    source_notation: str = "160-TB/TW",
    source_kind: str = "original",
    parent_manifest_sha256: str | None = None,
    office_code: str = "VPTU",
    email: str = EMAIL,
) -> dict[str, Any]:
    return {
        "version": 1,
        "kind": kind,
        "notation": notation,
        "office": {"code": office_code, "name": "Văn phòng Tỉnh ủy", "email": email},
        "place": "Đắk Nông",
        "date": signed_at.date().isoformat(),
        "signer": {"authority": "", "title": "CHÁNH VĂN PHÒNG", "name": "Lê Văn Chiến"},
        "signed_at": iso_vn(signed_at),
        "recipients": ["Các đ/c TUV", "Các Đảng bộ trực thuộc", "Lưu Văn phòng Tỉnh ủy"],
        "source": {
            "notation": source_notation,
            "sha256": sha256_hex(source_pdf),
            "kind": source_kind,
        },
        "parent_manifest_sha256": parent_manifest_sha256,
        "pages": None,
    }


@pytest.fixture(scope="session")
def nss_dir(dev_ca: DevCA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An NSS database trusting only our development root, for poppler's pdfsig."""
    certutil = require_tool("certutil")
    d = tmp_path_factory.mktemp("nss")
    subprocess.run([certutil, "-N", "-d", f"sql:{d}", "--empty-password"], check=True)
    root_pem = d / "root.pem"
    root_pem.write_bytes(dev_ca.root_cert.public_bytes(Encoding.PEM))
    subprocess.run(
        [
            certutil,
            "-A",
            "-d",
            f"sql:{d}",
            "-n",
            "vanthu-root",
            "-t",
            "CT,C,C",
            "-i",
            str(root_pem),
        ],
        check=True,
    )
    return d


def pdfsig(pdf: bytes, nss: Path, tmp: Path) -> str:
    """Run poppler's pdfsig on `pdf` and return its report."""
    tool = require_tool("pdfsig")
    f = tmp / "doc.pdf"
    f.write_bytes(pdf)
    done = subprocess.run(
        [tool, "-nssdir", f"sql:{nss}", str(f)], capture_output=True, text=True, check=False
    )
    return done.stdout + done.stderr
