"""Correcting (đính chính) and cancelling (hủy) lines of the incoming and outgoing registers.

Each use case runs in one unit of work: the line, the correction record, the audit events (the
line's new state and, when the document itself changed, the document's) and the search index
change together or not at all. The rules of what may change are in app.domain.corrections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.context import AppContext, Work
from app.db import (
    Arrival,
    CertifiedCopy,
    Dispatch,
    Document,
    EntryCorrection,
    InboxItem,
    Organisation,
)
from app.domain import corrections as rules
from app.domain.audit_actions import AuditAction
from app.domain.dates import to_vn
from app.domain.notation import notation_key
from app.domain.numbering import RegisterKind
from app.domain.statuses import InboxStatus
from app.errors import Conflict, Invalid
from app.services import arrivals, audit_log, dispatches, documents, numbering, search_index
from app.services.access import Principal, require_clerk_of


@dataclass(frozen=True)
class Correction:
    """What the clerk asks to change (only the fields given) and why."""

    reason: str
    values: dict[str, Any]


def _require_reason(reason: str) -> None:
    problem = rules.reason_problem(reason)
    if problem is not None:
        raise Invalid(problem, field="reason")


#: Fields a correction may change but never empty (a register line always has them).
_KEPT = ("notation", "issued_on", "title", "issuer_code", "received_at")


def _require_kept(values: dict[str, Any]) -> None:
    for name in _KEPT:
        if name in values and values[name] is None:
            raise Invalid(f"{name} cannot be removed by a correction: give its right value",
                          field=name)


def _copies_of(session: Session, doc_id: int) -> list[CertifiedCopy]:
    return list(session.scalars(select(CertifiedCopy).where(
        CertifiedCopy.document_id == doc_id).order_by(CertifiedCopy.id)))


def _held_elsewhere(session: Session, doc: Document, *, arrival_id: int | None = None,
                    dispatch_id: int | None = None) -> bool:
    """Whether any register line, copy or delivery other than the one corrected holds the
    document: then its text is what those print, and it is not rewritten from here."""
    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    return bool(
        count(select(func.count()).select_from(Arrival).where(
            Arrival.document_id == doc.id, Arrival.id != (arrival_id or 0)))
        or count(select(func.count()).select_from(Dispatch).where(
            Dispatch.document_id == doc.id, Dispatch.id != (dispatch_id or 0)))
        or count(select(func.count()).select_from(CertifiedCopy).where(
            CertifiedCopy.document_id == doc.id))
        or count(select(func.count()).select_from(InboxItem).where(
            InboxItem.document_id == doc.id, InboxItem.status == InboxStatus.REGISTERED)))


def _record(work: Work, who: Principal, register: str, entry_id: int,
            changes: dict[str, list[str | None]], reason: str) -> None:
    work.session.add(EntryCorrection(register=register, entry_id=entry_id, actor_id=who.user_id,
                                     reason=reason.strip(), changes=changes))


def _document_changed(work: Work, who: Principal, doc: Document,
                      before: dict[str, Any]) -> None:
    s = work.session
    s.flush()
    search_index.index_document(s, doc)
    audit_log.record(s, who, AuditAction.DOCUMENT_CORRECTED, "document", doc.id, before=before,
                     after=documents.snapshot(doc))


# -- the incoming register ----------------------------------------------------------------------


def _arrival_current(arrival: Arrival) -> dict[str, Any]:
    doc = arrival.document
    return {"notation": doc.notation, "issued_on": doc.issued_on, "title": doc.title,
            "issuer_code": doc.issuer.code, "sender": arrival.sender,
            "received_at": arrival.received_at}


def _check_receipt_time(s: Session, ctx: AppContext, arrival: Arrival, org: Organisation,
                        received_at: datetime, issued_on: date) -> None:
    """A corrected time of receipt stays in the line's series and between its neighbours:
    arrivals are numbered in the order they were received (ND 30 Đ22.2)."""
    if received_at > ctx.clock():
        raise Invalid("the time of receipt cannot be in the future", field="received_at")
    received_on = to_vn(received_at).date()
    if received_on < issued_on:
        raise Invalid(f"received on {received_on} but issued on {issued_on}",
                      field="received_at")
    scope = numbering.register_scope(org, RegisterKind.ARRIVAL, received_on)
    if scope != arrival.scope_key:
        raise Invalid(f"received on {received_on} belongs to the series {scope}, but the line "
                      f"is numbered in {arrival.scope_key}; cancel the number and register the "
                      "document again", field="received_at")
    same_series = (Arrival.organisation_id == org.id, Arrival.scope_key == arrival.scope_key)
    before = s.scalar(select(func.max(Arrival.received_at)).where(
        *same_series, Arrival.arrival_number < arrival.arrival_number))
    after = s.scalar(select(func.min(Arrival.received_at)).where(
        *same_series, Arrival.arrival_number > arrival.arrival_number))
    if (before is not None and received_at < before) or (after is not None and received_at > after):
        raise Invalid("the corrected time of receipt would put this line out of the order of "
                      "receipt of its series; cancel the number and register the document as a "
                      "late entry", field="received_at")


def _repoint(work: Work, who: Principal, arrival: Arrival, issuer: Organisation,
             wanted: dict[str, Any]) -> Document:
    """The line now names another document (the one with the corrected identity)."""
    old = arrival.document
    data = documents.DocumentIn(
        notation=wanted["notation"], issued_on=wanted["issued_on"], title=wanted["title"],
        type_code=None, place=old.place, signer_authority=old.signer_authority,
        signer_title=old.signer_title, signer_name=old.signer_name,
        confidentiality=old.confidentiality, urgency=old.urgency, page_count=old.page_count)
    doc, _ = documents.find_or_create(work, who, issuer, data)
    key = arrivals.dedupe_key(doc.id, None)
    clash = work.session.scalar(select(Arrival.id).where(
        Arrival.organisation_id == arrival.organisation_id, Arrival.dedupe_key == key))
    if clash is not None:
        raise Conflict("the corrected document is already in this incoming register",
                       existing=f"/arrivals/{clash}")
    arrival.document_id, arrival.dedupe_key = doc.id, key
    arrival.document = doc
    return doc


def _correct_document(work: Work, who: Principal, arrival: Arrival,
                      wanted: dict[str, Any]) -> None:
    s = work.session
    doc = arrival.document
    if arrival.copy_id is not None:
        raise Conflict("this line registers a certified copy: its document is as the signed "
                       "copy states it and is not corrected here; correct sender or time only",
                       field="document")
    issuer = doc.issuer
    if wanted["issuer_code"] != issuer.code:
        found = s.scalar(select(Organisation).where(Organisation.code == wanted["issuer_code"]))
        if found is None:
            raise Invalid(f"no organisation with code {wanted['issuer_code']!r}",
                          field="issuer_code")
        issuer = found
    number, type_code = documents.parse_number(issuer, wanted["notation"], None,
                                               wanted["issued_on"])
    if wanted["issued_on"] > arrival.received_on:
        raise Invalid(f"issued on {wanted['issued_on']} but received on {arrival.received_on}",
                      field="issued_on")
    same_identity = (issuer.id == doc.issuer_id and doc.issued_on == wanted["issued_on"]
                     and notation_key(wanted["notation"]) == doc.notation_key)
    shared = _held_elsewhere(s, doc, arrival_id=arrival.id)
    own_copies = [c.notation for c in _copies_of(s, doc.id)
                  if c.organisation_id == arrival.organisation_id]
    if own_copies:
        raise Conflict(f"copies {', '.join(own_copies)} were issued from this document; revoke "
                       "them before correcting it", field="document")
    if shared and same_identity:
        raise Conflict("this document is also held in other registers, which print it as it "
                       "was received; only its notation, date or issuer can be corrected here",
                       field="title")
    if shared:
        _repoint(work, who, arrival, issuer, wanted)
        return
    if not same_identity:
        clash = s.scalar(select(Document.id).where(
            Document.issuer_id == issuer.id, Document.issued_on == wanted["issued_on"],
            Document.notation_key == notation_key(wanted["notation"]), Document.id != doc.id))
        if clash is not None:
            _repoint(work, who, arrival, issuer, wanted)
            return
    before = documents.snapshot(doc)
    doc.issuer_id, doc.issuer = issuer.id, issuer
    doc.notation, doc.notation_key = wanted["notation"].strip(), notation_key(wanted["notation"])
    doc.number, doc.type_code = number, type_code
    doc.issued_on, doc.title = wanted["issued_on"], wanted["title"]
    _document_changed(work, who, doc, before)


def correct_arrival(ctx: AppContext, who: Principal, arrival_id: int,
                    data: Correction) -> Arrival:
    """Correct a line of the incoming register; nothing changes unless everything does."""
    _require_reason(data.reason)
    _require_kept(data.values)
    with ctx.unit_of_work() as work:
        s = work.session
        arrival = arrivals.load(s, arrival_id)
        org = arrival.organisation
        require_clerk_of(who, org)
        documents.require_visible(who, arrival.document)
        if arrival.cancelled_at is not None:
            raise Conflict("a cancelled number is not corrected", field="arrival_id")
        current = _arrival_current(arrival)
        changes = rules.changed_fields(current, data.values)
        if not changes:
            raise Invalid("the correction changes nothing: give the fields with their right "
                          "values", field="values")
        before = {**arrivals.snapshot(arrival), "document": documents.snapshot(arrival.document)}
        wanted = {**current, **data.values}
        if set(changes) & set(rules.ARRIVAL_DOCUMENT_FIELDS):
            _correct_document(work, who, arrival, wanted)
        if "received_at" in changes:
            _check_receipt_time(s, ctx, arrival, org, wanted["received_at"],
                                arrival.document.issued_on)
            arrival.received_at = wanted["received_at"]
            arrival.received_on = to_vn(wanted["received_at"]).date()
        if "sender" in changes:
            arrival.sender = wanted["sender"]
        _record(work, who, "arrival", arrival.id, changes, data.reason)
        s.flush()
        audit_log.record(s, who, AuditAction.ARRIVAL_CORRECTED, "arrival", arrival.id, before=before,
                         after={**arrivals.snapshot(arrival),
                                "document": documents.snapshot(arrival.document)},
                         details={"reason": data.reason.strip(), "fields": sorted(changes)})
    return arrivals.written(ctx, arrival_id)


def cancel_arrival(ctx: AppContext, who: Principal, arrival_id: int, reason: str) -> Arrival:
    """Cancel a number given in error: the line stays, marked; the number is never reused, and
    the document may be registered again (under the next number)."""
    _require_reason(reason)
    with ctx.unit_of_work() as work:
        s = work.session
        arrival = arrivals.load(s, arrival_id)
        require_clerk_of(who, arrival.organisation)
        documents.require_visible(who, arrival.document)
        if arrival.cancelled_at is not None:
            raise Conflict(f"số đến {arrival.arrival_number} is already cancelled",
                           field="arrival_id")
        issued = [c.notation for c in _copies_of(s, arrival.document_id)
                  if c.organisation_id == arrival.organisation_id and c.revoked_at is None]
        if issued:
            raise Conflict(f"copies {', '.join(issued)} were issued from this document; revoke "
                           "them before cancelling its number", field="arrival_id")
        before = arrivals.snapshot(arrival)
        arrival.cancelled_at, arrival.cancel_reason = ctx.clock(), reason.strip()
        arrival.dedupe_key = f"cancelled:{arrival.id}"
        for item in s.scalars(select(InboxItem).where(InboxItem.arrival_id == arrival.id)):
            item.status, item.arrival_id = InboxStatus.PENDING, None  # it can be registered again
        s.flush()
        audit_log.record(s, who, AuditAction.ARRIVAL_CANCELLED, "arrival", arrival.id, before=before,
                         after=arrivals.snapshot(arrival), details={"reason": reason.strip()})
    return arrivals.written(ctx, arrival_id)


# -- the outgoing register ----------------------------------------------------------------------


def _dispatch_current(dispatch: Dispatch) -> dict[str, Any]:
    doc = dispatch.document
    return {"title": doc.title, "issued_on": doc.issued_on,
            "signer_authority": doc.signer_authority, "signer_title": doc.signer_title,
            "signer_name": doc.signer_name, "archive_unit": dispatch.archive_unit,
            "copies_count": dispatch.copies_count}


def _check_issue_date(ctx: AppContext, dispatch: Dispatch, issued_on: date) -> None:
    if issued_on > to_vn(ctx.clock()).date():
        raise Invalid("an outgoing document cannot be dated in the future", field="issued_on")
    doc = dispatch.document
    scope = numbering.register_scope(dispatch.organisation, RegisterKind.DISPATCH, issued_on,
                                     doc_type=doc.type_code or "CV",
                                     secret=doc.confidentiality != "NONE")
    if scope != dispatch.scope_key:
        raise Invalid(f"dated {issued_on} the document belongs to the series {scope}, but it is "
                      f"numbered in {dispatch.scope_key}; cancel the number and register it "
                      "again", field="issued_on")


def correct_dispatch(ctx: AppContext, who: Principal, dispatch_id: int,
                     data: Correction) -> Dispatch:
    _require_reason(data.reason)
    _require_kept(data.values)
    with ctx.unit_of_work() as work:
        s = work.session
        dispatch = dispatches.load(s, dispatch_id)
        require_clerk_of(who, dispatch.organisation)
        doc = dispatch.document
        documents.require_visible(who, doc)
        if dispatch.cancelled_at is not None:
            raise Conflict("a cancelled number is not corrected", field="dispatch_id")
        changes = rules.changed_fields(_dispatch_current(dispatch), data.values)
        if not changes:
            raise Invalid("the correction changes nothing: give the fields with their right "
                          "values", field="values")
        before = dispatches.snapshot(dispatch, doc)
        document_fields = set(changes) & set(rules.DISPATCH_DOCUMENT_FIELDS)
        if document_fields and _held_elsewhere(s, doc, dispatch_id=dispatch.id):
            raise Conflict("the document has already been registered by its recipients or "
                           "copied; they hold it as it was sent, so its text is not rewritten",
                           field=sorted(document_fields)[0])
        if "issued_on" in changes:
            _check_issue_date(ctx, dispatch, data.values["issued_on"])
        doc_before = documents.snapshot(doc)
        for name in sorted(changes):
            target = doc if name in rules.DISPATCH_DOCUMENT_FIELDS else dispatch
            setattr(target, name, data.values[name])
        if "issued_on" in changes:
            dispatch.sent_on = data.values["issued_on"]
        if document_fields:
            _document_changed(work, who, doc, doc_before)
        _record(work, who, "dispatch", dispatch.id, changes, data.reason)
        s.flush()
        audit_log.record(s, who, AuditAction.DISPATCH_CORRECTED, "dispatch", dispatch.id, before=before,
                         after=dispatches.snapshot(dispatch, doc),
                         details={"reason": data.reason.strip(), "fields": sorted(changes)})
    return dispatches.written(ctx, dispatch_id)


def cancel_dispatch(ctx: AppContext, who: Principal, dispatch_id: int, reason: str) -> Dispatch:
    """Cancel an outgoing number given in error, before anyone registered the document."""
    _require_reason(reason)
    with ctx.unit_of_work() as work:
        s = work.session
        dispatch = dispatches.load(s, dispatch_id)
        require_clerk_of(who, dispatch.organisation)
        doc = dispatch.document
        documents.require_visible(who, doc)
        if dispatch.cancelled_at is not None:
            raise Conflict(f"{doc.notation} is already cancelled", field="dispatch_id")
        if _held_elsewhere(s, doc, dispatch_id=dispatch.id):
            raise Conflict(f"{doc.notation} has already been registered by its recipients or "
                           "copied; a number that has travelled is not cancelled",
                           field="dispatch_id")
        before = dispatches.snapshot(dispatch, doc)
        dispatch.cancelled_at, dispatch.cancel_reason = ctx.clock(), reason.strip()
        for item in s.scalars(select(InboxItem).where(
                InboxItem.document_id == doc.id, InboxItem.copy_id.is_(None),
                InboxItem.status == InboxStatus.PENDING)):
            item.status = InboxStatus.WITHDRAWN
        s.flush()
        audit_log.record(s, who, AuditAction.DISPATCH_CANCELLED, "dispatch", dispatch.id, before=before,
                         after=dispatches.snapshot(dispatch, doc),
                         details={"reason": reason.strip()})
    return dispatches.written(ctx, dispatch_id)
