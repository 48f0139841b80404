"""Walk a certified-copy chain (bản sao lục → bản sao y → bản gốc) and judge every link.

Each link is one PDF (and its signed manifest when known), read once by `read` (a caller that
has already read the files, such as `signing.offline`, passes its own). The parent of a copy
is found among the PDF's attached files by the manifest's `source.sha256`, or asked of
`resolve_parent`.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from signing.manifest import SignedManifest, verify_manifest
from signing.manifest_model import CopyForm, Manifest, SourceKind
from signing.pdf_read import MAX_DEPTH, PdfFile, open_pdf
from signing.pdf_validate import PdfReport, SignatureResult, validate_pdf
from signing.results import Check, CheckCode, CheckedResult, Status
from signing.timefmt import parse_iso
from signing.trust import TrustStore

ManifestInput = SignedManifest | bytes | str | dict[str, Any]
NO_SIGNATURE = "the PDF carries no signature"


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
Reader = Callable[[bytes], PdfFile]


class _Link(Protocol):
    depth: int
    checks: list[Check]

    @property
    def label(self) -> str: ...


def failure_reasons(links: Iterable[_Link]) -> list[str]:
    """Every failed check, as 'link N (notation): check: reason'."""
    return [f"link {ln.depth} ({ln.label}): {c.name}: {c.reason}"
            for ln in links for c in ln.checks if c.status is Status.FAILED]


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
    #: every signature of the PDF as validated (the last certifies the document as it stands)
    signatures: list[SignatureResult] = field(default_factory=list, repr=False)

    @property
    def label(self) -> str:
        return self.notation or self.subject or "unknown"

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        del out["signatures"]
        return out


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
        return failure_reasons(self.links)

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
        if role == "original" and report.error == NO_SIGNATURE:
            return [Check.not_checked(
                CheckCode.SIGNATURE,
                "the original carries no digital signature; it is identified by its digest")]
        return [Check.failed(CheckCode.SIGNATURE, report.error)]
    many = len(report.signatures) > 1
    return [c.in_field(sig.field_name) if many else c
            for sig in report.signatures for c in sig.checks]


def _load(manifest: ManifestInput) -> SignedManifest | None:
    if isinstance(manifest, SignedManifest):
        return manifest
    try:
        return SignedManifest.from_json(manifest)
    except (ValueError, KeyError, TypeError):
        return None


def _attached_manifest(file: PdfFile, recorded_sha256: str | None) -> SignedManifest | None:
    """The signed manifest a copy carries as an attachment: the one whose digest its PDF
    signature records (a copy made by this library is verifiable from the file alone)."""
    if recorded_sha256 is None:
        return None
    for attachment in file.attachments:
        if attachment.is_pdf:
            continue
        env = _load(attachment.data)
        if env is not None and env.sha256 == recorded_sha256:
            return env
    return None


@dataclass
class _Step:
    """Where the walk stands: the next PDF and what its child attests about it."""

    pdf: bytes | None
    envelope: ManifestInput | None
    role: str = "copy"
    expected_pdf: str | None = None
    expected_manifest: str | None = None
    named: str | None = None  # the notation the child gives its source


def verify_chain(
    copy_pdf: bytes,
    trust: TrustStore,
    resolve_parent: ParentResolver | None = None,
    manifest: ManifestInput | None = None,
    *,
    max_depth: int = MAX_DEPTH,
    read: Reader = open_pdf,
) -> ChainReport:
    """Verify `copy_pdf` and every ancestor down to the original; one verdict per link."""
    links: list[LinkResult] = []
    step: _Step | None = _Step(copy_pdf, manifest)
    seen: set[str] = set()
    while step is not None and step.pdf is not None and len(links) < max_depth:
        digest = _sha(step.pdf)
        if digest in seen:
            links[-1].checks.append(
                Check.failed(CheckCode.PARENT_LINK, "the chain loops back on itself"))
            break
        seen.add(digest)
        file = read(step.pdf)
        link, content, env = _judge(file, step, trust, len(links))
        links.append(link)
        step = _next(link, file, content, env, resolve_parent)
    _add_time_order(links)
    return ChainReport(links)


def _judge(file: PdfFile, step: _Step, trust: TrustStore,
           depth: int) -> tuple[LinkResult, Manifest | None, SignedManifest | None]:
    """The checks of one link: its digest, its signatures, its manifest and their bindings."""
    report = validate_pdf(file, trust)
    sig = report.signatures[-1] if report.signatures else None
    env_in = step.envelope
    if env_in is None:
        env_in = _attached_manifest(file, sig.manifest_sha256 if sig else None)
    env = _load(env_in) if env_in is not None else None
    content = env.content if env is not None else None
    link = LinkResult(
        depth=depth, role=step.role,
        notation=content.notation if content is not None else step.named,
        subject=sig.signer_subject if sig else None,
        signed_at=sig.signed_at if sig else None,
        pdf_sha256=file.sha256,
        manifest_sha256=env.sha256 if env else None,
        signatures=list(report.signatures),
    )
    if step.expected_pdf is not None:
        link.checks.append(Check.of(
            CheckCode.DIGEST, file.sha256 == step.expected_pdf,
            "the PDF's sha256 matches the digest its child attests",
            f"the PDF's sha256 is {file.sha256}, but its child attests {step.expected_pdf}"))
    link.checks.extend(_signature_checks(report, step.role))
    if env_in is not None:
        link.checks.extend(_manifest_checks(env_in, env, sig, trust, step.expected_manifest))
    if step.expected_manifest is not None:
        recorded = sig.manifest_sha256 if sig else None
        link.checks.append(Check.of(
            CheckCode.MANIFEST_LINK, recorded == step.expected_manifest,
            "the manifest digest in this PDF's signature matches the child's "
            "parent_manifest_sha256",
            f"this PDF's signature records manifest {recorded}, but the child "
            f"names {step.expected_manifest} as its parent manifest"))
    return link, content, env


def _unattested_parent(link: LinkResult, file: PdfFile) -> _Step | None:
    """A copy without a manifest: its parent is the PDF it carries, but nothing attests it."""
    parents = [a for a in file.attachments if a.is_pdf]
    if not parents:
        return None
    link.checks.append(Check.not_checked(
        CheckCode.PARENT_LINK,
        f"no manifest: the parent is the attached PDF {parents[0].name!r}, "
        "not cross-checked against an attested digest"))
    return _Step(parents[0].data, None)


def _next(link: LinkResult, file: PdfFile, content: Manifest | None,
          env: SignedManifest | None, resolve_parent: ParentResolver | None) -> _Step | None:
    """Find the parent of this link and check it is the one its manifest attests."""
    if content is None:
        return _unattested_parent(link, file)
    source = content.source
    ref = ParentRef(notation=source.notation, pdf_sha256=source.sha256,
                    manifest_sha256=content.parent_manifest_sha256, kind=source.kind.value)
    attached = next((a for a in file.attachments if a.sha256 == ref.pdf_sha256), None)
    resolved = resolve_parent(ref) if resolve_parent is not None else None
    parent_pdf = attached.data if attached else (resolved.pdf if resolved else None)
    if parent_pdf is None:
        if source.kind is SourceKind.ORIGINAL and content.kind is CopyForm.TRICH_SAO:
            pages = None if content.pages is None else list(content.pages)
            link.checks.append(Check.not_checked(
                CheckCode.PARENT_LINK,
                f"a trích sao carries only the pages it reproduces ({pages}), not its "
                f"source; the original {ref.notation or ''} is identified by sha256 "
                f"{ref.pdf_sha256}"))
        else:
            link.checks.append(Check.failed(
                CheckCode.PARENT_LINK,
                f"the source document {ref.notation or ''} (sha256 {ref.pdf_sha256}) was not "
                "found: it is not attached to this PDF and no resolver supplied it"))
        return None
    got = _sha(parent_pdf)
    where = "attached to this PDF" if attached else "supplied by the resolver"
    link.checks.append(Check.of(
        CheckCode.PARENT_LINK, got == ref.pdf_sha256,
        f"the source document {where} has the sha256 the manifest attests",
        f"the source document {where} has sha256 {got}, but the manifest attests "
        f"{ref.pdf_sha256}"))
    return _Step(parent_pdf, resolved.manifest if resolved else None,
                 role="original" if source.kind is SourceKind.ORIGINAL else "copy",
                 expected_pdf=ref.pdf_sha256, expected_manifest=ref.manifest_sha256,
                 named=ref.notation)


def _manifest_checks(
    env_in: ManifestInput,
    env: SignedManifest | None,
    sig: SignatureResult | None,
    trust: TrustStore,
    expected_manifest: str | None,
) -> list[Check]:
    res = verify_manifest(env if env is not None else env_in, trust, expected_manifest)
    bad = [f"{c.name}: {c.reason}" for c in res.checks if c.status is Status.FAILED]
    checks = [Check.of(CheckCode.MANIFEST, res.ok,
                       "the signed manifest verifies (signature, certificate, time)",
                       "the signed manifest fails: " + "; ".join(bad))]
    if sig is not None and env is not None:
        checks.append(Check.of(
            CheckCode.MANIFEST_BINDING, sig.manifest_sha256 == env.sha256,
            "the PDF signature records this manifest's digest",
            f"the PDF signature records manifest {sig.manifest_sha256}, "
            f"not this manifest ({env.sha256})"))
        if res.signed_at and sig.signed_at:
            checks.append(Check.of(
                CheckCode.SIGNING_TIME, parse_iso(res.signed_at) == parse_iso(sig.signed_at),
                "the manifest and the PDF signature give the same signing time",
                f"the manifest says {res.signed_at}, the PDF signature {sig.signed_at}"))
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
        return Check.failed(CheckCode.TIME_ORDER, f"signed {child}, before its source ({parent})")
    when = "after" if child_at > parent_at else "in the same second as"
    return Check.passed(CheckCode.TIME_ORDER, f"signed {child}, {when} its source ({parent})")
