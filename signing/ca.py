"""A development certificate authority: root → intermediate → office certificates, and CRLs.

Production offices use certificates from the real CA (imported via PKCS#12); this CA exists so the
demo and the tests have a complete, realistic PKI. Its state lives in one directory, keys encrypted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from signing.identity import SigningIdentity
from signing.keys import (
    DEFAULT_KEY_TYPE,
    KeyType,
    PrivateKey,
    PublicKey,
    generate_key,
    load_private_key,
    private_key_to_pem,
)

DEV_NOT_BEFORE = datetime(2019, 1, 1, tzinfo=UTC)
KEY_USAGE_NAMES = (
    "digital_signature",
    "content_commitment",  # nonRepudiation
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
)
#: CRL locations written into certificates. `.invalid` never resolves (RFC 6761): validators get
#: the CRLs from the trust configuration, but the extension tells them revocation applies.
CRL_URL = "http://ca.vanthu.invalid/{issuer}.crl"
#: What an office signing certificate carries (pyHanko requires nonRepudiation by default).
SIGNING_KEY_USAGE = ("digital_signature", "content_commitment")


def _hash_for(key: PrivateKey) -> hashes.SHA256 | None:
    # Ed25519 signs without a separate digest; cryptography wants None there.
    return None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()


def _plus_years(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year + years)


def _name(common_name: str, organisation: str, email: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def _cn(cert: x509.Certificate) -> str:
    return str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def _org(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(attrs[0].value) if attrs else _cn(cert)


def _crl_dp(issuer: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(CRL_URL.format(issuer=issuer))],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _aia_ocsp(url: str) -> x509.AuthorityInformationAccess:
    return x509.AuthorityInformationAccess([
        x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                               x509.UniformResourceIdentifier(url))])


def _key_usage(names: tuple[str, ...], *, ca: bool) -> x509.KeyUsage:
    unknown = set(names) - set(KEY_USAGE_NAMES)
    if unknown:
        raise ValueError(f"unknown key usage {sorted(unknown)}; use {KEY_USAGE_NAMES}")
    return x509.KeyUsage(
        digital_signature="digital_signature" in names,
        content_commitment="content_commitment" in names,
        key_encipherment="key_encipherment" in names,
        data_encipherment="data_encipherment" in names,
        key_agreement="key_agreement" in names,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Revocation:
    serial: int
    revoked_at: datetime
    issuer: str  # "root" or "intermediate"


@dataclass
class DevCA:
    """Root and intermediate keys/certificates plus the revocation list, kept in `directory`."""

    directory: Path
    root_key: PrivateKey
    root_cert: x509.Certificate
    intermediate_key: PrivateKey
    intermediate_cert: x509.Certificate
    revocations: list[Revocation] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        directory: Path,
        passphrase: bytes,
        *,
        name: str = "Vanthu Development",
        key_type: KeyType = DEFAULT_KEY_TYPE,
        not_before: datetime = DEV_NOT_BEFORE,
        root_years: int = 30,
        intermediate_years: int = 25,
    ) -> DevCA:
        """Make a new root + intermediate and save them (keys encrypted with `passphrase`)."""
        root_key = generate_key(key_type)
        root_name = _name(f"{name} Root CA", name)
        root_cert = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(_plus_years(not_before, root_years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(_key_usage((), ca=True), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, _hash_for(root_key))
        )
        inter_key = generate_key(key_type)
        inter_cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name} Intermediate CA", name))
            .issuer_name(root_name)
            .public_key(inter_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(_plus_years(not_before, intermediate_years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage((), ca=True), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(inter_key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .add_extension(_crl_dp("root"), critical=False)
            .sign(root_key, _hash_for(root_key))
        )
        ca = cls(directory, root_key, root_cert, inter_key, inter_cert)
        ca.save(passphrase)
        return ca

    def save(self, passphrase: bytes) -> None:
        d = self.directory
        d.mkdir(parents=True, exist_ok=True)
        pem = serialization.Encoding.PEM
        (d / "root.pem").write_bytes(self.root_cert.public_bytes(pem))
        (d / "root.key.pem").write_bytes(private_key_to_pem(self.root_key, passphrase))
        (d / "intermediate.pem").write_bytes(self.intermediate_cert.public_bytes(pem))
        (d / "intermediate.key.pem").write_bytes(
            private_key_to_pem(self.intermediate_key, passphrase)
        )
        self._save_revocations()
        self.write_crls()

    def _save_revocations(self) -> None:
        rows = [
            {"serial": str(r.serial), "revoked_at": r.revoked_at.isoformat(), "issuer": r.issuer}
            for r in self.revocations
        ]
        (self.directory / "revocations.json").write_text(json.dumps(rows, indent=2), "utf-8")

    @classmethod
    def load(cls, directory: Path, passphrase: bytes) -> DevCA:
        d = directory
        rows = json.loads((d / "revocations.json").read_text("utf-8"))
        return cls(
            d,
            load_private_key((d / "root.key.pem").read_bytes(), passphrase),
            x509.load_pem_x509_certificate((d / "root.pem").read_bytes()),
            load_private_key((d / "intermediate.key.pem").read_bytes(), passphrase),
            x509.load_pem_x509_certificate((d / "intermediate.pem").read_bytes()),
            [
                Revocation(int(r["serial"]), datetime.fromisoformat(r["revoked_at"]), r["issuer"])
                for r in rows
            ],
        )

    def issue_office(
        self,
        office_name: str,
        email: str,
        *,
        organisation: str | None = None,
        key_type: KeyType = DEFAULT_KEY_TYPE,
        not_before: datetime = DEV_NOT_BEFORE,
        not_after: datetime | None = None,
        key_usage: tuple[str, ...] = SIGNING_KEY_USAGE,
        ocsp_url: str | None = None,
    ) -> SigningIdentity:
        """Issue an office signing certificate (CN = office name in UTF-8, emailAddress, SAN email).

        Default validity: 2019-01-01 plus 15 years, so historical and current signing times fit.
        `ocsp_url`: an OCSP responder named in the certificate's Authority Information Access
        (none by default: revocation is then told by the CRLs only).
        """
        key = generate_key(key_type)
        cert = self.certify_office(key.public_key(), office_name, email,
                                   organisation=organisation, not_before=not_before,
                                   not_after=not_after, key_usage=key_usage, ocsp_url=ocsp_url)
        return SigningIdentity(key, cert, [self.intermediate_cert, self.root_cert])

    def certify_office(
        self,
        public_key: PublicKey,
        office_name: str,
        email: str,
        *,
        organisation: str | None = None,
        not_before: datetime = DEV_NOT_BEFORE,
        not_after: datetime | None = None,
        key_usage: tuple[str, ...] = SIGNING_KEY_USAGE,
        ocsp_url: str | None = None,
    ) -> x509.Certificate:
        """The office certificate for a key made elsewhere (on a token: only its public half
        leaves it), as `issue_office` makes it."""
        not_after = not_after or _plus_years(not_before, 15)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(office_name, organisation or office_name, email))
            .issuer_name(self.intermediate_cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(key_usage, ca=False), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate_key.public_key()
                ),
                critical=False,
            )
            .add_extension(_crl_dp("intermediate"), critical=False)
        )
        if ocsp_url:
            builder = builder.add_extension(_aia_ocsp(ocsp_url), critical=False)
        return builder.sign(self.intermediate_key, _hash_for(self.intermediate_key))

    def issue_ocsp_responder(self, not_before: datetime, not_after: datetime,
                             *, key_type: KeyType = DEFAULT_KEY_TYPE) -> SigningIdentity:
        """A delegated OCSP responder for the intermediate's certificates: extendedKeyUsage
        id-kp-OCSPSigning, and id-pkix-ocsp-nocheck (its own revocation is not asked)."""
        key = generate_key(key_type)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{_cn(self.intermediate_cert)} OCSP Responder",
                                _org(self.intermediate_cert)))
            .issuer_name(self.intermediate_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(("digital_signature",), ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]),
                           critical=False)
            .add_extension(x509.OCSPNoCheck(), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate_key.public_key()),
                critical=False,
            )
            .sign(self.intermediate_key, _hash_for(self.intermediate_key))
        )
        return SigningIdentity(key, cert, [self.intermediate_cert, self.root_cert])

    def revoke(self, certificate: x509.Certificate, revoked_at: datetime) -> None:
        """Record a revocation (effective at `revoked_at`) and rewrite the CRLs."""
        if revoked_at.tzinfo is None:
            raise ValueError("revoked_at must be timezone-aware")
        if certificate.issuer == self.intermediate_cert.subject:
            issuer = "intermediate"
        elif certificate.issuer == self.root_cert.subject:
            issuer = "root"
        else:
            raise ValueError("certificate was not issued by this CA")
        self.revocations.append(Revocation(certificate.serial_number, revoked_at, issuer))
        self._save_revocations()
        self.write_crls()

    def crl(self, issuer: str = "intermediate") -> x509.CertificateRevocationList:
        """A CRL signed by the root or the intermediate, listing its revocations.

        thisUpdate is 2019-01-01 so that a validator checking at a historical signing time
        finds it current; nextUpdate is far ahead (development CA only).
        """
        if issuer == "root":
            key, cert = self.root_key, self.root_cert
        else:
            key, cert = self.intermediate_key, self.intermediate_cert
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(cert.subject)
            .last_update(DEV_NOT_BEFORE)
            .next_update(_plus_years(DEV_NOT_BEFORE, 40))
            .add_extension(x509.CRLNumber(len(self.revocations) + 1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                critical=False,
            )
        )
        for r in self.revocations:
            if r.issuer != issuer:
                continue
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(r.serial)
                .revocation_date(r.revoked_at)
                .build()
            )
        return builder.sign(key, _hash_for(key))

    def write_crls(self) -> None:
        pem = serialization.Encoding.PEM
        (self.directory / "root.crl.pem").write_bytes(self.crl("root").public_bytes(pem))
        (self.directory / "intermediate.crl.pem").write_bytes(
            self.crl("intermediate").public_bytes(pem)
        )

    def write_trust_dir(self, directory: Path) -> Path:
        """Lay out a trust configuration directory (see `TrustStore.from_dir`) for this CA."""
        pem = serialization.Encoding.PEM
        for sub in ("roots", "intermediates", "crls"):
            (directory / sub).mkdir(parents=True, exist_ok=True)
        (directory / "roots" / "root.pem").write_bytes(self.root_cert.public_bytes(pem))
        (directory / "intermediates" / "intermediate.pem").write_bytes(
            self.intermediate_cert.public_bytes(pem)
        )
        (directory / "crls" / "root.crl.pem").write_bytes(self.crl("root").public_bytes(pem))
        (directory / "crls" / "intermediate.crl.pem").write_bytes(
            self.crl("intermediate").public_bytes(pem)
        )
        return directory
