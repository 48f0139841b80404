"""Issuing certified copies (bản sao) and reading the copy register (sổ bản sao).

Approving a request issues the copy in one unit of work: lock the request, take the next number
of the office's copy series, render and sign the PDF and the manifest, store both, write the
register row and the nơi nhận lines, deliver to the recipients' inboxes. If any step fails the
transaction rolls back (the number is given back) and the stored files are removed.
The signing time is the service's clock, never a value a client sends.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import CertifiedCopy, CopyRequest, Document, Organisation
from app.db.filters import Equals, InOrganisation, InYear, KeysetPage, VisibleTo, apply
from app.db.loads import COPY_LOADS
from app.domain.audit_actions import AuditAction
from app.domain.copy_forms import CopyKind, copy_notation, filing_line
from app.domain.dates import format_signing_time_iso, to_vn
from app.domain.doc_types import Family
from app.domain.errors import DomainError
from app.domain.fields import (
    Line200,
    ShortText,
    Strict,
)
from app.domain.marks import Confidentiality
from app.domain.notation import notation_key
from app.domain.numbering import RegisterKind
from app.domain.statuses import CopyRequestStatus
from app.errors import Conflict, Forbidden, Invalid, NotFound, Unavailable
from app.services import (
    audit_log,
    copy_requests,
    dispatches,
    documents,
    numbering,
    search_index,
)
from app.services.access import Principal, readable_org_ids, require_read
from app.services.copy_pdf import CopyOffice, CopySpec, make_copy_files
from app.services.copy_requests import Source
from app.services.dispatches import RecipientIn
from app.services.organisations import get_by_code
from app.storage import StorageError
from signing import TokenError


class ApproveIn(Strict):
    signer_title: Line200 = Field(examples=["CHÁNH VĂN PHÒNG"])
    signer_name: Line200 = Field(examples=["Lê Văn Chiến"])
    signer_authority: Line200 | None = Field(None, examples=["KT. CHÁNH VĂN PHÒNG"])
    archive_line: ShortText | None = Field(
        None, description="the last nơi nhận line; by default \"Lưu VT\" (Party) or "
        "\"Lưu: VT\" (State), and a State office's own line gets the colon",
        examples=["Lưu Văn phòng Tỉnh ủy"])


def office_of(org: Organisation) -> CopyOffice:
    short = org.short_name or org.name
    return CopyOffice(
        code=org.code, name=org.name,
        parent_name=None if org.parent is None else org.parent.name,
        short_name=short, email=org.email or f"{org.code.lower()}@vanthu.invalid",
        family=Family(org.family), signature_office=org.signature_office or short,
        signer_line_first=org.signer_line_first)


def ensure_office_key(ctx: AppContext, org_code: str) -> None:
    """A development identity for an office that has none (its own unit of work: a key is not
    part of any one copy). With dev keys off, an office without a key cannot issue copies."""
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        if ctx.keys.active_key(s, org) is not None:
            return
    if not ctx.settings.dev_keys:
        raise Conflict(f"{org_code} has no signing key; import the office's certificate "
                       "(vanthu keys import) before issuing copies")
    with ctx.unit_of_work() as work:
        org = get_by_code(work.session, org_code)
        if ctx.keys.active_key(work.session, org) is None:
            ctx.keys.create_dev_identity(work.session, org)


def approve(ctx: AppContext, who: Principal, request_id: int, data: ApproveIn) -> CertifiedCopy:
    """Approve a pending request: the copy is issued, or nothing happens."""
    _require_printed_lines(data)
    pending = copy_requests.get(ctx, who, request_id)
    copy_requests.require_decider(who, pending.organisation)  # before any key is made
    org_code = pending.organisation.code
    ensure_office_key(ctx, org_code)
    with ctx.unit_of_work() as work:
        s = work.session
        request = copy_requests.lock(s, request_id)
        org = get_by_code(s, org_code)
        copy_requests.require_decider(who, org)
        copy_requests.require_pending(request)
        if ctx.settings.env == "production" and not org.email:
            raise Conflict(f"{org.code} has no e-mail, so its signature box would print a "
                           f"placeholder; set it first (PATCH /orgs/{org.code})", field="email")
        kind = CopyKind(request.kind)
        source, source_pdf = _approved_source(ctx, s, who, org, request, kind)

        signed_at = ctx.clock()
        copy_date = to_vn(signed_at).date()
        scope, number, notation = _take_copy_number(s, org, kind, copy_date)
        recipients = dispatches.resolve_recipients(
            s, [RecipientIn(org_code=r.get("org_code"), name=r.get("name"))
                for r in request.recipients])
        archive = filing_line(Family(org.family), data.archive_line)
        printed = [name for _, name in recipients] + [archive]
        key_row = ctx.keys.active_key(s, org)
        assert key_row is not None  # ensure_office_key made one
        spec = _copy_spec(org, request, data, source, source_pdf, notation=notation,
                          signed_at=signed_at, recipients=printed)
        try:
            files = make_copy_files(office_of(org), spec, ctx.keys.identity(key_row),
                                    tsa_url=ctx.settings.tsa_url)
        except TokenError as exc:  # rolled back: no number spent, nothing stored
            raise Unavailable(f"{org.code} cannot sign with its token now: {exc}",
                              field="key") from exc
        pdf_sha256 = ctx.store.put(files.pdf, work.staged)
        envelope_sha256 = ctx.store.put(files.manifest.to_json(), work.staged)

        copy = CertifiedCopy(
            organisation_id=org.id, document_id=source.document.id,
            parent_copy_id=None if source.parent is None else source.parent.id,
            depth=1 if source.parent is None else source.parent.depth + 1,
            kind=kind.value, scope_key=scope, number=number, notation=notation,
            notation_key=notation_key(notation), place=spec.place, copy_date=copy_date,
            signed_at=signed_at, signer_authority=data.signer_authority,
            signer_title=spec.signer_title, signer_name=spec.signer_name, pages=request.pages,
            copies_count=request.copies_count, source_sha256=source.sha256,
            pdf_sha256=pdf_sha256, manifest_sha256=files.manifest.sha256,
            envelope_sha256=envelope_sha256, certificate_serial=key_row.serial,
            created_by=who.user_id)
        s.add(copy)
        s.flush()
        search_index.index_document(s, source.document)  # its copies' notations find it too
        dispatches.deliver(work, org, source.document,
                           [*recipients, (org, archive)], copy_id=copy.id)
        _record_issue(s, who, request, copy, signed_at)
        copy_id = copy.id
    with ctx.reading() as s:
        return _load(s, copy_id)


def _require_printed_lines(data: ApproveIn) -> None:
    for text, name in ((data.signer_title, "signer_title"), (data.signer_name, "signer_name"),
                       (data.archive_line, "archive_line")):
        if text is not None and not text.strip():
            raise Invalid(f"{name} is printed on the copy and cannot be empty", field=name)


def _approved_source(ctx: AppContext, s: Session, who: Principal, org: Organisation,
                     request: CopyRequest, kind: CopyKind) -> tuple[Source, bytes]:
    """The request's source and its intact PDF, checked against the copy rules; a secret
    document only on the head's decision."""
    source = copy_requests.resolve_source(
        s, who, org, document_id=None if request.parent_copy_id else request.document_id,
        copy_id=request.parent_copy_id, pinned_sha256=request.source_sha256)
    copy_requests.check_rules(org, kind, source, request.pages)
    if source.sha256 is None:
        raise Conflict(f"{source.notation} has no PDF on file; upload the scan of the paper "
                       f"copy the office holds (POST /documents/{source.document.id}/files) "
                       "and approve again", field="document_id")
    source_pdf = _intact_source(ctx, source.sha256, source.notation,
                                "copy_id" if source.parent else "document_id")
    if source.document.confidentiality != "NONE" and who.role != "head":
        # State secrets are copied only on the head's decision (ND 30 Đ27.2, secrets law)
        raise Forbidden(f"{source.notation} is {source.document.confidentiality}: copying "
                        f"it needs the approval of the head of {org.code}", field="role")
    return source, source_pdf


