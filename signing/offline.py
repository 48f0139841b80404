"""Verify a signed PDF on its own: no server, no database, only a trust folder.

`verify_pdf` checks every signature in the file and in the PDFs attached to it (the parents of a
copy of a copy), walks the chain with `signing.chain.verify_chain`, and adds what a person reading
the result needs: the notation of each link (from its signed manifest, from the child's manifest,
or from the signature's /Reason), every signer's subject, certificate serial and signing time in
Vietnam time, an overall verdict, a JSON-able dict and a plain-words text report.

Manifests are taken from the caller (`manifests`), from envelopes attached to the PDFs, or from a
resolver. Parents are taken from the attachments, from `sources` (e.g. the original a copy was
made from, which a first-level copy shows but does not carry) or from a resolver.

Before any signature is checked the file tree is scanned within `Limits` (size, revisions,
objects, signatures, attachment depth); pyHanko's own decode limits bound decompression. A file
that is not a PDF, is damaged, or is too complex raises `InputProblem`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from pyhanko.pdf_utils.misc import PdfDecodeLimitError
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.chain import MAX_DEPTH, ChainReport, LinkResult, ParentRef, ResolvedParent, verify_chain
from signing.manifest import SignedManifest
from signing.pdf_sign import sig_contact_manifest
from signing.pdf_validate import Attachment, list_attachments
from signing.results import Check
from signing.timefmt import format_stamp_time, iso_vn, parse_iso
from signing.trust import TrustStore, _files, _load_certs, _load_crl
from signing.x509check import subject_text

ProblemKind = Literal["not-pdf", "damaged", "too-complex"]
Verdict = Literal["VALID", "INVALID", "UNSIGNED"]
#: A token that looks like a số và ký hiệu: "397-BS/VPTU", "15/2020/NĐ-CP", "05/SY-UBND".
_NOTATION = re.compile(r"\d+[-/][\wĐđ./-]*/[\wĐđ.-]+|\d+-[\wĐđ]+/[\wĐđ.-]+")
_MAX_ENVELOPE = 1024 * 1024
MiB = 1024 * 1024


class InputProblem(ValueError):
    """The input cannot be verified at all: not a PDF, damaged/truncated, or too complex."""

    def __init__(self, kind: ProblemKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one verification may do (the file and all PDFs attached inside it)."""

    max_bytes: int = 256 * MiB  # the file plus every attached file, together
    max_depth: int = MAX_DEPTH  # attachment nesting (copy of a copy of …)
    max_pdfs: int = 64  # PDFs in the whole tree
    max_revisions: int = 64  # incremental updates per PDF
    max_objects: int = 200_000  # objects per PDF
    max_signatures: int = 32  # signatures per PDF


# -- reading the input -------------------------------------------------------------------------


def sniff_pdf(data: bytes) -> None:
    """Raise `InputProblem('not-pdf')` unless `data` starts like a PDF."""
    if not data:
        raise InputProblem("not-pdf", "the file is empty")
    if data.lstrip(b"\r\n\t \x00")[:5] != b"%PDF-":
        raise InputProblem("not-pdf", "the file is not a PDF (it does not start with %PDF-)")


