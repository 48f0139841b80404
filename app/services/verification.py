"""Verification of signed PDFs against the register: by upload and by reference.

The checks themselves are `signing.offline.verify_pdf` (every signature in the PDF and in its
attached parents, the chain down to the original). This module adds what the service knows:

- parents and manifests the file does not carry are looked up by digest in the register
  (certified copies by their PDF or manifest digest, documents by the digest of their files), and
  read from the file store;
- each link of the chain is matched to the register (a certified copy by PDF digest, else by
  notation; a document by file digest, else by notation), and what could not be matched is listed;
- an uploaded file is untrusted, so the check runs in a child process with a time limit and an
  address-space limit (`Budget`): a PDF bomb gets a 422, never a hung or killed server.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.context import AppContext
from app.db import CertifiedCopy, Document, DocumentFile
from app.domain.dates import to_vn
from app.domain.notation import notation_key
from app.errors import Invalid, NotFound, PayloadTooLarge, UnsupportedMedia
from app.render.verification_report import ReportLink, VerificationReportData
from app.services.revoked_links import Revocation, revoked_among
from app.storage import StorageError
from signing.chain import ParentRef, ResolvedParent
from signing.manifest import SignedManifest
from signing.offline import InputProblem, Limits, VerificationReport, read_manifest, sniff_pdf
from signing.timefmt import parse_iso
from signing.trust import TrustStore

log = logging.getLogger(__name__)
MiB = 1024 * 1024
MAX_MANIFEST_BYTES = MiB


class DamagedPdf(Invalid):
    title = "Damaged PDF"
    type_slug = "damaged-pdf"


class TooComplexPdf(Invalid):
    title = "PDF too complex to verify"
    type_slug = "pdf-too-complex"


@dataclass(frozen=True)
class Budget:
    """What one verification may use: wall-clock seconds, address space, and the input limits."""

    seconds: float = 60.0
    memory_bytes: int = 2048 * MiB
    limits: Limits = field(default_factory=Limits)


DEFAULT_BUDGET = Budget()


# -- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterMatch:
    """What the register knows of one link of the chain."""

    depth: int
    found: bool
    kind: str | None  # "copy" (sổ bản sao) or "document"
    id: int | None
    notation: str | None  # as the register writes it
    organisation: str | None  # the copying office or the issuer (code)
    by: str | None  # "pdf digest", "file digest" or "notation"
    same_file: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class Verification:
    subject: str  # what was verified, for people (file name or copy notation)
    report: VerificationReport
    matches: list[RegisterMatch]
    #: Links of the chain their office has revoked (the copy itself or a copy it was made from).
    revocations: list[Revocation] = field(default_factory=list)

    @property
    def unmatched(self) -> list[str]:
        return [m.detail for m in self.matches if not m.found]

    @property
    def revoked(self) -> bool:
        return bool(self.revocations)

    def revocation_reasons(self) -> list[str]:
        return [f"{r.notation} was revoked by {r.office} on {to_vn(r.revoked_at):%d/%m/%Y}: "
                f"{r.reason}" for r in self.revocations]

    def to_dict(self) -> dict[str, Any]:
        out = self.report.to_dict()
        by_depth = {m.depth: m for m in self.matches}
        for link in out["links"]:
            match = by_depth.get(link["depth"])
            link["register_entry"] = match.to_dict() if match else None
        out["subject"] = self.subject
        out["unmatched"] = self.unmatched
        out["revocations"] = [r.to_dict() for r in self.revocations]
        if self.revoked:
            # The signatures may all hold; the register says the copy no longer stands.
            out["verdict"], out["ok"] = "REVOKED", False
            out["reasons"] = [*self.revocation_reasons(), *out["reasons"]]
            out["summary"] = "REVOKED: " + "; ".join(self.revocation_reasons())
        return out


# -- running the check in a bounded child process ----------------------------------------------

_mp_lock = threading.Lock()
_mp_context: Any = None


def _context() -> Any:
    """A forkserver context (children fork from a clean, single-threaded server that has
    pyHanko loaded, never from the threaded web server)."""
    global _mp_context
    with _mp_lock:
        if _mp_context is None:
            ctx = multiprocessing.get_context("forkserver")
            # What a check loads lazily too, so that each child starts warm.
            ctx.set_forkserver_preload(["app.services.verification", "pyhanko.pdf_utils.filters",
                                        "cryptography.hazmat.backends.openssl"])
            _mp_context = ctx
        return _mp_context


def _trust_payload(trust: TrustStore) -> tuple[list[bytes], list[bytes], list[bytes], str]:
    from cryptography.hazmat.primitives.serialization import Encoding

    der = Encoding.DER
    return (
        [c.public_bytes(der) for c in trust.roots],
        [c.public_bytes(der) for c in trust.intermediates],
        [c.public_bytes(der) for c in trust.crls],
        trust.revocation_mode,
    )


def _child(conn: Connection, pdf: bytes, manifests: list[bytes],
           trust: tuple[list[bytes], list[bytes], list[bytes], str], limits: Limits,
           memory_bytes: int) -> None:  # pragma: no cover - runs in the child process
    import resource

    from signing.offline import verify_pdf

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    roots, inters, crls, mode = trust
    store = TrustStore.from_pem(roots, crls, inters, mode)

    def resolve(ref: ParentRef) -> ResolvedParent | None:
        conn.send(("resolve", ref))
        answer: ResolvedParent | None = conn.recv()
        return answer

    try:
        report = verify_pdf(pdf, store, manifests=[read_manifest(m) for m in manifests],
                            resolve=resolve, limits=limits)
        conn.send(("report", report))
    except InputProblem as exc:
        conn.send(("problem", exc.kind, exc.message))
    except MemoryError:
        conn.send(("problem", "too-complex", "the PDF needs more memory to check than allowed"))
    except Exception as exc:  # untrusted input reached a corner of pyHanko: report, not crash
        conn.send(("problem", "damaged", f"the PDF could not be checked: {type(exc).__name__}: "
                                         f"{exc}"[:500]))
    finally:
        conn.close()


def run_bounded(pdf: bytes, manifests: Sequence[SignedManifest], trust: TrustStore,
                resolve: Callable[[ParentRef], ResolvedParent | None] | None,
                budget: Budget) -> VerificationReport:
    """`verify_pdf` in a child process, killed after `budget.seconds`; `resolve` runs here (it
    may use the database). Raises InputProblem for bad input, a timeout or a memory overrun."""
    mp = _context()
    here, there = mp.Pipe()
    proc = mp.Process(target=_child, daemon=True, args=(
        there, pdf, [m.to_json() for m in manifests], _trust_payload(trust), budget.limits,
        budget.memory_bytes))
    proc.start()
    there.close()
    deadline = time.monotonic() + budget.seconds
    too_long = InputProblem(
        "too-complex", f"the check did not finish within {budget.seconds:g} s; the PDF is too "
        "complex to verify here")
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not here.poll(left):
                raise too_long
            try:
                message = here.recv()
            except (EOFError, OSError) as exc:
                raise InputProblem(
                    "too-complex", "the check stopped before it finished (it needed more memory "
                    f"than the {budget.memory_bytes // MiB} MiB allowed)") from exc
            if message[0] == "resolve":
                here.send(resolve(message[1]) if resolve is not None else None)
            elif message[0] == "report":
                report: VerificationReport = message[1]
                return report
            else:
                raise InputProblem(message[1], message[2])
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        here.close()


# -- the register ----------------------------------------------------------------------------


def _envelope(ctx: AppContext, copy: CertifiedCopy) -> SignedManifest | None:
    """The copy's signed manifest envelope from the file store, if it is there."""
    digest = copy.envelope_sha256
    if digest is None:
        return None
    try:
        return read_manifest(ctx.store.get(digest))
    except (StorageError, InputProblem) as exc:
        log.warning("copy %s: manifest envelope %s unusable: %s", copy.id, digest, exc)
        return None