def _take_copy_number(s: Session, org: Organisation, kind: CopyKind,
                      copy_date: date) -> tuple[str, int, str]:
    """The scope key, the number and the notation of the office's next copy."""
    try:
        scope = numbering.register_scope(org, RegisterKind.COPY, copy_date)
        number = numbering.take_number(s, org.id, RegisterKind.COPY.value, scope)
        notation = copy_notation(Family(org.family), number, org.code, kind, org.copy_code)
    except DomainError as exc:
        raise Invalid(exc.reason, field=exc.field) from exc
    return scope, number, notation


def _copy_spec(org: Organisation, request: CopyRequest, data: ApproveIn, source: Source,
               source_pdf: bytes, *, notation: str, signed_at: datetime,
               recipients: list[str]) -> CopySpec:
    """What the copy's PDF and manifest are made of."""
    return CopySpec(
        kind=CopyKind(request.kind), notation=notation, place=org.place_name or "",
        copy_date=to_vn(signed_at).date(), signed_at=signed_at,
        signer_authority=data.signer_authority, signer_title=data.signer_title.strip(),
        signer_name=data.signer_name.strip(), recipients=recipients, pages=request.pages,
        source_notation=source.notation, source_pdf=source_pdf,
        source_is_copy=source.parent is not None,
        parent_manifest_sha256=None if source.parent is None
        else source.parent.manifest_sha256,
        document_notation=source.document.notation,
        confidentiality=Confidentiality(source.document.confidentiality))


