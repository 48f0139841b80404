"""An office key on a PKCS#11 token (SoftHSM2) signs certified copies: the copy verifies with
pyHanko, poppler's pdfsig and `vanthu verify`; rotating from a key in a file to the token keeps
the older copies verifying; a token that cannot sign leaves nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from sqlalchemy import func, select

from app.db import AuditEvent, CertifiedCopy, CopyRequest, OfficeKey
from app.keys import common_name_for
from app.services import office_keys
from app.services.office_keys import ImportedKey
from app.services.verification import verify_copy
from tests.factories import (
    APPROVE_VPTU,
    SIGNED_1,
    arrive_with_pdf,
    ask,
    ask_and_approve,
    issue_first_copy,
)
from tests.pdfs import pdfsig_report
from tests.softhsm import PIN_ENV, USER_PIN

ROOT = Path(__file__).resolve().parents[2]
VPTU = "Văn phòng Tỉnh ủy Đắk Nông"
EMAIL = "vptu@example.gov.vn"


def token_key(softhsm: Any, ctx: Any, name: str = VPTU, **kw: Any) -> str:
    """A key made on the token, certified by the development CA for `name`."""
    label, _ = softhsm.office_key(ctx.keys.dev_ca(), common_name_for(name), EMAIL,
                                  organisation=name, **kw)
    return str(label)


def configure(softhsm: Any, ctx: Any, **kw: Any) -> ImportedKey:
    return office_keys.import_token(ctx, None, "VPTU", softhsm.ref(token_key(softhsm, ctx, **kw)),
                                    PIN_ENV)


def _second_copy(client: Any, world: Any, ctx: Any) -> dict[str, Any]:
    arrival = arrive_with_pdf(client, world, notation="2-TB/TW")
    return ask_and_approve(client, world, ctx, asker="dept_vptu", org="VPTU",
                           approver="clerk_vptu", approval=APPROVE_VPTU, signed_at=SIGNED_1,
                           document_id=arrival["document"]["id"])


@pytest.mark.tools
def test_a_copy_signed_on_the_token_verifies_everywhere(
        softhsm: Any, client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    done = configure(softhsm, ctx)
    assert done.replaced == []
    _, copy = issue_first_copy(client, world, ctx)
    assert copy["certificate_serial"] == done.serial
    assert verify_copy(ctx, copy["id"]).report.verdict == "VALID"
    pdf = ctx.store.get(copy["pdf_sha256"])
    (sig,) = PdfFileReader(BytesIO(pdf)).embedded_signatures
    trust = ctx.keys.trust_store()
    status = validate_pdf_signature(sig, trust.validation_context(sig.self_reported_timestamp))
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert format(status.signing_cert.serial_number, "x") == done.serial
    report = pdfsig_report(pdf, trust.roots, tmp_path)
    assert "Signature is Valid." in report and "Certificate is Trusted." in report, report
    roots = tmp_path / "roots"
    ctx.keys.export_roots(roots)
    (tmp_path / "copy.pdf").write_bytes(pdf)
    checked = subprocess.run([sys.executable, "-m", "app.cli", "verify", str(tmp_path / "copy.pdf"),
                              "--roots", str(roots)], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "VALID" in checked.stdout
    with ctx.reading() as s:
        row = s.scalar(select(OfficeKey).where(OfficeKey.active.is_(True)))
        assert row is not None and row.key_file == "" and row.serial == done.serial
        assert row.token is not None and row.token["pin_env"] == PIN_ENV
        assert row.token["module"] == softhsm.module and row.token["token_label"] == softhsm.label
        # the chain is the issuing CA the token carries, not the other keys' certificates on it
        intermediate = ctx.keys.dev_ca().intermediate_cert.public_bytes(Encoding.PEM).decode()
        assert row.chain_pem == intermediate
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "office_key.imported"))
        assert event is not None and event.details["token"] == row.token
        stored = json.dumps([row.token, event.details])
    assert USER_PIN not in stored  # the PIN's variable is named, the PIN never stored
    assert not (ctx.keys.keys_dir / "offices" / "VPTU").exists()  # no key file for the token


def test_rotating_from_a_file_key_to_the_token_keeps_older_copies_verifying(
        softhsm: Any, client: Any, world: Any, ctx: Any) -> None:
    _, first = issue_first_copy(client, world, ctx)  # a development key, in a file
    done = configure(softhsm, ctx)
    assert done.replaced == [first["certificate_serial"]]
    second = _second_copy(client, world, ctx)
    assert second["certificate_serial"] == done.serial != first["certificate_serial"]
    with ctx.reading() as s:
        keys = [(k.serial, k.active, k.token is not None)
                for k in s.scalars(select(OfficeKey).order_by(OfficeKey.id))]
    assert keys == [(first["certificate_serial"], False, False), (done.serial, True, True)]
    for copy in (first, second):
        assert verify_copy(ctx, copy["id"]).report.verdict == "VALID"


def _files(ctx: Any) -> int:
    return sum(1 for p in Path(ctx.settings.storage_dir).rglob("*") if p.is_file())


def test_a_token_that_cannot_sign_leaves_nothing_half_written(
        softhsm: Any, client: Any, world: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(softhsm, ctx)
    arrival = arrive_with_pdf(client, world)
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"])
    assert req.status_code == 201, req.text
    files = _files(ctx)
    ctx.clock = lambda: SIGNED_1
    approve = f"/copy-requests/{req.json()['id']}/approve"
    for pin, says in (("000000", "the PIN is wrong for token 'vanthu-test'"),
                      (None, f"the environment variable {PIN_ENV}, which holds the token's PIN, "
                             "is not set")):
        if pin is None:
            monkeypatch.delenv(PIN_ENV)
        else:
            monkeypatch.setenv(PIN_ENV, pin)
        r = client.post(approve, headers=world.auth("clerk_vptu"), json=APPROVE_VPTU)
        assert r.status_code == 503, r.text
        assert r.json()["field"] == "key" and says in r.json()["detail"], r.json()
        assert r.json()["detail"].startswith("VPTU cannot sign with its token now: ")
        with ctx.reading() as s:
            assert s.scalar(select(func.count()).select_from(CertifiedCopy)) == 0
            assert s.get(CopyRequest, req.json()["id"]).status == "pending"  # type: ignore[union-attr]
        assert _files(ctx) == files
    monkeypatch.setenv(PIN_ENV, USER_PIN)
    r = client.post(approve, headers=world.auth("clerk_vptu"), json=APPROVE_VPTU)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1  # the failed tries spent no number


def _cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", "keys", "pkcs11", *argv], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_command_configures_a_token_key_and_names_what_to_fix(
        softhsm: Any, world: Any, ctx: Any, settings: Any, tmp_path: Path) -> None:
    env = {**os.environ, "VANTHU_DATABASE_URL": settings.database_url,
           "VANTHU_STORAGE_DIR": str(settings.storage_dir),
           "VANTHU_KEYS_DIR": str(settings.keys_dir)}
    ctx.keys.dev_ca()  # the trust store the command checks against
    label = token_key(softhsm, ctx)
    base = ["VPTU", "--module", softhsm.module, "--pin-env", PIN_ENV]
    other = token_key(softhsm, ctx, name="Văn phòng Đảng ủy Khối")
    bare, _ = softhsm.generate()  # no certificate on the token beside it
    cases = [
        ([*base, "--token", softhsm.label, "--key", label], {PIN_ENV: ""},
         f"the environment variable {PIN_ENV}, which holds the token's PIN, is not set"),
        ([*base, "--token", softhsm.label, "--key", label], {PIN_ENV: "000000"},
         "the PIN is wrong for token 'vanthu-test'"),
        ([*base, "--token", "no-such-token", "--key", label], {},
         "no token 'no-such-token' is present"),
        ([*base, "--token", softhsm.label, "--key", "no-such-key"], {},
         "holds no private key with label 'no-such-key'"),
        ([*base, "--token", softhsm.label, "--key", other], {}, "not the office"),
        ([*base, "--token", softhsm.label, "--key", bare], {},
         "holds no certificate beside the key"),
        (["VPTU", "--module", str(tmp_path / "none.so"), "--pin-env", PIN_ENV, "--token", "x",
          "--key", label], {}, "does not exist"),
    ]
    for argv, extra, says in cases:
        done = _cli(*argv, env={**env, **extra})
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr.startswith("vanthu keys pkcs11: ") and says in done.stderr, done.stderr
    with ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(OfficeKey)) == 0
    done = _cli(*base, "--token", softhsm.label, "--key", label, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"VPTU now signs on token 'vanthu-test' with the key with "
                                  f"label '{label}', certificate ")
    with ctx.reading() as s:
        (row,) = s.scalars(select(OfficeKey))
        assert row.active and row.token is not None and row.token["key_label"] == label
    # a certificate the token does not carry is given as a file (leaf, then intermediates)
    elsewhere, cert = softhsm.office_key(ctx.keys.dev_ca(), common_name_for(VPTU), EMAIL,
                                         organisation=VPTU, on_token=False)
    pem = tmp_path / "office.pem"
    pem.write_bytes(cert.public_bytes(Encoding.PEM)
                    + ctx.keys.dev_ca().intermediate_cert.public_bytes(Encoding.PEM))
    done = _cli(*base, "--token", softhsm.label, "--key", elsewhere, "--cert", str(pem), env=env)
    assert done.returncode == 0, done.stderr
    assert f"certificate {cert.serial_number:x}" in done.stdout
    assert f"earlier keys kept, inactive: {row.serial}" in done.stdout