def _stored(ctx: AppContext, digest: str) -> bytes | None:
    try:
        return ctx.store.get(digest)
    except (StorageError, ValueError):
        return None


def register_resolver(ctx: AppContext) -> Callable[[ParentRef], ResolvedParent | None]:
    """Parents and manifests by digest: certified copies, then documents' files."""

    def resolve(ref: ParentRef) -> ResolvedParent | None:
        pdf: bytes | None = None
        env: SignedManifest | None = None
        with ctx.reading() as s:
            if ref.manifest_sha256:
                copy = s.scalar(select(CertifiedCopy).where(
                    CertifiedCopy.manifest_sha256 == ref.manifest_sha256).limit(1))
                if copy is not None:
                    env = _envelope(ctx, copy)
            if ref.pdf_sha256:
                copy = s.scalar(select(CertifiedCopy).where(
                    CertifiedCopy.pdf_sha256 == ref.pdf_sha256).limit(1))
                known = copy is not None or s.scalar(select(DocumentFile.id).where(
                    DocumentFile.sha256 == ref.pdf_sha256).limit(1)) is not None
                if known:
                    pdf = _stored(ctx, ref.pdf_sha256)
                if env is None and copy is not None:
                    env = _envelope(ctx, copy)
        if pdf is None and env is None:
            return None
        return ResolvedParent(pdf=pdf, manifest=env)

    return resolve


