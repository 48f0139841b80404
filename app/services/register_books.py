"""Register books (sổ đăng ký) of one office for one period, streamed from the database.

A book is the incoming register (arrival), the outgoing register (dispatch) or the copy register
(copy) of an office, for a calendar year or, for Party outgoing and copy registers, a committee
term (HD 36 numbers them per term), optionally cut by a date range. :func:`open_book` checks the
caller and the period, computes the cover fields (ND 30 Phụ lục IV) with one aggregate query and
returns a *factory* of row iterators: each call opens its own read session and streams the rows
in batches of :data:`BATCH` (``yield_per``), so a 10,000-line register is never held in memory.

A register never skips a number: a document above the caller's clearance keeps its line (number,
dates, notation, issuer) but its summary is replaced by :func:`masked_summary`. When the book
shows the summary of a confidential document, the export is written to the audit log, as reads of
confidential documents are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, distinct, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from app.context import AppContext
from app.db import (
    Arrival,
    CertifiedCopy,
    Dispatch,
    Document,
    EntryCorrection,
    Organisation,
    Recipient,
)
from app.domain.audit_actions import AuditAction
from app.domain.copy_forms import CopyKind
from app.domain.corrections import (
    cancellation_note,
    correction_note,
    late_note,
    revocation_note,
)
from app.domain.dates import to_vn
from app.domain.doc_types import Family, lookup_type
from app.domain.marks import Confidentiality
from app.domain.numbering import RegisterKind
from app.domain.text import fold
from app.errors import Invalid
from app.render.register_book import (
    ArrivalRow,
    CopyRow,
    DispatchRow,
    RegisterMeta,
    csv_cells,
    csv_columns,
)
from app.render.register_book import RegisterKind as BookKind
from app.render.register_book import Row as BookRow
from app.services import audit_log
from app.services.access import Principal, require_read
from app.services.organisations import get_by_code

#: Rows fetched per round trip (and per recipients query).
BATCH = 500
#: File-name stem per register kind: so-den-VPTU-2020.pdf.
FILE_PREFIX = {
    RegisterKind.ARRIVAL: "so-den",
    RegisterKind.DISPATCH: "so-di",
    RegisterKind.COPY: "so-ban-sao",
}
RECIPIENT_SEPARATOR = "; "
_META_KIND: dict[RegisterKind, BookKind] = {
    RegisterKind.ARRIVAL: "arrival", RegisterKind.DISPATCH: "dispatch", RegisterKind.COPY: "copy"}


def masked_summary(confidentiality: str) -> str:
    """What a book prints instead of the summary of a document above the reader's clearance."""
    return f"(văn bản {Confidentiality(confidentiality).label} — trích yếu không hiển thị)"


@lru_cache(maxsize=2048)
def type_name(family: str, type_code: str | None, on: date) -> str | None:
    """The type's name as a register writes it ("Thông báo", "Quyết định"), or None.

    A State document without a type abbreviation is a công văn (ND 30 Phụ lục I II.3.b).
    """
    fam = Family(family)
    if not type_code:
        return "Công văn" if fam is Family.STATE else None
    found = lookup_type(fam, type_code, on)
    if found is None:
        return None
    return found.name.split(" (", 1)[0]  # "Quyết định (cá biệt)" is written "Quyết định"


def summary_text(family: str, type_code: str | None, issued_on: date, title: str) -> str:
    """Tên loại và trích yếu: "Thông báo: Kết luận …"; the type is not repeated when the title
    already starts with it."""
    name = type_name(family, type_code, issued_on)
    if name is None or fold(title).startswith(fold(name)):
        return title
    return f"{name}: {title}"


@dataclass(frozen=True)
class BookQuery:
    """Which book: the register, the period (``year`` or ``term``) and an optional date range."""

    kind: RegisterKind
    year: int | None = None
    term: str | None = None  # a committee term label, Party outgoing and copy registers only
    date_from: date | None = None
    date_to: date | None = None
    volume: int = 1  # quyển số


