"""Signed manifests: canonical form, signatures checked by cryptography and by openssl."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from signing.identity import SigningIdentity
from signing.manifest import (
    SignedManifest,
    canonical_bytes,
    manifest_problems,
    sha256_hex,
    sign_manifest,
    verify_manifest,
)
from signing.trust import TrustStore
from tests.signing.conftest import manifest_for
from tests.tooling import require_tool


def test_canonical_bytes_are_jcs(source_pdf: bytes) -> None:
    m = manifest_for(source_pdf=source_pdf)
    data = canonical_bytes(m)
    text = data.decode("utf-8")
    assert text.startswith('{"date":"2020-02-04","kind":"SAO_LUC","notation":"397-BS/VPTU"')
    assert "Đắk Nông" in text  # UTF-8, not \u escapes
    # For ASCII keys, integers and strings, JCS equals sorted compact JSON without escapes.
    assert data == json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    shuffled = dict(reversed(list(m.items())))
    assert canonical_bytes(shuffled) == data


def test_missing_and_bad_fields_are_named(source_pdf: bytes) -> None:
    m = manifest_for(source_pdf=source_pdf)
    del m["office"]["email"]
    m["kind"] = "BAN_CHINH"
    m["pages"] = [0]
    problems = manifest_problems(m)
    assert "office.email is missing" in problems
    assert any(p.startswith("kind must be one of") for p in problems)
    assert any(p.startswith("pages must be") for p in problems)
    with pytest.raises(ValueError, match=r"office\.email is missing"):
        canonical_bytes(m)


def test_extra_fields_are_allowed(source_pdf: bytes) -> None:
    m = manifest_for(source_pdf=source_pdf) | {"app_field": {"x": 1}}
    assert manifest_problems(m) == []


@pytest.mark.parametrize("who", ["office", "office_rsa", "office_ed25519"])
def test_sign_and_verify_each_key_type(
    who: str, request: pytest.FixtureRequest, trust: TrustStore, source_pdf: bytes
) -> None:
    ident: SigningIdentity = request.getfixturevalue(who)
    env = sign_manifest(manifest_for(source_pdf=source_pdf), ident)
    again = SignedManifest.from_json(env.to_json())
    res = verify_manifest(again, trust, expected_sha256=env.sha256)
    assert res.ok, res.to_dict()
    assert [c.name for c in res.checks] == [
        "format",
        "digest",
        "signature",
        "signing time",
        "certificate path",
        "validity",
        "revocation",
        "key usage",
    ]
    assert res.manifest_sha256 == sha256_hex(env.manifest_bytes)
    assert res.root_subject == "CN=Vanthu Development Root CA,O=Vanthu Development,C=VN"
    assert res.signed_at == "2020-02-04T15:30:15+07:00"
    json.dumps(res.to_dict())


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_flipped_byte_in_manifest_fails_signature(
    office: SigningIdentity, trust: TrustStore, source_pdf: bytes
) -> None:
    env = sign_manifest(manifest_for(source_pdf=source_pdf), office)
    pos = env.manifest_bytes.index(b"397") + 1  # "397" -> "387"-like change inside notation
    tampered = SignedManifest(
        _flip(env.manifest_bytes, pos),
        env.signature,
        env.signature_algorithm,
        env.certificates_pem,
        env.signed_at,
    )
    res = verify_manifest(tampered, trust)
    assert not res.ok
    sig = next(c for c in res.checks if c.name == "signature")
    assert not sig.ok and "manifest or the signature was changed" in sig.reason
    assert all(c.ok for c in res.checks if c.name != "signature")


def test_wrong_expected_digest_and_envelope_tampering(
    office: SigningIdentity, trust: TrustStore, source_pdf: bytes
) -> None:
    env = sign_manifest(manifest_for(source_pdf=source_pdf), office)
    res = verify_manifest(env, trust, expected_sha256="0" * 64)
    digest = next(c for c in res.checks if c.name == "digest")
    assert not res.ok and not digest.ok and "expected 0000" in digest.reason
    d = env.to_dict()
    d["signed_at"] = "2020-02-05T15:30:15+07:00"
    res2 = verify_manifest(d, trust)
    st = next(c for c in res2.checks if c.name == "signing time")
    assert not st.ok and "differs" in st.reason
    res3 = verify_manifest(b'{"format": "other"}', trust)
    assert not res3.ok and res3.checks[0].name == "format"


@pytest.mark.tools
@pytest.mark.parametrize("who", ["office", "office_rsa", "office_ed25519"])
def test_openssl_verifies_manifest_signature(
    who: str, request: pytest.FixtureRequest, tmp_path: Path, source_pdf: bytes
) -> None:
    openssl = require_tool("openssl")
    ident: SigningIdentity = request.getfixturevalue(who)
    env = sign_manifest(manifest_for(source_pdf=source_pdf), ident)
    # Exactly what docs/signing.md tells an independent verifier to do with the envelope.
    obj = json.loads(env.to_json())
    (tmp_path / "manifest.json").write_bytes(base64.b64decode(obj["manifest"]))
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(obj["signature"]))
    (tmp_path / "cert.pem").write_text(obj["certificates"][0])
    pub = subprocess.run(
        [openssl, "x509", "-in", str(tmp_path / "cert.pem"), "-pubkey", "-noout"],
        capture_output=True,
        check=True,
    ).stdout
    assert pub == ident.certificate.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / "pub.pem").write_bytes(pub)
    if obj["signature_algorithm"] == "Ed25519":
        cmd = [
            openssl,
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(tmp_path / "pub.pem"),
            "-rawin",
            "-in",
            str(tmp_path / "manifest.json"),
            "-sigfile",
            str(tmp_path / "sig.bin"),
        ]
    else:
        cmd = [
            openssl,
            "dgst",
            "-sha256",
            "-verify",
            str(tmp_path / "pub.pem"),
            "-signature",
            str(tmp_path / "sig.bin"),
            str(tmp_path / "manifest.json"),
        ]
    ok = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Verified OK" in ok.stdout or "Signature Verified Successfully" in ok.stdout
    (tmp_path / "manifest.json").write_bytes(_flip((tmp_path / "manifest.json").read_bytes(), 5))
    bad = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert bad.returncode != 0