def _match(s: Session, depth: int, digest: str, notation: str | None,
           levels: tuple[str, ...] | None = None) -> RegisterMatch:
    """What the register holds for one link; with ``levels`` (the caller's clearance) a document
    or copy above it is not named: to that caller the register does not hold it."""
    match = _find(s, depth, digest, notation)
    if levels is None or match.kind is None or match.id is None:
        return match
    doc_level = s.scalar(select(Document.confidentiality).where(Document.id == (
        match.id if match.kind == "document" else
        select(CertifiedCopy.document_id).where(CertifiedCopy.id == match.id)
        .scalar_subquery())))
    if doc_level in levels:
        return match
    return _not_found(depth, digest, notation)


def _not_found(depth: int, digest: str, notation: str | None) -> RegisterMatch:
    what = notation or f"sha256 {digest}"
    return RegisterMatch(depth, False, None, None, None, None, None, False,
                         f"link {depth} ({what}): not in the register, neither by digest nor by "
                         "notation")


def _find(s: Session, depth: int, digest: str, notation: str | None) -> RegisterMatch:
    copy = s.scalar(select(CertifiedCopy).options(selectinload(CertifiedCopy.organisation))
                    .where(CertifiedCopy.pdf_sha256 == digest).limit(1))
    if copy is not None:
        return RegisterMatch(depth, True, "copy", copy.id, copy.notation, copy.organisation.code,
                             "pdf digest", True,
                             f"certified copy {copy.notation} in the copy register of "
                             f"{copy.organisation.code}: the same file")
    doc_file = s.scalar(select(DocumentFile).options(
        selectinload(DocumentFile.document).selectinload(Document.issuer))
        .where(DocumentFile.sha256 == digest).limit(1))
    if doc_file is not None:
        doc = doc_file.document
        return RegisterMatch(depth, True, "document", doc.id, doc.notation, doc.issuer.code,
                             "file digest", True,
                             f"document {doc.notation} of {doc.issuer.code}: the same file")
    if notation:
        key = notation_key(notation)
        copy = s.scalar(select(CertifiedCopy).options(selectinload(CertifiedCopy.organisation))
                        .where(CertifiedCopy.notation_key == key).limit(1))
        if copy is not None:
            return RegisterMatch(depth, True, "copy", copy.id, copy.notation,
                                 copy.organisation.code, "notation", False,
                                 f"certified copy {copy.notation} of {copy.organisation.code} has "
                                 "this notation, but the register holds a different file "
                                 f"(sha256 {copy.pdf_sha256})")
        named = s.scalar(select(Document).options(selectinload(Document.issuer))
                         .where(Document.notation_key == key).limit(1))
        if named is not None:
            return RegisterMatch(depth, True, "document", named.id, named.notation,
                                 named.issuer.code, "notation", False,
                                 f"document {named.notation} of {named.issuer.code} has this "
                                 "notation, but none of its files has this digest")
    return _not_found(depth, digest, notation)


