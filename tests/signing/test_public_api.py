"""signing/ has a small public API (`signing.__all__`), and app/ uses nothing else of it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import signing

ROOT = Path(__file__).resolve().parents[2]

PUBLIC = {
    # making a copy
    "sign_copy", "SignedCopy", "StampPlace", "StampText", "Manifest", "OfficeRef", "SignerRef",
    "SourceRef", "CopyForm", "SourceKind", "sign_manifest", "SignedManifest", "sha256_hex",
    # keys and trust
    "SigningIdentity", "TrustStore", "DevCA", "generate_key", "load_private_key",
    "private_key_to_pem", "public_key_to_pem", "load_trust", "load_pkcs12", "chains_to_trust",
    "OfficeSigner", "KeySession", "TokenIdentity", "TokenKey", "TokenError", "token_certificates",
    # checking
    "verify_chain", "verify_pdf", "verify_file", "verify_manifest", "ChainReport",
    "VerificationReport", "LinkView", "Check", "CheckCode", "Status", "ParentRef",
    "ResolvedParent", "InputProblem", "Limits", "read_manifest", "sniff_pdf",
    "RevocationSource", "RevocationAnswer",
    # archiving (PAdES B-LTA)
    "archive_pdf", "ArchivedPdf", "ArchiveError",
    # Vietnam time
    "VN_TZ", "format_stamp_time", "iso_vn", "parse_iso",
}


def test_all_is_exactly_the_public_api() -> None:
    assert set(signing.__all__) == PUBLIC
    assert len(signing.__all__) == len(PUBLIC)  # no name listed twice
    assert signing.__all__ == sorted(signing.__all__, key=lambda n: (not n.isupper(), n))


def test_every_public_name_resolves_and_nothing_else_does() -> None:
    for name in signing.__all__:
        assert getattr(signing, name) is not None, name
    try:
        signing.validate_pdf  # noqa: B018  # an internal name is not exported
    except AttributeError as exc:
        assert "validate_pdf" in str(exc)
    else:
        raise AssertionError("signing.validate_pdf should not be public")


def test_importing_signing_does_not_load_pyhanko() -> None:
    code = "import sys, signing; from signing import DevCA; print('pyhanko' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_app_uses_only_the_public_api() -> None:
    offenders: list[str] = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    "signing."):
                offenders.append(f"{path.relative_to(ROOT)}: from {node.module}")
            elif isinstance(node, ast.ImportFrom) and node.module == "signing":
                offenders += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names
                              if a.name not in PUBLIC]
            elif isinstance(node, ast.Import):
                offenders += [f"{path.relative_to(ROOT)}: import {a.name}" for a in node.names
                              if a.name.startswith("signing.")]
    assert offenders == []