@dataclass(frozen=True)
class Book:
    meta: RegisterMeta
    rows: Callable[[], Iterator[BookRow]]  # call it once per pass; each call streams afresh
    count: int  # lines in the book
    filename: str  # without extension: so-den-VPTU-2020


@dataclass(frozen=True)
class _Period:
    label: str  # "2020" or "2020-2025"
    start: date | None
    end: date | None
    term: str | None  # set for a term book


@dataclass(frozen=True)
class _Plan:
    """The query of one book: its rows, how to map one, and the columns the aggregate needs."""

    rows: Select[*tuple[Any, ...]]
    number: InstrumentedAttribute[int]
    scope: InstrumentedAttribute[str]
    on: InstrumentedAttribute[date]
    recipients_of: InstrumentedAttribute[int | None] | None  # Recipient column owning the lines


# -- the period ---------------------------------------------------------------------------------


def _period(org: Organisation, q: BookQuery) -> _Period:
    if q.year is None and q.term is None:
        raise Invalid("give the period: year=YYYY, or term=<label> for a Party outgoing or "
                      "copy register", field="year")
    if q.year is not None and q.term is not None:
        raise Invalid("give either year or term, not both", field="term")
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise Invalid(f"date_from {q.date_from} is after date_to {q.date_to}", field="date_from")
    if q.year is not None:
        return _Period(str(q.year), date(q.year, 1, 1), date(q.year, 12, 31), None)
    assert q.term is not None
    if q.kind is RegisterKind.ARRIVAL:
        raise Invalid("the incoming register is kept per calendar year (ND 30 Đ22.2); give "
                      "year=", field="term")
    if org.family != Family.PARTY.value:
        raise Invalid(f"{org.code} follows the State rules, whose registers are kept per "
                      "calendar year (ND 30 Đ15.1); give year=", field="term")
    for t in org.terms:
        if t.label == q.term:
            return _Period(t.label, t.starts_on, t.ends_on, t.label)
    known = ", ".join(t.label for t in org.terms) or "none configured"
    raise Invalid(f"{org.code} has no committee term {q.term!r} (terms: {known})", field="term")


def _window(period: _Period, q: BookQuery) -> tuple[date | None, date | None]:
    """The date range rows must fall in: the period cut by the request's filters."""
    lo = max((d for d in (period.start, q.date_from) if d is not None), default=None)
    hi = min((d for d in (period.end, q.date_to) if d is not None), default=None)
    return lo, hi


# -- the three registers ------------------------------------------------------------------------

Issuer = aliased(Organisation, name="issuer")


def _where(owner: InstrumentedAttribute[int], scope: InstrumentedAttribute[str],
           on: InstrumentedAttribute[date], org: Organisation, period: _Period,
           q: BookQuery) -> list[ColumnElement[bool]]:
    """The office's rows of the period: by series (scope key) where the period is a series'
    (a term, an arrival year, a State year), else by date (a Party outgoing or copy register
    asked for by year); then the date range."""
    where: list[ColumnElement[bool]] = [owner == org.id]
    if period.term is not None:
        where.append(scope.startswith(f"term:{period.term}/", autoescape=True))
    elif q.kind is RegisterKind.ARRIVAL or org.family == Family.STATE.value:
        # These series restart every 1 January: "2020", "2020/MAT", "2020/QĐ".
        where.append(or_(scope == period.label,
                         scope.startswith(f"{period.label}/", autoescape=True)))
    lo, hi = _window(period, q)
    if lo is not None:
        where.append(on >= lo)
    if hi is not None:
        where.append(on <= hi)
    return where


def _corrections_of(register: str, entry_id: InstrumentedAttribute[int]) -> tuple[Any, Any]:
    """How many times a line was corrected, and when last (correlated to the book's rows)."""
    own = (EntryCorrection.register == register, EntryCorrection.entry_id == entry_id)
    return (select(func.count()).where(*own).scalar_subquery().label("corrections"),
            select(func.max(EntryCorrection.at)).where(*own).scalar_subquery()
            .label("corrected_at"))


