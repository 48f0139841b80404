"""What signs for an office: a key in a file (`SigningIdentity`) or a key on a PKCS#11 token or
HSM (`TokenIdentity`). Both are an `OfficeSigner`: it names its certificate and chain and
`open()`s into a `KeySession`, which signs bytes (the manifest) and hands pyHanko its signer
(the PDF). `sign_copy` opens one session for both, so a token is logged in once per copy.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.keys import KeyType

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

#: The manifest's signature algorithms, by the kind of the office's key.
ALGORITHMS = {
    "ec": "ecdsa-with-SHA256",
    "rsa": "sha256WithRSAEncryption",
    "ed25519": "Ed25519",
}


class OfficeSigner(Protocol):
    """An office's key with its certificate and the issuing chain."""

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def chain(self) -> list[x509.Certificate]: ...

    @property
    def key_type(self) -> KeyType: ...

    def chain_pem(self) -> list[str]: ...

    def open(self) -> AbstractContextManager[KeySession]:
        """The key ready to sign (a token: its session opened and logged in) while the block runs."""
        ...


class KeySession(OfficeSigner, Protocol):
    """A key ready to sign; opening it again yields itself."""

    def sign_bytes(self, data: bytes) -> tuple[bytes, str]:
        """A detached signature over `data` (SHA-256, or Ed25519's own) and its algorithm's
        name (one of `ALGORITHMS`)."""
        ...

    def pdf_signer(self) -> Signer:
        """pyHanko's signer for this key, valid while the session is open."""
        ...


def certificates_pem(certificate: x509.Certificate, chain: list[x509.Certificate]) -> list[str]:
    """Leaf first, then the chain, each as a PEM string."""
    return [c.public_bytes(serialization.Encoding.PEM).decode("ascii")
            for c in [certificate, *chain]]
