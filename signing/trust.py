"""Trust configuration: which roots we accept, known intermediates, and CRLs (not code)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import ValidationContext

_DER = serialization.Encoding.DER


def _load_certs(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _load_crl(data: bytes) -> x509.CertificateRevocationList:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))


@dataclass(frozen=True)
class TrustStore:
    """Trust roots + optional intermediates + CRLs used when validating signatures."""

    roots: list[x509.Certificate]
    intermediates: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    #: "soft-fail": a certificate whose issuer has no configured CRL passes (with a note);
    #: "require": it fails. A CRL listing the certificate fails it in both modes.
    revocation_mode: str = "soft-fail"

    @classmethod
    def from_dir(cls, path: Path, revocation_mode: str = "soft-fail") -> TrustStore:
        """Read `path/roots/*`, `path/intermediates/*` and `path/crls/*` (PEM or DER)."""
        roots = [c for p in _files(path / "roots") for c in _load_certs(p.read_bytes())]
        if not roots:
            raise ValueError(f"no trust roots found in {path / 'roots'}")
        inters = [c for p in _files(path / "intermediates") for c in _load_certs(p.read_bytes())]
        crls = [_load_crl(p.read_bytes()) for p in _files(path / "crls")]
        return cls(roots, inters, crls, revocation_mode)

    @classmethod
    def from_pem(
        cls,
        roots: Iterable[bytes],
        crls: Iterable[bytes] = (),
        intermediates: Iterable[bytes] = (),
        revocation_mode: str = "soft-fail",
    ) -> TrustStore:
        return cls(
            [c for data in roots for c in _load_certs(data)],
            [c for data in intermediates for c in _load_certs(data)],
            [_load_crl(data) for data in crls],
            revocation_mode,
        )

    def __post_init__(self) -> None:
        if self.revocation_mode not in ("soft-fail", "require"):
            raise ValueError("revocation_mode must be 'soft-fail' or 'require'")

    def is_root(self, cert: x509.Certificate) -> bool:
        der = cert.public_bytes(_DER)
        return any(r.public_bytes(_DER) == der for r in self.roots)

    def crls_by(self, issuer: x509.Certificate) -> list[x509.CertificateRevocationList]:
        """CRLs issued (and correctly signed) by `issuer`."""
        out = []
        for crl in self.crls:
            if crl.issuer != issuer.subject:
                continue
            try:
                ok = crl.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
            except (TypeError, ValueError):
                ok = False
            if ok:
                out.append(crl)
        return out

    def validation_context(
        self, moment: datetime, extra_certs: Iterable[x509.Certificate] = ()
    ) -> ValidationContext:
        """A pyHanko context that validates at `moment`, offline, with our CRLs.

        retroactive_revinfo: a CRL published after a historical signing time still tells
        whether the certificate had been revoked by then.
        """
        return ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(c.public_bytes(_DER)) for c in self.roots],
            other_certs=[
                asn1_x509.Certificate.load(c.public_bytes(_DER))
                for c in [*self.intermediates, *extra_certs]
            ],
            crls=[c.public_bytes(_DER) for c in self.crls],
            moment=moment,
            allow_fetching=False,
            revocation_mode=self.revocation_mode,
            retroactive_revinfo=True,
        )
