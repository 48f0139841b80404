"""Register books: sequences, arrivals (sổ đến), dispatches (sổ đi) and the inbox between offices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base
from app.db.document import Document
from app.db.organisation import Organisation
from app.db.types import UTCDateTime, one_of, utcnow
from app.domain.numbering import RegisterKind
from app.domain.statuses import ArrivalStatus, InboxStatus

if TYPE_CHECKING:
    from app.db.copies import CertifiedCopy



@dataclass(frozen=True)
class Cancellation:
    """A number given in error and cancelled (hủy số): when, and why."""

    at: datetime
    reason: str


def _cancellation(row: Arrival | Dispatch) -> Cancellation | None:
    if row.cancelled_at is None:
        return None
    return Cancellation(row.cancelled_at, row.cancel_reason or "")


class RegisterSeries(Base):
    """The last number given in one register scope: (organisation, register, scope key). The
    table keeps its first name, ``sequences``."""

    __tablename__ = "sequences"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    register: Mapped[str] = mapped_column(String(12), primary_key=True)  # arrival|dispatch|copy
    scope_key: Mapped[str] = mapped_column(String(60), primary_key=True)  # "2020", "term:…/TB"
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    #: Highest number given on paper before the office moved to the register (set once, audited).
    continued_from: Mapped[int | None] = mapped_column(Integer)



class Arrival(Base):
    """A row of the incoming register (sổ đăng ký văn bản đến)."""

    __tablename__ = "arrivals"
    __table_args__ = (
        UniqueConstraint("organisation_id", "scope_key", "arrival_number"),
        # The same document (or the same certified copy of it) is registered once per office.
        UniqueConstraint("organisation_id", "dedupe_key"),
        # "Is this document in a register the caller may read?" (search, visibility)
        Index("ix_arrivals_document_id_organisation_id", "document_id", "organisation_id"),
        one_of("status", ArrivalStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    #: Set when what arrived is a certified copy of the document (e.g. 397-BS/VPTU).
    copy_id: Mapped[int | None] = mapped_column(ForeignKey("certified_copies.id"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(40))
    scope_key: Mapped[str] = mapped_column(String(60))
    arrival_number: Mapped[int] = mapped_column(Integer)  # số đến
    received_on: Mapped[date] = mapped_column(Date, index=True)  # ngày đến
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sender: Mapped[str | None] = mapped_column(String(300))  # người gửi / nơi gửi
    routed_to: Mapped[str | None] = mapped_column(String(300))  # chuyển: unit or person
    routed_on: Mapped[date | None] = mapped_column(Date)  # ngày chuyển
    deadline: Mapped[date | None] = mapped_column(Date, index=True)  # hạn giải quyết
    status: Mapped[str] = mapped_column(String(12), default=ArrivalStatus.RECEIVED.value, index=True)
    file_code: Mapped[str | None] = mapped_column(String(40))  # số và ký hiệu hồ sơ
    note: Mapped[str | None] = mapped_column(Text)  # ghi chú
    #: Set when the number was given in error (hủy): the line stays, marked, never renumbered.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: set when the number is cancelled (hủy số)
    cancellation = property(_cancellation)
    #: Set on a late entry (received before the series' latest receipt): why it comes now.
    late_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # vào sổ lúc
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    document: Mapped[Document] = relationship()
    corrections: Mapped[list[EntryCorrection]] = relationship(
        primaryjoin="and_(EntryCorrection.register == 'arrival', "
                    "foreign(EntryCorrection.entry_id) == Arrival.id)",
        order_by="EntryCorrection.id", viewonly=True)
    events: Mapped[list[ArrivalEvent]] = relationship(
        back_populates="arrival", order_by="ArrivalEvent.id"
    )


class ArrivalEvent(Base):
    """History of an arrival: routing and status changes, who and when."""

    __tablename__ = "arrival_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    arrival_id: Mapped[int] = mapped_column(ForeignKey("arrivals.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    routed_to: Mapped[str | None] = mapped_column(String(300))
    deadline: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    arrival: Mapped[Arrival] = relationship(back_populates="events")


class Dispatch(Base):
    """A row of the outgoing register (sổ đăng ký văn bản đi)."""

    __tablename__ = "dispatches"
    __table_args__ = (UniqueConstraint("organisation_id", "scope_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    scope_key: Mapped[str] = mapped_column(String(60))
    number: Mapped[int] = mapped_column(Integer)
    archive_unit: Mapped[str | None] = mapped_column(String(200))  # đơn vị, người nhận bản lưu
    copies_count: Mapped[int | None] = mapped_column(Integer)  # số lượng bản
    sent_on: Mapped[date | None] = mapped_column(Date)  # ngày chuyển
    note: Mapped[str | None] = mapped_column(Text)
    #: Set when the number was given in error (hủy): the line stays, marked, never renumbered.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: set when the number is cancelled (hủy số)
    cancellation = property(_cancellation)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    document: Mapped[Document] = relationship()
    corrections: Mapped[list[EntryCorrection]] = relationship(
        primaryjoin="and_(EntryCorrection.register == 'dispatch', "
                    "foreign(EntryCorrection.entry_id) == Dispatch.id)",
        order_by="EntryCorrection.id", viewonly=True)
    recipients: Mapped[list[Recipient]] = relationship(
        primaryjoin="Recipient.dispatch_id == Dispatch.id", order_by="Recipient.position",
        viewonly=True,
    )


class Recipient(Base):
    """One line of a nơi nhận list: an organisation in the system or an external name."""

    __tablename__ = "recipients"
    __table_args__ = (
        CheckConstraint(
            "(dispatch_id IS NOT NULL) <> (copy_id IS NOT NULL)", name="one_owner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id"), index=True)
    copy_id: Mapped[int | None] = mapped_column(ForeignKey("certified_copies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(300))  # as printed: "Các đ/c TUV"

    organisation: Mapped[Organisation | None] = relationship()


class EntryCorrection(Base):
    """A correction (đính chính) of a register line: what changed, why, who, when.

    The audit log keeps the before and after states; this row is what the book and the API show.
    """

    __tablename__ = "entry_corrections"
    __table_args__ = (
        one_of("register", (RegisterKind.ARRIVAL, RegisterKind.DISPATCH)),
        Index("ix_entry_corrections_register_entry_id", "register", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(12))  # arrival | dispatch
    entry_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    #: field → [before, after], as the API names the fields.
    changes: Mapped[dict[str, list[str | None]]] = mapped_column(JSON)


class InboxItem(Base):
    """A document or copy sent to an organisation in the system, waiting for its clerk to register it."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        one_of("status", InboxStatus),
        UniqueConstraint("organisation_id", "document_id", "copy_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    copy_id: Mapped[int | None] = mapped_column(ForeignKey("certified_copies.id"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(12), default=InboxStatus.PENDING.value)
    arrival_id: Mapped[int | None] = mapped_column(ForeignKey("arrivals.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship()
    sender: Mapped[Organisation] = relationship(foreign_keys=[sender_id])
    copy: Mapped[CertifiedCopy | None] = relationship()
