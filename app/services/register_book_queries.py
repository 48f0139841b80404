"""Which rows a register book holds: the request (:class:`BookQuery`), its period (a calendar
year or a Party committee term, cut by an optional date range) and the query of each register.

The incoming register (arrival), the outgoing register (dispatch) and the copy register (copy)
each have a :class:`Plan`: the select of its rows in register order, and the columns the cover's
aggregate needs. The book itself is :mod:`app.services.register_books`; one row becomes one line
in :mod:`app.services.register_book_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from app.db import (
    Arrival,
    CertifiedCopy,
    Dispatch,
    Document,
    EntryCorrection,
    Organisation,
    Recipient,
)
from app.domain.doc_types import Family
from app.domain.numbering import RegisterKind
from app.errors import Invalid


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
class Period:
    label: str  # "2020" or "2020-2025"
    start: date | None
    end: date | None
    term: str | None  # set for a term book


@dataclass(frozen=True)
class Plan:
    """The query of one book: its rows, how to map one, and the columns the aggregate needs."""

    rows: Select[*tuple[Any, ...]]
    number: InstrumentedAttribute[int]
    scope: InstrumentedAttribute[str]
    on: InstrumentedAttribute[date]
    recipients_of: InstrumentedAttribute[int | None] | None  # Recipient column owning the lines


# -- the period ---------------------------------------------------------------------------------


def resolve_period(org: Organisation, q: BookQuery) -> Period:
    if q.year is None and q.term is None:
        raise Invalid("give the period: year=YYYY, or term=<label> for a Party outgoing or "
                      "copy register", field="year")
    if q.year is not None and q.term is not None:
        raise Invalid("give either year or term, not both", field="term")
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise Invalid(f"date_from {q.date_from} is after date_to {q.date_to}", field="date_from")
    if q.year is not None:
        return Period(str(q.year), date(q.year, 1, 1), date(q.year, 12, 31), None)
    assert q.term is not None
    if q.kind is RegisterKind.ARRIVAL:
        raise Invalid("the incoming register is kept per calendar year (ND 30 Đ22.2); give "
                      "year=", field="term")
    if org.family != Family.PARTY.value:
        raise Invalid(f"{org.code} follows the State rules, whose registers are kept per "
                      "calendar year (ND 30 Đ15.1); give year=", field="term")
    for t in org.committee_terms:
        if t.label == q.term:
            return Period(t.label, t.starts_on, t.ends_on, t.label)
    known = ", ".join(t.label for t in org.committee_terms) or "none configured"
    raise Invalid(f"{org.code} has no committee term {q.term!r} (terms: {known})", field="term")


def window(period: Period, q: BookQuery) -> tuple[date | None, date | None]:
    """The date range rows must fall in: the period cut by the request's filters."""
    lo = max((d for d in (period.start, q.date_from) if d is not None), default=None)
    hi = min((d for d in (period.end, q.date_to) if d is not None), default=None)
    return lo, hi


# -- the three registers ------------------------------------------------------------------------

Issuer = aliased(Organisation, name="issuer")


def _where(owner: InstrumentedAttribute[int], scope: InstrumentedAttribute[str],
           on: InstrumentedAttribute[date], org: Organisation, period: Period,
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
    lo, hi = window(period, q)
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


def _arrival_plan(org: Organisation, period: Period, q: BookQuery) -> Plan:
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
    return Plan(rows, Arrival.arrival_number, Arrival.scope_key, Arrival.received_on, None)


def _dispatch_plan(org: Organisation, period: Period, q: BookQuery) -> Plan:
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
    return Plan(rows, Dispatch.number, Dispatch.scope_key, Document.issued_on,
                 Recipient.dispatch_id)


def _copy_plan(org: Organisation, period: Period, q: BookQuery) -> Plan:
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
    return Plan(rows, CertifiedCopy.number, CertifiedCopy.scope_key, CertifiedCopy.copy_date,
                 Recipient.copy_id)


PLANS = {RegisterKind.ARRIVAL: _arrival_plan, RegisterKind.DISPATCH: _dispatch_plan,
          RegisterKind.COPY: _copy_plan}


