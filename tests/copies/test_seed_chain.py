"""The seed chain (kept in app/demo_data/160-TB-TW-sao-luc-chain.txt), end to end: 160-TB/TW
arrives at VPTU (565), VPTU issues sao lục 397-BS/VPTU at 04.02.2020 15:30:15 +07:00, the Đảng
ủy Khối's office registers it and issues 30-SL/VPDUK at 06.02.2020 14:00:23 +07:00. The exported
file is read with the users' tools: pdftotext, poppler's pdfsig, pyHanko's validator and
`vanthu verify`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import load_pem_x509_certificate
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from signing.pdf_validate import list_attachments
from tests.tooling import require_tool

VANTHU = str(Path(sys.executable).with_name("vanthu"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def seeded(ctx: Any, tmp_path: Path) -> dict[str, Any]:
    """The demo loaded, the final copy and the roots exported with the CLI, as a user would."""
    from app.demo import load_demo

    load_demo(ctx)
    env = {**os.environ, "VANTHU_DATABASE_URL": ctx.settings.database_url,
           "VANTHU_STORAGE_DIR": str(ctx.settings.storage_dir),
           "VANTHU_KEYS_DIR": str(ctx.settings.keys_dir)}
    out = tmp_path / "copy.pdf"
    done = subprocess.run([VANTHU, "copies", "export", "30-SL/VPDUK", "--org", "VPDUK", "-o",
                           str(out)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    roots = tmp_path / "roots"
    done = subprocess.run([VANTHU, "keys", "export-roots", str(roots)], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return {"pdf": out.read_bytes(), "path": out, "roots": roots, "env": env}


def test_registers_hold_the_seed_numbers(ctx: Any, seeded: dict[str, Any]) -> None:
    from app.db import Arrival, CertifiedCopy, Organisation

    with ctx.reading() as s:
        arrivals = s.execute(select(Organisation.code, Arrival.arrival_number, Arrival.copy_id)
                             .join(Organisation, Arrival.organisation_id == Organisation.id)
                             .order_by(Arrival.id)).all()
        copies = s.execute(select(CertifiedCopy.notation, CertifiedCopy.signed_at,
                                  CertifiedCopy.depth).order_by(CertifiedCopy.id)).all()
    # in the order the offices lived it: VPTU 29/01, VPDUK 05/02 (the copy), TTTU 11/02
    assert [(c, n) for c, n, _ in arrivals] == [("VPTU", 565), ("VPDUK", 1), ("TTTU", 952)]
    assert arrivals[1][2] is not None and arrivals[0][2] is None  # VPDUK registered the copy
    assert [(n, t.astimezone(UTC), d) for n, t, d in copies] == [
        ("397-BS/VPTU", datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC), 1),
        ("30-SL/VPDUK", datetime(2020, 2, 6, 7, 0, 23, tzinfo=UTC), 2)]


def test_final_copy_text_holds_both_copy_blocks(seeded: dict[str, Any]) -> None:
    done = subprocess.run([require_tool("pdftotext"), str(seeded["path"]), "-"],
                          capture_output=True, check=True)
    pages = done.stdout.decode("utf-8").split("\f")[:-1]
    text = squash(" ".join(pages))
    assert "THÔNG BÁO" in text and "Trần Quốc Vượng" in text  # the original's pages
    first_block = ["TỈNH ỦY ĐẮK NÔNG VĂN PHÒNG", "Số 397-BS/VPTU", "SAO LỤC",
                   "Đắk Nông, ngày 04 tháng 02 năm 2020", "- Các đ/c TUV,",
                   "- Các Đảng bộ trực thuộc,", "- Lưu Văn phòng Tỉnh ủy.", "CHÁNH VĂN PHÒNG",
                   "Lê Văn Chiến", "Cơ quan: Văn phòng", "Email: VPTU@TUDaknong",
                   "Thời gian ký: 04.02.2020 15:30:15 +07:00"]
    second_block = ["ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH ĐẮK NÔNG VĂN PHÒNG",
                    "Số 30-SL/VPDUK", "Đắk Nông, ngày 06 tháng 02 năm 2020",
                    "- Thường trực ĐUK,", "- Các TCCS đảng,", "- Lưu VT.",
                    "Nguyễn Khắc Trung", "Người ký: Văn phòng", "Email: VPDUK@TUDakNong",
                    "Cơ quan: Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh, Tỉnh ủy Đắk Nông",
                    "Thời gian ký: 06.02.2020 14:00:23 +07:00"]
    # The original's 4 pages; VPTU's block does not fit under its last text, so it starts a
    # page, and VPDUK's block follows right under VPTU's on that same page (ND 30 Phụ lục I
    # Phần II II.2.a: after the last text of the copied document, when it fits).
    assert len(pages) == 5 and "Trần Quốc Vượng" in pages[3]
    last = squash(pages[-1])
    first_part, _, second_part = last.partition("ĐẢNG ỦY KHỐI")
    for line in first_block:
        assert line in first_part, line
    for line in second_block:
        assert line in "ĐẢNG ỦY KHỐI" + second_part, line


def _chain_pdfs(pdf: bytes) -> list[bytes]:
    """The file and every signed parent attached inside it, newest first."""
    out = [pdf]
    while True:
        parents = [a for a in list_attachments(PdfFileReader(BytesIO(out[-1]), strict=False))
                   if a.is_pdf]
        if not parents:
            return out
        out.append(parents[0].data)


def test_pdfsig_and_pyhanko_accept_every_signature(seeded: dict[str, Any], tmp_path: Path) -> None:
    pdfs = _chain_pdfs(seeded["pdf"])
    assert len(pdfs) == 3  # 30-SL/VPDUK ⊃ 397-BS/VPTU ⊃ 160-TB/TW (unsigned original)
    certutil, pdfsig = require_tool("certutil"), require_tool("pdfsig")
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    root_pem = seeded["roots"] / "root-1.pem"
    subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "CT,C,C", "-i",
                    str(root_pem)], check=True)
    root = asn1_x509.Certificate.load(
        load_pem_x509_certificate(root_pem.read_bytes()).public_bytes(Encoding.DER))
    expected_times = ["Feb 06 2020 07:00:23", "Feb 04 2020 08:30:15"]  # pdfsig prints UTC
    for pdf, when in zip(pdfs[:2], expected_times, strict=True):
        f = tmp_path / "link.pdf"
        f.write_bytes(pdf)
        out = subprocess.run([pdfsig, "-nssdir", f"sql:{nss}", str(f)], capture_output=True,
                             text=True).stdout
        assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
        assert "Total document signed" in out and f"Signing Time: {when}" in out, out
        sig = PdfFileReader(BytesIO(pdf)).embedded_signatures[0]
        vc = ValidationContext(trust_roots=[root], moment=sig.self_reported_timestamp,
                               allow_fetching=False)
        status = validate_pdf_signature(sig, vc)
        assert status.bottom_line and status.trusted and status.intact
    assert PdfFileReader(BytesIO(pdfs[2])).embedded_signatures == []


def test_vanthu_verify_reports_the_chain_and_fails_on_one_flipped_byte(
        seeded: dict[str, Any], tmp_path: Path) -> None:
    done = subprocess.run([VANTHU, "verify", str(seeded["path"]), "--roots",
                           str(seeded["roots"])], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Chain: 30-SL/VPDUK → 397-BS/VPTU → 160-TB/TW" in done.stdout
    assert "VALID" in done.stdout
    data = bytearray(seeded["pdf"])
    data[len(data) // 3] ^= 0x01
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(bytes(data))
    done = subprocess.run([VANTHU, "verify", str(bad), "--roots", str(seeded["roots"])],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "INVALID" in done.stdout or "INVALID" in done.stderr


def stamp_lines(page: str) -> list[str]:
    return [ln.strip() for ln in page.splitlines()]


def _stamp_line_heights(path: Path) -> dict[str, float]:
    """Height of each line of the last page's signature stamp (poppler takes each of its lines
    as one word), keyed by the line's first letters."""
    html = subprocess.run([require_tool("pdftotext"), "-bbox", str(path), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    last = html.split("<page ")[-1]
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                       r"(.*?)</word>", last)
    starts = ("Người ký:", "Email:", "Cơ quan:", "doanh", "Thời gian ký:")
    return {word[:12]: float(bottom) - float(top) for top, bottom, word in words
            if word.startswith(starts)}


def test_long_office_name_wraps_in_the_stamp_at_10_pt(seeded: dict[str, Any]) -> None:
    """VPDUK's long name runs onto further lines at 10 pt, as the seed prints it, rather than
    shrinking the stamp's text (issue 16: it was about 5.5 pt)."""
    done = subprocess.run([require_tool("pdftotext"), "-layout", str(seeded["path"]), "-"],
                          capture_output=True, check=True)
    last = done.stdout.decode("utf-8").split("\f")[-2]
    stamp = [ln.strip() for ln in last.splitlines() if "Cơ quan: Đảng" in ln]
    assert stamp and stamp[0].endswith("Cơ quan: Đảng ủy Khối các cơ quan và"), stamp
    assert "Thời gian ký: 06.02.2020 14:00:23 +07:00" in stamp_lines(last)
    # poppler's box for a stamp line spans the font's ascent and descent, 1.1 em for Liberation
    # Serif: 11 pt at 10 pt (the shrunk text measured about 6)
    heights = _stamp_line_heights(seeded["path"])
    assert "doanh nghiệp" in heights and min(heights.values()) >= 11.0, heights
