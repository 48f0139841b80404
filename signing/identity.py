"""A signing identity: an office's private key, its certificate and the issuing chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.keys import (
    KeyType,
    PrivateKey,
    export_pkcs12,
    key_type_of,
    load_pkcs12,
    load_private_key,
    private_key_to_pem,
)


@dataclass(frozen=True)
class SigningIdentity:
    """Key + certificate + chain (intermediates first, the root last if included)."""

    private_key: PrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    def __post_init__(self) -> None:
        mine = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        theirs = self.certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if mine != theirs:
            raise ValueError("the private key does not match the certificate's public key")

    @property
    def key_type(self) -> KeyType:
        return key_type_of(self.private_key)

    def chain_pem(self) -> list[str]:
        """Leaf first, then the chain, each as a PEM string."""
        return [
            c.public_bytes(serialization.Encoding.PEM).decode("ascii")
            for c in [self.certificate, *self.chain]
        ]

    def to_pkcs12(self, passphrase: bytes, friendly_name: str = "office") -> bytes:
        return export_pkcs12(
            self.private_key, self.certificate, self.chain, passphrase, friendly_name
        )

    @classmethod
    def from_pkcs12(cls, data: bytes, passphrase: bytes | None) -> SigningIdentity:
        """Load a CA-issued token exported as .p12/.pfx."""
        key, cert, others = load_pkcs12(data, passphrase)
        return cls(key, cert, others)

    def save_pem(self, directory: Path, passphrase: bytes, stem: str = "office") -> None:
        """Write `<stem>.key.pem` (encrypted), `<stem>.pem` and `<stem>.chain.pem`."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{stem}.key.pem").write_bytes(
            private_key_to_pem(self.private_key, passphrase)
        )
        pems = self.chain_pem()
        (directory / f"{stem}.pem").write_text(pems[0], encoding="ascii")
        (directory / f"{stem}.chain.pem").write_text("".join(pems[1:]), encoding="ascii")

    @classmethod
    def from_pem_files(
        cls,
        key_path: Path,
        cert_path: Path,
        chain_path: Path | None,
        passphrase: bytes | None,
    ) -> SigningIdentity:
        key = load_private_key(key_path.read_bytes(), passphrase)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        chain: list[x509.Certificate] = []
        if chain_path is not None and chain_path.exists() and chain_path.read_bytes().strip():
            chain = x509.load_pem_x509_certificates(chain_path.read_bytes())
        return cls(key, cert, chain)
