"""Office signing keys, the development CA and the trust configuration.

Development: a root and an intermediate CA are made under ``keys_dir/ca`` on first use, and each
office gets a key (encrypted at rest) and a certificate naming it (Vietnamese, UTF-8) with the
email shown in its signatures. Production imports real identities (PKCS#12) with
``vanthu keys import`` and puts the real roots in the trust folder: trust is configuration.
"""

from __future__ import annotations

import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import OfficeKey, Organisation
from app.settings import Settings
from signing.ca import DevCA
from signing.identity import SigningIdentity
from signing.keys import load_private_key, private_key_to_pem
from signing.trust import TrustStore

_lock = threading.Lock()


class KeyRing:
    def __init__(self, settings: Settings) -> None:
        self.keys_dir = Path(settings.keys_dir)
        self.passphrase = settings.key_passphrase.encode("utf-8")
        self.trust_dir = Path(settings.trust_dir or self.keys_dir / "trust")

    # -- the development CA -------------------------------------------------------------
    def dev_ca(self) -> DevCA:
        ca_dir = self.keys_dir / "ca"
        with _lock:
            if (ca_dir / "root.pem").exists():
                return DevCA.load(ca_dir, self.passphrase)
            ca = DevCA.create(ca_dir, self.passphrase, name="Vanthu Development")
            if not (self.trust_dir / "roots").exists():
                ca.write_trust_dir(self.trust_dir)
            return ca

    def trust_store(self) -> TrustStore:
        if not (self.trust_dir / "roots").exists():
            self.dev_ca()
        return TrustStore.from_dir(self.trust_dir)

    def export_roots(self, directory: Path) -> list[Path]:
        """Write the trust roots (and CRLs) a verifier needs, as PEM files."""
        store = self.trust_store()
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        pem = serialization.Encoding.PEM
        for i, cert in enumerate(store.roots):
            path = directory / f"root-{i + 1}.pem"
            path.write_bytes(cert.public_bytes(pem))
            written.append(path)
        for i, crl in enumerate(store.crls):
            path = directory / f"crl-{i + 1}.pem"
            path.write_bytes(crl.public_bytes(pem))
            written.append(path)
        return written

    # -- office identities ----------------------------------------------------------------
    def _key_path(self, org_code: str, serial: str) -> Path:
        return self.keys_dir / "offices" / org_code / f"{serial}.key.pem"

    def active_key(self, session: Session, org: Organisation) -> OfficeKey | None:
        return session.scalar(select(OfficeKey).where(
            OfficeKey.organisation_id == org.id, OfficeKey.active.is_(True)
        ).order_by(OfficeKey.id.desc()).limit(1))

    def create_dev_identity(self, session: Session, org: Organisation) -> OfficeKey:
        """Issue a development certificate for `org` and record it (caller commits)."""
        identity = self.dev_ca().issue_office(
            org.name, org.email or f"{org.code.lower()}@vanthu.invalid",
            organisation=org.name)
        return self.store_identity(session, org, identity)

    def store_identity(self, session: Session, org: Organisation,
                       identity: SigningIdentity) -> OfficeKey:
        serial = format(identity.certificate.serial_number, "x")
        path = self._key_path(org.code, serial)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(private_key_to_pem(identity.private_key, self.passphrase))
        path.chmod(0o600)
        pems = identity.chain_pem()
        for old in session.scalars(select(OfficeKey).where(
                OfficeKey.organisation_id == org.id, OfficeKey.active.is_(True))):
            old.active = False
        row = OfficeKey(organisation_id=org.id, certificate_pem=pems[0],
                        chain_pem="".join(pems[1:]),
                        key_file=str(path.relative_to(self.keys_dir)), serial=serial)
        session.add(row)
        session.flush()
        return row

    def identity(self, row: OfficeKey) -> SigningIdentity:
        key = load_private_key((self.keys_dir / row.key_file).read_bytes(), self.passphrase)
        cert = x509.load_pem_x509_certificate(row.certificate_pem.encode("ascii"))
        chain = (x509.load_pem_x509_certificates(row.chain_pem.encode("ascii"))
                 if row.chain_pem.strip() else [])
        return SigningIdentity(key, cert, chain)