def match_links(ctx: AppContext, report: VerificationReport,
                levels: tuple[str, ...] | None = None) -> list[RegisterMatch]:
    with ctx.reading() as s:
        return [_match(s, ln.depth, ln.pdf_sha256, ln.notation, levels) for ln in report.links]


# -- use cases ---------------------------------------------------------------------------------


def _input_error(exc: InputProblem, field_name: str) -> Exception:
    if exc.kind == "not-pdf":
        return UnsupportedMedia(exc.message, field=field_name)
    if exc.kind == "too-complex":
        return TooComplexPdf(exc.message, field=field_name)
    return DamagedPdf(exc.message, field=field_name)


def _verify(ctx: AppContext, subject: str, pdf: bytes, manifests: list[SignedManifest],
            budget: Budget | None, levels: tuple[str, ...] | None = None) -> Verification:
    try:
        report = run_bounded(pdf, manifests, ctx.keys.trust_store(), register_resolver(ctx),
                             budget or DEFAULT_BUDGET)
    except InputProblem as exc:
        raise _input_error(exc, "file") from exc
    with ctx.reading() as s:
        revoked = revoked_among(s, [ln.pdf_sha256 for ln in report.links])
    ordered = [revoked[ln.pdf_sha256] for ln in report.links if ln.pdf_sha256 in revoked]
    return Verification(subject, report, match_links(ctx, report, levels), ordered)


def verify_upload(ctx: AppContext, pdf_bytes: bytes, manifest_bytes: bytes | None = None, *,
                  filename: str | None = None, budget: Budget | None = None,
                  levels: tuple[str, ...] | None = None) -> Verification:
    """Verify a PDF someone received (and optionally its manifest) against our trust roots and
    the register. 413 too large, 415 not a PDF, 422 damaged/truncated or too complex.
    ``levels`` are the độ mật the caller may see: register entries above them are not named."""
    limit = ctx.settings.max_upload_bytes
    if len(pdf_bytes) > limit:
        raise PayloadTooLarge(f"the file is {len(pdf_bytes)} bytes; the limit is {limit} bytes",
                              field="file")
    try:
        sniff_pdf(pdf_bytes)
    except InputProblem as exc:
        raise _input_error(exc, "file") from exc
    manifests: list[SignedManifest] = []
    if manifest_bytes:
        if len(manifest_bytes) > MAX_MANIFEST_BYTES:
            raise PayloadTooLarge(f"the manifest is larger than {MAX_MANIFEST_BYTES} bytes",
                                  field="manifest")
        try:
            manifests.append(read_manifest(manifest_bytes))
        except InputProblem as exc:
            raise Invalid(exc.message, field="manifest") from exc
    from app.services.uploads import safe_filename

    return _verify(ctx, safe_filename(filename), pdf_bytes, manifests, budget, levels)


def verify_copy(ctx: AppContext, copy_id: int, *, budget: Budget | None = None) -> Verification:
    """Verify a certified copy of the register by reference: its PDF and manifest from the file
    store, its parents from its attachments or the store. The caller checks who may read it."""
    with ctx.reading() as s:
        copy = s.scalar(select(CertifiedCopy).options(selectinload(CertifiedCopy.organisation))
                        .where(CertifiedCopy.id == copy_id))
        if copy is None:
            raise NotFound(f"no certified copy {copy_id}")
        subject = f"{copy.notation} ({copy.organisation.code}), sha256 {copy.pdf_sha256}"
        env = _envelope(ctx, copy)
        pdf_sha256 = copy.pdf_sha256
    pdf = ctx.store.get(pdf_sha256)
    return _verify(ctx, subject, pdf, [env] if env is not None else [], budget)