def _arrival_plan(org: Organisation, period: _Period, q: BookQuery) -> _Plan:
    via_copy = aliased(CertifiedCopy, name="via_copy")
    where = _where(Arrival.organisation_id, Arrival.scope_key, Arrival.received_on, org,
                   period, q)
    rows = (select(Arrival.id, Arrival.received_on, Arrival.arrival_number,
                   Issuer.name.label("issuer"), Issuer.family, Document.notation,
                   Document.issued_on, Document.type_code, Document.title,
                   Document.confidentiality, Arrival.routed_to, Arrival.routed_on,
                   Arrival.file_code, Arrival.note, via_copy.notation.label("copy_notation"),
                   Arrival.cancelled_at, Arrival.cancel_reason, Arrival.late_reason,
                   Arrival.created_at, *_corrections_of("arrival", Arrival.id))
            .join(Document, Arrival.document_id == Document.id)
            .join(Issuer, Document.issuer_id == Issuer.id)
            .outerjoin(via_copy, Arrival.copy_id == via_copy.id)
            .where(*where)
            .order_by(Arrival.scope_key, Arrival.arrival_number, Arrival.received_on, Arrival.id))
    return _Plan(rows, Arrival.arrival_number, Arrival.scope_key, Arrival.received_on, None)


def _dispatch_plan(org: Organisation, period: _Period, q: BookQuery) -> _Plan:
    where = _where(Dispatch.organisation_id, Dispatch.scope_key, Document.issued_on, org,
                   period, q)
    rows = (select(Dispatch.id, Document.notation, Document.issued_on, Document.type_code,
                   Document.title, Document.confidentiality, Document.signer_name,
                   Dispatch.archive_unit, Dispatch.copies_count, Dispatch.sent_on, Dispatch.note,
                   Dispatch.cancelled_at, Dispatch.cancel_reason,
                   *_corrections_of("dispatch", Dispatch.id))
            .join(Document, Dispatch.document_id == Document.id)
            .where(*where)
            .order_by(Dispatch.scope_key, Dispatch.number, Document.issued_on, Dispatch.id))
    return _Plan(rows, Dispatch.number, Dispatch.scope_key, Document.issued_on,
                 Recipient.dispatch_id)


def _copy_plan(org: Organisation, period: _Period, q: BookQuery) -> _Plan:
    parent = aliased(CertifiedCopy, name="parent_copy")
    where = _where(CertifiedCopy.organisation_id, CertifiedCopy.scope_key,
                   CertifiedCopy.copy_date, org, period, q)
    rows = (select(CertifiedCopy.id, CertifiedCopy.notation.label("copy_notation"),
                   CertifiedCopy.copy_date, CertifiedCopy.kind, CertifiedCopy.signer_name,
                   CertifiedCopy.copies_count, CertifiedCopy.pages, Document.notation,
                   Document.issued_on, Document.type_code, Document.title,
                   Document.confidentiality, Issuer.name.label("issuer"), Issuer.family,
                   parent.notation.label("parent_notation"),
                   parent.copy_date.label("parent_date"), CertifiedCopy.revoked_at,
                   CertifiedCopy.revocation_reason)
            .join(Document, CertifiedCopy.document_id == Document.id)
            .join(Issuer, Document.issuer_id == Issuer.id)
            .outerjoin(parent, CertifiedCopy.parent_copy_id == parent.id)
            .where(*where)
            .order_by(CertifiedCopy.scope_key, CertifiedCopy.number, CertifiedCopy.copy_date,
                      CertifiedCopy.id))
    return _Plan(rows, CertifiedCopy.number, CertifiedCopy.scope_key, CertifiedCopy.copy_date,
                 Recipient.copy_id)


