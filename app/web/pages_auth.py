"""Sign-in (đăng nhập), sign-out and change of password; the home page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.domain.errors import DomainError
from app.errors import AppError, Forbidden
from app.services import sign_in
from app.web.render import WebRoute, page, problem_of, see_other
from app.web.session import (
    PREFIX,
    Csrf,
    Ctx,
    Person,
    clear_session,
    session_token,
    set_session,
)

router = APIRouter(prefix=PREFIX, route_class=WebRoute, include_in_schema=False)


def _next(target: str | None) -> str:
    """Only a page of this site (no open redirect)."""
    if target and target.startswith(PREFIX + "/") and "//" not in target and "\\" not in target:
        return target
    return PREFIX + "/"


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    return page(request, "sign_in.html", next=_next(next), login="", need_new=False)


@router.post("/sign-in", dependencies=[Csrf])
async def sign_in_post(request: Request, ctx: Ctx, login: Annotated[str, Form()] = "",
                       password: Annotated[str, Form()] = "",
                       new_password: Annotated[str | None, Form()] = None,
                       next: Annotated[str | None, Form()] = None) -> Response:
    try:
        _, token = await run_in_threadpool(sign_in.sign_in, ctx, login.strip(), password,
                                           new_password or None)
    except (AppError, DomainError) as exc:
        need_new = (isinstance(exc, Forbidden) and exc.field == "new_password") or bool(
            new_password)
        found = problem_of(exc)
        return page(request, "sign_in.html", status_code=found.status, error=found,
                    next=_next(next), login=login, need_new=need_new)
    response = see_other(_next(next))
    set_session(request, response, token)
    return response


@router.post("/sign-out", dependencies=[Csrf])
def sign_out(request: Request, ctx: Ctx) -> Response:
    token = session_token(request)
    if token:
        sign_in.sign_out(ctx, token)
    response = see_other(PREFIX + "/sign-in")
    clear_session(response)
    return response


@router.get("/password")
def password_form(request: Request, who: Person) -> Response:
    return page(request, "password.html", done=False)


@router.post("/password", dependencies=[Csrf])
async def password_post(request: Request, ctx: Ctx, who: Person,
                        current_password: Annotated[str, Form()] = "",
                        new_password: Annotated[str, Form()] = "",
                        repeat_password: Annotated[str, Form()] = "") -> Response:
    try:
        if new_password != repeat_password:
            from app.errors import Invalid
            raise Invalid("the two new passwords differ", field="repeat_password")
        await run_in_threadpool(sign_in.change_password, ctx, who, current_password,
                                new_password)
    except (AppError, DomainError) as exc:
        found = problem_of(exc)
        return page(request, "password.html", status_code=found.status, error=found,
                    done=False)
    return page(request, "password.html", done=True)


@router.get("/")
def home(request: Request, who: Person) -> Response:
    return page(request, "home.html")
