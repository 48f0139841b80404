"""Check results as data: a typed code and a status for every check, as pyHanko's AdES report
has (passed / failed / could not be checked), never a sentence to be parsed.

The sentence (`reason`) is for people; code that decides anything reads `code` and `status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What became of one check."""

    PASSED = "passed"
    FAILED = "failed"
    #: The check could not be made (no CRL, a source that is not at hand, no signature on an
    #: original): not a failure, but not a pass either, and the report says so.
    NOT_CHECKED = "not_checked"


class CheckCode(StrEnum):
    """Every check the library makes; the value is the name people and JSON see."""

    # a PDF signature (pdf_validate)
    INTEGRITY = "integrity"
    SIGNATURE = "signature"
    MODIFICATION = "modification"
    PYHANKO_TRUST = "pyhanko trust"
    SIGNING_TIME = "signing time"
    #: an RFC 3161 timestamp on the signature (PAdES B-T), when it carries one
    TIMESTAMP = "timestamp"
    # a certificate (x509check)
    CERTIFICATE_PATH = "certificate path"
    VALIDITY = "validity"
    REVOCATION = "revocation"
    KEY_USAGE = "key usage"
    # a signed manifest (manifest)
    FORMAT = "format"
    DIGEST = "digest"
    # a link of the chain (chain)
    MANIFEST = "manifest"
    MANIFEST_BINDING = "manifest binding"
    MANIFEST_LINK = "manifest link"
    PARENT_LINK = "parent link"
    TIME_ORDER = "time order"
    #: the document's file itself: not inside the copy and not supplied
    FILE = "file"


class RevocationSource(StrEnum):
    """Which kind of source answered a revocation question."""

    OCSP = "OCSP"
    CRL = "CRL"


@dataclass(frozen=True)
class RevocationAnswer:
    """Who answered whether one certificate was revoked: an OCSP responder (`where` is its URL)
    or a CRL (`where` is the CRL issuer's subject); `certificate` is the one asked about."""

    source: RevocationSource
    where: str
    certificate: str
    revoked: bool = False

    def __str__(self) -> str:
        return f"{self.source.value} {self.where}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source.value, "where": self.where,
                "certificate": self.certificate, "revoked": self.revoked}


@dataclass(frozen=True)
class Check:
    """One check: its code, its status and a sentence a person can read (why, or a note).

    `signature_field` names the PDF signature a check belongs to when a file has several;
    `answers` (revocation only) says which OCSP responder or CRL answered for each certificate.
    """

    code: CheckCode
    status: Status
    reason: str
    signature_field: str | None = None
    answers: tuple[RevocationAnswer, ...] = ()

    @classmethod
    def passed(cls, code: CheckCode, reason: str) -> Check:
        return cls(code, Status.PASSED, reason)

    @classmethod
    def failed(cls, code: CheckCode, reason: str) -> Check:
        return cls(code, Status.FAILED, reason)

    @classmethod
    def not_checked(cls, code: CheckCode, reason: str) -> Check:
        return cls(code, Status.NOT_CHECKED, reason)

    @classmethod
    def of(cls, code: CheckCode, ok: bool, reason_ok: str, reason_failed: str) -> Check:
        return cls(code, Status.PASSED if ok else Status.FAILED, reason_ok if ok else reason_failed)

    @property
    def ok(self) -> bool:
        """Nothing wrong was found (passed, or could not be checked)."""
        return self.status is not Status.FAILED

    @property
    def name(self) -> str:
        """'integrity', or 'Signature2: integrity' when the file has several signatures."""
        return f"{self.signature_field}: {self.code}" if self.signature_field else str(self.code)

    def in_field(self, field_name: str) -> Check:
        return Check(self.code, self.status, self.reason, field_name, self.answers)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "code": self.code.value,
                               "status": self.status.value, "ok": self.ok, "reason": self.reason}
        if self.code is CheckCode.REVOCATION:
            out["sources"] = [a.to_dict() for a in self.answers]
        return out


def failed(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if c.status is Status.FAILED]


def not_checked(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if c.status is Status.NOT_CHECKED]


def all_passed(checks: Iterable[Check]) -> bool:
    """No check failed (checks that could not be made do not fail a result)."""
    return all(c.status is not Status.FAILED for c in checks)


class CheckedResult:
    """Shared behaviour of a result made of checks (a signature, a chain link).

    Subclasses are dataclasses with a ``checks`` field.
    """

    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all_passed(self.checks)

    def check(self, name: str | CheckCode) -> Check:
        """The check of that code (or full name, 'Signature2: integrity')."""
        return next(c for c in self.checks if c.name == name or c.code == name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in vars(self).items() if k != "checks"}
        out["ok"] = self.ok
        out["checks"] = [c.to_dict() for c in self.checks]
        return out
