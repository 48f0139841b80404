"""From an empty machine to a province in service (issue 14's "done when"): `vanthu init` makes
the organisation tree and its first admin; `vanthu trust import` takes a three-level national
hierarchy (root, intermediate, office certificate); the office's key is made on a SoftHSM2 token
and configured with `vanthu keys pkcs11`; the server runs with VANTHU_ENV=production, a local TSA
and the S3 store. A clerk registers a document, a department asks for a sao lục, the clerk issues
it: the copy is signed on the token, timestamped, validated by pyHanko against the imported
chain, and its file is in the object store."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.context import AppContext
from app.keys import common_name_for
from app.main import create_app
from signing import DevCA
from tests.pdfs import make_pdf
from tests.s3 import store_env
from tests.softhsm import PIN_ENV
from tests.tsa import local_tsa

ROOT = Path(__file__).resolve().parents[2]
YAML = ROOT / "docs" / "examples" / "province.yaml"
VPTU = "Văn phòng Tỉnh ủy Đắk Nông"
EMAIL = "vptu@daknong.dcs.vn"
PASSPHRASE = "một-cụm-mật-khẩu-thật-dài-của-tỉnh"
NEW_PASSWORD = "Mật khẩu quản trị mới 2026"


def _der(cert: Any) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


@pytest.mark.parametrize("store_backend", ["s3"], indirect=True)
def test_init_to_a_token_signed_timestamped_copy_on_s3(settings: Any, s3_server: Any, softhsm: Any,
                                                       tmp_path: Path) -> None:
    national = DevCA.create(tmp_path / "national", b"quoc-gia",
                            name="Root CA chuyên dùng Chính phủ")
    with local_tsa(national) as tsa_url:
        production = settings.model_copy(update={
            "env": "production", "dev_keys": False, "key_passphrase": PASSPHRASE,
            "tsa_url": tsa_url})
        env = {**os.environ, "VANTHU_DATABASE_URL": production.database_url,
               "VANTHU_KEYS_DIR": str(production.keys_dir), "VANTHU_ENV": "production",
               "VANTHU_DEV_KEYS": "false", "VANTHU_KEY_PASSPHRASE": PASSPHRASE,
               "VANTHU_TSA_URL": tsa_url, **store_env(production)}

        def vanthu(*args: str) -> str:
            done = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
            return done.stdout

        # 1. the trees and the first admins, and the national hierarchy in the trust store
        out = vanthu("init", str(YAML))
        found = re.search(r"one-time password for admin\.tu: (\S+)", out)
        assert found, out
        root, inter, crl = (tmp_path / n for n in ("root.pem", "intermediate.pem", "inter.crl"))
        root.write_bytes(national.root_cert.public_bytes(Encoding.PEM))
        inter.write_bytes(national.intermediate_cert.public_bytes(Encoding.PEM))
        crl.write_bytes(national.crl("intermediate").public_bytes(Encoding.PEM))
        vanthu("trust", "import", str(root), str(inter), str(crl))

        # 2. the office's key, made on the token; its certificate from the national intermediate
        label, office_cert = softhsm.office_key(national, common_name_for(VPTU), EMAIL,
                                                organisation=VPTU)
        assert os.environ.get(PIN_ENV)  # the PIN is in the environment, never in a file
        vanthu("keys", "pkcs11", "VPTU", "--module", softhsm.module, "--token", softhsm.label,
               "--key", label, "--pin-env", PIN_ENV)

        # 3. the service, ready for production, used as the office would
        ctx = AppContext.from_settings(production)
        client = TestClient(create_app(production, ctx), raise_server_exceptions=False)
        signed_in = client.post("/auth/token", json={
            "login": "admin.tu", "password": found.group(1), "new_password": NEW_PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        admin = {"Authorization": f"Bearer {signed_in.json()['token']}"}

        def person(role: str) -> dict[str, str]:
            user = client.post("/orgs/VPTU/users", headers=admin,
                               json={"name": f"Người {role}", "role": role})
            assert user.status_code == 201, user.text
            token = client.post(f"/users/{user.json()['id']}/tokens", headers=admin,
                                json={"label": role})
            assert token.status_code == 201, token.text
            return {"Authorization": f"Bearer {token.json()['token']}"}

        clerk, department = person("clerk"), person("department")
        body = {"issuer_code": "TW", "document": {
            "notation": "160-TB/TW", "issued_on": "2026-11-20", "type_code": "TB",
            "title": "Thông báo kết luận của Bộ Chính trị"}}
        arrival = client.post("/orgs/VPTU/arrivals/with-file", headers=clerk,
                              data={"metadata": json.dumps(body)},
                              files={"file": ("160.pdf", make_pdf(["160-TB/TW trang 1"]),
                                              "application/pdf")})
        assert arrival.status_code == 201, arrival.text
        assert arrival.json()["arrival_number"] == 1
        request = client.post("/orgs/VPTU/copy-requests", headers=department, json={
            "kind": "SAO_LUC", "document_id": arrival.json()["document"]["id"],
            "reason": "phổ biến đến các đảng bộ", "recipients": [{"name": "Các đ/c TUV"}]})
        assert request.status_code == 201, request.text
        copy = client.post(f"/copy-requests/{request.json()['id']}/approve", headers=clerk,
                           json={"signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến"})
        assert copy.status_code == 201, copy.text
        assert copy.json()["notation"] == "01-BS/VPTU"
        pdf = client.get(copy.json()["pdf_url"], headers=clerk).content

    # 4. the copy, checked as an auditor does: pyHanko against the imported chain only
    (sig,) = list(PdfFileReader(BytesIO(pdf)).embedded_signatures)
    assert sig.signer_cert.dump() == _der(office_cert).dump()  # the token's key signed it
    status = validate_pdf_signature(sig, ValidationContext(
        trust_roots=[_der(national.root_cert)], other_certs=[_der(national.intermediate_cert)],
        allow_fetching=False, revocation_mode="soft-fail"))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert status.timestamp_validity.trusted
    path = [c.subject.native["common_name"] for c in status.validation_path.iter_certs(
        include_root=True)]
    assert len(path) == 3 and "Root CA chuyên dùng Chính phủ" in path[0], path  # three levels
    # its file is in the object store, under this installation's prefix
    keys = s3_server.keys(production.s3_prefix)
    assert production.s3_prefix + copy.json()["pdf_sha256"] in keys
    audit = subprocess.run([sys.executable, "-m", "app.cli", "audit", "verify"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=300)
    assert audit.returncode == 0, audit.stdout[-2000:] + audit.stderr[-2000:]