def read_manifest(data: bytes | str | dict[str, Any]) -> SignedManifest:
    """A signed-manifest envelope (docs/signing.md §2.3); `InputProblem('damaged')` otherwise."""
    try:
        return SignedManifest.from_json(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputProblem("damaged", f"the manifest is not a signed-manifest envelope: {exc}") from exc


def load_trust(
    path: Path, crl_files: Iterable[Path] = (), revocation_mode: str = "soft-fail"
) -> TrustStore:
    """Trust from a folder: a trust folder (roots/, intermediates/, crls/) or a flat folder of
    PEM/DER files such as `vanthu keys export-roots` writes (self-signed certificates are roots,
    other certificates intermediates, CRLs CRLs). `crl_files` adds CRLs. ValueError if no root."""
    if not path.is_dir():
        raise ValueError(f"{path} is not a folder")
    extra = [_load_crl(p.read_bytes()) for p in crl_files]
    if (path / "roots").is_dir():
        store = TrustStore.from_dir(path, revocation_mode)
        return TrustStore(store.roots, store.intermediates, [*store.crls, *extra], revocation_mode)
    roots: list[x509.Certificate] = []
    others: list[x509.Certificate] = []
    crls = list(extra)
    for p in _files(path):
        data = p.read_bytes()
        if b"-----BEGIN X509 CRL" in data:
            crls.append(_load_crl(data))
            continue
        try:
            certs = _load_certs(data)
        except ValueError:
            try:
                crls.append(_load_crl(data))
            except ValueError:
                continue  # a README or key file beside the roots: not trust material
            continue
        for cert in certs:
            (roots if cert.issuer == cert.subject else others).append(cert)
    if not roots:
        roots, others = others, []  # anchors that are not self-signed (a trusted intermediate)
    if not roots:
        raise ValueError(f"no certificates found in {path}")
    return TrustStore(roots, others, crls, revocation_mode)


# -- a first look at every PDF in the tree (bounded) -------------------------------------------


@dataclass(frozen=True)
class Signer:
    """Who signed, as the signature says (checked separately by the validator)."""

    field_name: str
    subject: str | None
    organisation: str | None  # O= of the subject
    serial: str | None
    issuer: str | None
    signed_at: str | None  # ISO 8601, +07:00
    reason: str | None
    manifest_sha256: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class _Facts:
    sha256: str
    signers: list[Signer]
    attachment_names: dict[str, str]  # sha256 of an attached file → its description or name
    damage: list[str] = field(default_factory=list)


@dataclass
class _Scan:
    limits: Limits
    facts: dict[str, _Facts] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)
    envelopes: dict[str, SignedManifest] = field(default_factory=dict)
    total_bytes: int = 0
    #: Damage found inside the file (an attachment that does not decode or parse). Not fatal:
    #: the signature checks then fail with their own reasons, and the verdict is INVALID.
    damage: list[str] = field(default_factory=list)

    def add(self, pdf: bytes, depth: int = 0, what: str = "the file") -> _Facts:
        """Read `pdf` (and, recursively, the PDFs and manifests attached to it) within limits."""
        digest = hashlib.sha256(pdf).hexdigest()
        if digest in self.facts:
            return self.facts[digest]
        lim = self.limits
        self.total_bytes += len(pdf)
        if self.total_bytes > lim.max_bytes:
            raise InputProblem(
                "too-complex", f"the file and its attachments exceed {lim.max_bytes} bytes"
            )
        if len(self.facts) >= lim.max_pdfs:
            raise InputProblem("too-complex", f"more than {lim.max_pdfs} PDFs are attached inside")
        if depth > lim.max_depth:
            raise InputProblem(
                "too-complex", f"attachments are nested more than {lim.max_depth} levels deep"
            )
        try:
            sniff_pdf(pdf)
            facts, attachments = _read_facts(pdf, digest, lim, what)
        except InputProblem as exc:
            if depth == 0 or exc.kind == "too-complex":
                raise
            self.damage.append(exc.message)
            return _Facts(digest, [], {})
        self.facts[digest] = facts
        self.pdfs[digest] = pdf
        self.damage.extend(facts.damage)
        for att in attachments:
            if att.is_pdf:
                self.add(att.data, depth + 1, f"the attached file {att.name!r}")
            elif len(att.data) <= _MAX_ENVELOPE and att.data.lstrip()[:1] == b"{":
                try:
                    env = SignedManifest.from_json(att.data)
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue  # an attachment that is JSON but not a manifest envelope
                self.envelopes.setdefault(env.sha256, env)
        return facts


def _problem_from(exc: BaseException, what: str) -> InputProblem:
    if isinstance(exc, InputProblem):
        return exc
    if isinstance(exc, PdfDecodeLimitError | RecursionError | MemoryError):
        return InputProblem(
            "too-complex", f"{what} is too complex to check safely: {type(exc).__name__}: {exc}"
        )
    text = str(exc) or type(exc).__name__
    return InputProblem("damaged", f"{what} is damaged or truncated: {text}"[:500])


def _read_facts(pdf: bytes, digest: str, lim: Limits, what: str) -> tuple[_Facts, list[Attachment]]:
    if b"%%EOF" not in pdf[-2048:]:
        raise InputProblem("damaged", f"{what} is truncated: it does not end with %%EOF")
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        revisions = reader.xrefs.total_revisions
        if revisions > lim.max_revisions:
            raise InputProblem(
                "too-complex", f"{what} has {revisions} revisions; at most {lim.max_revisions}"
            )
        objects = sum(len(reader.xrefs.explicit_refs_in_revision(r)) for r in range(revisions))
        if objects > lim.max_objects:
            raise InputProblem(
                "too-complex", f"{what} has {objects} objects; at most {lim.max_objects}"
            )
        _ = reader.root["/Pages"]  # the catalog must parse
        embedded = list(reader.embedded_signatures)
        if len(embedded) > lim.max_signatures:
            raise InputProblem(
                "too-complex",
                f"{what} has {len(embedded)} signatures; at most {lim.max_signatures}",
            )
        signers = [_signer(sig) for sig in embedded]
    except Exception as exc:  # pyHanko raises many kinds on a damaged file
        raise _problem_from(exc, what) from exc
    try:
        attachments = list_attachments(reader)
    except Exception as exc:
        problem = _problem_from(exc, f"an attachment of {what}")
        if problem.kind == "too-complex":
            raise problem from exc
        # A damaged attached file (a changed byte in its compressed data) is the signatures'
        # business: the file still reads, and the checks say what is wrong.
        return _Facts(digest, signers, {}, [problem.message]), []
    names = {a.sha256: a.description or a.name for a in attachments}
    return _Facts(digest, signers, names), attachments


