"""The web interface in Vietnamese: server-rendered pages (Jinja2, vendored htmx) under /web,
calling the same services as the API (app/api); services never import this package."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from app.web import pages_auth, pages_copies, pages_intake, pages_registers
from app.web.session import PREFIX

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="web-static")
    for module in (pages_auth, pages_registers, pages_intake, pages_copies):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=303)
