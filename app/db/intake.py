"""What a received document's text declares about its history: copy blocks and other offices'
arrival stamps, read by the intake parser and confirmed by a clerk.

These rows are *declared*: they say what the paper or scan shows, nothing more. Nobody checked a
signature: certified copies this service made and signed are in ``certified_copies``; never here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.types import UTCDateTime, one_of, utcnow
from app.domain.copy_forms import CopyKind


class DeclaredCopy(Base):
    """One certified-copy block printed on a received document (sao y, sao lục, trích sao), with
    the visible text of its digital-signature box. Declared, not verified."""

    __tablename__ = "declared_copies"
    __table_args__ = (
        UniqueConstraint("arrival_id", "position"),
        one_of("kind", CopyKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The register entry the paper or scan carrying this block came in with.
    arrival_id: Mapped[int] = mapped_column(ForeignKey("arrivals.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 0 = the first copy made, as printed
    kind: Mapped[str] = mapped_column(String(10))
    notation: Mapped[str | None] = mapped_column(String(60))  # "397-BS/VPTU"
    office: Mapped[str | None] = mapped_column(String(300))  # the copying office, as read
    place: Mapped[str | None] = mapped_column(String(100))
    copied_on: Mapped[date | None] = mapped_column(Date)
    signer_authority: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    #: The signature box as printed ("Cơ quan:", "Người ký:", "Email:", "Thời gian ký:").
    signature_organisation: Mapped[str | None] = mapped_column(String(300))
    signature_signer: Mapped[str | None] = mapped_column(String(200))
    signature_email: Mapped[str | None] = mapped_column(String(200))
    signature_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The lines each field was read from: {"notation": {"line": 125, "text": "Số 397 -BS/VPTU"}}.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class DeclaredStamp(Base):
    """An "ĐẾN" stamp of another register printed on a received document. Declared history: its
    số đến is that office's number, never this register's."""

    __tablename__ = "declared_stamps"
    __table_args__ = (UniqueConstraint("arrival_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    arrival_id: Mapped[int] = mapped_column(ForeignKey("arrivals.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # in order of the stamps' dates
    office: Mapped[str | None] = mapped_column(String(300))
    office_line: Mapped[str | None] = mapped_column(String(300))  # as printed
    number: Mapped[int | None] = mapped_column(Integer)  # that office's số đến
    stamped_on: Mapped[date | None] = mapped_column(Date)
    routing: Mapped[str | None] = mapped_column(String(300))  # chuyển
    file_code: Mapped[str | None] = mapped_column(String(60))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
