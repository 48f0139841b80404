"""Was a certificate revoked before the signing time? Asked of OCSP or of the CRLs, under the
trust store's revocation policy (require / prefer / ignore, see signing.trust.TrustStore).

For each certificate below the root: its OCSP responders (AIA) first, when it names any and
the policy asks; a definite, proven answer (good or revoked) settles it. Otherwise the CRLs its
issuer signed. The check's `answers` name the source that answered for each certificate.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509 import ocsp as x509_ocsp

from signing.ocsp import responder_urls
from signing.results import Check, CheckCode, RevocationAnswer, RevocationSource, Status
from signing.timefmt import format_date
from signing.trust import TrustStore


def _common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else cert.subject.rfc4514_string()


@dataclass(frozen=True)
class _Found:
    answer: RevocationAnswer
    revoked_at: datetime | None


def _ask(cert: x509.Certificate, issuer: x509.Certificate, trust: TrustStore,
         problems: list[str]) -> _Found | None:
    """The first definite answer for `cert`: OCSP, then CRL; `problems` collects the misses."""
    who = _common_name(cert)
    for url in responder_urls(cert):
        said = trust.ocsp(cert, issuer, url)
        if said.definite:
            revoked = said.status is x509_ocsp.OCSPCertStatus.REVOKED
            return _Found(RevocationAnswer(RevocationSource.OCSP, url, who, revoked),
                          said.revoked_at)
        problems.append(f"OCSP {url}: {said.problem}")
    crls = trust.crls_by(issuer)
    if not crls:
        return None
    where = issuer.subject.rfc4514_string({x509.NameOID.EMAIL_ADDRESS: "E"})
    for crl in crls:
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None:
            return _Found(RevocationAnswer(RevocationSource.CRL, where, who, True),
                          entry.revocation_date_utc)
    return _Found(RevocationAnswer(RevocationSource.CRL, where, who), None)


def _sources(answers: list[RevocationAnswer]) -> str:
    return ", ".join(dict.fromkeys(str(a) for a in answers))


def check_revocation(path: list[x509.Certificate], at: datetime, trust: TrustStore) -> Check:
    """Each certificate below the root, under the policy; revoked after `at` passes, noted."""
    if trust.revocation_mode == "ignore":
        return Check.not_checked(CheckCode.REVOCATION,
                                 "not checked: the revocation policy is 'ignore'")
    notes: list[str] = []
    answers: list[RevocationAnswer] = []
    unchecked = False
    for cert, issuer in itertools.pairwise(path):
        problems: list[str] = []
        found = _ask(cert, issuer, trust, problems)
        if found is None:
            missing = "; ".join([*problems, f"no CRL configured for {_common_name(issuer)}"])
            if trust.revocation_mode == "require":
                return Check(CheckCode.REVOCATION, Status.FAILED,
                             f"the revocation of {_common_name(cert)} cannot be checked: "
                             f"no OCSP or CRL answer ({missing})", answers=tuple(answers))
            notes.append(missing)
            unchecked = True
            continue
        answers.append(found.answer)
        when = found.revoked_at
        if when is None:
            continue
        if when <= at:
            return Check(CheckCode.REVOCATION, Status.FAILED,
                         f"certificate of {_common_name(cert)} revoked on {format_date(when)}, "
                         f"before the signature was made on {format_date(at)} "
                         f"(answered by {found.answer})", answers=(found.answer,))
        notes.append(f"certificate of {_common_name(cert)} was revoked on {format_date(when)}, "
                     f"after the signature was made on {format_date(at)}, so the signature "
                     "stays valid")
    if answers:
        notes.append(f"answered by {_sources(answers)}")
    reason = "; ".join(notes)
    if unchecked:
        return Check(CheckCode.REVOCATION, Status.NOT_CHECKED, reason, answers=tuple(answers))
    if not any(n.startswith("certificate of") for n in notes):
        reason = f"not revoked at the signing time; {reason}"
    return Check(CheckCode.REVOCATION, Status.PASSED, reason, answers=tuple(answers))