def _signer(sig: Any) -> Signer:
    obj = sig.sig_object
    try:
        cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
        subject: str | None = subject_text(cert)
        orgs = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
        organisation = str(orgs[0].value) if orgs else None
        serial: str | None = format(cert.serial_number, "x")
        issuer: str | None = cert.issuer.rfc4514_string({x509.NameOID.EMAIL_ADDRESS: "E"})
    except Exception:  # a mangled CMS blob: the validator names the failure
        subject = organisation = serial = issuer = None
    try:
        when = sig.self_reported_timestamp
        signed_at = iso_vn(when) if when is not None else None
    except Exception:
        signed_at = None
    reason = obj.get("/Reason")
    return Signer(
        field_name=str(sig.field_name),
        subject=subject,
        organisation=organisation,
        serial=serial,
        issuer=issuer,
        signed_at=signed_at,
        reason=None if reason is None else str(reason),
        manifest_sha256=sig_contact_manifest(obj.get("/ContactInfo")),
    )


# -- the report --------------------------------------------------------------------------------


@dataclass
class LinkView:
    """One document of the chain as a person reads it (depth 0 = the file asked about)."""

    depth: int
    role: str  # "copy" or "original"
    kind: str | None  # the copy form from the manifest: "SAO_Y", "SAO_LUC", "TRICH_SAO"
    office: str | None  # the copying office (manifest), else the signer certificate's O
    notation: str | None
    notation_source: str | None  # "manifest", "child manifest", "signature reason", "attachment"
    pdf_sha256: str
    manifest_sha256: str | None
    available: bool  # False: the original is only known by the digest its copy attests
    signers: list[Signer]
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def signer(self) -> Signer | None:
        """The last signature, which certifies the document as it stands."""
        return self.signers[-1] if self.signers else None

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_dict(self) -> dict[str, Any]:
        last = self.signer
        return {
            "depth": self.depth,
            "role": self.role,
            "kind": self.kind,
            "office": self.office,
            "notation": self.notation,
            "notation_source": self.notation_source,
            "pdf_sha256": self.pdf_sha256,
            "manifest_sha256": self.manifest_sha256,
            "available": self.available,
            "subject": last.subject if last else None,
            "serial": last.serial if last else None,
            "signed_at": last.signed_at if last else None,
            "signers": [s.to_dict() for s in self.signers],
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass
class VerificationReport:
    sha256: str
    links: list[LinkView]
    notes: list[str]
    chain: ChainReport = field(repr=False)
    unsigned: bool = False

    @property
    def ok(self) -> bool:
        return not self.unsigned and bool(self.links) and all(ln.ok for ln in self.links)

    @property
    def verdict(self) -> Verdict:
        if self.unsigned:
            return "UNSIGNED"
        return "VALID" if self.ok else "INVALID"

    @property
    def reasons(self) -> list[str]:
        """Every failed check: 'link N (notation): check: reason'."""
        return [
            f"link {ln.depth} ({ln.notation or (ln.signer.subject if ln.signer else None) or '?'})"
            f": {c.name}: {c.reason}"
            for ln in self.links
            for c in ln.checks
            if not c.ok
        ]

    @property
    def path(self) -> str:
        """'30-SL/VPDUK → 397-BS/VPTU → 160-TB/TW'."""
        return " → ".join(ln.notation or f"(sha256 {ln.pdf_sha256[:12]}…)" for ln in self.links)

    def summary(self) -> str:
        if self.unsigned:
            return "the PDF carries no digital signature, so there is nothing to verify"
        if self.ok:
            n = len(self.links)
            return (
                "every signature and every link of the chain checks out"
                if n > 1
                else "every signature in the file checks out"
            )
        bad = len(self.reasons)
        return f"{bad} check{'s' if bad != 1 else ''} failed: " + "; ".join(self.reasons[:3])

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "verdict": self.verdict,
            "ok": self.ok,
            "summary": self.summary(),
            "chain": [ln.notation for ln in self.links],
            "reasons": self.reasons,
            "links": [ln.to_dict() for ln in self.links],
            "notes": list(self.notes),
        }

    def text(self, name: str | None = None) -> str:
        """A report in plain words, one block per link (✓ passed, ✗ failed)."""
        out = [
            f"Verification of {name or 'the file'} (sha256 {self.sha256})",
            f"Verdict: {self.verdict} — {self.summary()}",
        ]
        if self.links:
            out.append(f"Chain: {self.path}")
        for ln in self.links:
            out.append("")
            what = "the file" if ln.depth == 0 else f"source of link {ln.depth - 1}"
            head = f"[{ln.depth}] {ln.notation or 'notation unknown'} — {ln.role} ({what})"
            if ln.notation_source:
                head += f", notation from the {ln.notation_source}"
            out.append(head)
            out.append(f"    pdf sha256:  {ln.pdf_sha256}")
            if ln.manifest_sha256:
                out.append(f"    manifest:    sha256 {ln.manifest_sha256}")
            if not ln.available:
                out.append(
                    "    not checked: this document is not inside the file and was not supplied; "
                    "it is identified only by the digest above"
                )
            for s in ln.signers:
                label = f"signer ({s.field_name})" if len(ln.signers) > 1 else "signer"
                out.append(f"    {label + ':':<13}{s.subject or 'unreadable certificate'}")
                out.append(f"    {'certificate:':<13}serial {s.serial or '?'}, issued by "
                           f"{s.issuer or '?'}")
                when = format_stamp_time(parse_iso(s.signed_at)) if s.signed_at else "not recorded"
                out.append(f"    {'signed at:':<13}{when}")
            if ln.available and not ln.signers:
                out.append("    no digital signature in this PDF")
            for c in ln.checks:
                out.append(f"    {'✓' if c.ok else '✗'} {c.name}: {c.reason}")
        if self.notes:
            out.append("")
            out.append("Notes:")
            out.extend(f"  - {n}" for n in self.notes)
        return "\n".join(out) + "\n"


