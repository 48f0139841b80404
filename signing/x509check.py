"""Certificate checks done with `cryptography` only (for manifests, independent of pyHanko).

Path to a configured root, validity at the signing time, revocation (OCSP or CRL, under the
trust store's policy: signing.revocation), and key usage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from signing.results import Check, CheckCode
from signing.revocation import check_revocation
from signing.timefmt import format_date
from signing.trust import TrustStore

MAX_DEPTH = 6


def subject_text(cert: x509.Certificate) -> str:
    """`CN=…, O=…` in UTF-8, most specific first, for people to read."""
    return cert.subject.rfc4514_string({x509.NameOID.EMAIL_ADDRESS: "E"})


def _common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else subject_text(cert)


def issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


@dataclass(frozen=True)
class PathResult:
    check: Check
    path: list[x509.Certificate]  # leaf first, trust root last when found
    root_subject: str | None


def build_path(
    leaf: x509.Certificate, supplied: list[x509.Certificate], trust: TrustStore
) -> PathResult:
    """Walk issuer links from `leaf` to a configured root, verifying each signature."""
    pool = [c for c in [*supplied, *trust.intermediates] if _is_ca(c)]
    path = [leaf]
    current = leaf
    for _ in range(MAX_DEPTH):
        for root in trust.roots:
            if current.issuer == root.subject and issued_by(current, root):
                path.append(root)
                return PathResult(
                    Check.passed(CheckCode.CERTIFICATE_PATH,
                                 f"chains to trusted root {subject_text(root)}"),
                    path,
                    subject_text(root),
                )
        nxt = next(
            (
                c
                for c in pool
                if c.subject == current.issuer
                and c.subject != current.subject
                and issued_by(current, c)
                and c not in path
            ),
            None,
        )
        if nxt is None:
            break
        path.append(nxt)
        current = nxt
    top = path[-1]
    return PathResult(
        Check.failed(
            CheckCode.CERTIFICATE_PATH,
            f"the certificate of {_common_name(leaf)} does not chain to a configured trust root "
            f"(the chain ends at {subject_text(top)}, issued by {top.issuer.rfc4514_string()})",
        ),
        path,
        None,
    )


def check_validity(path: list[x509.Certificate], at: datetime) -> Check:
    """Every certificate in the path must be within its validity period at `at`."""
    for cert in path:
        if at < cert.not_valid_before_utc:
            return Check.failed(
                CheckCode.VALIDITY,
                f"the certificate of {_common_name(cert)} was not yet valid when the signature "
                f"was made on {format_date(at)} "
                f"(valid from {format_date(cert.not_valid_before_utc)})",
            )
        if at > cert.not_valid_after_utc:
            return Check.failed(
                CheckCode.VALIDITY,
                f"the certificate of {_common_name(cert)} expired on "
                f"{format_date(cert.not_valid_after_utc)}, before the signature was made on "
                f"{format_date(at)}",
            )
    leaf = path[0]
    return Check.passed(
        CheckCode.VALIDITY,
        f"valid from {format_date(leaf.not_valid_before_utc)} to "
        f"{format_date(leaf.not_valid_after_utc)}, which covers {format_date(at)}",
    )


def check_key_usage(leaf: x509.Certificate) -> Check:
    """A signing certificate must allow digitalSignature or nonRepudiation."""
    try:
        ku = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return Check.passed(CheckCode.KEY_USAGE, "no key usage extension (any usage allowed)")
    if ku.digital_signature or ku.content_commitment:
        return Check.passed(CheckCode.KEY_USAGE,
                            "certificate allows digital signature / non-repudiation")
    return Check.failed(
        CheckCode.KEY_USAGE,
        f"the certificate of {_common_name(leaf)} is not allowed to sign documents: its key "
        "usage has neither digitalSignature nor nonRepudiation",
    )


def certificate_checks(
    leaf: x509.Certificate, supplied: list[x509.Certificate], trust: TrustStore, at: datetime
) -> tuple[list[Check], str | None]:
    """Path, validity, revocation and key-usage checks; also the root reached (or None)."""
    built = build_path(leaf, supplied, trust)
    checks = [built.check, check_validity(built.path, at)]
    if built.root_subject is not None:
        checks.append(check_revocation(built.path, at, trust))
    else:
        checks.append(Check.not_checked(CheckCode.REVOCATION,
                                        "not checked: no path to a trusted root"))
    checks.append(check_key_usage(leaf))
    return checks, built.root_subject


def chains_to_trust(leaf: x509.Certificate, supplied: list[x509.Certificate],
                    trust: TrustStore) -> bool:
    """`leaf` chains, through `supplied` and the store's intermediates, to one of its roots."""
    return build_path(leaf, supplied, trust).root_subject is not None
