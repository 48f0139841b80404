"""Validate every signature of a PDF against our trust configuration, at its signing time.

pyHanko checks integrity, the CMS signature, the trust path and modifications; the certificate
checks are also done with `cryptography` (signing.x509check) so each failure has its own reason.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel

from signing.pdf_sign import sig_contact_manifest
from signing.results import Check, CheckedResult
from signing.timefmt import iso_vn
from signing.trust import TrustStore
from signing.x509check import certificate_checks, subject_text

log = logging.getLogger(__name__)

#: Either usage makes a certificate fit for signing (pyHanko's default wants nonRepudiation).
SIGNING_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
_ACCEPTED_LEVELS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


@dataclass(frozen=True)
class Attachment:
    """An embedded file (tệp đính kèm); a parent signed PDF in a copy chain."""

    name: str
    description: str | None
    data: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_pdf(self) -> bool:
        return self.data.startswith(b"%PDF-")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "sha256": self.sha256,
            "size": len(self.data),
            "is_pdf": self.is_pdf,
        }


@dataclass
class SignatureResult(CheckedResult):
    field_name: str
    signer_subject: str | None
    serial: str | None
    signed_at: str | None
    manifest_sha256: str | None
    reason: str | None
    location: str | None
    intact: bool
    signature_valid: bool
    root_subject: str | None
    valid_from: str | None
    valid_to: str | None
    modification_level: str | None
    coverage: str | None
    checks: list[Check]


@dataclass
class PdfReport:
    sha256: str
    signatures: list[SignatureResult]
    attachments: list[Attachment]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.signatures) and all(s.ok for s in self.signatures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "ok": self.ok,
            "error": self.error,
            "signatures": [s.to_dict() for s in self.signatures],
            "attachments": [a.to_dict() for a in self.attachments],
        }


def _text(obj: Any) -> str | None:
    return None if obj is None else str(obj)


def list_attachments(reader: PdfFileReader) -> list[Attachment]:
    """Files in the document's /EmbeddedFiles name tree (flat or with /Kids)."""
    try:
        tree = reader.root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return []
    found: list[Attachment] = []

    def walk(node: generic.DictionaryObject, depth: int) -> None:
        if depth > 16:
            return
        names = node.get("/Names")
        if names is not None:
            for spec_ref in list(names.get_object())[1::2]:
                spec = spec_ref.get_object()
                try:
                    stream = spec["/EF"]["/F"].get_object()
                except KeyError:
                    continue
                name = _text(spec.get("/UF")) or _text(spec.get("/F")) or "attachment"
                found.append(Attachment(name, _text(spec.get("/Desc")), stream.data))
        kids = node.get("/Kids")
        for kid in kids.get_object() if kids is not None else []:
            walk(kid.get_object(), depth + 1)

    walk(tree.get_object(), 0)
    return found


def _to_crypto(cert: Any) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def _modification_check(status: Any) -> Check:
    level = status.modification_level
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Check("modification", True, "the signature covers the entire file")
    if level in _ACCEPTED_LEVELS:
        return Check("modification", True, f"only allowed later updates ({level.name})")
    what = level.name if level is not None else "unknown"
    return Check(
        "modification",
        False,
        f"the document was modified after this signature was made (level {what})",
    )


def _validate_one(sig: EmbeddedPdfSignature, trust: TrustStore) -> SignatureResult:
    signed_at: datetime | None = sig.self_reported_timestamp
    cert = _to_crypto(sig.signer_cert)
    others = [_to_crypto(c) for c in sig.other_embedded_certs]
    obj = sig.sig_object
    checks: list[Check] = []
    intact = valid = False
    mod_level = coverage = None
    if signed_at is None:
        checks.append(Check("signing time", False, "the signature records no signing time"))
    else:
        try:
            status = validate_pdf_signature(
                sig,
                signer_validation_context=trust.validation_context(signed_at, others),
                key_usage_settings=SIGNING_KEY_USAGE,
            )
            intact, valid = bool(status.intact), bool(status.valid)
            checks.append(
                Check(
                    "integrity",
                    intact,
                    "the signed bytes are unchanged"
                    if intact
                    else "the signed bytes of the PDF were changed after signing (digest mismatch)",
                )
            )
            checks.append(
                Check(
                    "signature",
                    valid,
                    "the CMS signature verifies with the signer's key"
                    if valid
                    else "the CMS signature does not verify with the signer's key",
                )
            )
            checks.append(_modification_check(status))
            mod_level = status.modification_level.name if status.modification_level else None
            coverage = status.coverage.name if status.coverage else None
            trusted = bool(status.trusted)
            problem = status.trust_problem_indic
            checks.append(
                Check(
                    "pyhanko trust",
                    trusted,
                    "pyHanko validates the certificate path at the signing time"
                    if trusted
                    else f"pyHanko does not trust the signer at the signing time ({problem})",
                )
            )
        except Exception as exc:  # a mangled CMS blob raises from deep inside pyHanko
            log.info("signature %s failed to validate: %s", sig.field_name, exc)
            checks.append(Check("integrity", False, f"the signature cannot be checked: {exc}"))
        cert_checks, root = certificate_checks(cert, others, trust, signed_at)
        checks.extend(cert_checks)
    root = None
    for c in checks:
        if c.name == "certificate path" and c.ok:
            root = c.reason.removeprefix("chains to trusted root ")
    return SignatureResult(
        field_name=sig.field_name,
        signer_subject=subject_text(cert),
        serial=format(cert.serial_number, "x"),
        signed_at=iso_vn(signed_at) if signed_at else None,
        manifest_sha256=sig_contact_manifest(obj.get("/ContactInfo")),
        reason=_text(obj.get("/Reason")),
        location=_text(obj.get("/Location")),
        intact=intact,
        signature_valid=valid,
        root_subject=root,
        valid_from=iso_vn(cert.not_valid_before_utc),
        valid_to=iso_vn(cert.not_valid_after_utc),
        modification_level=mod_level,
        coverage=coverage,
        checks=checks,
    )


def validate_pdf(pdf: bytes, trust: TrustStore) -> PdfReport:
    """One result per signature, plus the attached files (parents in a copy chain)."""
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
        attachments = list_attachments(reader)
    except Exception as exc:  # any parse failure means the file itself is damaged
        return PdfReport(digest, [], [], f"the file cannot be read as a PDF: {exc}")
    results = [_validate_one(sig, trust) for sig in embedded]
    error = None if results else "the PDF carries no signature"
    return PdfReport(digest, results, attachments, error)
