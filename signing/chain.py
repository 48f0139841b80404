"""Walk a certified-copy chain (bản sao lục → bản sao y → bản gốc) and judge every link.

Each link is one PDF (and its signed manifest when known). The parent of a copy is found among
the PDF's attached files by the manifest's `source.sha256`, or asked of `resolve_parent`.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from signing.manifest import SignedManifest, verify_manifest
from signing.pdf_validate import PdfReport, validate_pdf
from signing.results import Check, CheckedResult
from signing.timefmt import parse_iso
from signing.trust import TrustStore

MAX_DEPTH = 16
ManifestInput = SignedManifest | bytes | str | dict[str, Any]


@dataclass(frozen=True)
class ParentRef:
    """What a child says about its parent; passed to the resolver."""

    notation: str | None
    pdf_sha256: str | None
    manifest_sha256: str | None
    kind: str | None  # "original" or "copy"


@dataclass(frozen=True)
class ResolvedParent:
    pdf: bytes | None = None
    manifest: ManifestInput | None = None


ParentResolver = Callable[[ParentRef], ResolvedParent | None]


@dataclass
class LinkResult(CheckedResult):
    depth: int  # 0 = the copy asked about, increasing toward the original
    role: str  # "copy" or "original"
    notation: str | None
    subject: str | None
    signed_at: str | None
    pdf_sha256: str
    manifest_sha256: str | None
    checks: list[Check] = field(default_factory=list)


@dataclass
class ChainReport:
    links: list[LinkResult]

    @property
    def ok(self) -> bool:
        return bool(self.links) and all(link.ok for link in self.links)

    @property
    def verdict(self) -> str:
        return "VALID" if self.ok else "INVALID"

    @property
    def reasons(self) -> list[str]:
        """Every failure, as 'link N (notation): check: reason'."""
        return [
            f"link {link.depth} ({link.notation or link.subject or 'unknown'}): "
            f"{c.name}: {c.reason}"
            for link in self.links
            for c in link.checks
            if not c.ok
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "links": [link.to_dict() for link in self.links],
        }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signature_checks(report: PdfReport, role: str) -> list[Check]:
    if report.error is not None and not report.signatures:
        if role == "original" and report.error == "the PDF carries no signature":
            return [
                Check(
                    "signature",
                    True,
                    "the original carries no digital signature; it is identified by its digest",
                )
            ]
        return [Check("signature", False, report.error)]
    many = len(report.signatures) > 1
    return [
        Check(f"{sig.field_name}: {c.name}" if many else c.name, c.ok, c.reason)
        for sig in report.signatures
        for c in sig.checks
    ]


def _attached_manifest(report: PdfReport, recorded_sha256: str | None) -> SignedManifest | None:
    """The signed manifest a copy carries as an attachment: the one whose digest its PDF
    signature records (a copy made by this library is verifiable from the file alone)."""
    if recorded_sha256 is None:
        return None
    for attachment in report.attachments:
        if attachment.is_pdf:
            continue
        env = _load(attachment.data)
        if env is not None and env.sha256 == recorded_sha256:
            return env
    return None


def _load(manifest: ManifestInput) -> SignedManifest | None:
    if isinstance(manifest, SignedManifest):
        return manifest
    try:
        return SignedManifest.from_json(manifest)
    except (ValueError, KeyError, TypeError):
        return None


def verify_chain(
    copy_pdf: bytes,
    trust: TrustStore,
    resolve_parent: ParentResolver | None = None,
    manifest: ManifestInput | None = None,
    *,
    max_depth: int = MAX_DEPTH,
) -> ChainReport:
    """Verify `copy_pdf` and every ancestor down to the original; one verdict per link."""
    links: list[LinkResult] = []
    pdf: bytes | None = copy_pdf
    env_in: ManifestInput | None = manifest
    role = "copy"
    expected_pdf: str | None = None
    expected_manifest: str | None = None
    named: str | None = None  # the notation the child gives its source
    seen: set[str] = set()
    while pdf is not None and len(links) < max_depth:
        digest = _sha(pdf)
        if digest in seen:
            links[-1].checks.append(Check("parent link", False, "the chain loops back on itself"))
            break
        seen.add(digest)
        report = validate_pdf(pdf, trust)
        sig = report.signatures[-1] if report.signatures else None
        if env_in is None:
            env_in = _attached_manifest(report, sig.manifest_sha256 if sig else None)
        env = _load(env_in) if env_in is not None else None
        m = env.manifest if env is not None else None
        link = LinkResult(
            depth=len(links),
            role=role,
            notation=str(m["notation"]) if m and "notation" in m else named,
            subject=sig.signer_subject if sig else None,
            signed_at=sig.signed_at if sig else None,
            pdf_sha256=digest,
            manifest_sha256=env.sha256 if env else None,
        )
        links.append(link)
        checks = link.checks
        if expected_pdf is not None:
            same = digest == expected_pdf
            checks.append(
                Check(
                    "digest",
                    same,
                    "the PDF's sha256 matches the digest its child attests"
                    if same
                    else f"the PDF's sha256 is {digest}, but its child attests {expected_pdf}",
                )
            )
        checks.extend(_signature_checks(report, role))
        if env_in is not None:
            checks.extend(_manifest_checks(env_in, env, sig, trust, expected_manifest))
        if expected_manifest is not None:
            recorded = sig.manifest_sha256 if sig else None
            same = recorded == expected_manifest
            checks.append(
                Check(
                    "manifest link",
                    same,
                    "the manifest digest in this PDF's signature matches the child's "
                    "parent_manifest_sha256"
                    if same
                    else f"this PDF's signature records manifest {recorded}, but the child "
                    f"names {expected_manifest} as its parent manifest",
                )
            )
        # Find the parent.
        if m is None:
            parents = [a for a in report.attachments if a.is_pdf]
            if not parents:
                break
            checks.append(
                Check(
                    "parent link",
                    True,
                    f"no manifest: the parent is the attached PDF {parents[0].name!r}, "
                    "not cross-checked against an attested digest",
                )
            )
            pdf, env_in, role, named = parents[0].data, None, "copy", None
            expected_pdf = expected_manifest = None
            continue
        source = m.get("source") or {}
        ref = ParentRef(
            notation=source.get("notation"),
            pdf_sha256=source.get("sha256"),
            manifest_sha256=m.get("parent_manifest_sha256"),
            kind=source.get("kind"),
        )
        attached = next((a for a in report.attachments if a.sha256 == ref.pdf_sha256), None)
        resolved = resolve_parent(ref) if resolve_parent is not None else None
        parent_pdf = attached.data if attached else (resolved.pdf if resolved else None)
        if parent_pdf is None and ref.kind == "original" and m.get("kind") == "TRICH_SAO":
            checks.append(
                Check(
                    "parent link",
                    True,
                    f"a trích sao carries only the pages it reproduces ({m.get('pages')}), not "
                    f"its source; the original {ref.notation or ''} is identified by sha256 "
                    f"{ref.pdf_sha256}",
                )
            )
            break
        if parent_pdf is None:
            checks.append(
                Check(
                    "parent link",
                    False,
                    f"the source document {ref.notation or ''} (sha256 {ref.pdf_sha256}) was "
                    "not found: it is not attached to this PDF and no resolver supplied it",
                )
            )
            break
        same = _sha(parent_pdf) == ref.pdf_sha256
        where = "attached to this PDF" if attached else "supplied by the resolver"
        checks.append(
            Check(
                "parent link",
                same,
                f"the source document {where} has the sha256 the manifest attests"
                if same
                else f"the source document {where} has sha256 {_sha(parent_pdf)}, but the "
                f"manifest attests {ref.pdf_sha256}",
            )
        )
        pdf = parent_pdf
        env_in = resolved.manifest if resolved else None
        role = "original" if ref.kind == "original" else "copy"
        expected_pdf = ref.pdf_sha256
        expected_manifest = ref.manifest_sha256
        named = ref.notation
    _add_time_order(links)
    return ChainReport(links)


def _manifest_checks(
    env_in: ManifestInput,
    env: SignedManifest | None,
    sig: Any,
    trust: TrustStore,
    expected_manifest: str | None,
) -> list[Check]:
    res = verify_manifest(env if env is not None else env_in, trust, expected_manifest)
    bad = [f"{c.name}: {c.reason}" for c in res.checks if not c.ok]
    checks = [
        Check(
            "manifest",
            res.ok,
            "the signed manifest verifies (signature, certificate, time)"
            if res.ok
            else "the signed manifest fails: " + "; ".join(bad),
        )
    ]
    if sig is not None and env is not None:
        same = sig.manifest_sha256 == env.sha256
        checks.append(
            Check(
                "manifest binding",
                same,
                "the PDF signature records this manifest's digest"
                if same
                else f"the PDF signature records manifest {sig.manifest_sha256}, "
                f"not this manifest ({env.sha256})",
            )
        )
        if res.signed_at and sig.signed_at:
            same_time = parse_iso(res.signed_at) == parse_iso(sig.signed_at)
            checks.append(
                Check(
                    "signing time",
                    same_time,
                    "the manifest and the PDF signature give the same signing time"
                    if same_time
                    else f"the manifest says {res.signed_at}, the PDF signature {sig.signed_at}",
                )
            )
    return checks


def _add_time_order(links: list[LinkResult]) -> None:
    """A copy may not be signed before its source. Signing times are whole seconds, so a copy
    made in the same second as its source (a copy of a copy issued at once) is in order."""
    for child, parent in itertools.pairwise(links):
        if child.signed_at is None or parent.signed_at is None:
            continue
        child.checks.append(_time_order(child.signed_at, parent.signed_at))


def _time_order(child: str, parent: str) -> Check:
    child_at, parent_at = parse_iso(child), parse_iso(parent)
    if child_at < parent_at:
        return Check("time order", False, f"signed {child}, before its source ({parent})")
    when = "after" if child_at > parent_at else "in the same second as"
    return Check("time order", True, f"signed {child}, {when} its source ({parent})")
