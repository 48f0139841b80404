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

from signing.ocsp import DEFAULT_TIMEOUT, OcspAnswer, ask

_DER = serialization.Encoding.DER
#: The revocation policies (docs/verification.md "Revocation"); "soft-fail", the former name
#: of "prefer", is still accepted.
POLICIES = ("require", "prefer", "ignore")
_ALIASES = {"soft-fail": "prefer"}


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
    """Trust roots + optional intermediates + CRLs used when validating signatures.

    `revocation_mode` is the revocation policy: "require" (a definite answer from OCSP or a CRL
    is needed, otherwise the check fails), "prefer" (OCSP when the certificate names a
    responder and it answers, else the CRLs; no answer at all leaves the check not checked) or
    "ignore" (not checked, nothing asked). A revocation before the signing time fails in both
    "require" and "prefer".
    """

    roots: list[x509.Certificate]
    intermediates: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    revocation_mode: str = "prefer"
    #: seconds an OCSP responder has to answer before it counts as down
    ocsp_timeout: float = DEFAULT_TIMEOUT
    #: OCSP answers already had, per (issuer key, serial, URL): one question per certificate
    _ocsp: dict[tuple[bytes, int, str], OcspAnswer] = field(
        default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dir(cls, path: Path, revocation_mode: str = "prefer") -> TrustStore:
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
        revocation_mode: str = "prefer",
    ) -> TrustStore:
        return cls(
            [c for data in roots for c in _load_certs(data)],
            [c for data in intermediates for c in _load_certs(data)],
            [_load_crl(data) for data in crls],
            revocation_mode,
        )

    def __post_init__(self) -> None:
        mode = _ALIASES.get(self.revocation_mode, self.revocation_mode)
        if mode not in POLICIES:
            raise ValueError(f"revocation_mode must be one of {', '.join(POLICIES)}")
        object.__setattr__(self, "revocation_mode", mode)

    def with_policy(self, revocation_mode: str) -> TrustStore:
        """The same trust material under another revocation policy."""
        return TrustStore(self.roots, self.intermediates, self.crls, revocation_mode,
                          self.ocsp_timeout)

    def ocsp(self, cert: x509.Certificate, issuer: x509.Certificate, url: str) -> OcspAnswer:
        """The responder's proven answer for `cert` (asked once per store)."""
        key = (issuer.public_bytes(_DER), cert.serial_number, url)
        if key not in self._ocsp:
            down = next((a for a in self._ocsp.values() if a.url == url and a.unreachable), None)
            # a responder that did not answer is not waited for again in this verification
            self._ocsp[key] = down or ask(cert, issuer, url, timeout=self.ocsp_timeout)
        return self._ocsp[key]

    def ocsp_responses(self) -> list[bytes]:
        """Every proven OCSP response this store has received (DER)."""
        return [a.der for a in self._ocsp.values() if a.der is not None]

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
        self, moment: datetime, extra_certs: Iterable[x509.Certificate] = (),
        *, require_revinfo: bool = False,
    ) -> ValidationContext:
        """A pyHanko context that validates at `moment`, offline, with our CRLs and the OCSP
        responses this store has proven.

        pyHanko judges the path (and what the CRLs say) in soft-fail: whether an answer is
        needed is our policy, decided by the revocation check (signing.revocation).
        retroactive_revinfo: a CRL published after a historical signing time still tells
        whether the certificate had been revoked by then. `require_revinfo` (pyHanko's
        "require"): every certificate needs revocation data, as when archiving it (B-LTA).
        """
        ignore = self.revocation_mode == "ignore"
        return ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(c.public_bytes(_DER)) for c in self.roots],
            other_certs=[
                asn1_x509.Certificate.load(c.public_bytes(_DER))
                for c in [*self.intermediates, *extra_certs]
            ],
            crls=[] if ignore else [c.public_bytes(_DER) for c in self.crls],
            ocsps=[] if ignore else self.ocsp_responses(),
            moment=moment,
            allow_fetching=False,
            revocation_mode="require" if require_revinfo else "soft-fail",
            retroactive_revinfo=True,
        )
