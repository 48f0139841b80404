"""Validate every signature of a PDF against our trust configuration, at its signing time.

pyHanko checks integrity, the CMS signature, the trust path and modifications; the certificate
checks are also done with `cryptography` (signing.x509check) so each failure has its own reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import core
from cryptography import x509
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel

from signing.pdf_read import Attachment, PdfFile, list_attachments, open_pdf
from signing.pdf_sign import sig_contact_manifest
from signing.results import Check, CheckCode, CheckedResult
from signing.timefmt import iso_vn
from signing.trust import TrustStore
from signing.x509check import certificate_checks, subject_text

__all__ = ["Attachment", "PdfReport", "SignatureResult", "list_attachments", "validate_pdf"]

log = logging.getLogger(__name__)

#: Either usage makes a certificate fit for signing (pyHanko's default wants nonRepudiation).
SIGNING_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
_ACCEPTED_LEVELS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


@dataclass
class SignatureResult(CheckedResult):
    field_name: str
    signer_subject: str | None
    organisation: str | None  # O= of the signer's certificate
    issuer: str | None
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
    #: when an RFC 3161 timestamp (PAdES B-T) says the signature existed, ISO 8601 +07:00
    timestamped_at: str | None = None


@dataclass
class PdfReport:
    sha256: str
    signatures: list[SignatureResult]
    attachments: tuple[Attachment, ...]
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


def _to_crypto(cert: Any) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def _modification_check(status: Any) -> Check:
    level = status.modification_level
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Check.passed(CheckCode.MODIFICATION, "the signature covers the entire file")
    if level in _ACCEPTED_LEVELS:
        return Check.passed(CheckCode.MODIFICATION, f"only allowed later updates ({level.name})")
    what = level.name if level is not None else "unknown"
    return Check.failed(
        CheckCode.MODIFICATION,
        f"the document was modified after this signature was made (level {what})",
    )


def _pyhanko_checks(sig: EmbeddedPdfSignature, trust: TrustStore, signed_at: datetime,
                    others: list[x509.Certificate]) -> tuple[list[Check], Any]:
    """Integrity, CMS signature, later modifications and pyHanko's trust verdict."""
    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=trust.validation_context(signed_at, others),
            # A TSA's certificate is judged now: the timestamp is the proof of the time. The
            # context is built only for a signature that carries a token (it costs a copy of
            # the trust store).
            ts_validation_context=trust.validation_context(datetime.now(UTC))
            if _has_timestamp(sig) else None,
            key_usage_settings=SIGNING_KEY_USAGE,
        )
    except Exception as exc:  # a mangled CMS blob raises from deep inside pyHanko
        log.info("signature %s failed to validate: %s", sig.field_name, exc)
        return [Check.failed(CheckCode.INTEGRITY, f"the signature cannot be checked: {exc}")], None
    problem = status.trust_problem_indic
    return [
        Check.of(CheckCode.INTEGRITY, bool(status.intact), "the signed bytes are unchanged",
                 "the signed bytes of the PDF were changed after signing (digest mismatch)"),
        Check.of(CheckCode.SIGNATURE, bool(status.valid),
                 "the CMS signature verifies with the signer's key",
                 "the CMS signature does not verify with the signer's key"),
        _modification_check(status),
        Check.of(CheckCode.PYHANKO_TRUST, bool(status.trusted),
                 "pyHanko validates the certificate path at the signing time",
                 f"pyHanko does not trust the signer at the signing time ({problem})"),
        *_timestamp_checks(status),
    ], status


def _has_timestamp(sig: EmbeddedPdfSignature) -> bool:
    """The signature's unsigned attributes hold an RFC 3161 token (id-aa-timeStampToken)."""
    unsigned = sig.signer_info["unsigned_attrs"]
    if isinstance(unsigned, core.Void):  # no unsigned attributes at all
        return False
    return any(attr["type"].native == "signature_time_stamp_token" for attr in unsigned)


