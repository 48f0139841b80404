"""Sessions of the pages: the sign-in token in an HttpOnly, SameSite=Strict cookie (Secure over
HTTPS), a double-submit CSRF token on every form, and the signed-in person as a dependency.

The session is an API token made by the sign-in service (logged, expiring, revocable): a page
authenticates exactly as the API does (app.services.tokens.authenticate), so the same roles,
organisation scope and clearance apply."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from app.context import AppContext
from app.errors import AppError, Forbidden, Unauthenticated
from app.services import tokens
from app.services.access import Principal

SESSION_COOKIE = "vanthu_session"
CSRF_COOKIE = "vanthu_csrf"
CSRF_FIELD = "csrf"
PREFIX = "/web"


class SignInNeeded(AppError):
    """No session, or one that ended: the page sends the person to the sign-in form."""

    status = 303
    title = "Sign-in needed"
    type_slug = "sign-in-needed"


def context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=_secure(request), path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_token(request: Request) -> str:
    """The form token of this browser: the cookie's, or a new one (set by `remember_csrf`)."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def remember_csrf(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict",
                            secure=_secure(request), path="/")


async def check_csrf(request: Request) -> None:
    """Every POST carries the browser's CSRF token in its form (403 otherwise)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        raise Forbidden("the form has no valid CSRF token; reload the page and send it again",
                        field="csrf")


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def current_person(request: Request) -> Principal:
    token = session_token(request)
    if not token:
        raise SignInNeeded("sign in first")
    try:
        who = tokens.authenticate(context(request), token)
    except Unauthenticated as exc:
        raise SignInNeeded(exc.detail) from exc
    request.state.who = who
    return who


Person = Annotated[Principal, Depends(current_person)]
Ctx = Annotated[AppContext, Depends(context)]
Csrf = Depends(check_csrf)
