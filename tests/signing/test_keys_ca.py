"""Keys, PKCS#12, the development CA; openssl checks our certificates independently."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from signing.ca import DevCA
from signing.identity import SigningIdentity
from signing.keys import (
    KEY_TYPES,
    generate_key,
    key_type_of,
    load_private_key,
    private_key_to_pem,
)
from tests.signing.conftest import EMAIL, OFFICE, PASSPHRASE
from tests.tooling import require_tool


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_key_roundtrip_encrypted_at_rest(key_type: str) -> None:
    key = generate_key(key_type)  # type: ignore[arg-type]
    pem = private_key_to_pem(key, b"secret")
    assert b"ENCRYPTED PRIVATE KEY" in pem
    again = load_private_key(pem, b"secret")
    assert key_type_of(again) == key_type
    with pytest.raises((ValueError, TypeError)):
        load_private_key(pem, b"wrong")


def test_office_certificate_subject_and_usage(office: SigningIdentity) -> None:
    cert = office.certificate
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == OFFICE
    assert cert.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value == EMAIL
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == [EMAIL]
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment and not ku.key_encipherment
    assert cert.not_valid_before_utc == datetime(2019, 1, 1, tzinfo=UTC)
    assert cert.not_valid_after_utc == datetime(2034, 1, 1, tzinfo=UTC)
    assert office.key_type == "ec-p256"


def test_pkcs12_roundtrip(office: SigningIdentity) -> None:
    p12 = office.to_pkcs12(b"token-pin")
    again = SigningIdentity.from_pkcs12(p12, b"token-pin")
    assert again.certificate == office.certificate
    assert [c.subject for c in again.chain] == [c.subject for c in office.chain]
    with pytest.raises(ValueError):
        SigningIdentity.from_pkcs12(p12, b"bad-pin")


def test_pkcs12_openssl_reads_it(office: SigningIdentity, tmp_path: Path) -> None:
    openssl = require_tool("openssl")
    (tmp_path / "o.p12").write_bytes(office.to_pkcs12(b"pin"))
    out = subprocess.run(
        [openssl, "pkcs12", "-in", str(tmp_path / "o.p12"), "-passin", "pass:pin", "-nokeys"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.count("BEGIN CERTIFICATE") == 3


def test_pem_files_roundtrip(office: SigningIdentity, tmp_path: Path) -> None:
    office.save_pem(tmp_path, PASSPHRASE)
    again = SigningIdentity.from_pem_files(
        tmp_path / "office.key.pem",
        tmp_path / "office.pem",
        tmp_path / "office.chain.pem",
        PASSPHRASE,
    )
    assert again.certificate == office.certificate and len(again.chain) == 2


def test_identity_rejects_mismatched_key(office: SigningIdentity) -> None:
    with pytest.raises(ValueError, match="does not match"):
        SigningIdentity(generate_key(), office.certificate, office.chain)


def test_ca_load_roundtrip(dev_ca: DevCA) -> None:
    again = DevCA.load(dev_ca.directory, PASSPHRASE)
    assert again.root_cert == dev_ca.root_cert
    assert again.intermediate_cert == dev_ca.intermediate_cert
    with pytest.raises((ValueError, TypeError)):
        DevCA.load(dev_ca.directory, b"wrong")


def _openssl_verify(
    tmp: Path, root: x509.Certificate, inter: x509.Certificate, leaf: x509.Certificate
) -> subprocess.CompletedProcess[str]:
    openssl = require_tool("openssl")
    for name, cert in (("root", root), ("inter", inter), ("leaf", leaf)):
        (tmp / f"{name}.pem").write_bytes(cert.public_bytes(Encoding.PEM))
    return subprocess.run(
        [
            openssl,
            "verify",
            "-attime",
            "1580805015",
            "-CAfile",
            str(tmp / "root.pem"),
            "-untrusted",
            str(tmp / "inter.pem"),
            str(tmp / "leaf.pem"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.tools
def test_openssl_verifies_office_cert_against_root(
    dev_ca: DevCA,
    office: SigningIdentity,
    office_rsa: SigningIdentity,
    office_ed25519: SigningIdentity,
    tmp_path: Path,
) -> None:
    for ident in (office, office_rsa, office_ed25519):
        done = _openssl_verify(
            tmp_path, dev_ca.root_cert, dev_ca.intermediate_cert, ident.certificate
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith(": OK")


@pytest.mark.tools
def test_openssl_rejects_other_root(office: SigningIdentity, tmp_path: Path) -> None:
    other = DevCA.create(tmp_path / "other", b"x", name="Other")
    done = _openssl_verify(tmp_path, other.root_cert, office.chain[0], office.certificate)
    assert done.returncode != 0
    assert "unable to get local issuer certificate" in done.stdout + done.stderr


def test_crl_lists_revocation(tmp_path: Path) -> None:
    ca = DevCA.create(tmp_path / "ca", b"x")
    ident = ca.issue_office("Văn phòng", "vp@example.vn")
    when = datetime(2020, 1, 10, tzinfo=UTC)
    ca.revoke(ident.certificate, when)
    crl = x509.load_pem_x509_crl((tmp_path / "ca" / "intermediate.crl.pem").read_bytes())
    entry = crl.get_revoked_certificate_by_serial_number(ident.certificate.serial_number)
    assert entry is not None and entry.revocation_date_utc == when
    assert crl.is_signature_valid(ca.intermediate_cert.public_key())  # type: ignore[arg-type]
    reloaded = DevCA.load(tmp_path / "ca", b"x")
    assert [r.serial for r in reloaded.revocations] == [ident.certificate.serial_number]
