"""Office key pairs: generate, serialise (encrypted at rest), load, PKCS#12 import/export."""

from __future__ import annotations

from typing import Literal, TypeAlias, get_args

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

KeyType = Literal["ec-p256", "rsa-2048", "rsa-3072", "ed25519"]
KEY_TYPES: tuple[str, ...] = get_args(KeyType)
DEFAULT_KEY_TYPE: KeyType = "ec-p256"

PrivateKey: TypeAlias = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey: TypeAlias = ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey

_PRIVATE_TYPES = (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)


def generate_key(key_type: KeyType = DEFAULT_KEY_TYPE) -> PrivateKey:
    """A new private key of the given type (ECDSA P-256 by default)."""
    if key_type == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "rsa-2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "rsa-3072":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unsupported key type {key_type!r}; use one of {', '.join(KEY_TYPES)}")


def key_type_of(key: PrivateKey | PublicKey) -> KeyType:
    """Name the type of a key, the inverse of `generate_key`."""
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if key.curve.name != "secp256r1":
            raise ValueError(f"unsupported curve {key.curve.name}")
        return "ec-p256"
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        if key.key_size == 2048:
            return "rsa-2048"
        if key.key_size == 3072:
            return "rsa-3072"
        raise ValueError(f"unsupported RSA size {key.key_size}")
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "ed25519"
    raise ValueError(f"unsupported key {type(key).__name__}")


def private_key_to_pem(key: PrivateKey, passphrase: bytes | None) -> bytes:
    """PKCS#8 PEM, encrypted with `passphrase` (best available scheme); unencrypted only if None."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def load_private_key(pem: bytes, passphrase: bytes | None) -> PrivateKey:
    """Load a PEM private key; a wrong passphrase raises ValueError."""
    key = serialization.load_pem_private_key(pem, password=passphrase)
    if not isinstance(
        key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    ):
        raise ValueError(f"unsupported key {type(key).__name__}")
    key_type_of(key)
    return key


def public_key_to_pem(key: PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def export_pkcs12(
    key: PrivateKey,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: bytes,
    friendly_name: str = "office",
) -> bytes:
    """A PKCS#12 (.p12/.pfx) bundle of key + certificate + chain, as CA tokens are exported."""
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        key,
        certificate,
        chain or None,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_pkcs12(
    data: bytes, passphrase: bytes | None
) -> tuple[PrivateKey, x509.Certificate, list[x509.Certificate]]:
    """Key, certificate and the other certificates of a PKCS#12 bundle."""
    key, cert, others = pkcs12.load_key_and_certificates(data, passphrase)
    if key is None or cert is None:
        raise ValueError("PKCS#12 bundle holds no private key and certificate")
    if not isinstance(
        key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    ):
        raise ValueError(f"unsupported key {type(key).__name__}")
    return key, cert, list(others)
