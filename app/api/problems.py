"""problem+json (RFC 9457) for every error; 422 names the field; never a stack trace."""

from __future__ import annotations

import errno
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import DomainError
from app.errors import AppError
from app.storage import StorageError

log = logging.getLogger("vanthu")
PROBLEM = "application/problem+json"
TYPE_BASE = "https://vanthu.invalid/problems/"


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


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        resp = problem(exc.status, exc.title, exc.detail, exc.type_slug, request.url.path,
                       field=exc.field, **exc.extra)
        if headers:
            resp.headers.update(headers)
        return resp

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return problem(422, "Invalid input", exc.reason, "invalid", request.url.path,
                       field=exc.field, errors=[{"field": exc.field, "reason": exc.reason}])

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field_path(tuple(e.get("loc", ()))), "reason": e.get("msg", "")}
                  for e in exc.errors()]
        first = errors[0] if errors else {"field": None, "reason": "invalid request"}
        return problem(422, "Invalid input", f"{first['field']}: {first['reason']}",
                       "invalid", request.url.path, field=first["field"], errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return problem(exc.status_code, str(exc.detail), str(exc.detail), slug,
                       request.url.path)

    @app.exception_handler(StorageError)
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

    @app.exception_handler(DBAPIError)
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

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return problem(500, "Internal error",
                       "the request failed and nothing was changed; the error was logged",
                       "internal", request.url.path)
