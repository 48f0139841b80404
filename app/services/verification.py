"""Verification of signed PDFs against the register: by upload and by reference.

The checks themselves are `signing.verify_pdf` (every signature in the PDF and in its
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

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.context import AppContext
from app.db import CertifiedCopy
from app.domain.dates import to_vn
from app.errors import Invalid, NotFound, PayloadTooLarge, UnsupportedMedia
from app.services.register_match import RegisterMatch, envelope_of, match_links, register_resolver
from app.services.revoked_links import Revocation, revoked_among
from app.services.verification_pdf import build_report_data
from app.services.verification_sandbox import DEFAULT_BUDGET, Budget, run_bounded
from signing import InputProblem, SignedManifest, read_manifest, sniff_pdf
from signing import VerificationReport as VerificationReport

__all__ = ["DEFAULT_BUDGET", "Budget", "DamagedPdf", "TooComplexPdf", "Verification",
           "build_report_data", "verify_copy", "verify_upload"]

MAX_MANIFEST_BYTES = 1024 * 1024


class DamagedPdf(Invalid):
    title = "Damaged PDF"
    type_slug = "damaged-pdf"


class TooComplexPdf(Invalid):
    title = "PDF too complex to verify"
    type_slug = "pdf-too-complex"


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
        env = envelope_of(ctx, copy)
        pdf_sha256 = copy.pdf_sha256
    pdf = ctx.store.get(pdf_sha256)
    return _verify(ctx, subject, pdf, [env] if env is not None else [], budget)
