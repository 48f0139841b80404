"""Handling deadlines (hạn giải quyết) of incoming documents: what is overdue and what is due soon.

ND 30 Đ23–24: the director sets a deadline for each incoming document routed to a unit, and the
registry follows up (theo dõi, đôn đốc). The report lists, per unit the documents were routed to
(``routed_to``; "(chưa chuyển)" when not yet routed), every arrival whose status is not ``done``
and whose deadline is past (overdue: days late) or within ``soon_days`` (due soon: days left;
due today is 0 days left). The day is the Vietnamese calendar day (``on`` defaults to today in
+07:00 by the service's clock). Summaries above the caller's clearance are masked as in the books.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import select

from app.context import AppContext
from app.db import Arrival, Document
from app.domain.dates import to_vn
from app.domain.statuses import ArrivalStatus
from app.render.register_forms import format_cell
from app.services.access import Principal, require_read
from app.services.organisations import get_by_code
from app.services.register_book_queries import Issuer
from app.services.register_book_rows import masked_summary, summary_text

UNROUTED = "(chưa chuyển)"
STATE_LABELS = {"overdue": "Quá hạn", "due_soon": "Sắp đến hạn"}
CSV_COLUMNS = (
    "Đơn vị hoặc người nhận",
    "Tình trạng",
    "Số đến",
    "Ngày đến",
    "Số, ký hiệu văn bản",
    "Tác giả",
    "Tên loại và trích yếu nội dung văn bản",
    "Hạn giải quyết",
    "Số ngày quá hạn",
    "Số ngày còn lại",
    "Tiến độ giải quyết",
)
DeadlineState = Literal["overdue", "due_soon"]


@dataclass(frozen=True)
class DeadlineItem:
    arrival_id: int
    arrival_number: int
    received_on: date
    notation: str
    issuer: str
    summary: str
    deadline: date
    status: str
    state: DeadlineState
    days_late: int  # 0 unless overdue
    days_left: int  # 0 when overdue or due today


@dataclass
class UnitDeadlines:
    unit: str
    overdue: int = 0
    due_soon: int = 0
    items: list[DeadlineItem] = field(default_factory=list)


@dataclass(frozen=True)
class DeadlineReport:
    org_code: str
    org_name: str
    on: date
    soon_days: int
    overdue: int
    due_soon: int
    units: list[UnitDeadlines]


def today(ctx: AppContext) -> date:
    """Today in Vietnam (+07:00) by the service's clock."""
    return to_vn(ctx.clock()).date()


def report(ctx: AppContext, who: Principal, org_code: str, *, on: date | None = None,
           soon_days: int = 3) -> DeadlineReport:
    """Open arrivals of the office that are overdue or due within ``soon_days``, per unit.

    Units with something overdue come first (most overdue first), then by name; within a unit,
    the earliest deadline first.
    """
    day = on or today(ctx)
    horizon = day + timedelta(days=soon_days)
    visible = who.visible_levels()
    units: dict[str, UnitDeadlines] = {}
    with ctx.reading() as s:
        org = get_by_code(s, org_code)
        require_read(s, who, org)
        query = (select(Arrival.id, Arrival.arrival_number, Arrival.received_on,
                        Arrival.routed_to, Arrival.deadline, Arrival.status,
                        Document.notation, Document.issued_on, Document.type_code,
                        Document.title, Document.confidentiality,
                        Issuer.name.label("issuer"), Issuer.family)
                 .join(Document, Arrival.document_id == Document.id)
                 .join(Issuer, Document.issuer_id == Issuer.id)
                 .where(Arrival.organisation_id == org.id, Arrival.status != "done",
                        Arrival.deadline.is_not(None), Arrival.deadline <= horizon)
                 .order_by(Arrival.deadline, Arrival.received_on, Arrival.arrival_number))
        for r in s.execute(query):
            deadline: date = r.deadline
            overdue = deadline < day
            summary = (summary_text(r.family, r.type_code, r.issued_on, r.title)
                       if r.confidentiality in visible else masked_summary(r.confidentiality))
            unit_name = (r.routed_to or "").strip() or UNROUTED
            unit = units.setdefault(unit_name, UnitDeadlines(unit_name))
            unit.items.append(DeadlineItem(
                arrival_id=r.id, arrival_number=r.arrival_number, received_on=r.received_on,
                notation=r.notation, issuer=r.issuer, summary=summary, deadline=deadline,
                status=r.status, state="overdue" if overdue else "due_soon",
                days_late=(day - deadline).days if overdue else 0,
                days_left=0 if overdue else (deadline - day).days))
            if overdue:
                unit.overdue += 1
            else:
                unit.due_soon += 1
        org_name = org.name
    ordered = sorted(units.values(), key=lambda u: (-u.overdue, -u.due_soon, u.unit))
    return DeadlineReport(org_code=org_code, org_name=org_name, on=day, soon_days=soon_days,
                          overdue=sum(u.overdue for u in ordered),
                          due_soon=sum(u.due_soon for u in ordered), units=ordered)


def report_csv(rep: DeadlineReport) -> bytes:
    """The report as CSV, one line per document, UTF-8 with a BOM (spreadsheets read Vietnamese)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for unit in rep.units:
        for item in unit.items:
            writer.writerow([
                unit.unit, STATE_LABELS[item.state], item.arrival_number,
                format_cell(item.received_on), item.notation, item.issuer, item.summary,
                format_cell(item.deadline), item.days_late if item.state == "overdue" else "",
                item.days_left if item.state == "due_soon" else "",
                ArrivalStatus(item.status).label])
    return text.getvalue().encode("utf-8-sig")

