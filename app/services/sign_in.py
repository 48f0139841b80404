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
from app.domain.dates import to_vn
from app.errors import Forbidden, Invalid, TooManyAttempts, Unauthenticated
from app.services import audit_log, tokens
from app.services.access import Principal

MIN_PASSWORD = 12
#: Hours a signed-in session's token lives.
SESSION_HOURS = 12
#: Wrong passwords in a row after which a login is locked; each further one doubles the lock.
MAX_FAILURES = 5
LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 60
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


def lock_minutes(failures: int) -> int:
    """How long a login is locked after `failures` wrong passwords in a row (0: not locked):
    1 minute at the fifth, doubling with each further one, at most an hour."""
    if failures < MAX_FAILURES:
        return 0
    return int(min(LOCK_MINUTES * 2 ** (failures - MAX_FAILURES), MAX_LOCK_MINUTES))


def _refuse_if_locked(ctx: AppContext, user: User) -> None:
    if user.locked_until is not None and user.locked_until > ctx.clock():
        raise TooManyAttempts(
            f"too many wrong passwords: this login is locked until "
            f"{to_vn(user.locked_until):%H:%M} (Vietnam time)", field="password",
            locked_until=user.locked_until.isoformat())


def _record_failure(ctx: AppContext, user_id: int) -> None:
    """Count a wrong password (in its own transaction: the refusal does not roll it back)."""
    with ctx.unit_of_work() as work:
        user = work.session.get(User, user_id)
        assert user is not None
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        minutes = lock_minutes(user.failed_sign_ins)
        if minutes:
            user.locked_until = ctx.clock() + timedelta(minutes=minutes)
            audit_log.record(work.session, None, AuditAction.USER_SIGN_IN_LOCKED, "user",
                             user.id, details={"failures": user.failed_sign_ins,
                                               "minutes": minutes})


def sign_in(ctx: AppContext, login: str, password: str,
            new_password: str | None = None) -> tuple[ApiToken, str]:
    """A session token for `login`; 401 for a wrong login or password (the same answer for
    both), 429 while the login is locked after repeated wrong passwords, 403 when a one-time
    password is used without `new_password`."""
    failed_user: int | None = None
    with ctx.unit_of_work() as work:
        s = work.session
        user = s.scalar(select(User).where(User.login == login))
        if user is not None:
            _refuse_if_locked(ctx, user)
        stored = user.password_hash if user is not None else None
        if not _HASHER.verify(password, stored or _dummy_hash()) or user is None or stored is None:
            failed_user = None if user is None or stored is None else user.id
        else:
            user.failed_sign_ins = 0
            user.locked_until = None
            row, token = _session_token(ctx, s, user, password, new_password)
    if failed_user is not None:
        _record_failure(ctx, failed_user)
    if failed_user is not None or user is None or stored is None:
        raise Unauthenticated("the login or the password is wrong", field="password")
    return row, token


def _session_token(ctx: AppContext, s: Session, user: User, password: str,
                   new_password: str | None) -> tuple[ApiToken, str]:
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
    return tokens.issue_token(s, who, user, "sign-in", expires_at)


def change_password(ctx: AppContext, who: Principal, current: str, new_password: str) -> None:
    """A signed-in person replaces their password (the current one is asked again)."""
    with ctx.unit_of_work() as work:
        user = work.session.get(User, who.user_id)
        if user is None or user.password_hash is None or not _HASHER.verify(
                current, user.password_hash):
            raise Invalid("the current password is wrong", field="current_password")
        if new_password == current:
            raise Invalid("the new password must differ from the current one",
                          field="new_password")
        set_password(work.session, who, user, new_password)


def sign_out(ctx: AppContext, token: str) -> None:
    """End a session: its token is revoked (and logged); an unknown token changes nothing."""
    with ctx.unit_of_work() as work:
        row = work.session.scalar(select(ApiToken).where(
            ApiToken.token_sha256 == tokens.token_digest(token)))
        if row is None or row.revoked_at is not None:
            return
        row.revoked_at = ctx.clock()
        audit_log.record(work.session, None, AuditAction.TOKEN_REVOKED, "user", row.user_id,
                         details={"token_id": row.id, "sign_out": True})
