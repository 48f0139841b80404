"""The FastAPI application: routers, problem+json handlers, body limits."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from app import web
from app.api import docs_pages, examples, problems, strict_query
from app.api.limits import BodyLimit, NoNul
from app.api.routers import (
    audit,
    auth,
    books,
    copies,
    documents,
    intake,
    orgs,
    registers,
    search,
    verification,
)
from app.context import AppContext
from app.services import readiness
from app.settings import Settings, get_settings

DESCRIPTION = """
Official-document register and certified-copy service for Vietnamese provincial offices.

Authenticate with `Authorization: Bearer <token>` (`vanthu demo` prints one per role).
Errors are `application/problem+json` (RFC 9457); a 422 names the field.
"""


def create_app(settings: Settings | None = None, ctx: AppContext | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="vanthu", version="0.1.0", description=DESCRIPTION, docs_url=None,
                  redoc_url=None, dependencies=[Depends(strict_query.reject_unknown_query)])
    app.state.ctx = ctx or AppContext.from_settings(settings)
    readiness.require_ready(app.state.ctx)
    problems.install(app)
    docs_pages.install(app)  # /docs and /redoc from local files (no CDN)
    for module in (auth, orgs, registers, documents, copies, audit, verification, search, books,
                   intake):
        app.include_router(module.router)
    web.install(app)

    @app.get("/health", summary="Is the service up", tags=["service"])
    def health() -> dict[str, str]:
        """200 with `{"status": "ok"}` while the service answers; no token needed."""
        return {"status": "ok"}

    problems.document(app)
    examples.install(app)  # request examples in /openapi.json
    app.add_middleware(BodyLimit, json_limit=settings.max_json_bytes,
                       upload_limit=settings.max_upload_bytes)
    app.add_middleware(NoNul)
    return app
