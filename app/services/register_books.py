"""Register books (sổ đăng ký) of one office for one period, streamed from the database.

A book is the incoming register (arrival), the outgoing register (dispatch) or the copy register
(copy) of an office, for a calendar year or, for Party outgoing and copy registers, a committee
term (HD 36 numbers them per term), optionally cut by a date range. :func:`open_book` checks the
caller and the period, computes the cover fields (ND 30 Phụ lục IV) with one aggregate query and
returns a *factory* of row iterators: each call opens its own read session and streams the rows
in batches of :data:`BATCH` (``yield_per``), so a 10,000-line register is never held in memory.

A register never skips a number: a document above the caller's clearance keeps its line (number,
dates, notation, issuer) but its summary is replaced by
:func:`app.services.register_book_rows.masked_summary`. When the book shows the summary of a
confidential document, the export is written to the audit log, as reads of confidential documents
are. Which rows a book holds is :mod:`app.services.register_book_queries`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, distinct, func

from app.context import AppContext
from app.db import Document, Organisation
from app.domain.audit_actions import AuditAction
from app.domain.marks import Confidentiality
from app.domain.numbering import RegisterKind
from app.render import register_csv
from app.render.register_forms import RegisterKind as BookKind
from app.render.register_forms import RegisterMeta
from app.render.register_forms import Row as BookRow
from app.services import audit_log
from app.services.access import Principal, require_read
from app.services.organisations import get_by_code
from app.services.register_book_queries import (
    PLANS,
    BookQuery,
    Period,
    Plan,
    resolve_period,
    window,
)
from app.services.register_book_rows import MAPPERS, recipient_lines

#: Rows fetched per round trip (and per recipients query).
BATCH = 500
#: File-name stem per register kind: so-den-VPTU-2020.pdf.
FILE_PREFIX = {
    RegisterKind.ARRIVAL: "so-den",
    RegisterKind.DISPATCH: "so-di",
    RegisterKind.COPY: "so-ban-sao",
}
_META_KIND: dict[RegisterKind, BookKind] = {
    RegisterKind.ARRIVAL: "arrival", RegisterKind.DISPATCH: "dispatch", RegisterKind.COPY: "copy"}


@dataclass(frozen=True)
class Book:
    meta: RegisterMeta
    rows: Callable[[], Iterator[BookRow]]  # call it once per pass; each call streams afresh
    count: int  # lines in the book
    filename: str  # without extension: so-den-VPTU-2020


def _row_factory(ctx: AppContext, plan: Plan, kind: RegisterKind, org: Organisation,
                 visible: Sequence[str]) -> Callable[[], Iterator[BookRow]]:
    mapper = MAPPERS[kind]

    def rows() -> Iterator[BookRow]:
        with ctx.reading() as session:
            result = session.execute(plan.rows.execution_options(yield_per=BATCH))
            for batch in result.partitions():
                recipients = ({} if plan.recipients_of is None else
                              recipient_lines(session, plan.recipients_of,
                                              [r.id for r in batch]))
                for r in batch:
                    yield mapper(r, visible, org, recipients)

    return rows


# -- the book ------------------------------------------------------------------------------------


def _filename(org: Organisation, q: BookQuery, period: Period) -> str:
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
        period = resolve_period(org, q)
        plan = PLANS[q.kind](org, period, q)
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
    lo, hi = window(period, q)
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

    The same bytes as :func:`app.render.register_csv.write_register_csv` (UTF-8 with a BOM,
    header = the column titles), written as the rows arrive instead of into one stream.
    """
    return register_csv.csv_chunks(book.meta.kind, book.rows(), chunk_bytes)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()
