"""Certified copies (bản sao: sao y, sao lục, trích sao), the requests for them, and office keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
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
from app.domain.copy_forms import CopyKind
from app.domain.statuses import CopyRequestStatus

if TYPE_CHECKING:
    from app.db.registers import Recipient



class CopyRequest(Base):
    """A department's request to its office for a certified copy, and the decision on it."""

    __tablename__ = "copy_requests"
    __table_args__ = (
        one_of("kind", CopyKind),
        one_of("status", CopyRequestStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requesting_unit: Mapped[str | None] = mapped_column(String(200))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    #: The received copy to copy from (a copy of a copy); null when copying the document itself.
    parent_copy_id: Mapped[int | None] = mapped_column(ForeignKey("certified_copies.id"))
    kind: Mapped[str] = mapped_column(String(10))
    pages: Mapped[list[int] | None] = mapped_column(JSON)  # trích sao: 1-based pages
    excerpt: Mapped[str | None] = mapped_column(Text)  # trích sao: the part, in words
    #: The file to copy, pinned when the request is made (null until a scan is on file).
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    recipients: Mapped[list[dict[str, str | None]]] = mapped_column(JSON)
    copies_count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default=CopyRequestStatus.PENDING.value, index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    copy_id: Mapped[int | None] = mapped_column(ForeignKey("certified_copies.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    document: Mapped[Document] = relationship()


class CertifiedCopy(Base):
    """A certified copy issued by an office: a row of its copy register (sổ bản sao)."""

    __tablename__ = "certified_copies"
    __table_args__ = (
        UniqueConstraint("organisation_id", "scope_key", "number"),
        one_of("kind", CopyKind),
        Index("ix_certified_copies_document_id_organisation_id", "document_id",
              "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    parent_copy_id: Mapped[int | None] = mapped_column(
        ForeignKey("certified_copies.id"), index=True
    )
    depth: Mapped[int] = mapped_column(Integer)  # 1 = copy of the original
    kind: Mapped[str] = mapped_column(String(10))
    scope_key: Mapped[str] = mapped_column(String(60))
    number: Mapped[int] = mapped_column(Integer)
    notation: Mapped[str] = mapped_column(String(60))  # 397-BS/VPTU
    notation_key: Mapped[str] = mapped_column(String(60), index=True)
    place: Mapped[str] = mapped_column(String(100))
    copy_date: Mapped[date] = mapped_column(Date)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signer_authority: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(200))
    signer_name: Mapped[str] = mapped_column(String(200))
    pages: Mapped[list[int] | None] = mapped_column(JSON)
    copies_count: Mapped[int] = mapped_column(Integer, default=1)
    source_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    manifest_sha256: Mapped[str] = mapped_column(String(64))  # of the canonical manifest bytes
    #: The stored signed-manifest envelope (JSON), by the SHA-256 of the file.
    envelope_sha256: Mapped[str | None] = mapped_column(String(64))
    certificate_serial: Mapped[str] = mapped_column(String(80))
    #: Set when the office revokes a copy issued in error (thu hồi): every verification of it,
    #: and of the copies made from it, reports it REVOKED with the reason and the date.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    document: Mapped[Document] = relationship()
    parent: Mapped[CertifiedCopy | None] = relationship(remote_side=[id])
    recipients: Mapped[list[Recipient]] = relationship(
        primaryjoin="Recipient.copy_id == CertifiedCopy.id", order_by="Recipient.position",
        viewonly=True,
    )


class OfficeKey(Base):
    """An office's signing key and certificate: the key in a file (encrypted at rest), or on a
    PKCS#11 token (`token`: module, token label or slot, key label or id, and the name of the
    environment variable holding the PIN; never the PIN)."""

    __tablename__ = "office_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    certificate_pem: Mapped[str] = mapped_column(Text)
    chain_pem: Mapped[str] = mapped_column(Text)
    key_file: Mapped[str] = mapped_column(String(255))  # "" for a key on a token
    token: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    serial: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
