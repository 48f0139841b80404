"""The incoming register (sổ đăng ký văn bản đến): register, list, route, track status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.context import AppContext, Work
from app.db import Arrival, ArrivalEvent, CertifiedCopy, Document, InboxItem, Organisation
from app.db.filters import (
    Before,
    Equals,
    InOrganisation,
    InYear,
    KeysetPage,
    Since,
    StatementFilter,
    Until,
    VisibleTo,
    Where,
    apply,
)
from app.db.loads import ARRIVAL_LOADS
from app.domain.audit_actions import AuditAction
from app.domain.dates import to_vn
from app.domain.errors import DomainError
from app.domain.fields import (
    Code,
    Day,
    Instant,
    Line40,
    ShortText,
    Strict,
    Text,
)
from app.domain.numbering import RegisterKind
from app.domain.register_period import check_not_future_time, check_open_series, is_late
from app.domain.search_text import matches
from app.domain.statuses import ArrivalStatus, InboxStatus
from app.domain.text import fold
from app.errors import Conflict, Invalid, NotFound
from app.services import audit_log, documents, duplicates, numbering
from app.services.access import Principal, readable_org_ids, require_clerk_of, require_read
from app.services.organisations import get_by_code
from app.services.uploads import CheckedPdf


class ArrivalIn(Strict):
    issuer_code: Code = Field(description="code of the issuing organisation (e.g. TW)")
    document: documents.DocumentIn
    received_at: Instant | None = Field(None, description="defaults to now (server clock)")
    sender: ShortText | None = None
    routed_to: ShortText | None = Field(None, description="chuyển: unit or person")
    deadline: Day | None = Field(None, description="hạn giải quyết")
    file_code: Line40 | None = None
    note: Text | None = None
    late_reason: Text | None = Field(
        None, description="a late entry: received before the series' latest receipt, and why "
                          "it is registered now (at least 10 characters)")
    duplicate_override: duplicates.DuplicateOverrideIn | None = Field(
        None, description="only after a 409 naming an entry with the same số and ký hiệu")


def snapshot(arrival: Arrival) -> dict[str, Any]:
    """The state the log records for a line (and audit verify checks). A cancellation is
    added only when there is one, so states recorded before cancellations existed still match."""
    state: dict[str, Any] = {
        "organisation_id": arrival.organisation_id,
        "document_id": arrival.document_id,
        "copy_id": arrival.copy_id,
        "scope_key": arrival.scope_key,
        "arrival_number": arrival.arrival_number,
        "received_on": arrival.received_on.isoformat(),
        "received_at": arrival.received_at.astimezone(UTC).isoformat(),
        "sender": arrival.sender,
        "routed_to": arrival.routed_to,
        "deadline": None if arrival.deadline is None else arrival.deadline.isoformat(),
        "status": arrival.status,
        "file_code": arrival.file_code,
        "note": arrival.note,
    }
    if arrival.late_reason is not None:
        state["late_reason"] = arrival.late_reason
    if arrival.cancelled_at is not None:
        state["cancelled"] = {"at": arrival.cancelled_at.astimezone(UTC).isoformat(),
                              "reason": arrival.cancel_reason}
    return state


def dedupe_key(document_id: int, copy_id: int | None) -> str:
    return f"doc:{document_id}" if copy_id is None else f"doc:{document_id}/copy:{copy_id}"


def _existing(session: Session, org_id: int, key: str) -> int | None:
    return session.scalar(select(Arrival.id).where(
        Arrival.organisation_id == org_id, Arrival.dedupe_key == key))


def _latest_receipt(session: Session, org_id: int, scope: str) -> tuple[datetime, int] | None:
    row = session.execute(select(Arrival.received_at, Arrival.arrival_number).where(
        Arrival.organisation_id == org_id, Arrival.scope_key == scope,
        Arrival.cancelled_at.is_(None)).order_by(Arrival.received_at.desc()).limit(1)).first()
    return None if row is None else (row[0], row[1])


def _series_and_time(session: Session, org: Organisation, stated: datetime | None,
                     clock: Callable[[], datetime]) -> tuple[str, datetime, datetime]:
    """Lock the series the receipt falls in; the receipt time and the moment the line is
    written (vào sổ lúc), both read once the series is held. A time the clerk did not
    state is read only once the series is held, so it never precedes an entry committed by a
    concurrent request (which would make an on-time receipt look late). A stated time may not
    lie in the future nor in a year that has ended (422 ``received_at``)."""
    now = clock()
    if stated is not None:
        try:
            check_not_future_time(stated, now, "received_at")
            scope = numbering.register_scope(org, RegisterKind.ARRIVAL, to_vn(stated).date())
            check_open_series(scope, numbering.register_scope(
                org, RegisterKind.ARRIVAL, to_vn(now).date()), to_vn(stated).date(),
                "received_at")
        except DomainError as exc:
            raise Invalid(exc.reason, field=exc.field) from exc
        numbering.lock_series(session, org.id, RegisterKind.ARRIVAL.value, scope)
        return scope, stated, max(clock(), stated)
    scope = numbering.register_scope(org, RegisterKind.ARRIVAL, to_vn(now).date())
    numbering.lock_series(session, org.id, RegisterKind.ARRIVAL.value, scope)
    now = clock()
    now_scope = numbering.register_scope(org, RegisterKind.ARRIVAL, to_vn(now).date())
    if now_scope != scope:  # the year turned while waiting: hold the new series instead
        numbering.lock_series(session, org.id, RegisterKind.ARRIVAL.value, now_scope)
    return now_scope, now, now


def _late_reason(session: Session, org: Organisation, scope: str, received_at: datetime,
                 late_reason: str | None) -> str | None:
    """The late reason kept (None when in order): a receipt before the series' latest one is
    refused without a reason."""
    latest = _latest_receipt(session, org.id, scope)
    if latest is None or not is_late(received_at, latest[0]):
        return None
    if late_reason is None or len(late_reason.strip()) < 10:
        raise Conflict(
            f"received {to_vn(received_at).strftime('%H:%M %d/%m/%Y')}, before số đến "
            f"{latest[1]} ({to_vn(latest[0]).strftime('%H:%M %d/%m/%Y')}): numbers follow the "
            "order of receipt; register it as a late entry with late_reason (at least 10 "
            "characters: why it comes now)", field="late_reason")
    return late_reason.strip()


def enter(work: Work, who: Principal, org: Organisation, doc: Document, *,
          received_at: datetime | None, clock: Callable[[], datetime], copy_id: int | None = None,
          sender: str | None = None, routed_to: str | None = None,
          deadline: date | None = None, file_code: str | None = None, note: str | None = None,
          late_reason: str | None = None) -> Arrival:
    """Number and write the register row (inside the caller's unit of work). `received_at`
    is the time the clerk stated, or None for "now" (read from `clock`)."""
    s = work.session
    documents.require_visible(who, doc)  # before any number is taken
    key = dedupe_key(doc.id, copy_id)
    documents.ensure_not_registered(_existing(s, org.id, key), org.code)
    scope, received_at, written_at = _series_and_time(s, org, received_at, clock)
    received_on = to_vn(received_at).date()
    if received_on < doc.issued_on:
        raise Invalid(f"received on {received_on} but issued on {doc.issued_on}",
                      field="received_at")
    late = _late_reason(s, org, scope, received_at, late_reason)
    number = numbering.take_number(s, org.id, RegisterKind.ARRIVAL.value, scope)
    arrival = Arrival(
        organisation_id=org.id, document_id=doc.id, copy_id=copy_id, dedupe_key=key,
        scope_key=scope, arrival_number=number, received_on=received_on,
        received_at=received_at, sender=sender, routed_to=routed_to,
        routed_on=received_on if routed_to else None, deadline=deadline,
        status=ArrivalStatus.ROUTED if routed_to else ArrivalStatus.RECEIVED, file_code=file_code, note=note,
        late_reason=late, created_at=written_at, created_by=who.user_id)
    s.add(arrival)
    s.flush()
    s.add(ArrivalEvent(arrival_id=arrival.id, actor_id=who.user_id, from_status=None,
                       to_status=arrival.status, routed_to=routed_to, deadline=deadline,
                       note="registered"))
    for item in s.scalars(select(InboxItem).where(
            InboxItem.organisation_id == org.id, InboxItem.document_id == doc.id,
            InboxItem.copy_id.is_(None) if copy_id is None else InboxItem.copy_id == copy_id)):
        item.status, item.arrival_id = InboxStatus.REGISTERED, arrival.id
    audit_log.record(s, who, AuditAction.ARRIVAL_REGISTERED, "arrival", arrival.id,
                     after={**snapshot(arrival), "document": documents.snapshot(doc)})
    return arrival


def register(ctx: AppContext, who: Principal, org_code: str, data: ArrivalIn,
             pdf: CheckedPdf | None = None) -> Arrival:
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        require_clerk_of(who, org)
        documents.require_level(who, data.document.confidentiality)
        issuer = s.scalar(select(Organisation).where(Organisation.code == data.issuer_code))
        if issuer is None:
            raise Invalid(f"no organisation with code {data.issuer_code!r}; create the issuer "
                          "first (POST /orgs, external: true)", field="issuer_code")
        doc, _ = documents.find_or_create(work, who, issuer, data.document, office=org,
                                          override=data.duplicate_override)
        if pdf is not None:
            documents.attach_pdf(work, ctx.store, who, doc, pdf)
        arrival = enter(work, who, org, doc, received_at=data.received_at, clock=ctx.clock,
                        sender=data.sender, routed_to=data.routed_to, deadline=data.deadline,
                        file_code=data.file_code, note=data.note,
                        late_reason=data.late_reason)
        arrival_id = arrival.id
    return written(ctx, arrival_id)


def register_from_inbox(ctx: AppContext, who: Principal, org_code: str, item_id: int, *,
                        received_at: datetime | None = None, routed_to: str | None = None,
                        deadline: date | None = None, note: str | None = None,
                        late_reason: str | None = None) -> Arrival:
    with ctx.unit_of_work() as work:
        s = work.session
        org = get_by_code(s, org_code)
        require_clerk_of(who, org)
        item = s.get(InboxItem, item_id)
        if item is None or item.organisation_id != org.id:
            raise NotFound(f"no inbox item {item_id} for {org_code}")
        if item.status == InboxStatus.REGISTERED:
            raise Conflict("this inbox item is already registered",
                           existing=f"/arrivals/{item.arrival_id}")
        if item.status == InboxStatus.WITHDRAWN:
            raise Conflict("the sender withdrew this item (its number was cancelled or the "
                           "copy revoked); it is not registered", field="item_id")
        doc = documents.get(s, item.document_id)
        arrival = enter(work, who, org, doc, received_at=received_at, clock=ctx.clock,
                        copy_id=item.copy_id, sender=item.sender.name, routed_to=routed_to,
                        deadline=deadline, note=note, late_reason=late_reason)
        arrival_id = arrival.id
    return written(ctx, arrival_id)


def load(session: Session, arrival_id: int) -> Arrival:
    arrival = session.scalar(select(Arrival).where(Arrival.id == arrival_id)
                             .options(*ARRIVAL_LOADS))
    if arrival is None:
        raise NotFound(f"no arrival {arrival_id}")
    return arrival


def written(ctx: AppContext, arrival_id: int) -> Arrival:
    """Re-read an entry the caller has just written (no access check, no read logged)."""
    with ctx.reading() as s:
        return load(s, arrival_id)


def get(ctx: AppContext, who: Principal, arrival_id: int) -> Arrival:
    with ctx.reading() as s:
        arrival = load(s, arrival_id)
        require_read(s, who, arrival.organisation)
        documents.require_visible(who, arrival.document)
        if arrival.document.confidentiality != "NONE":
            with ctx.unit_of_work() as work:  # reads of confidential documents are logged
                audit_log.record(work.session, who, AuditAction.DOCUMENT_READ, "arrival", arrival.id,
                                 details={"document_id": arrival.document_id,
                                          "confidentiality": arrival.document.confidentiality})
        return arrival


@dataclass
class ArrivalFilter:
    date_from: date | None = None
    date_to: date | None = None
    issuer_code: str | None = None
    type_code: str | None = None
    status: str | None = None
    text: str | None = None  # in the notation or the title (as /search matches), or the title
    number: int | None = None  # số đến
    year: int | None = None
    deadline_before: date | None = None  # hạn giải quyết strictly before this day
    overdue_on: date | None = None  # not done and the deadline passed before this day
    after_id: int | None = None  # keyset: entries older than this id
    limit: int = 50


def _filters(f: ArrivalFilter) -> tuple[StatementFilter | None, ...]:
    overdue = None if f.overdue_on is None else Where(Arrival.deadline < f.overdue_on,
                                                      Arrival.status != ArrivalStatus.DONE)
    return (Since(Arrival.received_on, f.date_from), Until(Arrival.received_on, f.date_to),
            InYear(Arrival.received_on, f.year), Equals(Organisation.code, f.issuer_code),
            Equals(Document.type_code, f.type_code), Equals(Arrival.status, f.status),
            Equals(Arrival.arrival_number, f.number),
            Before(Arrival.deadline, f.deadline_before), overdue)


def list_for(ctx: AppContext, who: Principal, org_code: str,
             f: ArrivalFilter) -> tuple[list[Arrival], int | None]:
    """Entries newest first; returns (page, cursor for the next page or None)."""
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        query = apply(select(Arrival).join(Document, Arrival.document_id == Document.id)
                      .join(Organisation, Document.issuer_id == Organisation.id)
                      .options(*ARRIVAL_LOADS),
                      InOrganisation(Arrival, org.id), VisibleTo(who.visible_levels()),
                      *_filters(f))
        # Matched diacritics-insensitively in Python, batch after batch: the notation and title
        # by the search box's tokens ("160/TB", "ket luan 62"), or a piece of the title.
        text = f.text
        keep = None if not text else (lambda a: fold(text) in fold(a.document.title) or matches(
            text, f"{a.document.notation or ''} {a.document.title}"))
        return KeysetPage(Arrival.id, f.after_id, f.limit).read(s, query, keep)


def update(ctx: AppContext, who: Principal, arrival_id: int, changes: dict[str, Any]) -> Arrival:
    with ctx.unit_of_work() as work:
        s = work.session
        arrival = load(s, arrival_id)
        require_clerk_of(who, arrival.organisation)
        documents.require_visible(who, arrival.document)
        if arrival.cancelled_at is not None:
            raise Conflict(f"số đến {arrival.arrival_number} is cancelled; a cancelled line is "
                           "not routed", field="status")
        before = snapshot(arrival)
        new_status = changes.get("status", arrival.status)
        if "routed_to" in changes and changes["routed_to"] and "status" not in changes \
                and arrival.status == ArrivalStatus.RECEIVED:
            new_status = ArrivalStatus.ROUTED
        if new_status is None or not ArrivalStatus(arrival.status).can_become(
                ArrivalStatus(new_status)):
            raise Conflict(f"status cannot go from {arrival.status} to {new_status}",
                           field="status")
        if new_status == ArrivalStatus.ROUTED and not (changes.get("routed_to") or arrival.routed_to):
            raise Invalid("routing needs routed_to (the unit or person, chuyển)",
                          field="routed_to")
        if "routed_to" in changes:
            arrival.routed_to = changes["routed_to"]
            arrival.routed_on = to_vn(ctx.clock()).date()
        if "deadline" in changes:
            arrival.deadline = changes["deadline"]
        for key in ("file_code", "note"):
            if key in changes:
                setattr(arrival, key, changes[key])
        s.add(ArrivalEvent(arrival_id=arrival.id, actor_id=who.user_id,
                           from_status=arrival.status, to_status=new_status,
                           routed_to=arrival.routed_to, deadline=arrival.deadline,
                           note=changes.get("comment")))
        arrival.status = new_status
        s.flush()
        audit_log.record(s, who, AuditAction.ARRIVAL_UPDATED, "arrival", arrival.id,
                         before=before, after=snapshot(arrival))
    return written(ctx, arrival_id)


def copy_of(session: Session, arrival: Arrival) -> CertifiedCopy | None:
    return None if arrival.copy_id is None else session.get(CertifiedCopy, arrival.copy_id)


def count_in(session: Session, org_id: int, scope_key: str) -> int:
    return int(session.scalar(select(func.count()).where(
        Arrival.organisation_id == org_id, Arrival.scope_key == scope_key)) or 0)


def inbox(ctx: AppContext, who: Principal, org_code: str,
          status: str | None = InboxStatus.PENDING) -> list[InboxItem]:
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        query = apply(select(InboxItem).join(Document, InboxItem.document_id == Document.id)
                      .options(selectinload(InboxItem.document).selectinload(Document.issuer),
                               selectinload(InboxItem.sender), selectinload(InboxItem.copy))
                      .order_by(InboxItem.id),
                      InOrganisation(InboxItem, org.id), VisibleTo(who.visible_levels()),
                      Equals(InboxItem.status, status))
        return list(s.scalars(query))


def readable(session: Session, who: Principal) -> set[int]:
    return readable_org_ids(session, who)
