"""Trust the way auditors do: the national hierarchy's root and intermediate imported into the
trust store (`vanthu trust import`); an office certificate from it signs copies that embed only
the signer's own certificate, and they verify because the intermediate is in the store."""

from __future__ import annotations

import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader

from app.keys import common_name_for
from app.services.verification import verify_copy
from signing import DevCA, SigningIdentity
from tests.factories import issue_first_copy

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"p12-cua-van-phong"
VPTU = "Văn phòng Tỉnh ủy Đắk Nông"


def _trust(settings: Any, *files: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VANTHU_DATABASE_URL": settings.database_url,
           "VANTHU_STORAGE_DIR": str(settings.storage_dir), "VANTHU_KEYS_DIR": str(settings.keys_dir)}
    return subprocess.run([sys.executable, "-m", "app.cli", "trust", "import", *map(str, files)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _leaf_only_p12(national: DevCA) -> bytes:
    full = national.issue_office(common_name_for(VPTU), "vptu@daknong.dcs.vn", organisation=VPTU)
    return SigningIdentity(full.private_key, full.certificate, []).to_pkcs12(SECRET)


def _import_key(client: Any, world: Any, p12: bytes) -> Any:
    return client.post("/orgs/VPTU/keys", headers=world.auth("admin"),
                       files={"file": ("vptu.p12", p12, "application/x-pkcs12")},
                       data={"passphrase": SECRET.decode()})


def test_an_imported_hierarchy_verifies_a_copy_that_embeds_only_its_signer(
        client: Any, world: Any, ctx: Any, settings: Any, tmp_path: Path) -> None:
    ctx.keys.dev_ca()  # the store as a fresh installation has it
    national = DevCA.create(tmp_path / "national", b"quoc-gia", name="Root CA chuyên dùng Chính phủ")
    p12 = _leaf_only_p12(national)
    refused = _import_key(client, world, p12)
    assert refused.status_code == 422 and "does not chain" in refused.json()["detail"]
    root, inter = tmp_path / "root.pem", tmp_path / "intermediate.der"
    root.write_bytes(national.root_cert.public_bytes(Encoding.PEM))
    inter.write_bytes(national.intermediate_cert.public_bytes(Encoding.DER))
    crl = tmp_path / "intermediate.crl.pem"
    crl.write_bytes(national.crl("intermediate").public_bytes(Encoding.PEM))
    done = _trust(settings, root, inter, crl)
    assert done.returncode == 0, done.stderr
    assert "Root CA chuyên dùng Chính phủ Root CA" in done.stdout.splitlines()[0]
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == ["root", "intermediate",
                                                                          "crl"]
    assert all(line.endswith("(added)") for line in done.stdout.splitlines())
    again = _trust(settings, root, inter, crl)
    assert again.returncode == 0 and all(line.endswith("(already trusted)")
                                         for line in again.stdout.splitlines())
    assert _import_key(client, world, p12).status_code == 201
    _, copy = issue_first_copy(client, world, ctx)
    pdf = ctx.store.get(copy["pdf_sha256"])
    (sig,) = list(PdfFileReader(BytesIO(pdf)).embedded_signatures)
    assert sig.other_embedded_certs == []  # only the signer's certificate travels in the copy
    result = verify_copy(ctx, copy["id"])
    assert result.report.verdict == "VALID", result.report.reasons
    top = result.report.links[0]
    assert top.check("pyhanko trust").ok and top.check("certificate path").ok
    assert "Root CA chuyên dùng Chính phủ" in top.check("certificate path").reason


def test_a_signer_certificate_or_an_orphan_intermediate_is_refused(
        ctx: Any, settings: Any, tmp_path: Path) -> None:
    ctx.keys.dev_ca()
    held = sorted((ctx.keys.trust_dir / "intermediates").glob("*.pem"))
    national = DevCA.create(tmp_path / "national", b"quoc-gia", name="Root CA chuyên dùng")
    leaf = tmp_path / "leaf.pem"
    leaf.write_bytes(national.issue_office("Sở Nội vụ", "snv@example.gov.vn")
                     .certificate.public_bytes(Encoding.PEM))
    inter = tmp_path / "intermediate.pem"
    inter.write_bytes(national.intermediate_cert.public_bytes(Encoding.PEM))
    junk = tmp_path / "readme.txt"
    junk.write_text("not a certificate", encoding="utf-8")
    for files, says in (([leaf], "is not a CA certificate"), ([inter], "does not chain"),
                        ([junk], "neither a certificate nor a CRL")):
        done = _trust(settings, *files)
        assert done.returncode == 2 and says in done.stderr, done.stderr
    assert sorted((ctx.keys.trust_dir / "intermediates").glob("*.pem")) == held