_PLANS = {RegisterKind.ARRIVAL: _arrival_plan, RegisterKind.DISPATCH: _dispatch_plan,
          RegisterKind.COPY: _copy_plan}


# -- mapping one database row to one register line ----------------------------------------------


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _summary(r: Row[Any], family: str, visible: Sequence[str]) -> str:
    if r.confidentiality not in visible:
        return masked_summary(r.confidentiality)
    return summary_text(family, r.type_code, r.issued_on, r.title)


def _secret_note(confidentiality: str) -> list[str]:
    label = Confidentiality(confidentiality).label
    return [f"Độ mật: {label}"] if label else []


def _note(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def _amendments(r: Row[Any]) -> list[str]:
    """The marks of a cancelled number and of corrections, first in the note column."""
    marks: list[str] = []
    if r.cancelled_at is not None:
        marks.append(cancellation_note(to_vn(r.cancelled_at).date(), r.cancel_reason or ""))
    if r.corrections:
        marks.append(correction_note(to_vn(r.corrected_at).date(), int(r.corrections)))
    return marks


def _arrival_row(r: Row[Any], visible: Sequence[str], _org: Organisation,
                 _recipients: dict[int, str]) -> ArrivalRow:
    return ArrivalRow(
        arrival_date=r.received_on, arrival_number=r.arrival_number, author=r.issuer,
        notation=r.notation, document_date=r.issued_on,
        summary=_summary(r, r.family, visible), recipient=r.routed_to or "",
        transfer_date=r.routed_on,
        note=_note(*_amendments(r),
                   late_note(to_vn(r.created_at), r.late_reason) if r.late_reason else None,
                   *_secret_note(r.confidentiality),
                   f"Bản sao {r.copy_notation}" if r.copy_notation else None,
                   f"Hồ sơ {r.file_code}" if r.file_code else None, r.note),
        registered_at=r.created_at)


def _dispatch_row(r: Row[Any], visible: Sequence[str], org: Organisation,
                  recipients: dict[int, str]) -> DispatchRow:
    return DispatchRow(
        notation=r.notation, document_date=r.issued_on,
        summary=_summary(r, org.family, visible), signer=r.signer_name or "",
        recipients=recipients.get(r.id, ""), archive_holder=r.archive_unit or "",
        copies=r.copies_count, transfer_date=r.sent_on,
        note=_note(*_amendments(r), *_secret_note(r.confidentiality), r.note))


def _copy_row(r: Row[Any], visible: Sequence[str], org: Organisation,
              recipients: dict[int, str]) -> CopyRow:
    source = f"{r.notation}, {_dmy(r.issued_on)}"
    if r.parent_notation:
        source = f"{r.parent_notation}, {_dmy(r.parent_date)} (bản sao của {source})"
    heading = CopyKind(r.kind).heading(Family(org.family))
    pages = f"Trang {', '.join(str(p) for p in r.pages)}" if r.pages else None
    return CopyRow(
        copy_notation=r.copy_notation, copy_date=r.copy_date,
        copy_form=heading[:1] + heading[1:].lower(), source=source, source_issuer=r.issuer,
        summary=_summary(r, r.family, visible), signer=r.signer_name,
        recipients=recipients.get(r.id, ""), copies=r.copies_count,
        note=_note(revocation_note(to_vn(r.revoked_at).date(), r.revocation_reason or "")
                   if r.revoked_at is not None else None,
                   *_secret_note(r.confidentiality), pages))


_MAPPERS: dict[RegisterKind, Callable[[Row[Any], Sequence[str], Organisation, dict[int, str]],
                                      BookRow]] = {
    RegisterKind.ARRIVAL: _arrival_row, RegisterKind.DISPATCH: _dispatch_row,
    RegisterKind.COPY: _copy_row}


def _recipient_lines(session: Session, owner: InstrumentedAttribute[int | None],
                     ids: list[int]) -> dict[int, str]:
    """The nơi nhận lines of a batch of dispatches or copies, joined in their printed order."""
    lines: dict[int, list[str]] = {}
    for owner_id, name in session.execute(
            select(owner, Recipient.name).where(owner.in_(ids))
            .order_by(owner, Recipient.position)):
        if owner_id is not None:  # always, by the where clause
            lines.setdefault(owner_id, []).append(name)
    return {k: RECIPIENT_SEPARATOR.join(v) for k, v in lines.items()}


def _row_factory(ctx: AppContext, plan: _Plan, kind: RegisterKind, org: Organisation,
                 visible: Sequence[str]) -> Callable[[], Iterator[BookRow]]:
    mapper = _MAPPERS[kind]

    def rows() -> Iterator[BookRow]:
        with ctx.reading() as session:
            result = session.execute(plan.rows.execution_options(yield_per=BATCH))
            for batch in result.partitions():
                recipients = ({} if plan.recipients_of is None else
                              _recipient_lines(session, plan.recipients_of,
                                               [r.id for r in batch]))
                for r in batch:
                    yield mapper(r, visible, org, recipients)

    return rows


# -- the book ------------------------------------------------------------------------------------


def _filename(org: Organisation, q: BookQuery, period: _Period) -> str:
    parts = [FILE_PREFIX[q.kind], org.code, period.label]
    if q.date_from:
        parts.append(f"tu-{q.date_from.isoformat()}")
    if q.date_to:
        parts.append(f"den-{q.date_to.isoformat()}")
    return "-".join(parts)


def open_book(ctx: AppContext, who: Principal, org_code: str, q: BookQuery) -> Book:
    """Check access and period, compute the cover, and return the streaming book."""
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        period = _period(org, q)
        plan = _PLANS[q.kind](org, period, q)
        visible = who.visible_levels()
        shown_secret = [level for level in visible if level != Confidentiality.NONE.value]
        # The cover in one pass over the same rows: count, number and date ranges, series, and
        # how many confidential summaries the caller will see.
        agg = plan.rows.with_only_columns(
            func.count(), func.min(plan.number), func.max(plan.number), func.min(plan.on),
            func.max(plan.on), func.count(distinct(plan.scope)),
            func.coalesce(func.sum(case((Document.confidentiality.in_(shown_secret), 1),
                                        else_=0)), 0)).order_by(None)
        count, first_no, last_no, first_on, last_on, series, secret_shown = s.execute(agg).one()
        parent_name = None if org.parent is None else org.parent.name
    lo, hi = _window(period, q)
    meta = RegisterMeta(
        kind=_META_KIND[q.kind], parent_org=parent_name, org_name=org.name,
        year_or_term=period.label,
        date_from=lo if q.date_from else first_on, date_to=hi if q.date_to else last_on,
        number_from=first_no if series == 1 else None,
        number_to=last_no if series == 1 else None,
        volume=q.volume)
    if secret_shown:
        with ctx.unit_of_work() as work:
            audit_log.record(work.session, who, AuditAction.REGISTER_BOOK_EXPORTED, "register_book",
                             f"{org.code}/{q.kind.value}/{period.label}",
                             details={"date_from": _iso(q.date_from), "date_to": _iso(q.date_to),
                                      "rows": int(count),
                                      "confidential_rows_shown": int(secret_shown)})
    return Book(meta=meta, rows=_row_factory(ctx, plan, q.kind, org, visible), count=int(count),
                filename=_filename(org, q, period))


def csv_chunks(book: Book, chunk_bytes: int = 64 * 1024) -> Iterator[bytes]:
    """The book as CSV, in pieces of about ``chunk_bytes``, for a streamed response.

    The same bytes as :func:`app.render.register_book.write_register_csv` (UTF-8 with a BOM,
    header = the column titles), written as the rows arrive instead of into one stream.
    """
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(csv_columns(book.meta.kind))
    for row in book.rows():
        writer.writerow(csv_cells(book.meta.kind, row))
        if buffer.tell() >= chunk_bytes:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()
