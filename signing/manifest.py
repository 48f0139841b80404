"""Signed manifests: what a certified copy attests, as RFC 8785 (JCS) JSON, signed by the office.

Envelope (one JSON file, see docs/signing.md): the canonical manifest bytes (base64), a detached
signature over exactly those bytes, the signer's certificate chain (PEM, leaf first) and the
signing time. `openssl dgst -sha256 -verify` (ECDSA/RSA) or `openssl pkeyutl -verify -rawin`
(Ed25519) checks the signature with the office certificate's public key.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from signing.keys import PublicKey
from signing.manifest_model import (
    COPY_KINDS,
    MANIFEST_VERSION,
    SOURCE_KINDS,
    Manifest,
    manifest_problems,
    sha256_hex,
)
from signing.results import Check, CheckCode, all_passed
from signing.signer import ALGORITHMS, OfficeSigner
from signing.timefmt import iso_vn, parse_iso
from signing.trust import TrustStore
from signing.x509check import certificate_checks, subject_text

__all__ = [
    "COPY_KINDS", "ENVELOPE_FORMAT", "MANIFEST_VERSION", "SOURCE_KINDS", "Manifest",
    "ManifestResult", "SignedManifest", "canonical_bytes", "manifest_problems", "sha256_hex",
    "sign_manifest", "verify_manifest", "verify_raw",
]

ENVELOPE_FORMAT = "vanthu.signed-manifest/1"


def canonical_bytes(manifest: Manifest | Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON (UTF-8) of a valid manifest."""
    obj = manifest.to_dict() if isinstance(manifest, Manifest) else dict(manifest)
    problems = manifest_problems(obj)
    if problems:
        raise ValueError("invalid manifest: " + "; ".join(problems))
    return rfc8785.dumps(obj)


def verify_raw(public_key: PublicKey, algorithm: str, signature: bytes, data: bytes) -> None:
    """Raise InvalidSignature unless `signature` over `data` verifies (algorithm must match key)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey) and algorithm == ALGORITHMS["ec"]:
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    elif isinstance(public_key, rsa.RSAPublicKey) and algorithm == ALGORITHMS["rsa"]:
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(public_key, ed25519.Ed25519PublicKey) and algorithm == ALGORITHMS["ed25519"]:
        public_key.verify(signature, data)
    else:
        raise InvalidSignature(f"algorithm {algorithm} does not fit the certificate's key")


@dataclass(frozen=True)
class SignedManifest:
    """The envelope: canonical bytes + detached signature + chain + signing time."""

    manifest_bytes: bytes
    signature: bytes
    signature_algorithm: str
    certificates_pem: list[str]
    signed_at: str

    @property
    def manifest(self) -> dict[str, Any]:
        """The signed JSON object as it stands (it may not be a well-formed manifest)."""
        value: dict[str, Any] = json.loads(self.manifest_bytes)
        return value

    @cached_property
    def content(self) -> Manifest | None:
        """The typed manifest, or None when the signed bytes are not a well-formed manifest
        (the manifest's format check then says why). Parsed once: a chain walk and its report
        read it for every link."""
        try:
            obj = self.manifest
            return Manifest.from_dict(obj) if isinstance(obj, dict) else None
        except (ValueError, UnicodeDecodeError):
            return None

    @cached_property
    def sha256(self) -> str:
        """Digest of the canonical manifest bytes: what a child manifest and the PDF cite."""
        return sha256_hex(self.manifest_bytes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": ENVELOPE_FORMAT,
            "manifest": base64.b64encode(self.manifest_bytes).decode("ascii"),
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "signature_algorithm": self.signature_algorithm,
            "certificates": self.certificates_pem,
            "signed_at": self.signed_at,
        }

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str | dict[str, Any]) -> SignedManifest:
        obj = data if isinstance(data, dict) else json.loads(data)
        if obj.get("format") != ENVELOPE_FORMAT:
            raise ValueError(f"not a signed manifest envelope (format {obj.get('format')!r})")
        return cls(
            base64.b64decode(obj["manifest"], validate=True),
            base64.b64decode(obj["signature"], validate=True),
            str(obj["signature_algorithm"]),
            [str(c) for c in obj["certificates"]],
            str(obj["signed_at"]),
        )


def sign_manifest(manifest: Manifest | Mapping[str, Any],
                  identity: OfficeSigner) -> SignedManifest:
    """Canonicalise and sign with the office's key (in a file or on a token); the signing time
    is the manifest's own `signed_at`."""
    data = canonical_bytes(manifest)
    with identity.open() as key:
        signature, algorithm = key.sign_bytes(data)
    signed_at = manifest.signed_at if isinstance(manifest, Manifest) else manifest["signed_at"]
    return SignedManifest(
        data, signature, algorithm, identity.chain_pem(), iso_vn(parse_iso(signed_at))
    )


@dataclass
class ManifestResult:
    ok: bool
    manifest: dict[str, Any] | None
    manifest_sha256: str
    signer_subject: str | None
    serial: str | None
    signed_at: str | None
    root_subject: str | None
    checks: list[Check] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "manifest": self.manifest,
            "manifest_sha256": self.manifest_sha256,
            "signer_subject": self.signer_subject,
            "serial": self.serial,
            "signed_at": self.signed_at,
            "root_subject": self.root_subject,
            "checks": [c.to_dict() for c in self.checks],
        }


