"""PAdES signing: visible Vietnamese stamp, time, manifest digest; pdfsig and pyHanko agree."""

from __future__ import annotations

import hashlib
import re
import subprocess
import unicodedata
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfbase import pdfmetrics

from signing.identity import SigningIdentity
from signing.pdf_sign import StampText, embed_parent, find_font, sign_pdf
from signing.pdf_validate import list_attachments, validate_pdf
from signing.timefmt import VN_TZ
from signing.trust import TrustStore
from tests.signing.conftest import BOX, T_SAO_LUC, make_pdf, pdfsig, sign
from tests.tooling import require_tool

DIGEST = "ab" * 32


def _text(pdf: bytes, tmp: Path) -> str:
    tool = require_tool("pdftotext")
    (tmp / "t.pdf").write_bytes(pdf)
    out = subprocess.run(
        [tool, "-layout", str(tmp / "t.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return unicodedata.normalize("NFC", out)


@pytest.fixture(scope="module")
def signed(office: SigningIdentity, source_pdf: bytes, font_path: Path) -> bytes:
    return sign(source_pdf, office, T_SAO_LUC, font_path, manifest_sha256=DIGEST)


@pytest.mark.tools
def test_stamp_text_is_nfc_vietnamese(signed: bytes, tmp_path: Path) -> None:
    text = _text(signed, tmp_path)
    assert "Cơ quan: Văn phòng" in text
    assert "Email: VPTU@TUDaknong" in text
    assert "Thời gian ký: 04.02.2020 15:30:15 +07:00" in text


@pytest.mark.tools
def test_stamp_order_with_signer_line(
    office: SigningIdentity, source_pdf: bytes, font_path: Path, tmp_path: Path
) -> None:
    when = datetime(2020, 2, 6, 14, 0, 23, tzinfo=VN_TZ)
    st = StampText.office(
        "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
        "VPDUK@TUDakNong",
        when,
        signer="Văn phòng",
        office_first=False,
    )
    assert [label for label, _ in st.lines] == ["Người ký", "Email", "Cơ quan", "Thời gian ký"]
    pdf = sign_pdf(
        source_pdf,
        office,
        signed_at=when,
        appearance=st,
        box=(250.0, 40.0, 580.0, 140.0),
        page=0,
        field_name="Chu_ky_VP",
        font_path=font_path,
        manifest_sha256=None,
        reason=None,
        location=None,
    )
    text = _text(pdf, tmp_path)
    for line in (
        "Người ký: Văn phòng",
        "Email: VPDUK@TUDakNong",
        "Cơ quan: Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
        "Thời gian ký: 06.02.2020 14:00:23 +07:00",
    ):
        assert line in text
    r = PdfFileReader(BytesIO(pdf))
    sig = r.embedded_signatures[0]
    assert sig.field_name == "Chu_ky_VP"
    page0 = r.root["/Pages"]["/Kids"][0].get_object()
    assert any(a.get_object().get("/T") == "Chu_ky_VP" for a in page0["/Annots"])


def test_signing_time_and_manifest_digest_recorded(signed: bytes) -> None:
    r = PdfFileReader(BytesIO(signed))
    sig = r.embedded_signatures[0]
    attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    # PAdES (ETSI EN 319 142-1) forbids the CMS signingTime attribute: the time is /M, which
    # lies inside the signed byte range.
    assert "signing_time" not in attrs
    assert {"content_type", "message_digest", "signing_certificate_v2"} <= attrs
    assert str(sig.sig_object["/M"]).startswith("D:20200204153015+07")
    assert sig.self_reported_timestamp == T_SAO_LUC
    assert str(sig.sig_object["/ContactInfo"]) == f"manifest-sha256:{DIGEST}"
    assert str(sig.sig_object["/SubFilter"]) == "/ETSI.CAdES.detached"
    # The visible box is at the requested rectangle on the last page.
    rect = [float(x) for x in sig.sig_field["/Rect"]]
    assert rect == list(BOX)


def test_our_validator_accepts(signed: bytes, trust: TrustStore) -> None:
    report = validate_pdf(signed, trust)
    assert report.ok, report.to_dict()
    (s,) = report.signatures
    assert s.signed_at == "2020-02-04T15:30:15+07:00"
    assert s.manifest_sha256 == DIGEST
    assert s.intact and s.signature_valid
    assert s.modification_level == "NONE" and s.coverage == "ENTIRE_FILE"
    assert s.reason == "Sao lục" and s.location == "Đắk Nông"
    assert "CN=Văn phòng Tỉnh ủy Đắk Nông" in (s.signer_subject or "")
    assert s.root_subject == "CN=Vanthu Development Root CA,O=Vanthu Development,C=VN"


def test_pyhanko_default_validator_agrees(
    signed: bytes, trust: TrustStore, office: SigningIdentity
) -> None:
    """pyHanko with its own defaults (nonRepudiation required), given only the root."""
    root = asn1_x509.Certificate.load(trust.roots[0].public_bytes(Encoding.DER))
    vc = ValidationContext(trust_roots=[root], moment=T_SAO_LUC, allow_fetching=False)
    sig = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    status = validate_pdf_signature(sig, vc)
    assert status.bottom_line and status.trusted
    assert status.signing_cert.serial_number == office.certificate.serial_number


@pytest.mark.tools
@pytest.mark.parametrize("who", ["office", "office_rsa"])
def test_pdfsig_accepts(
    who: str,
    request: pytest.FixtureRequest,
    source_pdf: bytes,
    font_path: Path,
    nss_dir: Path,
    tmp_path: Path,
) -> None:
    ident: SigningIdentity = request.getfixturevalue(who)
    pdf = sign(source_pdf, ident, T_SAO_LUC, font_path)
    out = pdfsig(pdf, nss_dir, tmp_path)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Total document signed" in out
    assert "Signing Time: Feb 04 2020 08:30:15" in out  # pdfsig prints UTC


@pytest.mark.tools
def test_ed25519_pdf(
    office_ed25519: SigningIdentity,
    source_pdf: bytes,
    font_path: Path,
    trust: TrustStore,
    nss_dir: Path,
    tmp_path: Path,
) -> None:
    """pyHanko signs and validates Ed25519 PAdES; record what poppler/NSS says about it."""
    pdf = sign(source_pdf, office_ed25519, T_SAO_LUC, font_path)
    assert validate_pdf(pdf, trust).ok
    out = pdfsig(pdf, nss_dir, tmp_path)
    assert "Signing Hash Algorithm: SHA-512" in out
    # Poppler 22.12 with NSS cannot check Ed25519 CMS and says so ("Document isn't signed or
    # corrupted data"); a newer build may verify it. It must never call it mismatched.
    assert (
        "Signature Validation: Signature is Valid." in out
        or "Signature Validation: Document isn't signed or corrupted data." in out
    ), out
    assert "Digest Mismatch" not in out


@pytest.mark.tools
def test_flipped_byte_in_pdf_is_caught(
    signed: bytes, trust: TrustStore, nss_dir: Path, tmp_path: Path
) -> None:
    # Change one byte of page content (inside the signed range, outside /Contents).
    pos = signed.index(b"/MediaBox") + 2
    tampered = signed[:pos] + bytes([signed[pos] ^ 0x20]) + signed[pos + 1 :]
    report = validate_pdf(tampered, trust)
    assert not report.ok
    (s,) = report.signatures
    integrity = s.check("integrity")
    assert not integrity.ok and "changed after signing" in integrity.reason
    out = pdfsig(tampered, nss_dir, tmp_path)
    assert "Signature is Valid" not in out


def test_appended_update_is_a_modification(signed: bytes, trust: TrustStore) -> None:
    """An attachment added after signing leaves the bytes intact but is reported as modification."""
    later = embed_parent(signed, make_pdf(["khác"]), "x.pdf", "added later")
    report = validate_pdf(later, trust)
    (s,) = report.signatures
    assert s.intact and s.signature_valid
    assert not s.check("modification").ok
    assert "modified after this signature" in s.check("modification").reason
    assert [a.name for a in report.attachments] == ["x.pdf"]


def test_naive_signing_time_refused(office: SigningIdentity, source_pdf: bytes) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_pdf(
            source_pdf,
            office,
            signed_at=datetime(2020, 2, 4),
            appearance=StampText([("Cơ quan", "x")]),
            box=BOX,
        )


@pytest.mark.tools
def test_stamp_glyph_widths_are_true_to_the_font(signed: bytes, tmp_path: Path) -> None:
    """The stamp line is as wide as the font says (pyHanko's 2048-unit width bug is worked
    around), and it stays inside the signature box."""
    tool = require_tool("pdftotext")
    (tmp_path / "b.pdf").write_bytes(signed)
    html = subprocess.run(
        [tool, "-bbox", str(tmp_path / "b.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    line = "Thời gian ký: 04.02.2020 15:30:15 +07:00"
    match = re.search(
        r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>' + re.escape(line),
        unicodedata.normalize("NFC", html),
    )
    assert match, html[-800:]
    x_min, x_max = float(match.group(1)), float(match.group(2))
    make_pdf(["x"])  # registers the same TTF with reportlab as "VNSerif"
    expected = pdfmetrics.stringWidth(line, "VNSerif", 10)
    assert abs((x_max - x_min) - expected) < 1.0, (x_max - x_min, expected)
    assert BOX[0] < x_min and x_max < BOX[2]


def test_find_font_prefers_liberation_then_dejavu(tmp_path: Path) -> None:
    dejavu = tmp_path / "truetype" / "dejavu" / "DejaVuSerif.ttf"
    dejavu.parent.mkdir(parents=True)
    dejavu.write_bytes(b"x")
    assert find_font((tmp_path,)) == dejavu
    liberation = tmp_path / "truetype" / "liberation2" / "LiberationSerif-Regular.ttf"
    liberation.parent.mkdir(parents=True)
    liberation.write_bytes(b"x")
    assert find_font((tmp_path,)) == liberation
    with pytest.raises(FileNotFoundError, match="fonts-liberation2"):
        find_font((tmp_path / "none",))


def test_attachment_keeps_unicode_name_and_bytes(signed: bytes, source_pdf: bytes) -> None:
    with_parent = embed_parent(source_pdf, signed, "bản-sao-397.pdf", "Bản sao lục 397-BS/VPTU")
    (att,) = list_attachments(PdfFileReader(BytesIO(with_parent)))
    assert att.name == "bản-sao-397.pdf" and att.description == "Bản sao lục 397-BS/VPTU"
    assert att.data == signed and att.is_pdf
    assert att.to_dict()["sha256"] == hashlib.sha256(signed).hexdigest()