def _timestamp_checks(status: Any) -> list[Check]:
    """A timestamp token on the signature must verify and come from a trusted TSA."""
    ts = status.timestamp_validity
    if ts is None:
        return []
    when = iso_vn(ts.timestamp)
    if ts.intact and ts.valid and ts.trusted:
        return [Check.passed(CheckCode.TIMESTAMP, f"timestamped {when} by a trusted TSA "
                                                  f"({ts.signing_cert.subject.human_friendly})")]
    return [Check.failed(CheckCode.TIMESTAMP, f"the timestamp ({when}) does not verify or its "
                                              "TSA is not trusted")]


def _unreadable(sig: EmbeddedPdfSignature, exc: Exception) -> SignatureResult:
    obj = sig.sig_object
    return SignatureResult(
        field_name=str(sig.field_name), signer_subject=None, organisation=None, issuer=None,
        serial=None, signed_at=None, manifest_sha256=sig_contact_manifest(obj.get("/ContactInfo")),
        reason=_text(obj.get("/Reason")), location=_text(obj.get("/Location")), intact=False,
        signature_valid=False, root_subject=None, valid_from=None, valid_to=None,
        modification_level=None, coverage=None,
        checks=[Check.failed(CheckCode.SIGNATURE,
                             f"the signer's certificate cannot be read: {exc}"[:500])])


def _organisation(cert: x509.Certificate) -> str | None:
    orgs = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    return str(orgs[0].value) if orgs else None


def _validate_one(sig: EmbeddedPdfSignature, trust: TrustStore) -> SignatureResult:
    try:
        cert = _to_crypto(sig.signer_cert)
        others = [_to_crypto(c) for c in sig.other_embedded_certs]
        signed_at: datetime | None = sig.self_reported_timestamp
    except Exception as exc:  # a mangled CMS blob: nothing else can be checked
        return _unreadable(sig, exc)
    status: Any = None
    root: str | None = None
    if signed_at is None:
        checks = [Check.failed(CheckCode.SIGNING_TIME, "the signature records no signing time")]
    else:
        checks, status = _pyhanko_checks(sig, trust, signed_at, others)
        cert_checks, root = certificate_checks(cert, others, trust, signed_at)
        checks.extend(cert_checks)
    obj = sig.sig_object
    return SignatureResult(
        field_name=str(sig.field_name),
        signer_subject=subject_text(cert),
        organisation=_organisation(cert),
        issuer=cert.issuer.rfc4514_string({x509.NameOID.EMAIL_ADDRESS: "E"}),
        serial=format(cert.serial_number, "x"),
        signed_at=iso_vn(signed_at) if signed_at else None,
        manifest_sha256=sig_contact_manifest(obj.get("/ContactInfo")),
        reason=_text(obj.get("/Reason")),
        location=_text(obj.get("/Location")),
        intact=bool(status is not None and status.intact),
        signature_valid=bool(status is not None and status.valid),
        root_subject=root,
        valid_from=iso_vn(cert.not_valid_before_utc),
        valid_to=iso_vn(cert.not_valid_after_utc),
        modification_level=status.modification_level.name
        if status is not None and status.modification_level else None,
        coverage=status.coverage.name if status is not None and status.coverage else None,
        checks=checks,
        timestamped_at=iso_vn(status.timestamp_validity.timestamp)
        if status is not None and status.timestamp_validity is not None else None,
    )


def validate_pdf(pdf: bytes | PdfFile, trust: TrustStore) -> PdfReport:
    """One result per signature, plus the attached files (parents in a copy chain)."""
    file = pdf if isinstance(pdf, PdfFile) else open_pdf(pdf)
    if file.error is not None:
        return PdfReport(file.sha256, [], (), file.error)
    results = [_validate_one(sig, trust) for sig in file.signatures]
    error = None if results else "the PDF carries no signature"
    return PdfReport(file.sha256, results, file.attachments, error)
