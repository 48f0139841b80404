"""Users and API tokens. A token is shown once; only its SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import ApiToken, Organisation, User
from app.db.types import utcnow
from app.domain.audit_actions import AuditAction
from app.domain.dates import to_vn
from app.errors import Invalid, NotFound, Unauthenticated
from app.services import audit_log
from app.services.access import CLEARANCE_ORDER, ROLES, Principal, descendant_ids, require_role
from app.services.organisations import get_by_code

TOKEN_PREFIX = "vt_"
#: The longest a token may live: a year and a day, so an office renews its tokens yearly.
MAX_LIFETIME_DAYS = 366


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def add_user(session: Session, org: Organisation, name: str, role: str,
             clearance: str = "NONE") -> User:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", field="role")
    if clearance not in CLEARANCE_ORDER:
        raise Invalid(f"clearance must be one of {', '.join(CLEARANCE_ORDER)}", field="clearance")
    user = User(organisation_id=org.id, name=name, role=role, clearance=clearance)
    session.add(user)
    session.flush()
    return user


def snapshot(user: User) -> dict[str, Any]:
    """The state the log records for a user (and audit verify checks)."""
    state: dict[str, Any] = {"name": user.name, "role": user.role,
                             "organisation_id": user.organisation_id, "clearance": user.clearance}
    if user.login is not None:  # users logged before logins existed keep the state they had
        state["login"] = user.login
    return state


def record_user_created(session: Session, who: Principal | None, user: User,
                        details: dict[str, Any] | None = None) -> None:
    """Log a new user with its state, so ``vanthu audit verify`` catches a role or clearance
    changed in the database afterwards. Every user made through the service is logged."""
    audit_log.record(session, who, AuditAction.USER_CREATED, "user", user.id, after=snapshot(user),
                     details=details)


def add_token(session: Session, user: User, label: str | None = None,
              token: str | None = None, expires_at: datetime | None = None) -> str:
    token = token or new_token()
    session.add(ApiToken(user_id=user.id, token_sha256=token_digest(token), label=label,
                         expires_at=expires_at))
    session.flush()
    return token


def create_user(ctx: AppContext, who: Principal, org_code: str, name: str, role: str,
                clearance: str) -> User:
    with ctx.unit_of_work() as work:
        s = work.session
        require_role(who, "admin")
        org = get_by_code(s, org_code)
        if org.id not in descendant_ids(s, who.org_id):
            raise NotFound(f"no organisation with code {org_code!r} under {who.org_code}")
        user = add_user(s, org, name, role, clearance)
        record_user_created(s, who, user)
    return user


def create_token(ctx: AppContext, who: Principal, user_id: int, label: str | None,
                 lifetime_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for a user under the admin's office, valid for `lifetime_days` (the
    setting's default otherwise); its expiry is logged, so a later change is found."""
    days = ctx.settings.token_lifetime_days if lifetime_days is None else lifetime_days
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise Invalid(f"a token lives 1 to {MAX_LIFETIME_DAYS} days, not {days}",
                      field="expires_in_days")
    with ctx.unit_of_work() as work:
        s = work.session
        require_role(who, "admin")
        user = s.get(User, user_id)
        if user is None or user.organisation_id not in descendant_ids(s, who.org_id):
            raise NotFound(f"no user {user_id} under {who.org_code}", field="user_id")
        row, token = issue_token(s, who, user, label,
                                 ctx.clock().replace(microsecond=0) + timedelta(days=days))
    return row, token


def issue_token(session: Session, who: Principal, user: User, label: str | None,
                expires_at: datetime) -> tuple[ApiToken, str]:
    """A new token with its expiry, logged (`token.created`), so audit verify judges it."""
    token = add_token(session, user, label, expires_at=expires_at)
    row = session.scalars(select(ApiToken).where(
        ApiToken.token_sha256 == token_digest(token))).one()
    audit_log.record(session, who, AuditAction.TOKEN_CREATED, "user", user.id,
                     details={"token_id": row.id, "expires_at": expires_at.isoformat()})
    return row, token


def revoke_token(ctx: AppContext, who: Principal, token_id: int) -> None:
    with ctx.unit_of_work() as work:
        s = work.session
        row = s.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no token {token_id}")
        owner = s.get(User, row.user_id)
        assert owner is not None
        if who.user_id != owner.id:
            require_role(who, "admin")
            if owner.organisation_id not in descendant_ids(s, who.org_id):
                raise NotFound(f"no token {token_id}")
        row.revoked_at = utcnow()
        audit_log.record(s, who, AuditAction.TOKEN_REVOKED, "user", owner.id, details={"token_id": row.id})


def authenticate(ctx: AppContext, token: str | None) -> Principal:
    if not token:
        raise Unauthenticated("send an API token: Authorization: Bearer <token>")
    with ctx.reading() as s:
        found = s.execute(
            select(ApiToken.revoked_at, User, Organisation.code, ApiToken.expires_at)
            .join(User, ApiToken.user_id == User.id)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(ApiToken.token_sha256 == token_digest(token))
        ).first()
    if found is None:
        raise Unauthenticated("the API token is not valid")
    revoked_at: datetime | None = found[0]
    if revoked_at is not None:
        raise Unauthenticated("the API token was revoked")
    expires_at: datetime | None = found[3]
    if expires_at is not None and expires_at <= ctx.clock():
        raise Unauthenticated(f"the API token expired on {to_vn(expires_at):%d/%m/%Y %H:%M} "
                              "(Vietnam time); ask an administrator for a new one")
    user: User = found[1]
    return Principal(user_id=user.id, name=user.name, role=user.role,
                     org_id=user.organisation_id, org_code=found[2], clearance=user.clearance)
