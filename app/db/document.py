"""The intellectual document, once, wherever it travels, with its files and references."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base
from app.db.organisation import Organisation
from app.db.types import UTCDateTime, utcnow


class Document(Base):
    """A document (văn bản) as issued: issuer, number and notation, type, date, summary, signer."""

    __tablename__ = "documents"
    __table_args__ = (
        # ND 30 Phụ lục VI III.1.h: (số, ký hiệu, cơ quan ban hành) identifies a document; the issue
        # date separates the yearly (State) or per-term (Party) restarts of the same number.
        UniqueConstraint("issuer_id", "notation_key", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)  # số
    notation: Mapped[str] = mapped_column(String(60))  # số và ký hiệu, canonical: "160-TB/TW"
    #: What the clerk typed when it differs from the canonical form ("Số 160 - tb/TƯ"): evidence.
    notation_as_written: Mapped[str | None] = mapped_column(String(60))
    notation_key: Mapped[str] = mapped_column(String(60), index=True)  # normalised for matching
    type_code: Mapped[str | None] = mapped_column(String(10))  # TB, QĐ, CV …
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(100))  # địa danh
    title: Mapped[str] = mapped_column(Text)  # trích yếu
    signer_authority: Mapped[str | None] = mapped_column(String(200))  # "T/M BỘ CHÍNH TRỊ"
    signer_title: Mapped[str | None] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    confidentiality: Mapped[str] = mapped_column(String(12), default="NONE")  # độ mật
    urgency: Mapped[str] = mapped_column(String(12), default="THUONG")  # độ khẩn
    page_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    issuer: Mapped[Organisation] = relationship()
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="document", order_by="DocumentFile.id"
    )
    references: Mapped[list[DocumentReference]] = relationship(
        back_populates="document", order_by="DocumentReference.id",
        foreign_keys="DocumentReference.document_id",
    )


class DocumentFile(Base):
    """A file of a document, stored content-addressed by its SHA-256."""

    __tablename__ = "document_files"
    __table_args__ = (UniqueConstraint("document_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[Document] = relationship(back_populates="files")


class DocumentReference(Base):
    """A document this one refers to (e.g. Kết luận số 62-KL/TW, ngày 08/12/2009)."""

    __tablename__ = "document_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    notation: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[date | None] = mapped_column(Date)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    document: Mapped[Document] = relationship(
        back_populates="references", foreign_keys=[document_id]
    )