# -- verification ------------------------------------------------------------------------------

Resolver = Callable[[ParentRef], ResolvedParent | None]


def _notation_in(text: str | None) -> str | None:
    if not text:
        return None
    found = _NOTATION.findall(text)
    return found[-1] if found else None


def verify_pdf(
    pdf: bytes,
    trust: TrustStore,
    *,
    manifests: Sequence[SignedManifest] = (),
    sources: Sequence[bytes] = (),
    resolve: Resolver | None = None,
    limits: Limits = Limits(),
) -> VerificationReport:
    """Verify `pdf`, every signature in it and in its attached parents, down to the original.

    `manifests`: signed manifests for any link (matched by the digest each signature records).
    `sources`: PDFs that may be parents (the original of a first-level copy).
    `resolve`: asked for a parent (or its manifest) that neither of the above supplies.
    Raises `InputProblem` when the file cannot be verified at all.
    """
    sniff_pdf(pdf)
    scan = _Scan(limits)
    top = scan.add(pdf)
    for i, src in enumerate(sources):
        scan.add(src, 1, f"source file {i + 1}")
    given = {m.sha256: m for m in manifests}
    for digest, env in given.items():
        scan.envelopes[digest] = env
    notes: list[str] = []

    def parent(ref: ParentRef) -> ResolvedParent | None:
        got_pdf = scan.pdfs.get(ref.pdf_sha256 or "")
        env = scan.envelopes.get(ref.manifest_sha256 or "")
        if (got_pdf is None or env is None) and resolve is not None:
            extra = resolve(ref)
            if extra is not None:
                if got_pdf is None and extra.pdf is not None:
                    scan.add(extra.pdf, 1, f"the source {ref.notation or 'document'}")
                    got_pdf = extra.pdf
                if env is None and extra.manifest is not None:
                    env = (
                        extra.manifest
                        if isinstance(extra.manifest, SignedManifest)
                        else read_manifest(extra.manifest)
                    )
        if got_pdf is None and env is None:
            return None
        return ResolvedParent(pdf=got_pdf, manifest=env)

    top_digest = top.signers[-1].manifest_sha256 if top.signers else None
    top_env = scan.envelopes.get(top_digest or "")
    if top_env is None:
        recorded = {s.manifest_sha256 for f in scan.facts.values() for s in f.signers}
        stray = [m for m in manifests if m.sha256 not in recorded]
        if stray:
            top_env = stray[0]  # reported as a binding failure, never silently dropped
    for m in manifests:
        if m is not top_env and m.sha256 not in {
            s.manifest_sha256 for f in scan.facts.values() for s in f.signers
        }:
            notes.append(f"the manifest {m.sha256} matches no signature in the file; not used")
    report = verify_chain(pdf, trust, parent, top_env, max_depth=limits.max_depth)
    links = [_view(link, scan) for link in report.links]
    _name_links(links, scan)
    _close_chain(links, scan, notes)
    notes.extend(scan.damage)
    if not top.signers:
        notes.append("the PDF carries no digital signature")
    return VerificationReport(top.sha256, links, notes, report, unsigned=not top.signers)


