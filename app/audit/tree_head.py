"""Signed tree heads: the service's signed statement "the log had this root at this size".

The signed bytes are RFC 6962 §3.5 ``TreeHeadSignature``, 50 bytes::

    uint8  version         = 0  (v1)
    uint8  signature_type  = 1  (tree_hash)
    uint64 timestamp          (milliseconds since the epoch, big-endian)
    uint64 tree_size          (big-endian)
    opaque sha256_root_hash[32]

signed with the log key: ECDSA P-256 with SHA-256 (DER signature, as ``openssl dgst -sha256``
makes) or Ed25519 (64 bytes, as ``openssl pkeyutl -rawin`` makes). Unlike CT, the JSON carries the
bare signature, not a TLS ``DigitallySigned`` wrapper; the key (named by ``key_id``) tells the
algorithm.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

SigningKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
VerifyingKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

VERSION_V1 = 0
SIGNATURE_TYPE_TREE_HASH = 1
_UINT64 = 1 << 64
_KEY_ID = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class TreeHead:
    """The state of the log at one moment: size, root hash and time (ms since the epoch, UTC)."""

    tree_size: int
    timestamp_ms: int
    root_hash: bytes

    def __post_init__(self) -> None:
        for name in ("tree_size", "timestamp_ms"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < _UINT64:
                raise ValueError(f"{name} must be an unsigned 64-bit integer")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != 32:
            raise ValueError("root_hash must be 32 bytes")

    def signature_input(self) -> bytes:
        """The RFC 6962 §3.5 ``TreeHeadSignature`` bytes that are signed."""
        return (
            struct.pack(">BBQQ", VERSION_V1, SIGNATURE_TYPE_TREE_HASH, self.timestamp_ms,
                        self.tree_size)
            + self.root_hash
        )


@dataclass(frozen=True)
class SignedTreeHead:
    """A :class:`TreeHead` with the log key's signature and the key's id."""

    head: TreeHead
    signature: bytes
    key_id: str

    @property
    def tree_size(self) -> int:
        return self.head.tree_size

    @property
    def timestamp_ms(self) -> int:
        return self.head.timestamp_ms

    @property
    def root_hash(self) -> bytes:
        return self.head.root_hash

    def to_dict(self) -> dict[str, Any]:
        """CT ``get-sth`` shape plus ``key_id``; binary values in standard base64."""
        return {
            "tree_size": self.tree_size,
            "timestamp": self.timestamp_ms,
            "sha256_root_hash": base64.b64encode(self.root_hash).decode("ascii"),
            "tree_head_signature": base64.b64encode(self.signature).decode("ascii"),
            "key_id": self.key_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignedTreeHead:
        """Parse :meth:`to_dict` output; raises ``ValueError`` on any malformed field."""
        try:
            tree_size, timestamp = data["tree_size"], data["timestamp"]
            root_b64, sig_b64, key = (
                data["sha256_root_hash"], data["tree_head_signature"], data["key_id"]
            )
        except KeyError as exc:
            raise ValueError(f"signed tree head lacks {exc.args[0]!r}") from exc
        if not isinstance(key, str) or not _KEY_ID.fullmatch(key):
            raise ValueError("key_id must be 64 lowercase hex digits")
        signature = _b64("tree_head_signature", sig_b64)
        if not signature:
            raise ValueError("tree_head_signature is empty")
        head = TreeHead(tree_size=tree_size, timestamp_ms=timestamp,
                        root_hash=_b64("sha256_root_hash", root_b64))
        return cls(head=head, signature=signature, key_id=key)


def _b64(name: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{name} is not valid base64: {exc}") from exc


def key_id(public_key: VerifyingKey) -> str:
    """Hex SHA-256 of the public key's DER SubjectPublicKeyInfo (as CT's log id, in hex)."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def _check_curve(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> None:
    if not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"the log key must be ECDSA P-256 or Ed25519, not {key.curve.name}")


def sign_tree_head(head: TreeHead, private_key: SigningKey) -> SignedTreeHead:
    """Sign ``head`` with the log key (ECDSA P-256/SHA-256, DER; or Ed25519)."""
    data = head.signature_input()
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        _check_curve(private_key)
        signature = private_key.sign(data, ec.ECDSA(hashes.SHA256()))
    elif isinstance(private_key, ed25519.Ed25519PrivateKey):
        signature = private_key.sign(data)
    else:
        raise TypeError(f"unsupported log key type {type(private_key).__name__}")
    return SignedTreeHead(head=head, signature=signature, key_id=key_id(private_key.public_key()))


def verify_tree_head(sth: SignedTreeHead, public_key: VerifyingKey) -> bool:
    """True only if ``sth`` names this key and its signature over the head is valid."""
    if sth.key_id != key_id(public_key):
        return False
    data = sth.head.signature_input()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            _check_curve(public_key)
            public_key.verify(sth.signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(sth.signature, data)
        else:
            raise TypeError(f"unsupported log key type {type(public_key).__name__}")
    except InvalidSignature:
        return False
    return True
