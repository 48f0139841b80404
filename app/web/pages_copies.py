"""Copies: a department finds a document and asks for a copy; the clerk or head sees the queue,
previews the copy and approves or refuses; the copy register; a copy's chain and verification;
a PDF uploaded to verify."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.api.reports import report_response
from app.api.routers import copies as copies_api
from app.api.uploads import read_bytes
from app.context import AppContext
from app.domain.copy_forms import CopyKind
from app.domain.numbering import RegisterKind
from app.errors import Invalid
from app.services import (
    arrivals,
    copies,
    copy_requests,
    distribution,
    documents,
    registers,
    search,
    verification,
)
from app.services.access import Principal
from app.services.dispatches import RecipientIn
from app.web.render import WebRoute, page, see_other
from app.web.session import PREFIX, Csrf, Ctx, Person

router = APIRouter(prefix=PREFIX, route_class=WebRoute, include_in_schema=False)


def parse_recipients(text: str) -> list[RecipientIn]:
    """One nơi nhận a line; a line ending in ``[CODE]`` is also delivered to that office."""
    out = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        code = None
        if line.endswith("]") and "[" in line:
            line, _, rest = line.rpartition("[")
            code, line = rest[:-1].strip() or None, line.strip()
        out.append(RecipientIn(org_code=code, name=line or None))
    return out


@router.get("/search")
def find(request: Request, ctx: Ctx, who: Person, q: str = "") -> Response:
    hits: list[search.Hit] = []
    if q.strip():
        hits, _ = search.search(ctx, who, search.SearchFilter(text=q), limit=20)
    return page(request, "search.html", q=q, hits=hits)


def _received_copies(ctx: AppContext, who: Principal, doc_id: int) -> list[object]:
    found, _ = arrivals.list_for(ctx, who, who.org_code, arrivals.ArrivalFilter(limit=500))
    ids = sorted({a.copy_id for a in found if a.document_id == doc_id and a.copy_id})
    return [copies.get(ctx, who, i) for i in ids]


@router.get("/requests/new")
def request_form(request: Request, ctx: Ctx, who: Person, document_id: int) -> Response:
    doc = documents.read_document(ctx, who, document_id)
    return page(request, "request_new.html", doc=doc, kinds=list(CopyKind),
                received=_received_copies(ctx, who, document_id), form={})


@router.post("/requests", dependencies=[Csrf])
def request_create(request: Request, ctx: Ctx, who: Person,
                   document_id: Annotated[int, Form()], kind: Annotated[CopyKind, Form()],
                   reason: Annotated[str, Form()] = "", recipients: Annotated[str, Form()] = "",
                   source: Annotated[str, Form()] = "document") -> Response:
    copy_id = int(source) if source.isdigit() else None
    try:
        if not reason.strip():
            raise Invalid("String should have at least 1 character", field="reason")
        made = copy_requests.create(ctx, who, who.org_code, copy_requests.CopyRequestIn(
            kind=kind, reason=reason.strip(), recipients=parse_recipients(recipients),
            document_id=None if copy_id else document_id, copy_id=copy_id))
    except Exception as exc:
        from app.web.render import problem_of
        found = problem_of(exc)
        doc = documents.read_document(ctx, who, document_id)
        return page(request, "request_new.html", status_code=found.status, error=found,
                    doc=doc, kinds=list(CopyKind),
                    received=_received_copies(ctx, who, document_id),
                    form={"kind": kind, "reason": reason, "recipients": recipients})
    return see_other(f"{PREFIX}/requests/{made.id}")


@router.get("/requests")
def request_list(request: Request, ctx: Ctx, who: Person, status: str | None = None) -> Response:
    items, _ = copy_requests.list_for(ctx, who, who.org_code,
                                      copy_requests.RequestFilter(status=status or None))
    return page(request, "requests.html", items=items, status=status)


@router.get("/requests/{request_id}")
def request_show(request: Request, ctx: Ctx, who: Person, request_id: int) -> Response:
    item = copy_requests.get(ctx, who, request_id)
    preview = None
    if item.status == "pending" and who.role in ("clerk", "head"):
        state = registers.series_state(ctx, who, item.organisation.code, RegisterKind.COPY,
                                       ctx.clock().date())
        preview = {"next_number": state["next_number"],
                   "heading": CopyKind(item.kind).heading(),
                   "lines": [r.get("name") or r.get("org_code") for r in item.recipients]}
    return page(request, "request.html", item=item, preview=preview)


@router.post("/requests/{request_id}/approve", dependencies=[Csrf])
async def request_approve(request: Request, ctx: Ctx, who: Person, request_id: int,
                          signer_title: Annotated[str, Form()] = "",
                          signer_name: Annotated[str, Form()] = "",
                          archive_line: Annotated[str, Form()] = "") -> Response:
    data = copies.ApproveIn(signer_title=signer_title, signer_name=signer_name,
                            **({"archive_line": archive_line} if archive_line.strip() else {}))
    made = await run_in_threadpool(copies.approve, ctx, who, request_id, data)
    return see_other(f"{PREFIX}/copies/{made.id}")


@router.post("/requests/{request_id}/refuse", dependencies=[Csrf])
def request_refuse(request: Request, ctx: Ctx, who: Person, request_id: int,
                   reason: Annotated[str, Form()] = "") -> Response:
    if not reason.strip():
        raise Invalid("String should have at least 1 character", field="reason")
    copy_requests.refuse(ctx, who, request_id, reason.strip())
    return see_other(f"{PREFIX}/requests/{request_id}")


@router.get("/copies")
def copy_list(request: Request, ctx: Ctx, who: Person) -> Response:
    items, _ = copies.list_for(ctx, who, who.org_code)
    return page(request, "copies.html", items=items)


@router.get("/copies/{copy_id}")
async def copy_show(request: Request, ctx: Ctx, who: Person, copy_id: int) -> Response:
    chain = copies.chain(ctx, who, copy_id)
    tree = distribution.draw(distribution.tree(ctx, who, chain[0].document_id), copy_id)
    result = await run_in_threadpool(verification.verify_copy, ctx, copy_id)
    return page(request, "copy.html", copy=chain[0], chain=chain, tree=tree,
                report=result.report, matches=result.matches)


@router.get("/copies/{copy_id}/pdf")
def copy_pdf(ctx: Ctx, who: Person, copy_id: int) -> Response:
    return copies_api.get_copy_pdf(copy_id, ctx, who)


@router.get("/copies/{copy_id}/report.pdf")
def copy_report(ctx: Ctx, who: Person, copy_id: int) -> Response:
    copies.get(ctx, who, copy_id)
    return report_response(ctx, verification.verify_copy(ctx, copy_id), "pdf")


@router.get("/verify")
def verify_form(request: Request, who: Person) -> Response:
    return page(request, "verify.html", result=None)


@router.post("/verify", dependencies=[Csrf])
async def verify_post(request: Request, ctx: Ctx, who: Person,
                      file: Annotated[UploadFile, File()]) -> Response:
    pdf = await run_in_threadpool(read_bytes, file, ctx.settings.max_upload_bytes, "file")
    result = await run_in_threadpool(lambda: verification.verify_upload(
        ctx, pdf, None, filename=file.filename, levels=who.visible_levels()))
    return page(request, "verify.html", result=result, report=result.report,
                matches=result.matches)
