"""An office's own certificate (PKCS#12 or PEM) becomes its signing key; earlier copies still
verify; a certificate that does not name the office, cannot sign or is not trusted is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import func, select

from app.db import OfficeKey
from app.keys import common_name_for
from app.services.verification import verify_copy
from signing import DevCA, private_key_to_pem
from tests.factories import APPROVE_VPTU, arrive_with_pdf, ask_and_approve, issue_first_copy

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"mat-khau-cua-tep-p12"
SIGNED_2 = datetime(2020, 3, 2, 2, 0, 0, tzinfo=UTC)
VPTU = "Văn phòng Tỉnh ủy Đắk Nông"


def _p12(ca: DevCA, name: str = VPTU, **kw: Any) -> bytes:
    identity = ca.issue_office(common_name_for(name), "vptu@example.gov.vn", organisation=name,
                               **kw)
    return identity.to_pkcs12(SECRET)


def _post(client: Any, world: Any, data: bytes, who: str = "admin",
          passphrase: bytes = SECRET) -> Any:
    return client.post("/orgs/VPTU/keys", headers=world.auth(who),
                       files={"file": ("vptu.p12", data, "application/x-pkcs12")},
                       data={"passphrase": passphrase.decode()})


def _keys(ctx: Any) -> list[tuple[str, bool]]:
    with ctx.reading() as s:
        return [(k.serial, k.active) for k in s.scalars(select(OfficeKey).order_by(OfficeKey.id))]


def test_an_imported_certificate_signs_and_earlier_copies_still_verify(
        client: Any, world: Any, ctx: Any) -> None:
    _, first = issue_first_copy(client, world, ctx)
    r = _post(client, world, _p12(ctx.keys.dev_ca()))
    assert r.status_code == 201, r.text
    imported = r.json()
    assert imported["replaced"] == [first["certificate_serial"]]
    arrival = arrive_with_pdf(client, world, notation="2-TB/TW")
    second = ask_and_approve(client, world, ctx, asker="dept_vptu", org="VPTU",
                             approver="clerk_vptu", approval=APPROVE_VPTU, signed_at=SIGNED_2,
                             document_id=arrival["document"]["id"])
    assert second["certificate_serial"] == imported["serial"] != first["certificate_serial"]
    assert _keys(ctx) == [(first["certificate_serial"], False), (imported["serial"], True)]
    for copy in (first, second):
        assert verify_copy(ctx, copy["id"]).report.verdict == "VALID"


def test_a_certificate_that_does_not_fit_is_refused_and_nothing_changes(
        client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    issue_first_copy(client, world, ctx)
    before = _keys(ctx)
    files = sum(1 for _ in (ctx.keys.keys_dir / "offices").rglob("*.pem"))
    ca = ctx.keys.dev_ca()
    cases = [
        (_p12(ca, "Văn phòng Đảng ủy Khối"), SECRET, "certificate", "not the office"),
        (_p12(ca, key_usage=("key_encipherment",)), SECRET, "certificate", "may not sign"),
        (_p12(DevCA.create(tmp_path / "other", b"x", name="Elsewhere")), SECRET, "certificate",
         "does not chain to a root"),
        (_p12(ca), b"wrong passphrase", "file", "cannot be opened"),
        (b"not a p12", SECRET, "file", "cannot be opened"),
    ]
    for data, passphrase, field, says in cases:
        r = _post(client, world, data, passphrase=passphrase)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field and says in r.json()["detail"], r.json()
    assert _post(client, world, _p12(ca), who="clerk_vptu").status_code == 403
    assert _keys(ctx) == before
    assert sum(1 for _ in (ctx.keys.keys_dir / "offices").rglob("*.pem")) == files


def test_the_command_imports_pkcs12_and_pem(world: Any, ctx: Any, settings: Any,
                                            tmp_path: Path) -> None:
    ca = ctx.keys.dev_ca()
    p12 = tmp_path / "vptu.p12"
    p12.write_bytes(_p12(ca))
    identity = ca.issue_office(common_name_for(VPTU), "vptu@example.gov.vn", organisation=VPTU)
    key, chain = tmp_path / "vptu.key.pem", tmp_path / "vptu.chain.pem"
    key.write_bytes(private_key_to_pem(identity.private_key, SECRET))
    chain.write_bytes(b"".join(c.public_bytes(Encoding.PEM)
                               for c in [identity.certificate, *identity.chain]))
    env = {**os.environ, "VANTHU_DATABASE_URL": settings.database_url,
           "VANTHU_STORAGE_DIR": str(settings.storage_dir), "VANTHU_KEYS_DIR": str(settings.keys_dir),
           "P12_SECRET": SECRET.decode()}

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli", "keys", "import", *argv],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    done = run("VPTU", str(p12), "--passphrase-env", "P12_SECRET")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("VPTU now signs with certificate ")
    pem = run("VPTU", str(key), "--chain", str(chain), "--passphrase-env", "P12_SECRET")
    assert pem.returncode == 0, pem.stderr
    assert f"{identity.certificate.serial_number:x}" in pem.stdout
    bad = run("VPTU", str(key), "--passphrase-env", "P12_SECRET")
    assert bad.returncode == 2 and "--chain" in bad.stderr
    with ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(OfficeKey).where(
            OfficeKey.active.is_(True))) == 1