def _view(link: LinkResult, scan: _Scan) -> LinkView:
    facts = scan.facts.get(link.pdf_sha256)
    signers = list(facts.signers) if facts else []
    env = scan.envelopes.get(link.manifest_sha256 or "")
    manifest: dict[str, Any] = env.manifest if env is not None else {}
    office = manifest.get("office")
    name = office.get("name") if isinstance(office, dict) else None
    kind = manifest.get("kind")
    return LinkView(
        depth=link.depth,
        role=link.role,
        kind=kind if isinstance(kind, str) else None,
        office=str(name) if name else (signers[-1].organisation if signers else None),
        notation=link.notation,
        notation_source=(
            "manifest" if link.manifest_sha256 else "child manifest" if link.notation else None
        ),
        pdf_sha256=link.pdf_sha256,
        manifest_sha256=link.manifest_sha256,
        available=True,
        signers=signers,
        checks=list(link.checks),
    )


def _source_of(link: LinkView, scan: _Scan) -> dict[str, Any] | None:
    env = scan.envelopes.get(link.manifest_sha256 or "")
    if env is None:
        return None
    try:
        source = env.manifest.get("source")
    except ValueError:
        return None
    return source if isinstance(source, dict) else None


def _name_links(links: list[LinkView], scan: _Scan) -> None:
    """Fill each missing notation from the child's manifest, the /Reason, or the attachment."""
    for i, ln in enumerate(links):
        if ln.notation:
            continue
        child = links[i - 1] if i > 0 else None
        source = _source_of(child, scan) if child else None
        if source and isinstance(source.get("notation"), str) and source["notation"]:
            ln.notation, ln.notation_source = source["notation"], "child manifest"
            continue
        from_reason = _notation_in(ln.signer.reason if ln.signer else None)
        if from_reason:
            ln.notation, ln.notation_source = from_reason, "signature reason"
            continue
        child_facts = scan.facts.get(child.pdf_sha256) if child else None
        described = _notation_in(child_facts.attachment_names.get(ln.pdf_sha256)) if child_facts else None
        if described:
            ln.notation, ln.notation_source = described, "attachment"


def _close_chain(links: list[LinkView], scan: _Scan, notes: list[str]) -> None:
    """The chain ends at a copy whose manifest names an original that is not at hand (a trích
    sao carries only its pages; an older copy may not carry its source): list the original as
    known by its digest only, so the path still reads down to it."""
    if not links:
        return
    last = links[-1]
    source = _source_of(last, scan)
    if source is None or source.get("kind") != "original":
        return
    digest = str(source.get("sha256") or "")
    notation = source.get("notation") if isinstance(source.get("notation"), str) else None
    links.append(
        LinkView(
            depth=last.depth + 1,
            role="original",
            kind=None,
            office=None,
            notation=notation,
            notation_source="child manifest" if notation else None,
            pdf_sha256=digest,
            manifest_sha256=None,
            available=False,
            signers=[],
            checks=[],
        )
    )
    notes.append(
        f"the original {notation or ''} was not checked: its file is not inside the copy; supply "
        "it (--source FILE) to check its digest and signature"
    )


def verify_file(
    path: Path,
    trust: TrustStore,
    *,
    manifest_paths: Sequence[Path] = (),
    source_paths: Sequence[Path] = (),
    limits: Limits = Limits(),
) -> VerificationReport:
    """`verify_pdf` on files; OSError when a file cannot be read, InputProblem when it is bad."""
    pdf = path.read_bytes()
    manifests = [read_manifest(p.read_bytes()) for p in manifest_paths]
    sources = [p.read_bytes() for p in source_paths]
    return verify_pdf(
        pdf,
        trust,
        manifests=manifests,
        sources=sources,
        limits=limits,
    )
