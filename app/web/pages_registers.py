"""The clerk's registers: the incoming register with its search box, continuing a paper book,
the inbox of documents and copies other offices sent, the outgoing register, book downloads."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from app.api.routers import books
from app.context import AppContext
from app.db import Arrival
from app.domain.numbering import RegisterKind
from app.errors import Invalid
from app.services import arrivals, dispatches, registers, search
from app.services.access import Principal
from app.web.labels import REGISTERS
from app.web.render import WebRoute, page, see_other
from app.web.session import PREFIX, Csrf, Ctx, Person

router = APIRouter(prefix=PREFIX, route_class=WebRoute, include_in_schema=False)


def find_arrivals(ctx: AppContext, who: Principal, q: str) -> list[Arrival]:
    """Entries of the caller's incoming register matching the box: a số đến (digits), or a
    notation or words (the search service's match)."""
    q = q.strip()
    if q.isdigit():
        found, _ = arrivals.list_for(ctx, who, who.org_code, arrivals.ArrivalFilter(limit=500))
        return [a for a in found if a.arrival_number == int(q)]
    hits, _ = search.search(ctx, who, search.SearchFilter(text=q, register="arrival",
                                                          org_code=who.org_code), limit=50)
    ids = {e.id for h in hits for e in h.entries if e.register == "arrival"}
    found, _ = arrivals.list_for(ctx, who, who.org_code, arrivals.ArrivalFilter(limit=500))
    return [a for a in found if a.id in ids]


@router.get("/arrivals")
def arrival_list(request: Request, ctx: Ctx, who: Person, q: str = "") -> Response:
    if q.strip():
        items = find_arrivals(ctx, who, q)
    else:
        items, _ = arrivals.list_for(ctx, who, who.org_code, arrivals.ArrivalFilter())
    return page(request, "arrivals.html", items=items, q=q)


@router.get("/arrivals/{arrival_id}")
def arrival_show(request: Request, ctx: Ctx, who: Person, arrival_id: int,
                 saved: int = 0) -> Response:
    """`saved=1`: just registered, so the page says the number it took."""
    return page(request, "arrival.html", arrival=arrivals.get(ctx, who, arrival_id),
                saved=saved == 1)


@router.get("/registers")
def register_state(request: Request, ctx: Ctx, who: Person) -> Response:
    today = ctx.clock().date()
    states = [(kind, REGISTERS[kind.value],
               registers.series_state(ctx, who, who.org_code, kind, today))
              for kind in (RegisterKind.ARRIVAL, RegisterKind.COPY)]
    return page(request, "registers.html", states=states, today=today, done=None)


@router.post("/registers/continue", dependencies=[Csrf])
def register_continue(request: Request, ctx: Ctx, who: Person,
                      kind: Annotated[RegisterKind, Form()],
                      last_number: Annotated[str, Form()] = "") -> Response:
    if not last_number.strip().isdigit():
        raise Invalid("the last number of the paper book is a whole number",
                      field="last_number")
    registers.continue_from_paper(ctx, who, who.org_code, kind, ctx.clock().date(),
                                  int(last_number))
    return see_other(f"{PREFIX}/registers")


@router.get("/inbox")
def inbox(request: Request, ctx: Ctx, who: Person) -> Response:
    return page(request, "inbox.html", items=arrivals.inbox(ctx, who, who.org_code))


@router.post("/inbox/{item_id}/register", dependencies=[Csrf])
def inbox_register(request: Request, ctx: Ctx, who: Person, item_id: int,
                   routed_to: Annotated[str | None, Form()] = None) -> Response:
    arrival = arrivals.register_from_inbox(ctx, who, who.org_code, item_id,
                                           routed_to=routed_to or None)
    return see_other(f"{PREFIX}/arrivals/{arrival.id}?saved=1")


@router.get("/dispatches")
def dispatch_list(request: Request, ctx: Ctx, who: Person) -> Response:
    items, _ = dispatches.list_for(ctx, who, who.org_code)
    return page(request, "dispatches.html", items=items)


@router.get("/books/{kind}.{fmt}")
def book(ctx: Ctx, who: Person, kind: RegisterKind, fmt: Literal["pdf", "csv"],
         year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
         org: str | None = None) -> Response:
    """The register book, as the API gives it (the same function, the person's rights)."""
    return books.register_book(org or who.org_code, kind, ctx, who, format_=fmt,
                               year=year or ctx.clock().year, term=None, date_from=None,
                               date_to=None, volume=1)