def _record_issue(s: Session, who: Principal, request: CopyRequest, copy: CertifiedCopy,
                  signed_at: datetime) -> None:
    """Mark the request issued, and log the approval and the copy."""
    before = copy_requests.snapshot(request)
    request.status, request.copy_id = CopyRequestStatus.ISSUED, copy.id
    request.decided_by, request.decided_at = who.user_id, signed_at
    audit_log.record(s, who, AuditAction.COPY_REQUEST_APPROVED, "copy_request", request.id,
                     before=before, after=copy_requests.snapshot(request))
    audit_log.record(s, who, AuditAction.COPY_ISSUED, "copy", copy.id, after=snapshot(copy))


def _intact_source(ctx: AppContext, digest: str, notation: str, field_name: str) -> bytes:
    """The stored source file, refused (409, no number spent) when it is missing or no longer
    matches the digest the register recorded: a copy of it would be signed over damage."""
    try:
        data = ctx.store.get(digest)
    except StorageError:
        raise Conflict(f"the stored file of {notation} (sha256 {digest}) is missing; restore it "
                       "from a backup before copying", field=field_name) from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise Conflict(f"the stored file of {notation} (sha256 {digest}) is damaged: its content "
                       "no longer matches the register; restore it from a backup before "
                       "copying", field=field_name)
    return data


def snapshot(copy: CertifiedCopy) -> dict[str, object]:
    """The state the log records for a line of the copy register (and audit verify checks);
    a revocation is added only when there is one, so earlier states still match."""
    state: dict[str, object] = {
        "organisation_id": copy.organisation_id, "document_id": copy.document_id,
        "parent_copy_id": copy.parent_copy_id, "kind": copy.kind, "scope_key": copy.scope_key,
        "number": copy.number, "notation": copy.notation, "copy_date": copy.copy_date.isoformat(),
        "signed_at": format_signing_time_iso(copy.signed_at), "signer_name": copy.signer_name,
        "pdf_sha256": copy.pdf_sha256, "manifest_sha256": copy.manifest_sha256,
        "certificate_serial": copy.certificate_serial,
    }
    if copy.revoked_at is not None:
        state["revoked"] = {"at": format_signing_time_iso(copy.revoked_at),
                            "reason": copy.revocation_reason}
    return state


def _load(session: Session, copy_id: int) -> CertifiedCopy:
    copy = session.scalar(select(CertifiedCopy).where(CertifiedCopy.id == copy_id)
                          .options(*COPY_LOADS))
    if copy is None:
        raise NotFound(f"no certified copy {copy_id}")
    return copy


def written(ctx: AppContext, copy_id: int) -> CertifiedCopy:
    """Re-read a copy the caller has just written (no access check)."""
    with ctx.reading() as s:
        return _load(s, copy_id)


def require_copy_access(session: Session, who: Principal, copy: CertifiedCopy) -> None:
    """The issuing office, the offices it was sent to, and auditors above the issuer. The refusal
    to anyone else names neither the copy nor its document's độ mật."""
    if not (copy.organisation_id in readable_org_ids(session, who)
            or any(r.organisation_id == who.org_id for r in copy.recipients)):
        raise Forbidden(f"certified copy {copy.id} was neither issued by nor sent to "
                        f"{who.org_code}")
    documents.require_visible(who, copy.document)


def get(ctx: AppContext, who: Principal, copy_id: int) -> CertifiedCopy:
    with ctx.reading() as s:
        copy = _load(s, copy_id)
        require_copy_access(s, who, copy)
        return copy


def chain(ctx: AppContext, who: Principal, copy_id: int) -> list[CertifiedCopy]:
    """The copy and its ancestors, newest first (30-SL/VPDUK, 397-BS/VPTU)."""
    with ctx.reading() as s:
        copy = _load(s, copy_id)
        require_copy_access(s, who, copy)
        out = [copy]
        while out[-1].parent_copy_id is not None:
            out.append(_load(s, out[-1].parent_copy_id))
        return out


def find_by_notation(ctx: AppContext, org_code: str, notation: str) -> CertifiedCopy:
    """For the offline CLI: the copy of an office by its notation (no caller, no checks)."""
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        copy_id = s.scalar(select(CertifiedCopy.id).where(
            CertifiedCopy.organisation_id == org.id,
            CertifiedCopy.notation_key == notation_key(notation))
            .order_by(CertifiedCopy.id.desc()).limit(1))
        if copy_id is None:
            raise NotFound(f"{org_code} has issued no copy {notation}", field="notation")
        return _load(s, copy_id)


def list_for(ctx: AppContext, who: Principal, org_code: str, *, year: int | None = None,
             document_id: int | None = None, after_id: int | None = None,
             limit: int = 50) -> tuple[list[CertifiedCopy], int | None]:
    """The copy register of an office, newest first."""
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        query = apply(select(CertifiedCopy)
                      .join(Document, CertifiedCopy.document_id == Document.id)
                      .options(*COPY_LOADS),
                      InOrganisation(CertifiedCopy, org.id), VisibleTo(who.visible_levels()),
                      InYear(CertifiedCopy.copy_date, year),
                      Equals(CertifiedCopy.document_id, document_id))
        return KeysetPage(CertifiedCopy.id, after_id, limit).read(s, query)

