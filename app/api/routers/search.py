"""/search: one box over every register the caller may read."""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import Caller, Ctx
from app.api.schemas.common import ArrivalStatus, Confidentiality, RegisterKind
from app.api.schemas.search import EntryOut, SearchHitOut, SearchPage
from app.errors import Invalid
from app.services import search

router = APIRouter(tags=["search"])
_URLS = {"arrival": "/arrivals/{}", "dispatch": "/dispatches/{}", "copy": "/copies/{}"}


def _encode(after: tuple[float, int] | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(f"s:{after[0]!r}:{after[1]}".encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[float, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, score, ident = raw.split(":")
        if kind != "s":
            raise ValueError(raw)
        return float(score), int(ident)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid("cursor is not one this service gave out", field="cursor") from exc


@router.get("/search", response_model=SearchPage,
            summary="Search notation, title, issuer and PDF text (diacritics-insensitive)")
def search_registers(
    ctx: Ctx, who: Caller,
    q: Annotated[str | None, Query(max_length=300, examples=["ket luan 62", "160/TB"])] = None,
    type_code: str | None = None, issuer: str | None = None,
    date_from: date | None = None, date_to: date | None = None,
    register: RegisterKind | None = None,
    status: ArrivalStatus | None = None,
    confidentiality: Confidentiality | None = None,
    org: Annotated[str | None, Query(description="only this office's registers")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> SearchPage:
    """One box over every register the caller may read: notation, title, issuer and the text of
    attached PDFs, diacritics-insensitive; a bare number (`565`) also finds the entries of that
    number. Ranked, filtered, paged."""
    hits, after = search.search(ctx, who, search.SearchFilter(
        text=q, type_code=type_code, issuer_code=issuer, date_from=date_from, date_to=date_to,
        register=register, status=status, confidentiality=confidentiality, org_code=org),
        after=_decode(cursor), limit=limit)
    return SearchPage(items=[SearchHitOut(
        document_id=h.document.id, notation=h.document.notation, title=h.document.title,
        issuer_code=h.document.issuer.code, issuer_name=h.document.issuer.name,
        type_code=h.document.type_code, issued_on=h.document.issued_on,
        confidentiality=h.document.confidentiality, score=h.score,
        entries=[EntryOut(register_=e.register, id=e.id, org_code=e.org_code, number=e.number,
                          notation=e.notation, status=e.status, on=e.on,
                          url=_URLS[e.register].format(e.id)) for e in h.entries])
        for h in hits], next_cursor=_encode(after))
