"""Signature library for certified copies (bản sao): pure, never imports `app`.

The public API is what `__all__` lists; everything else is internal. Names load on first use
(pyHanko takes a second to import, and a command that only reads a key should not wait).

- Make a copy: `sign_copy(composed, Manifest(...), identity, ...)` → `SignedCopy`; the
  identity is an `OfficeSigner`: a key in a file (`SigningIdentity`) or on a PKCS#11 token
  (`TokenIdentity`, `TokenKey`; problems raise `TokenError`).
- Check one: `verify_chain(pdf, trust, ...)` walks the chain down to the original;
  `verify_pdf` / `verify_file` add what a person reads (notations, signers, notes) and bound
  the work on untrusted input (`Limits`, `InputProblem`).
- Archive one (PAdES B-LTA): `archive_pdf(pdf, trust, tsa_url)` → `ArchivedPdf`.
- Results are data: every `Check` has a `CheckCode` and a `Status` (passed, failed, not
  checked).

Formats: docs/signing.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "VN_TZ",
    "ArchiveError",
    "ArchivedPdf",
    "ChainReport",
    "Check",
    "CheckCode",
    "CopyForm",
    "DevCA",
    "InputProblem",
    "KeySession",
    "Limits",
    "LinkView",
    "Manifest",
    "OfficeRef",
    "OfficeSigner",
    "ParentRef",
    "ResolvedParent",
    "RevocationAnswer",
    "RevocationSource",
    "SignedCopy",
    "SignedManifest",
    "SignerRef",
    "SigningIdentity",
    "SourceKind",
    "SourceRef",
    "StampPlace",
    "StampText",
    "Status",
    "TokenError",
    "TokenIdentity",
    "TokenKey",
    "TrustStore",
    "VerificationReport",
    "archive_pdf",
    "chains_to_trust",
    "format_stamp_time",
    "generate_key",
    "iso_vn",
    "load_pkcs12",
    "load_private_key",
    "load_trust",
    "parse_iso",
    "private_key_to_pem",
    "public_key_to_pem",
    "read_manifest",
    "sha256_hex",
    "sign_copy",
    "sign_manifest",
    "sniff_pdf",
    "token_certificates",
    "verify_chain",
    "verify_file",
    "verify_manifest",
    "verify_pdf",
]

#: Where each public name lives.
_HOME = {
    "VN_TZ": "timefmt", "format_stamp_time": "timefmt", "iso_vn": "timefmt",
    "parse_iso": "timefmt",
    "Check": "results", "CheckCode": "results", "Status": "results",
    "RevocationAnswer": "results", "RevocationSource": "results",
    "CopyForm": "manifest_model", "Manifest": "manifest_model", "OfficeRef": "manifest_model",
    "SignerRef": "manifest_model", "SourceKind": "manifest_model", "SourceRef": "manifest_model",
    "sha256_hex": "manifest_model",
    "SignedManifest": "manifest", "sign_manifest": "manifest", "verify_manifest": "manifest",
    "SigningIdentity": "identity", "TrustStore": "trust", "DevCA": "ca",
    "KeySession": "signer", "OfficeSigner": "signer",
    "TokenError": "token", "TokenIdentity": "token", "TokenKey": "token",
    "token_certificates": "token",
    "generate_key": "keys", "load_pkcs12": "keys", "load_private_key": "keys", "private_key_to_pem": "keys",
    "public_key_to_pem": "keys",
    "StampText": "pdf_sign",
    "SignedCopy": "certify", "StampPlace": "certify", "sign_copy": "certify",
    "ChainReport": "chain", "ParentRef": "chain", "ResolvedParent": "chain",
    "verify_chain": "chain", "chains_to_trust": "x509check",
    "InputProblem": "pdf_read", "Limits": "pdf_read", "sniff_pdf": "pdf_read",
    "ArchiveError": "archive", "ArchivedPdf": "archive", "archive_pdf": "archive",
    "LinkView": "report", "VerificationReport": "report",
    "load_trust": "offline", "read_manifest": "offline", "verify_file": "offline",
    "verify_pdf": "offline",
}

if TYPE_CHECKING:
    from signing.archive import ArchivedPdf, ArchiveError, archive_pdf
    from signing.ca import DevCA
    from signing.certify import SignedCopy, StampPlace, sign_copy
    from signing.chain import ChainReport, ParentRef, ResolvedParent, verify_chain
    from signing.identity import SigningIdentity
    from signing.keys import (
        generate_key,
        load_pkcs12,
        load_private_key,
        private_key_to_pem,
        public_key_to_pem,
    )
    from signing.manifest import SignedManifest, sign_manifest, verify_manifest
    from signing.manifest_model import (
        CopyForm,
        Manifest,
        OfficeRef,
        SignerRef,
        SourceKind,
        SourceRef,
        sha256_hex,
    )
    from signing.offline import load_trust, read_manifest, verify_file, verify_pdf
    from signing.pdf_read import InputProblem, Limits, sniff_pdf
    from signing.pdf_sign import StampText
    from signing.report import LinkView, VerificationReport
    from signing.results import Check, CheckCode, RevocationAnswer, RevocationSource, Status
    from signing.signer import KeySession, OfficeSigner
    from signing.timefmt import VN_TZ, format_stamp_time, iso_vn, parse_iso
    from signing.token import TokenError, TokenIdentity, TokenKey, token_certificates
    from signing.trust import TrustStore
    from signing.x509check import chains_to_trust


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'signing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"signing.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
