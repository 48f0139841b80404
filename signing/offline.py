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
from pathlib import Path
from typing import Any

from cryptography import x509

from signing.chain import LinkResult, ParentRef, ResolvedParent, verify_chain
from signing.manifest import SignedManifest
from signing.manifest_model import Manifest, SourceKind
from signing.pdf_read import InputProblem, Limits, PdfFile, read_pdf, sniff_pdf
from signing.pdf_sign import sig_contact_manifest
from signing.report import LinkView, Signer, VerificationReport
from signing.trust import TrustStore, _files, _load_certs, _load_crl

__all__ = ["InputProblem", "Limits", "LinkView", "Signer", "VerificationReport", "load_trust",
           "read_manifest", "sniff_pdf", "verify_file", "verify_pdf"]

#: A token that looks like a số và ký hiệu: "397-BS/VPTU", "15/2020/NĐ-CP", "05/SY-UBND".
_NOTATION = re.compile(r"\d+[-/][\wĐđ./-]*/[\wĐđ.-]+|\d+-[\wĐđ]+/[\wĐđ.-]+")
_MAX_ENVELOPE = 1024 * 1024


def read_manifest(data: bytes | str | dict[str, Any]) -> SignedManifest:
    """A signed-manifest envelope (docs/signing.md §2.3); `InputProblem('damaged')` otherwise."""
    try:
        return SignedManifest.from_json(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputProblem("damaged", f"the manifest is not a signed-manifest envelope: {exc}") from exc


def load_trust(
    path: Path, crl_files: Iterable[Path] = (), revocation_mode: str = "prefer"
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


# -- every PDF in the tree, read once (bounded) ----------------------------------------------


@dataclass
class _Scan:
    """The files of one verification: every PDF read once within `limits`, and every manifest
    envelope found attached. The chain walk reads its links from here (`read`)."""

    limits: Limits
    files: dict[str, PdfFile] = field(default_factory=dict)
    envelopes: dict[str, SignedManifest] = field(default_factory=dict)
    total_bytes: int = 0
    #: Damage found inside the file (an attachment that does not decode or parse). Not fatal:
    #: the signature checks then fail with their own reasons, and the verdict is INVALID.
    damage: list[str] = field(default_factory=list)

    def add(self, pdf: bytes, depth: int = 0, what: str = "the file") -> PdfFile:
        """Read `pdf` (and, recursively, the PDFs and manifests attached to it) within limits."""
        digest = hashlib.sha256(pdf).hexdigest()
        if digest in self.files:
            return self.files[digest]
        self._within_limits(len(pdf), depth)
        try:
            file = read_pdf(pdf, self.limits, what)
        except InputProblem as exc:
            if depth == 0 or exc.kind == "too-complex":
                raise
            self.damage.append(exc.message)
            return PdfFile(digest, pdf, error=exc.message)
        self.files[digest] = file
        self.damage.extend(file.damage)
        for att in file.attachments:
            if att.is_pdf:
                self.add(att.data, depth + 1, f"the attached file {att.name!r}")
            elif len(att.data) <= _MAX_ENVELOPE and att.data.lstrip()[:1] == b"{":
                try:
                    env = SignedManifest.from_json(att.data)
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue  # an attachment that is JSON but not a manifest envelope
                self.envelopes.setdefault(env.sha256, env)
        return file

    def _within_limits(self, size: int, depth: int) -> None:
        lim = self.limits
        self.total_bytes += size
        if self.total_bytes > lim.max_bytes:
            raise InputProblem(
                "too-complex", f"the file and its attachments exceed {lim.max_bytes} bytes"
            )
        if len(self.files) >= lim.max_pdfs:
            raise InputProblem("too-complex", f"more than {lim.max_pdfs} PDFs are attached inside")
        if depth > lim.max_depth:
            raise InputProblem(
                "too-complex", f"attachments are nested more than {lim.max_depth} levels deep"
            )

    def read(self, pdf: bytes) -> PdfFile:
        """The chain walk's reader: every PDF it reaches was read here already."""
        digest = hashlib.sha256(pdf).hexdigest()
        return self.files.get(digest) or self.add(pdf, 1, "a source document")

    def recorded_manifests(self) -> set[str | None]:
        """The manifest digests the signatures of the tree record."""
        return {_recorded(sig) for f in self.files.values() for sig in f.signatures}


def _recorded(sig: Any) -> str | None:
    try:
        return sig_contact_manifest(sig.sig_object.get("/ContactInfo"))
    except Exception:  # a mangled signature dictionary records nothing usable
        return None


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
    for env in manifests:
        scan.envelopes[env.sha256] = env
    notes: list[str] = []
    top_env = _top_manifest(top, scan, manifests, notes)
    chain = verify_chain(pdf, trust, _parents(scan, resolve), top_env,
                         max_depth=limits.max_depth, read=scan.read)
    links = [_view(link, scan) for link in chain.links]
    _name_links(links, scan)
    _close_chain(links, scan, notes)
    notes.extend(scan.damage)
    if not top.signatures:
        notes.append("the PDF carries no digital signature")
    return VerificationReport(top.sha256, links, notes, chain, unsigned=not top.signatures)


def _top_manifest(top: PdfFile, scan: _Scan, given: Sequence[SignedManifest],
                  notes: list[str]) -> SignedManifest | None:
    """The manifest of the file asked about: the one its last signature records; else one the
    caller gave that no signature records (reported as a binding failure, never dropped)."""
    recorded = scan.recorded_manifests()
    top_digest = _recorded(top.signatures[-1]) if top.signatures else None
    top_env = scan.envelopes.get(top_digest or "")
    if top_env is None:
        stray = [m for m in given if m.sha256 not in recorded]
        if stray:
            top_env = stray[0]
    for m in given:
        if m is not top_env and m.sha256 not in recorded:
            notes.append(f"the manifest {m.sha256} matches no signature in the file; not used")
    return top_env


def _parents(scan: _Scan, resolve: Resolver | None) -> Callable[[ParentRef], ResolvedParent | None]:
    """Parents and manifests from the file tree first, then from `resolve`."""

    def parent(ref: ParentRef) -> ResolvedParent | None:
        got_pdf = scan.files.get(ref.pdf_sha256 or "")
        env = scan.envelopes.get(ref.manifest_sha256 or "")
        pdf = got_pdf.data if got_pdf is not None else None
        if (pdf is None or env is None) and resolve is not None:
            extra = resolve(ref)
            if extra is not None:
                if pdf is None and extra.pdf is not None:
                    scan.add(extra.pdf, 1, f"the source {ref.notation or 'document'}")
                    pdf = extra.pdf
                if env is None and extra.manifest is not None:
                    env = (extra.manifest if isinstance(extra.manifest, SignedManifest)
                           else read_manifest(extra.manifest))
        if pdf is None and env is None:
            return None
        return ResolvedParent(pdf=pdf, manifest=env)

    return parent


def _content(scan: _Scan, manifest_sha256: str | None) -> Manifest | None:
    env = scan.envelopes.get(manifest_sha256 or "")
    return env.content if env is not None else None


def _view(link: LinkResult, scan: _Scan) -> LinkView:
    signers = [Signer.of(sig) for sig in link.signatures]
    content = _content(scan, link.manifest_sha256)
    office = content.office.name if content is not None else None
    return LinkView(
        depth=link.depth,
        role=link.role,
        kind=content.kind.value if content is not None else None,
        office=office or (signers[-1].organisation if signers else None),
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


def _name_links(links: list[LinkView], scan: _Scan) -> None:
    """Fill each missing notation from the child's manifest, the /Reason, or the attachment."""
    for i, ln in enumerate(links):
        if ln.notation:
            continue
        child = links[i - 1] if i > 0 else None
        source = _content(scan, child.manifest_sha256) if child else None
        if source is not None and source.source.notation:
            ln.notation, ln.notation_source = source.source.notation, "child manifest"
            continue
        from_reason = _notation_in(ln.signer.reason if ln.signer else None)
        if from_reason:
            ln.notation, ln.notation_source = from_reason, "signature reason"
            continue
        child_file = scan.files.get(child.pdf_sha256) if child else None
        names = {a.sha256: a.description or a.name for a in child_file.attachments} \
            if child_file else {}
        described = _notation_in(names.get(ln.pdf_sha256))
        if described:
            ln.notation, ln.notation_source = described, "attachment"


def _close_chain(links: list[LinkView], scan: _Scan, notes: list[str]) -> None:
    """The chain ends at a copy whose manifest names an original that is not at hand (a trích
    sao carries only its pages; an older copy may not carry its source): list the original as
    known by its digest only, so the path still reads down to it."""
    if not links:
        return
    last = links[-1]
    content = _content(scan, last.manifest_sha256)
    if content is None or content.source.kind is not SourceKind.ORIGINAL:
        return
    notation = content.source.notation or None
    links.append(
        LinkView(
            depth=last.depth + 1,
            role="original",
            kind=None,
            office=None,
            notation=notation,
            notation_source="child manifest" if notation else None,
            pdf_sha256=content.source.sha256,
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
