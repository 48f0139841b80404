"""What the register knows of a verified chain: parents and manifests by digest, and each link
matched to a certified copy or a document (by digest, else by notation).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.context import AppContext
from app.db import CertifiedCopy, Document, DocumentFile
from app.domain.notation import notation_key
from app.storage import StorageError
from signing import (
    InputProblem,
    ParentRef,
    ResolvedParent,
    SignedManifest,
    VerificationReport,
    read_manifest,
)

log = logging.getLogger(__name__)


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


def envelope_of(ctx: AppContext, copy: CertifiedCopy) -> SignedManifest | None:
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
                    env = envelope_of(ctx, copy)
            if ref.pdf_sha256:
                copy = s.scalar(select(CertifiedCopy).where(
                    CertifiedCopy.pdf_sha256 == ref.pdf_sha256).limit(1))
                known = copy is not None or s.scalar(select(DocumentFile.id).where(
                    DocumentFile.sha256 == ref.pdf_sha256).limit(1)) is not None
                if known:
                    pdf = _stored(ctx, ref.pdf_sha256)
                if env is None and copy is not None:
                    env = envelope_of(ctx, copy)
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


def _copy_match(depth: int, copy: CertifiedCopy, same_file: bool) -> RegisterMatch:
    office = copy.organisation.code
    detail = (f"certified copy {copy.notation} in the copy register of {office}: the same file"
              if same_file else
              f"certified copy {copy.notation} of {office} has this notation, but the register "
              f"holds a different file (sha256 {copy.pdf_sha256})")
    return RegisterMatch(depth, True, "copy", copy.id, copy.notation, office,
                         "pdf digest" if same_file else "notation", same_file, detail)


def _document_match(depth: int, doc: Document, same_file: bool) -> RegisterMatch:
    issuer = doc.issuer.code
    detail = (f"document {doc.notation} of {issuer}: the same file" if same_file else
              f"document {doc.notation} of {issuer} has this notation, but none of its files "
              "has this digest")
    return RegisterMatch(depth, True, "document", doc.id, doc.notation, issuer,
                         "file digest" if same_file else "notation", same_file, detail)


def _find(s: Session, depth: int, digest: str, notation: str | None) -> RegisterMatch:
    copies = select(CertifiedCopy).options(selectinload(CertifiedCopy.organisation)).limit(1)
    copy = s.scalar(copies.where(CertifiedCopy.pdf_sha256 == digest))
    if copy is not None:
        return _copy_match(depth, copy, same_file=True)
    doc_file = s.scalar(select(DocumentFile).options(
        selectinload(DocumentFile.document).selectinload(Document.issuer))
        .where(DocumentFile.sha256 == digest).limit(1))
    if doc_file is not None:
        return _document_match(depth, doc_file.document, same_file=True)
    if notation:
        key = notation_key(notation)
        copy = s.scalar(copies.where(CertifiedCopy.notation_key == key))
        if copy is not None:
            return _copy_match(depth, copy, same_file=False)
        named = s.scalar(select(Document).options(selectinload(Document.issuer))
                         .where(Document.notation_key == key).limit(1))
        if named is not None:
            return _document_match(depth, named, same_file=False)
    return _not_found(depth, digest, notation)


def match_links(ctx: AppContext, report: VerificationReport,
                levels: tuple[str, ...] | None = None) -> list[RegisterMatch]:
    with ctx.reading() as s:
        return [_match(s, ln.depth, ln.pdf_sha256, ln.notation, levels) for ln in report.links]
