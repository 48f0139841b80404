"""A signing identity: an office's private key, its certificate and the issuing chain."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from signing.keys import (
    KeyType,
    PrivateKey,
    export_pkcs12,
    key_type_of,
    load_pkcs12,
    load_private_key,
    private_key_to_pem,
)
from signing.signer import ALGORITHMS, certificates_pem

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner


@dataclass(frozen=True)
class SigningIdentity:
    """Key + certificate + chain (intermediates first, the root last if included): an
    `OfficeSigner` whose key is in memory, so opening it yields itself."""

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
        return certificates_pem(self.certificate, self.chain)

    @contextmanager
    def open(self) -> Iterator[SigningIdentity]:
        yield self

    def sign_bytes(self, data: bytes) -> tuple[bytes, str]:
        key = self.private_key
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hashes.SHA256())), ALGORITHMS["ec"]
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256()), ALGORITHMS["rsa"]
        return key.sign(data), ALGORITHMS["ed25519"]

    def pdf_signer(self) -> SimpleSigner:
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign.signers import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        der = serialization.Encoding.DER
        key_der = self.private_key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(self.certificate.public_bytes(der)),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [asn1_x509.Certificate.load(c.public_bytes(der)) for c in self.chain]),
        )

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
