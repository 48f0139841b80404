"""Vào sổ văn bản đến: the clerk pastes the text (or drops the PDF), the intake proposal fills
the form, a document already in the register is flagged, and the số đến shows once saved."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from app.context import AppContext
from app.domain.errors import DomainError
from app.errors import AppError, Invalid
from app.services import intake, intake_parse, scans, search
from app.services.access import Principal
from app.services.uploads import CheckedPdf, check_pdf
from app.web.render import WebRoute, page, problem_of, see_other
from app.web.session import PREFIX, Csrf, Ctx, Person

router = APIRouter(prefix=PREFIX, route_class=WebRoute, include_in_schema=False)
#: The proposal's fields the clerk may edit on the form.
EDITABLE = ("notation", "issued_on", "title", "doc_type_code", "place")


async def _pdf(ctx: AppContext, form: FormData) -> CheckedPdf | None:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read()
    if not data:
        return None
    return await run_in_threadpool(check_pdf, data, ctx.settings.max_upload_bytes,
                                   upload.filename)


async def _parsed(ctx: AppContext, form: FormData) -> tuple[intake_parse.Parsed, str,
                                                            CheckedPdf | None]:
    text = str(form.get("text") or "")
    pdf = await _pdf(ctx, form)
    if not text.strip() and pdf is not None:
        parsed = await run_in_threadpool(intake_parse.parse_pdf, ctx, pdf)
        return parsed, "", pdf
    return await run_in_threadpool(intake_parse.parse, ctx, text), text, pdf


def _duplicates(ctx: AppContext, who: Principal, notation: str | None) -> list[Any]:
    """Entries of this office's incoming register for the same notation (flagged, not refused:
    the register's own duplicate rule decides when the form is saved)."""
    if not notation:
        return []
    hits, _ = search.search(ctx, who, search.SearchFilter(text=notation, register="arrival",
                                                          org_code=who.org_code), limit=5)
    return [e for h in hits if h.document.notation == notation for e in h.entries
            if e.register == "arrival"]


def _edited(parsed: intake_parse.Parsed, form: FormData) -> Any:
    changes: dict[str, Any] = {}
    for name in EDITABLE:
        value = form.get(name)
        if not isinstance(value, str):
            continue
        value = value.strip()
        if name == "issued_on":
            try:
                changes[name] = date.fromisoformat(value) if value else None
            except ValueError as exc:
                raise Invalid("Input should be a valid date", field="proposal.issued_on") from exc
        else:
            changes[name] = value or None
    return dataclasses.replace(parsed.proposal, **changes)


def _value(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


@router.get("/intake")
def intake_form(request: Request, who: Person) -> Response:
    return page(request, "intake.html", text="", proposal=None, match=None, duplicates=[],
                form={})


@router.post("/intake/read", dependencies=[Csrf])
async def intake_read(request: Request, ctx: Ctx, who: Person) -> Response:
    form = await request.form()
    template = "intake_fields.html" if request.headers.get("hx-request") else "intake.html"
    try:
        parsed, text, _ = await _parsed(ctx, form)
    except (AppError, DomainError) as exc:
        found = problem_of(exc)
        return page(request, template, status_code=found.status, error=found,
                    text=str(form.get("text") or ""), proposal=None, match=None,
                    duplicates=[], form={})
    dupes = await run_in_threadpool(_duplicates, ctx, who, parsed.proposal.notation)
    return page(request, template, text=text, proposal=parsed.proposal,
                match=parsed.issuer_match, duplicates=dupes, form={})


@router.post("/intake/confirm", dependencies=[Csrf])
async def intake_confirm(request: Request, ctx: Ctx, who: Person) -> Response:
    form = await request.form()
    parsed = None
    try:
        parsed, _, pdf = await _parsed(ctx, form)
        proposal = _edited(parsed, form)
        issuer_code = _value(form, "issuer_code")
        create = form.get("create_issuer") == "1"
        choices = intake.Choices(issuer_code=issuer_code, create_issuer=create,
                                 issuer_name=parsed.proposal.issuer if create else None,
                                 issuer_family=parsed.proposal.family if create else None,
                                 sender=_value(form, "sender"),
                                 routed_to=_value(form, "routed_to"),
                                 deadline=date.fromisoformat(d) if (d := _value(
                                     form, "deadline")) else None,
                                 note=_value(form, "note"))
        done = await run_in_threadpool(intake.confirm, ctx, who, who.org_code, proposal, choices)
        if pdf is not None:
            await run_in_threadpool(scans.upload, ctx, who, done.arrival.document_id, pdf)
    except (AppError, DomainError, ValueError) as exc:
        if isinstance(exc, ValueError) and not isinstance(exc, DomainError):
            exc = Invalid("Input should be a valid date", field="deadline")
        found = problem_of(exc)
        return page(request, "intake.html", status_code=found.status, error=found,
                    text=str(form.get("text") or ""),
                    proposal=None if parsed is None else parsed.proposal,
                    match=None if parsed is None else parsed.issuer_match, duplicates=[],
                    form={k: v for k, v in form.items() if isinstance(v, str)})
    return see_other(f"{PREFIX}/arrivals/{done.arrival.id}?saved=1")
