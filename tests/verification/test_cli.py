"""`vanthu verify FILE.pdf --roots DIR`: offline, exit codes, text and JSON reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.cli import main
from signing.ca import DevCA
from tests.signing.conftest import nss_dir, pdfsig  # noqa: F401  (nss_dir: a fixture on our CA)
from tests.verification.chains import Chain, build_chain, source_pdf

ROOT = Path(__file__).resolve().parents[2]


def export_roots(ca: DevCA, directory: Path) -> Path:
    """The flat folder `vanthu keys export-roots` writes: root-N.pem and crl-N.pem."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "root-1.pem").write_bytes(ca.root_cert.public_bytes(Encoding.PEM))
    for i, which in enumerate(("root", "intermediate"), start=1):
        (directory / f"crl-{i}.pem").write_bytes(ca.crl(which).public_bytes(Encoding.PEM))
    return directory


def flip_signed_byte(pdf: bytes) -> bytes:
    """Change one byte inside every signature's byte range (the first page's /MediaBox)."""
    pos = pdf.index(b"/MediaBox") + 2
    return pdf[:pos] + bytes([pdf[pos] ^ 0x20]) + pdf[pos + 1 :]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main(["verify", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def roots(dev_ca: DevCA, tmp_path: Path) -> Path:
    return export_roots(dev_ca, tmp_path / "roots")


@pytest.fixture
def copy_file(chain3: Chain, tmp_path: Path) -> Path:
    path = tmp_path / "copy.pdf"
    path.write_bytes(chain3.top)
    return path


def test_three_deep_chain_is_valid_and_every_link_listed(
    capsys: pytest.CaptureFixture[str], chain3: Chain, copy_file: Path, roots: Path
) -> None:
    code, out, _ = run(capsys, copy_file, "--roots", roots)
    assert code == 0, out
    assert "Verdict: VALID" in out
    assert "Chain: 42-BS/VPTU → 30-SL/VPDUK → 397-BS/VPTU → 160-TB/TW" in out
    assert "✗" not in out
    for depth, notation in enumerate(chain3.expected_path):
        assert f"[{depth}] {notation} — " in out
    for check in ("integrity", "signature", "certificate path", "revocation", "manifest",
                  "parent link", "time order", "digest"):
        assert f"✓ {check}: " in out, check
    # Each signer's subject, serial and Vietnam-time signing time are shown.
    vptu = chain3.identities["VPTU"].certificate
    assert f"serial {vptu.serial_number:x}" in out
    assert "CN=Văn phòng Tỉnh ủy Đắk Nông" in out
    assert "signed at:   04.02.2020 15:30:15 +07:00" in out
    assert "signed at:   06.02.2020 14:00:23 +07:00" in out


def test_flipped_byte_fails_naming_the_check(
    capsys: pytest.CaptureFixture[str], chain3: Chain, tmp_path: Path, roots: Path
) -> None:
    bad = tmp_path / "copy.pdf"
    bad.write_bytes(flip_signed_byte(chain3.top))
    code, out, _ = run(capsys, bad, "--roots", roots)
    assert code == 1, out
    assert "Verdict: INVALID" in out
    assert "✗ integrity: the signed bytes of the PDF were changed after signing" in out
    # A byte flipped anywhere (in an attached parent's compressed data too) is a failed check:
    # damage inside a file that still reads is INVALID, not an unreadable input.
    for k in range(1, 8):
        flipped = bytearray(chain3.top)
        flipped[len(flipped) * k // 8] ^= 0x01
        bad.write_bytes(bytes(flipped))
        code, out, err = run(capsys, bad, "--roots", roots)
        assert code == 1 and "Verdict: INVALID" in out, (k, out[-2000:], err)


def test_json_output_parses(
    capsys: pytest.CaptureFixture[str], chain3: Chain, copy_file: Path, roots: Path
) -> None:
    code, out, _ = run(capsys, copy_file, "--roots", roots, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["verdict"] == "VALID" and data["ok"] is True
    assert data["chain"] == chain3.expected_path
    assert [link["depth"] for link in data["links"]] == [0, 1, 2, 3]
    top = data["links"][0]
    assert top["signed_at"] == "2020-02-08T14:00:23+07:00"
    assert top["serial"] == format(chain3.identities["VPTU"].certificate.serial_number, "x")
    assert all(c["ok"] for link in data["links"] for c in link["checks"])


def test_untrusted_roots_fail(
    capsys: pytest.CaptureFixture[str], copy_file: Path, tmp_path: Path
) -> None:
    stranger = DevCA.create(tmp_path / "other-ca", b"khac", name="Other Authority")
    code, out, _ = run(capsys, copy_file, "--roots", export_roots(stranger, tmp_path / "r"))
    assert code == 1
    assert "✗ certificate path: " in out and "✗ pyhanko trust: " in out


def test_trust_folder_layout_and_extra_crl(
    capsys: pytest.CaptureFixture[str], copy_file: Path, trust_dir: Path, tmp_path: Path
) -> None:
    assert run(capsys, copy_file, "--roots", trust_dir)[0] == 0
    # A CA that revoked the signer before the signing time: --crl makes the copy fail.
    ca = DevCA.create(tmp_path / "ca2", b"thu-hoi", name="Revoking Authority")
    chain = build_chain(ca, 1)
    from datetime import UTC, datetime

    ca.revoke(chain.identities["VPTU"].certificate, datetime(2019, 6, 1, tzinfo=UTC))
    doc = tmp_path / "revoked.pdf"
    doc.write_bytes(chain.top)
    roots_only = tmp_path / "roots-only"
    roots_only.mkdir()
    (roots_only / "root.pem").write_bytes(ca.root_cert.public_bytes(Encoding.PEM))
    code, out, _ = run(capsys, doc, "--roots", roots_only)
    assert code == 0  # no CRL: soft-fail does not fail, but says the check was not made
    assert "– revocation (not checked): no CRL configured for " in out
    assert "could not be made (not checked)" in out.splitlines()[1]
    code, out, _ = run(capsys, doc, "--roots", roots_only, "--json")
    checks = json.loads(out)["links"][0]["checks"]
    revocation = next(c for c in checks if c["code"] == "revocation")
    assert revocation["status"] == "not_checked" and revocation["ok"] is True
    code, out, _ = run(capsys, doc, "--roots", roots_only, "--crl", ca.directory / "intermediate.crl.pem")
    assert code == 1
    assert "✗ revocation: " in out and "revoked" in out
    assert f"answered by: CRL {ca.intermediate_cert.subject.rfc4514_string()}" in out
    # the policies: require fails without an answer, ignore asks nobody (even with the CRL)
    assert run(capsys, doc, "--roots", roots_only, "--revocation", "require")[0] == 1
    code, out, _ = run(capsys, doc, "--roots", roots_only, "--revocation", "ignore",
                       "--crl", ca.directory / "intermediate.crl.pem")
    assert code == 0 and "– revocation (not checked): not checked: the revocation policy is" in out


def test_bad_inputs_exit_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], chain3: Chain, roots: Path, tmp_path: Path
) -> None:
    missing = run(capsys, tmp_path / "nope.pdf", "--roots", roots)
    assert missing[0] == 2 and "cannot read" in missing[2]
    text = tmp_path / "letter.pdf"
    text.write_text("Kính gửi Văn phòng Tỉnh ủy", "utf-8")
    code, _, err = run(capsys, text, "--roots", roots)
    assert code == 2 and "not a PDF" in err
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(chain3.top[: len(chain3.top) * 2 // 3])
    code, out, err = run(capsys, cut, "--roots", roots, "--json")
    assert code == 2 and "truncated" in err
    assert json.loads(out)["verdict"] == "ERROR"
    no_roots = tmp_path / "empty"
    no_roots.mkdir()
    code, _, err = run(capsys, cut, "--roots", no_roots)
    assert code == 2 and "trust roots" in err


def test_unsigned_pdf_exits_3(capsys: pytest.CaptureFixture[str], roots: Path, tmp_path: Path) -> None:
    doc = tmp_path / "scan.pdf"
    doc.write_bytes(source_pdf())
    code, out, _ = run(capsys, doc, "--roots", roots)
    assert code == 3
    assert "Verdict: UNSIGNED" in out and "no digital signature" in out


def test_entry_point_runs_without_server_or_database(copy_file: Path, roots: Path, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "VANTHU_DATABASE_URL": "postgresql://nowhere.invalid/none"}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "verify", str(copy_file), "--roots", str(roots)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Verdict: VALID" in done.stdout


@pytest.mark.tools
def test_pdfsig_agrees(
    capsys: pytest.CaptureFixture[str], chain3: Chain, nss_dir: Path,  # noqa: F811
    roots: Path, tmp_path: Path,
) -> None:
    out = pdfsig(chain3.top, nss_dir, tmp_path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    broken = flip_signed_byte(chain3.top)
    assert "Signature is Valid." not in pdfsig(broken, nss_dir, tmp_path)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(broken)
    assert run(capsys, bad, "--roots", roots)[0] == 1
