"""Templates and errors of the pages: Jinja2 with Vietnamese dates and labels; every error a
service raises becomes a Vietnamese page (or the form again, its field marked)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.responses import Response

from app.domain import messages_vi
from app.domain.dates import format_date_phrase, to_vn
from app.domain.errors import DomainError
from app.errors import AppError
from app.web import labels
from app.web.session import PREFIX, SignInNeeded, csrf_token, remember_csrf

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def date_vi(value: date | datetime | None) -> str:
    """``ngày 04 tháng 02 năm 2020``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_vn(value).date()
    return format_date_phrase(value)


def time_vi(value: datetime | None) -> str:
    return "" if value is None else f"{to_vn(value):%H:%M} {date_vi(value)}"


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_vn(value).date()
    return f"{value:%d/%m/%Y}"


TEMPLATES.env.filters.update(date_vi=date_vi, time_vi=time_vi, short_date=short_date,
                             role_vi=labels.role, kind_vi=labels.copy_kind,
                             status_vi=labels.status)


@dataclass(frozen=True)
class Problem:
    """An error as a page shows it."""

    status: int
    title: str
    detail: str
    field: str | None
    field_label: str | None
    english: str | None  # the service's own words, when no translation says as much


def problem_of(exc: Exception) -> Problem:
    if isinstance(exc, ValidationError | RequestValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"] if p not in ("body", "query", "form")) or None
        reason = messages_vi.translate_detail(str(first["msg"])) or str(first["msg"])
        label = messages_vi.field_label(field)
        return Problem(422, messages_vi.TITLES[422],
                       f"{(label or 'Dữ liệu').capitalize()}: {reason}", field, label, None)
    if isinstance(exc, DomainError):
        status, detail, field = 422, exc.reason, exc.field
    elif isinstance(exc, AppError):
        status, detail, field = exc.status, exc.detail, exc.field
    else:
        raise exc
    vi = messages_vi.message(status, detail, field)
    return Problem(status, vi.title, vi.detail, field, messages_vi.field_label(field),
                   None if vi.translated else detail)


def page(request: Request, name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    who = getattr(request.state, "who", None)
    values.setdefault("error", None)
    response = TEMPLATES.TemplateResponse(request, name, {
        "who": who, "csrf": csrf_token(request), "prefix": PREFIX, "nav": labels.nav(who),
        **values}, status_code=status_code)
    remember_csrf(request, response)
    return response


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SignInNeeded):
        return RedirectResponse(f"{PREFIX}/sign-in?next={request.url.path}", status_code=303)
    found = problem_of(exc)
    return page(request, "error.html", status_code=found.status, problem=found)


class WebRoute(APIRoute):
    """A page route: what a service refuses is answered as a Vietnamese page, not JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (AppError, DomainError, ValidationError, RequestValidationError) as exc:
                return error_page(request, exc)

        return answer


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)
