"""Organisations (cơ quan, tổ chức), their committee terms and their people."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base
from app.db.types import UTCDateTime, one_of, utcnow
from app.domain.doc_types import Family
from app.domain.statuses import Role


class Organisation(Base):
    """An office that keeps registers and signs, or an external issuer (e.g. the Politburo, ``TW``)."""

    __tablename__ = "organisations"
    __table_args__ = (one_of("family", Family),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)  # VPTU, VPDUK, TW
    name: Mapped[str] = mapped_column(String(300))
    #: Name as printed under the parent on a copy block and in signatures ("Văn phòng").
    short_name: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    family: Mapped[str] = mapped_column(String(10))  # party | state: numbering and notation rules
    place_name: Mapped[str | None] = mapped_column(String(100))  # địa danh: "Đắk Nông"
    email: Mapped[str | None] = mapped_column(String(200))  # shown in signatures
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Local code used in copy notations instead of the family default (e.g. "SL" in 30-SL/VPDUK).
    copy_code: Mapped[str | None] = mapped_column(String(10))
    #: Text after "Cơ quan:" in the office's signature box (defaults to the short name).
    signature_office: Mapped[str | None] = mapped_column(String(300))
    #: Signature box starts with "Người ký: <short name>" and puts "Cơ quan" after the email.
    signer_line_first: Mapped[bool] = mapped_column(Boolean, default=False)
    #: State offices may keep one outgoing series per document type (ND 30 Đ15.1.c).
    dispatch_per_type: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The office whose admin (or clerk, at intake) added an external issuer: admins of that
    #: office's tree manage it.
    created_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    terms: Mapped[list[CommitteeTerm]] = relationship(
        back_populates="organisation", order_by="CommitteeTerm.starts_on"
    )

    @property
    def committee_terms(self) -> list[CommitteeTerm]:
        """The terms its Party numbering follows: its own, or those of the nearest body above
        that has them (the Văn phòng Tỉnh ủy numbers in the Tỉnh ủy's terms)."""
        org: Organisation | None = self
        seen: set[int] = set()
        while org is not None and org.id not in seen:
            if org.terms:
                return list(org.terms)
            seen.add(org.id)
            org = org.parent
        return []


class CommitteeTerm(Base):
    """A committee term (nhiệm kỳ cấp ủy): Party numbering restarts with each term."""

    __tablename__ = "committee_terms"
    __table_args__ = (UniqueConstraint("organisation_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))  # "2015-2020"
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship(back_populates="terms")


class User(Base):
    """A person acting for one organisation with one role."""

    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: Highest confidentiality level (độ mật) this person may see: NONE, MAT, TOI_MAT, TUYET_MAT.
    clearance: Mapped[str] = mapped_column(String(12), default="NONE")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The name a person signs in with (POST /auth/token); None for a user with API tokens only.
    login: Mapped[str | None] = mapped_column(String(60), unique=True)
    #: Argon2id (pwdlib) of the password; never the password itself.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: Set for a one-time password (`vanthu init`): the first sign-in must replace it.
    password_must_change: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    #: Wrong passwords since the last sign-in; from the fifth on the login is locked a while.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    #: No sign-in (even with the right password) before this time (UTC).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: after this instant the token is refused (None: a token made before tokens expired, or
    #: by `vanthu demo`)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