def _format_check(env: SignedManifest) -> tuple[Check, dict[str, Any] | None]:
    manifest: dict[str, Any] | None
    try:
        manifest = env.manifest
        problems = manifest_problems(manifest) if isinstance(manifest, dict) else ["not an object"]
        if not problems and rfc8785.dumps(manifest) != env.manifest_bytes:
            problems = ["the manifest bytes are not in RFC 8785 canonical form"]
    except (ValueError, UnicodeDecodeError) as exc:
        manifest, problems = None, [f"the manifest is not JSON ({exc})"]
    if problems:
        return Check.failed(CheckCode.FORMAT, "; ".join(problems)), manifest
    return Check.passed(CheckCode.FORMAT, "well-formed manifest"), manifest


def _signature_check(env: SignedManifest, leaf: x509.Certificate) -> Check:
    try:
        verify_raw(leaf.public_key(), env.signature_algorithm, env.signature, env.manifest_bytes)  # type: ignore[arg-type]
    except InvalidSignature:
        return Check.failed(
            CheckCode.SIGNATURE,
            "the signature does not match the manifest bytes and the signer's key "
            "(the manifest or the signature was changed)",
        )
    return Check.passed(CheckCode.SIGNATURE, f"{env.signature_algorithm} signature verifies")


def _time_check(env: SignedManifest, manifest: dict[str, Any], at: datetime) -> Check:
    try:
        same_time = parse_iso(manifest["signed_at"]) == at
    except ValueError:
        same_time = False
    return Check.of(CheckCode.SIGNING_TIME, same_time,
                    "envelope and manifest agree on the signing time",
                    f"envelope signed_at {env.signed_at} differs from the manifest's "
                    f"{manifest['signed_at']}")


def verify_manifest(
    envelope: SignedManifest | bytes | str | dict[str, Any],
    trust: TrustStore,
    expected_sha256: str | None = None,
) -> ManifestResult:
    """Verify with `cryptography` only: form, digest, signature, certificates at signing time."""
    try:
        env = (
            envelope if isinstance(envelope, SignedManifest) else SignedManifest.from_json(envelope)
        )
    except (ValueError, KeyError, TypeError) as exc:
        check = Check.failed(CheckCode.FORMAT, f"the manifest envelope cannot be read: {exc}")
        return ManifestResult(False, None, "", None, None, None, None, [check])
    digest = env.sha256
    format_check, manifest = _format_check(env)
    checks = [format_check]
    if expected_sha256 is not None:
        checks.append(Check.of(CheckCode.DIGEST, expected_sha256 == digest,
                               "manifest digest matches",
                               f"manifest digest is {digest}, expected {expected_sha256}"))
    try:
        certs = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in env.certificates_pem]
        leaf = certs[0]
    except (ValueError, IndexError) as exc:
        checks.append(Check.failed(CheckCode.SIGNATURE,
                                   f"the signer certificate cannot be read: {exc}"))
        return ManifestResult(False, manifest, digest, None, None, env.signed_at, None, checks)
    checks.append(_signature_check(env, leaf))
    try:
        at = parse_iso(env.signed_at)
    except ValueError:
        checks.append(Check.failed(CheckCode.SIGNING_TIME,
                                   f"signed_at {env.signed_at!r} is not ISO 8601"))
        return ManifestResult(False, manifest, digest, subject_text(leaf), None, None, None, checks)
    if manifest is not None and isinstance(manifest.get("signed_at"), str):
        checks.append(_time_check(env, manifest, at))
    cert_checks, root = certificate_checks(leaf, certs[1:], trust, at)
    checks.extend(cert_checks)
    return ManifestResult(
        all_passed(checks),
        manifest,
        digest,
        subject_text(leaf),
        format(leaf.serial_number, "x"),
        env.signed_at,
        root,
        checks,
    )
