"""Signing in with a password (đăng nhập): a person gets an API token for their session.

Passwords are hashed with Argon2id (pwdlib); a one-time password (`vanthu init`) must be
replaced at the first sign-in. Every token made here is logged like any other."""

from __future__ import annotations

import functools
import secrets
from datetime import timedelta

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import ApiToken, User
from app.domain.audit_actions import AuditAction
from app.errors import Forbidden, Invalid, Unauthenticated
from app.services import audit_log, tokens
from app.services.access import Principal

MIN_PASSWORD = 12
#: Hours a signed-in session's token lives.
SESSION_HOURS = 12
_HASHER = PasswordHash.recommended()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so that a wrong login takes as long as a
    wrong password (no telling which logins exist by the time an answer takes). Made on first
    use, not at start-up: an Argon2 hash costs tens of milliseconds."""
    return _HASHER.hash("not a password of anyone")


def one_time_password() -> str:
    """A password to give a person once (about 96 bits), to be replaced at first sign-in."""
    return secrets.token_urlsafe(12)


def set_password(session: Session, who: Principal | None, user: User, password: str, *,
                 one_time: bool = False) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password has at least {MIN_PASSWORD} characters", field="new_password")
    user.password_hash = _HASHER.hash(password)
    user.password_must_change = one_time
    audit_log.record(session, who, AuditAction.USER_PASSWORD_SET, "user", user.id,
                     details={"one_time": one_time})


def _principal(user: User) -> Principal:
    return Principal(user_id=user.id, name=user.name, role=user.role,
                     org_id=user.organisation_id, org_code=user.organisation.code,
                     clearance=user.clearance)


def sign_in(ctx: AppContext, login: str, password: str,
            new_password: str | None = None) -> tuple[ApiToken, str]:
    """A session token for `login`; 401 for a wrong login or password (the same answer for
    both), 403 when a one-time password is used without `new_password`."""
    with ctx.unit_of_work() as work:
        s = work.session
        user = s.scalar(select(User).where(User.login == login))
        stored = user.password_hash if user is not None else None
        if not _HASHER.verify(password, stored or _dummy_hash()) or user is None or stored is None:
            raise Unauthenticated("the login or the password is wrong")
        who = _principal(user)
        if user.password_must_change:
            if not new_password:
                raise Forbidden("this one-time password must be replaced: sign in again with "
                                "new_password", field="new_password")
            if new_password == password:
                raise Invalid("the new password must differ from the one-time password",
                              field="new_password")
        if new_password:
            set_password(s, who, user, new_password)
        expires_at = ctx.clock().replace(microsecond=0) + timedelta(hours=SESSION_HOURS)
        row, token = tokens.issue_token(s, who, user, "sign-in", expires_at)
    return row, token
