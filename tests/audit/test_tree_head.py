"""Signed tree heads: the RFC 6962 §3.5 bytes, ECDSA P-256 and Ed25519 signatures, JSON, openssl."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from app.audit.merkle import EMPTY_ROOT
from app.audit.tree_head import (
    SignedTreeHead,
    SigningKey,
    TreeHead,
    key_id,
    sign_tree_head,
    verify_tree_head,
)
from tests.tooling import require_tool

ROOT_8 = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
HEAD = TreeHead(tree_size=8, timestamp_ms=1_741_054_500_123, root_hash=ROOT_8)


@pytest.fixture(params=["ecdsa-p256", "ed25519"])
def key(request: pytest.FixtureRequest) -> SigningKey:
    if request.param == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def test_signed_bytes_are_the_rfc6962_tree_head_signature_structure() -> None:
    head = TreeHead(tree_size=0x1122334455667788, timestamp_ms=0x0102030405060708,
                    root_hash=bytes(range(32)))
    assert head.signature_input() == bytes.fromhex(
        "00"  # version v1
        "01"  # signature_type tree_hash
        "0102030405060708"  # uint64 timestamp
        "1122334455667788"  # uint64 tree_size
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    )
    assert len(HEAD.signature_input()) == 50


def test_tree_head_rejects_out_of_range_fields() -> None:
    with pytest.raises(ValueError, match="tree_size"):
        TreeHead(tree_size=-1, timestamp_ms=0, root_hash=EMPTY_ROOT)
    with pytest.raises(ValueError, match="timestamp_ms"):
        TreeHead(tree_size=0, timestamp_ms=1 << 64, root_hash=EMPTY_ROOT)
    with pytest.raises(ValueError, match="root_hash"):
        TreeHead(tree_size=0, timestamp_ms=0, root_hash=EMPTY_ROOT[:31])
    with pytest.raises(ValueError, match="tree_size"):
        TreeHead(tree_size=True, timestamp_ms=0, root_hash=EMPTY_ROOT)


def test_sign_and_verify(key: SigningKey) -> None:
    sth = sign_tree_head(HEAD, key)
    public = key.public_key()
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    assert sth.key_id == key_id(public) == hashlib.sha256(der).hexdigest()
    assert sth.head == HEAD and sth.tree_size == 8 and sth.root_hash == ROOT_8
    assert verify_tree_head(sth, public)


def test_any_changed_byte_fails(key: SigningKey) -> None:
    sth = sign_tree_head(HEAD, key)
    public = key.public_key()
    changed_heads = [
        TreeHead(9, HEAD.timestamp_ms, HEAD.root_hash),
        TreeHead(8, HEAD.timestamp_ms + 1, HEAD.root_hash),
        TreeHead(8, HEAD.timestamp_ms, bytes([ROOT_8[0] ^ 1]) + ROOT_8[1:]),
    ]
    for head in changed_heads:
        assert not verify_tree_head(SignedTreeHead(head, sth.signature, sth.key_id), public)
    for i in range(len(sth.signature)):
        sig = bytearray(sth.signature)
        sig[i] ^= 0x40
        assert not verify_tree_head(SignedTreeHead(HEAD, bytes(sig), sth.key_id), public), i


def test_another_key_fails(key: SigningKey) -> None:
    sth = sign_tree_head(HEAD, key)
    other = ec.generate_private_key(ec.SECP256R1())
    assert not verify_tree_head(sth, other.public_key())
    # Even when the head claims the other key's id, its signature does not verify with it.
    claimed = SignedTreeHead(HEAD, sth.signature, key_id(other.public_key()))
    assert not verify_tree_head(claimed, other.public_key())


def test_only_p256_ecdsa_keys() -> None:
    with pytest.raises(ValueError, match="P-256"):
        sign_tree_head(HEAD, ec.generate_private_key(ec.SECP384R1()))


def test_json_shape_round_trips(key: SigningKey) -> None:
    sth = sign_tree_head(HEAD, key)
    data = json.loads(json.dumps(sth.to_dict()))
    assert set(data) == {"tree_size", "timestamp", "sha256_root_hash", "tree_head_signature",
                         "key_id"}
    assert data["tree_size"] == 8
    assert data["timestamp"] == 1_741_054_500_123
    assert data["sha256_root_hash"] == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="
    assert SignedTreeHead.from_dict(data) == sth
    assert verify_tree_head(SignedTreeHead.from_dict(data), key.public_key())


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sha256_root_hash", "not base64!", "base64"),
    ("sha256_root_hash", "AAAA", "32 bytes"),
    ("tree_head_signature", "", "empty"),
    ("key_id", "ABC", "key_id"),
    ("tree_size", "8", "tree_size"),
    ("timestamp", -5, "timestamp"),
])
def test_from_dict_rejects_malformed_fields(field: str, value: object, message: str) -> None:
    data = sign_tree_head(HEAD, ed25519.Ed25519PrivateKey.generate()).to_dict()
    data[field] = value
    with pytest.raises(ValueError, match=message):
        SignedTreeHead.from_dict(data)
    del data[field]
    with pytest.raises(ValueError, match=field):
        SignedTreeHead.from_dict(data)


def _openssl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([require_tool("openssl"), *args], capture_output=True, text=True,
                          timeout=60)


def _write_public(key: SigningKey, path: Path) -> None:
    path.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def _openssl_verify(algorithm: str, pub: Path, msg: Path, sig: Path
                    ) -> subprocess.CompletedProcess[str]:
    if algorithm == "ed25519":
        return _openssl("pkeyutl", "-verify", "-pubin", "-inkey", str(pub), "-rawin",
                        "-in", str(msg), "-sigfile", str(sig))
    return _openssl("dgst", "-sha256", "-verify", str(pub), "-signature", str(sig), str(msg))


@pytest.mark.tools
def test_openssl_verifies_our_signature(key: SigningKey, tmp_path: Path) -> None:
    algorithm = "ed25519" if isinstance(key, ed25519.Ed25519PrivateKey) else "ecdsa"
    sth = sign_tree_head(HEAD, key)
    pub, msg, sig = tmp_path / "log.pub.pem", tmp_path / "sth.bin", tmp_path / "sth.sig"
    _write_public(key, pub)
    msg.write_bytes(sth.head.signature_input())
    sig.write_bytes(sth.signature)
    done = _openssl_verify(algorithm, pub, msg, sig)
    assert done.returncode == 0, done.stderr
    assert "Verified OK" in done.stdout or "Signature Verified Successfully" in done.stdout
    # The same signature over a head one leaf larger must not verify.
    msg.write_bytes(TreeHead(9, HEAD.timestamp_ms, ROOT_8).signature_input())
    done = _openssl_verify(algorithm, pub, msg, sig)
    assert done.returncode != 0
    assert "Verified OK" not in done.stdout


@pytest.mark.tools
def test_we_verify_a_signature_made_by_openssl(tmp_path: Path) -> None:
    key_pem, pub_pem = tmp_path / "log.key.pem", tmp_path / "log.pub.pem"
    msg, sig = tmp_path / "sth.bin", tmp_path / "sth.sig"
    assert _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout",
                    "-out", str(key_pem)).returncode == 0
    assert _openssl("ec", "-in", str(key_pem), "-pubout", "-out", str(pub_pem)).returncode == 0
    msg.write_bytes(HEAD.signature_input())
    done = _openssl("dgst", "-sha256", "-sign", str(key_pem), "-out", str(sig), str(msg))
    assert done.returncode == 0, done.stderr
    public = serialization.load_pem_public_key(pub_pem.read_bytes())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    sth = SignedTreeHead(HEAD, sig.read_bytes(), key_id(public))
    assert verify_tree_head(sth, public)
    assert not verify_tree_head(SignedTreeHead(TreeHead(7, HEAD.timestamp_ms, ROOT_8),
                                               sth.signature, sth.key_id), public)
