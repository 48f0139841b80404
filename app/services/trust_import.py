"""`vanthu trust import FILE…`: the national hierarchy's certificates into the trust store, as
auditors configure it: a root ("Root CA chuyên dùng Chính phủ", each generation), the
intermediates that issue to State and Party bodies, and their CRLs.

Self-signed CA certificates become roots, other CA certificates intermediates (each must chain
to a root already trusted or imported with it), CRLs go beside them. A signer's own certificate
is refused (trust is in CAs, not in signers). Files are named by their SHA-256, so importing
the same certificate twice changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.keys import KeyRing
from signing import TrustStore, chains_to_trust


class TrustImportError(ValueError):
    """A file that is not a CA certificate or a CRL, or a CA that chains to nothing trusted."""


@dataclass(frozen=True)
class Imported:
    kind: str  # "root", "intermediate" or "crl"
    subject: str  # the certificate's subject, or the CRL's issuer
    path: Path
    new: bool  # False: it was already in the store


def _certificates(data: bytes) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data \
            else [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []


def _crl(data: bytes) -> x509.CertificateRevocationList | None:
    try:
        return x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data)
    except ValueError:
        return None


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _write(directory: Path, pem: bytes) -> tuple[Path, bool]:
    path = directory / f"{hashlib.sha256(pem).hexdigest()[:32]}.pem"
    if path.exists():
        return path, False
    directory.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pem)
    return path, True


def _read(files: list[Path]) -> tuple[list[x509.Certificate], list[x509.CertificateRevocationList]]:
    certs: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    for path in files:
        data = path.read_bytes()
        found = _certificates(data)
        crl = None if found else _crl(data)
        if not found and crl is None:
            raise TrustImportError(f"{path} is neither a certificate nor a CRL (PEM or DER)")
        for cert in found:
            if not _is_ca(cert):
                raise TrustImportError(f"{path}: {cert.subject.rfc4514_string()} is not a CA "
                                       "certificate; the store trusts CAs, not signers")
        certs.extend(found)
        if crl is not None:
            crls.append(crl)
    return certs, crls


def import_trust(keys: KeyRing, files: list[Path]) -> list[Imported]:
    """Add the files' CA certificates and CRLs to the trust store; all or nothing."""
    certs, crls = _read(files)
    current = keys.trust_store()
    roots = [c for c in certs if c.issuer == c.subject]
    inters = [c for c in certs if c.issuer != c.subject]
    combined = TrustStore([*current.roots, *roots], [*current.intermediates, *inters],
                          current.crls, current.revocation_mode)
    for cert in inters:
        if not chains_to_trust(cert, inters, combined):
            raise TrustImportError(f"{cert.subject.rfc4514_string()} does not chain to a trusted "
                                   "root: import its root with it")
    done: list[Imported] = []
    for kind, items in (("root", roots), ("intermediate", inters)):
        for cert in items:
            path, new = _write(keys.trust_dir / f"{kind}s", cert.public_bytes(Encoding.PEM))
            done.append(Imported(kind, cert.subject.rfc4514_string(), path, new))
    for crl in crls:
        path, new = _write(keys.trust_dir / "crls", crl.public_bytes(Encoding.PEM))
        done.append(Imported("crl", crl.issuer.rfc4514_string(), path, new))
    return done
