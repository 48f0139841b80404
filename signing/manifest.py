"""Signed manifests: what a certified copy attests, as RFC 8785 (JCS) JSON, signed by the office.

Envelope (one JSON file, see docs/signing.md): the canonical manifest bytes (base64), a detached
signature over exactly those bytes, the signer's certificate chain (PEM, leaf first) and the
signing time. `openssl dgst -sha256 -verify` (ECDSA/RSA) or `openssl pkeyutl -verify -rawin`
(Ed25519) checks the signature with the office certificate's public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from signing.identity import SigningIdentity
from signing.keys import PrivateKey, PublicKey
from signing.results import Check
from signing.timefmt import iso_vn, parse_iso
from signing.trust import TrustStore
from signing.x509check import certificate_checks, subject_text

ENVELOPE_FORMAT = "vanthu.signed-manifest/1"
MANIFEST_VERSION = 1
COPY_KINDS = ("SAO_Y", "SAO_LUC", "TRICH_SAO")
SOURCE_KINDS = ("original", "copy")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

ALGORITHMS = {
    "ec": "ecdsa-with-SHA256",
    "rsa": "sha256WithRSAEncryption",
    "ed25519": "Ed25519",
}


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    """Everything wrong with the required fields (DESIGN §3); extra fields are allowed."""
    p: list[str] = []

    def need(obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
        if key not in obj:
            p.append(f"{where}{key} is missing")
            return None
        if not isinstance(obj[key], kind):
            p.append(f"{where}{key} has the wrong type")
            return None
        return obj[key]

    need(manifest, "version", "", int)
    kind = need(manifest, "kind", "", str)
    if kind is not None and kind not in COPY_KINDS:
        p.append(f"kind must be one of {', '.join(COPY_KINDS)}")
    need(manifest, "notation", "", str)
    office = need(manifest, "office", "", dict)
    if office is not None:
        for k in ("code", "name", "email"):
            need(office, k, "office.", str)
    need(manifest, "place", "", str)
    day = need(manifest, "date", "", str)
    if day is not None:
        try:
            date.fromisoformat(day)
        except ValueError:
            p.append("date must be an ISO date (YYYY-MM-DD)")
    signer = need(manifest, "signer", "", dict)
    if signer is not None:
        for k in ("authority", "title", "name"):
            need(signer, k, "signer.", str)
    signed_at = need(manifest, "signed_at", "", str)
    if signed_at is not None:
        try:
            parse_iso(signed_at)
        except ValueError:
            p.append("signed_at must be ISO 8601 with an offset")
    recipients = need(manifest, "recipients", "", list)
    if recipients is not None and not all(isinstance(r, str) for r in recipients):
        p.append("recipients must be a list of strings")
    source = need(manifest, "source", "", dict)
    if source is not None:
        need(source, "notation", "source.", str)
        digest = need(source, "sha256", "source.", str)
        if digest is not None and not _HEX64.match(digest):
            p.append("source.sha256 must be 64 lowercase hex digits")
        sk = need(source, "kind", "source.", str)
        if sk is not None and sk not in SOURCE_KINDS:
            p.append("source.kind must be 'original' or 'copy'")
    if "parent_manifest_sha256" not in manifest:
        p.append("parent_manifest_sha256 is missing")
    else:
        parent = manifest["parent_manifest_sha256"]
        if parent is not None and not (isinstance(parent, str) and _HEX64.match(parent)):
            p.append("parent_manifest_sha256 must be 64 lowercase hex digits or null")
    if "pages" not in manifest:
        p.append("pages is missing")
    else:
        pages = manifest["pages"]
        if pages is not None and not (
            isinstance(pages, list)
            and pages
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in pages)
        ):
            p.append("pages must be null or a non-empty list of 1-based page numbers")
    return p


def canonical_bytes(manifest: dict[str, Any]) -> bytes:
    """RFC 8785 canonical JSON (UTF-8) of a valid manifest."""
    problems = manifest_problems(manifest)
    if problems:
        raise ValueError("invalid manifest: " + "; ".join(problems))
    return rfc8785.dumps(manifest)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sign_raw(key: PrivateKey, data: bytes) -> tuple[bytes, str]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256())), ALGORITHMS["ec"]
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256()), ALGORITHMS["rsa"]
    return key.sign(data), ALGORITHMS["ed25519"]


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
        value: dict[str, Any] = json.loads(self.manifest_bytes)
        return value

    @property
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


def sign_manifest(manifest: dict[str, Any], identity: SigningIdentity) -> SignedManifest:
    """Canonicalise and sign; the signing time is the manifest's own `signed_at`."""
    data = canonical_bytes(manifest)
    signature, algorithm = _sign_raw(identity.private_key, data)
    return SignedManifest(
        data, signature, algorithm, identity.chain_pem(), iso_vn(parse_iso(manifest["signed_at"]))
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
        check = Check("format", False, f"the manifest envelope cannot be read: {exc}")
        return ManifestResult(False, None, "", None, None, None, None, [check])
    checks: list[Check] = []
    digest = env.sha256
    manifest: dict[str, Any] | None
    try:
        manifest = env.manifest
        problems = manifest_problems(manifest) if isinstance(manifest, dict) else ["not an object"]
        if not problems and rfc8785.dumps(manifest) != env.manifest_bytes:
            problems = ["the manifest bytes are not in RFC 8785 canonical form"]
    except (ValueError, UnicodeDecodeError) as exc:
        manifest, problems = None, [f"the manifest is not JSON ({exc})"]
    checks.append(Check("format", not problems, "; ".join(problems) or "well-formed manifest"))
    if expected_sha256 is not None:
        same = expected_sha256 == digest
        checks.append(
            Check(
                "digest",
                same,
                "manifest digest matches"
                if same
                else f"manifest digest is {digest}, expected {expected_sha256}",
            )
        )
    try:
        certs = [x509.load_pem_x509_certificate(p.encode("ascii")) for p in env.certificates_pem]
        leaf = certs[0]
    except (ValueError, IndexError) as exc:
        checks.append(Check("signature", False, f"the signer certificate cannot be read: {exc}"))
        return ManifestResult(False, manifest, digest, None, None, env.signed_at, None, checks)
    try:
        verify_raw(leaf.public_key(), env.signature_algorithm, env.signature, env.manifest_bytes)  # type: ignore[arg-type]
        checks.append(Check("signature", True, f"{env.signature_algorithm} signature verifies"))
    except InvalidSignature:
        checks.append(
            Check(
                "signature",
                False,
                "the signature does not match the manifest bytes and the signer's key "
                "(the manifest or the signature was changed)",
            )
        )
    try:
        at = parse_iso(env.signed_at)
    except ValueError:
        checks.append(Check("signing time", False, f"signed_at {env.signed_at!r} is not ISO 8601"))
        return ManifestResult(False, manifest, digest, subject_text(leaf), None, None, None, checks)
    if manifest is not None and isinstance(manifest.get("signed_at"), str):
        try:
            same_time = parse_iso(manifest["signed_at"]) == at
        except ValueError:
            same_time = False
        checks.append(
            Check(
                "signing time",
                same_time,
                "envelope and manifest agree on the signing time"
                if same_time
                else f"envelope signed_at {env.signed_at} differs from the manifest's "
                f"{manifest['signed_at']}",
            )
        )
    cert_checks, root = certificate_checks(leaf, certs[1:], trust, at)
    checks.extend(cert_checks)
    return ManifestResult(
        all(c.ok for c in checks),
        manifest,
        digest,
        subject_text(leaf),
        format(leaf.serial_number, "x"),
        env.signed_at,
        root,
        checks,
    )