# -- the auditor's PDF report ---------------------------------------------------------------

LABELS = {"SAO_Y": "Bản sao y", "SAO_LUC": "Bản sao lục", "TRICH_SAO": "Bản trích sao"}
CHECK_NAMES = {
    "digest": "Mã băm",
    "integrity": "Toàn vẹn",
    "signature": "Chữ ký",
    "modification": "Sửa đổi sau khi ký",
    "pyhanko trust": "Tin cậy (pyHanko)",
    "certificate path": "Đường dẫn chứng thư",
    "validity": "Hiệu lực chứng thư",
    "revocation": "Thu hồi",
    "key usage": "Mục đích khóa",
    "manifest": "Bản kê khai",
    "manifest binding": "Gắn bản kê khai",
    "signing time": "Thời gian ký",
    "manifest link": "Liên kết bản kê khai",
    "parent link": "Liên kết văn bản nguồn",
    "time order": "Thứ tự thời gian",
}


def _check_name(name: str) -> str:
    field_name, _, check = name.rpartition(": ")
    shown = CHECK_NAMES.get(check, check)
    return f"{field_name}: {shown}" if field_name else shown


def build_report_data(report: VerificationReport, matches: Sequence[RegisterMatch], *,
                      subject: str, generated_at: datetime,
                      revocations: Sequence[Revocation] = ()) -> VerificationReportData:
    """The report the auditor files: the chain with the original first, a mark per check."""
    links: list[ReportLink] = []
    notes: list[str] = []
    by_depth = {m.depth: m for m in matches}
    for ln in reversed(report.links):
        signer = ln.signer
        label = "Bản gốc" if ln.role == "original" else LABELS.get(ln.kind or "", "Bản sao")
        checks = [(_check_name(c.name), c.ok, c.reason) for c in ln.checks]
        if not ln.available:
            checks.append(("Tệp", True, "not inside the file; known only by the sha256 "
                                        f"{ln.pdf_sha256} its copy attests (not checked)"))
        links.append(ReportLink(
            label=label,
            notation=ln.notation or f"(sha256 {ln.pdf_sha256[:16]}…)",
            office=ln.office or "—",
            cert_subject=signer.subject if signer else None,
            cert_serial=int(signer.serial, 16) if signer and signer.serial else None,
            issuer_subject=signer.issuer if signer else None,
            signed_at=parse_iso(signer.signed_at) if signer and signer.signed_at else None,
            checks=checks,
        ))
        match = by_depth.get(ln.depth)
        if match is not None:
            where = "khớp sổ đăng ký" if match.found else "không có trong sổ đăng ký"
            notes.append(f"Cấp {len(report.links) - 1 - ln.depth} "
                         f"({ln.notation or ln.pdf_sha256[:16]}): {where} – {match.detail}")
    notes.extend(report.notes)
    if revocations:
        text = "; ".join(f"Bản sao {r.notation} đã bị {r.office} thu hồi ngày "
                         f"{to_vn(r.revoked_at):%d/%m/%Y}, lý do: {r.reason}"
                         for r in revocations)
    elif report.unsigned:
        text = "Tệp PDF không có chữ ký số nào để kiểm tra."
    elif report.ok:
        text = "Mọi chữ ký và mọi liên kết trong chuỗi đều hợp lệ."
    else:
        text = f"{len(report.reasons)} mục kiểm tra không đạt: " + "; ".join(report.reasons[:3])
    return VerificationReportData(
        title="BÁO CÁO KIỂM TRA CHỮ KÝ SỐ VÀ CHUỖI SAO VĂN BẢN",
        generated_at=generated_at,
        subject=f"{subject} (sha256 {report.sha256})",
        verdict_ok=report.ok and not revocations,
        verdict_text=text,
        links=links,
        notes=notes,
    )
