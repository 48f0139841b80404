"""problem+json (RFC 9457) for every error; 422 names the field; never a stack trace."""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain import messages_vi
from app.domain.errors import DomainError
from app.errors import AppError
from app.storage import StorageError

log = logging.getLogger("vanthu")
PROBLEM = "application/problem+json"
TYPE_BASE = "https://vanthu.invalid/problems/"

#: What each error status means here; every one is answered as problem+json.
ERRORS: dict[int, str] = {
    401: "no API token, or one that is not valid or was revoked",
    403: "outside the caller's remit (role, organisation or clearance); the detail names the rule",
    404: "no such record, or none the caller may see",
    409: "a duplicate, or the record is in a state that does not allow this; `existing` links "
         "to the holder where there is one",
    429: "too many wrong passwords: the login is locked until the time the detail names",
    413: "the request body or the upload is larger than the limit",
    415: "the upload is not of an accepted type (a PDF)",
    422: "invalid input; `field` names the first field at fault and `errors` lists them all",
    503: "the database or the file store could not be reached; nothing was changed, retry",
    507: "the file store is full; nothing was registered",
}
#: The problem+json body (RFC 9457), as the OpenAPI document describes it.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "field": {"type": "string", "description": "the field at fault (dotted path)"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "reason"],
            "properties": {"field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                           "reason": {"type": "string"}}}},
    },
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error statuses it answers beyond those every operation
    documents (see `document`); `document` gives each its problem+json body."""
    return {status: {"description": ERRORS[status]} for status in statuses}


def _document_problems(schema: dict[str, Any]) -> None:
    """Every operation documents its error answers as problem+json: those a route declares, and
    401/403/404/422 for every authenticated operation (413 where it takes a body)."""
    ref = {"$ref": "#/components/schemas/Problem"}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            statuses = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            if operation.get("security"):
                statuses |= {401, 403, 404, 422}
            if "requestBody" in operation:
                statuses.add(413)
            for status in sorted(statuses):
                entry = responses.setdefault(str(status), {})
                entry["description"] = entry.get("description") or ERRORS[status]
                entry["content"] = {PROBLEM: {"schema": ref}}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)


def document(app: FastAPI) -> None:
    """Make the app's OpenAPI document describe its errors as they are answered."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _document_problems(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def problem(status: int, title: str, detail: str, slug: str, instance: str,
            **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": TYPE_BASE + slug, "title": title, "status": status,
                            "detail": detail, "instance": instance}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path or ".".join(str(p) for p in loc)


def _field_error(error: Any) -> dict[str, str]:
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        # loc is ("body", position): the field is the body, the position goes in the reason
        where = f" at character {loc[1]}" if len(loc) > 1 else ""
        detail = (error.get("ctx") or {}).get("error", "")
        return {"field": "body", "reason": f"the body is not valid JSON{where}: {detail}"}
    return {"field": _field_path(loc), "reason": str(error.get("msg", ""))}


async def _app_error(request: Request, exc: AppError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    resp = problem(exc.status, exc.title, exc.detail, exc.type_slug, request.url.path,
                   field=exc.field, **exc.extra)
    if headers:
        resp.headers.update(headers)
    return resp


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    return problem(422, "Invalid input", exc.reason, "invalid", request.url.path,
                   field=exc.field, errors=[{"field": exc.field, "reason": exc.reason}])


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [_field_error(e) for e in exc.errors()]
    first = errors[0] if errors else {"field": None, "reason": "invalid request"}
    return problem(422, "Invalid input", f"{first['field']}: {first['reason']}",
                   "invalid", request.url.path, field=first["field"], errors=errors)


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400:
        # FastAPI and Starlette answer 400 only for a body they cannot read: bytes that are
        # not UTF-8 in a JSON body, a broken multipart body, too many form fields or parts.
        reason = f"the request body cannot be read: {exc.detail}"
        return problem(422, "Invalid input", reason, "invalid", request.url.path,
                       field="body", errors=[{"field": "body", "reason": reason}])
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    return problem(exc.status_code, str(exc.detail), str(exc.detail), slug,
                   request.url.path)


async def _storage(request: Request, exc: StorageError) -> JSONResponse:
    log.error("storage failure on %s: %s", request.url.path, exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):  # 507: the store's disk is full
        return problem(507, "Insufficient storage",
                       "the file store is full; nothing was registered and no number was "
                       "used, try again when space has been freed", "storage-full",
                       request.url.path)
    return problem(503, "Storage unavailable",
                   "the file store could not be written; nothing was registered, try again "
                   "later", "storage-unavailable", request.url.path)


async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
    # The database went away (restart, network, failover) or is busy: the transaction was
    # rolled back, so the client may retry. Other driver errors stay 500s.
    if not (exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)):
        return await _unexpected(request, exc)
    log.error("database unavailable on %s: %s", request.url.path, exc.orig)
    resp = problem(503, "Database unavailable",
                   "the database could not be reached; the request was not completed, "
                   "retry shortly", "database-unavailable", request.url.path)
    resp.headers["Retry-After"] = "2"
    return resp


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path)
    return problem(500, "Internal error",
                   "the request failed and nothing was changed; the error was logged",
                   "internal", request.url.path)


#: Each error class and its handler (a class's own handler wins over a base class's).
_HANDLERS: tuple[tuple[type[Exception], Callable[..., Awaitable[JSONResponse]]], ...] = (
    (AppError, _app_error),
    (DomainError, _domain_error),
    (RequestValidationError, _validation),
    (StarletteHTTPException, _http),
    (StorageError, _storage),
    (DBAPIError, _database),
    (Exception, _unexpected),
)


def wants_vietnamese(request: Request) -> bool:
    """The client's first Accept-Language is Vietnamese (``vi``, ``vi-VN``)."""
    first = request.headers.get("accept-language", "").split(",", 1)[0]
    return first.split(";", 1)[0].strip().lower().split("-", 1)[0] == "vi"


def localise(request: Request, resp: JSONResponse) -> JSONResponse:
    """The problem in Vietnamese for a client that asks for it: title, detail and each
    error's reason translated; the English detail is kept as ``detail_en``."""
    if not wants_vietnamese(request):
        return resp
    body = json.loads(bytes(resp.body))
    vi = messages_vi.message(body["status"], body["detail"], body.get("field"))
    body.update(title=vi.title, detail=vi.detail, detail_en=body["detail"])
    for item in body.get("errors") or []:
        item["reason"] = messages_vi.translate_detail(item["reason"]) or item["reason"]
    out = JSONResponse(body, status_code=resp.status_code, media_type=PROBLEM)
    for name, value in resp.headers.items():
        if name.lower() not in ("content-length", "content-type"):
            out.headers[name] = value
    out.headers["Content-Language"] = "vi"
    return out


def _localised(handler: Callable[..., Awaitable[JSONResponse]]
               ) -> Callable[..., Awaitable[JSONResponse]]:
    async def answer(request: Request, exc: Exception) -> JSONResponse:
        return localise(request, await handler(request, exc))
    return answer


def install(app: FastAPI) -> None:
    """Answer every error as problem+json (in Vietnamese for ``Accept-Language: vi``)."""
    for error, handler in _HANDLERS:
        app.exception_handler(error)(_localised(handler))
