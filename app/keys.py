"""Office signing keys, the development CA and the trust configuration.

Development: a root and an intermediate CA are made under ``keys_dir/ca`` on first use, and each
office gets a key (encrypted at rest) and a certificate naming it (Vietnamese, UTF-8) with the
email shown in its signatures. Production imports real identities (PKCS#12) with
``vanthu keys import``, or names a key on a token (``vanthu keys pkcs11``), and puts the real
roots in the trust folder: trust is configuration.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.tree_head import SigningKey, VerifyingKey
from app.db import OfficeKey, Organisation
from app.settings import Settings
from signing import (
    DevCA,
    OfficeSigner,
    SigningIdentity,
    TokenError,
    TokenIdentity,
    TokenKey,
    TrustStore,
    generate_key,
    load_private_key,
    private_key_to_pem,
    public_key_to_pem,
)

_lock = threading.Lock()


#: X.509 ub-common-name; the cryptography library counts it in UTF-8 bytes.
COMMON_NAME_MAX_BYTES = 64


def common_name_for(name: str) -> str:
    """The office name, cut at a word boundary to fit a certificate's common name (the full name
    goes in the organisation attribute)."""
    if len(name.encode("utf-8")) <= COMMON_NAME_MAX_BYTES:
        return name
    words, out = name.split(), ""
    for word in words:
        candidate = f"{out} {word}".strip()
        if len(candidate.encode("utf-8")) > COMMON_NAME_MAX_BYTES:
            break
        out = candidate
    return out or name.encode("utf-8")[:COMMON_NAME_MAX_BYTES].decode("utf-8", "ignore")


class KeyRing:
    def __init__(self, settings: Settings) -> None:
        self.keys_dir = Path(settings.keys_dir)
        self.passphrase = settings.key_passphrase.encode("utf-8")
        self.trust_dir = Path(settings.trust_dir or self.keys_dir / "trust")
        self.revocation_policy: str = settings.revocation_policy
        self.dev_ocsp_url = settings.dev_ocsp_url

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
        return TrustStore.from_dir(self.trust_dir, self.revocation_policy)

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

    # -- the audit log key ------------------------------------------------------------------
    @property
    def log_key_path(self) -> Path:
        return self.keys_dir / "log" / "log.key.pem"

    def log_key(self) -> SigningKey:
        """The service's tree-head signing key (ECDSA P-256), made on first use.

        Kept encrypted at rest like the office keys, beside ``log.pub.pem`` (its public half).
        Several processes may ask at once: the file is linked into place atomically, and a
        process that loses the race loads the winner's key.
        """
        path = self.log_key_path
        with _lock:
            if not path.exists():
                new_key = generate_key("ec-p256")
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".log-key-")
                try:
                    os.fchmod(fd, 0o600)
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(private_key_to_pem(new_key, self.passphrase))
                    os.link(tmp, path)  # fails if another process made the key first
                except FileExistsError:
                    pass
                finally:
                    os.unlink(tmp)
            key = load_private_key(path.read_bytes(), self.passphrase)
            if not isinstance(key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
                raise ValueError(f"{path}: the log key must be ECDSA P-256 or Ed25519")
            public = path.with_name("log.pub.pem")
            if not public.exists():
                public.write_bytes(public_key_to_pem(key.public_key()))
            return key

    def log_public_key(self) -> VerifyingKey | None:
        """The log key's public half, or None if no log key was ever made (nothing is created)."""
        if not self.log_key_path.exists():
            return None
        return self.log_key().public_key()

    def log_public_pem(self) -> bytes:
        """The log key's SubjectPublicKeyInfo PEM, as auditors and ``openssl`` use it."""
        return public_key_to_pem(self.log_key().public_key())

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
            common_name_for(org.name), org.email or f"{org.code.lower()}@vanthu.invalid",
            organisation=org.name, ocsp_url=self.dev_ocsp_url)
        return self.store_identity(session, org, identity)

    def store_identity(self, session: Session, org: Organisation,
                       identity: SigningIdentity) -> OfficeKey:
        serial = format(identity.certificate.serial_number, "x")
        path = self._key_path(org.code, serial)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(private_key_to_pem(identity.private_key, self.passphrase))
        path.chmod(0o600)
        return _replace_active(session, org, identity, serial,
                               key_file=str(path.relative_to(self.keys_dir)))

    def store_token(self, session: Session, org: Organisation, identity: TokenIdentity,
                    pin_env: str) -> OfficeKey:
        """Record a key on a token as the office's active key (caller commits): where it is and
        the name of the variable holding its PIN, never the PIN."""
        return _replace_active(session, org, identity,
                               format(identity.certificate.serial_number, "x"), key_file="",
                               token={**identity.ref.to_dict(), "pin_env": pin_env})

    def identity(self, row: OfficeKey) -> OfficeSigner:
        """The key that signs for `row`: its file, or its token with the PIN from the variable
        the row names (TokenError when that variable is not set)."""
        cert = x509.load_pem_x509_certificate(row.certificate_pem.encode("ascii"))
        chain = (x509.load_pem_x509_certificates(row.chain_pem.encode("ascii"))
                 if row.chain_pem.strip() else [])
        if row.token is not None:
            return TokenIdentity(TokenKey.from_dict(row.token), cert, chain,
                                 token_pin(str(row.token["pin_env"])))
        key = load_private_key((self.keys_dir / row.key_file).read_bytes(), self.passphrase)
        return SigningIdentity(key, cert, chain)


def token_pin(pin_env: str) -> str:
    """A token's PIN, from the environment variable its configuration names."""
    pin = os.environ.get(pin_env)
    if not pin:
        raise TokenError(f"the environment variable {pin_env}, which holds the token's PIN, is "
                         "not set for this process: set it where vanthu runs", "pin")
    return pin


def _replace_active(session: Session, org: Organisation, identity: OfficeSigner, serial: str,
                    *, key_file: str, token: dict[str, object] | None = None) -> OfficeKey:
    """The office's new active key; its earlier keys stay on record, inactive."""
    pems = identity.chain_pem()
    for old in session.scalars(select(OfficeKey).where(
            OfficeKey.organisation_id == org.id, OfficeKey.active.is_(True))):
        old.active = False
    row = OfficeKey(organisation_id=org.id, certificate_pem=pems[0], chain_pem="".join(pems[1:]),
                    key_file=key_file, serial=serial, token=token)
    session.add(row)
    session.flush()
    return row
