"""/orgs/{code}/registers/{kind}/book (PDF or CSV) and /orgs/{code}/deadlines."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from datetime import date
from tempfile import SpooledTemporaryFile
from typing import IO, Annotated, BinaryIO, Literal, cast
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from app.api.deps import Caller, Ctx
from app.api.schemas.books import DeadlineItemOut, DeadlineReportOut, UnitDeadlinesOut
from app.api.schemas.common import Day
from app.domain.numbering import RegisterKind
from app.render.register_book import write_register_pdf
from app.services import deadlines, register_books
from app.services.register_book_queries import BookQuery

router = APIRouter(tags=["registers"])

#: A rendered book stays in memory up to this size, then spills to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
CSV_TYPE = "text/csv; charset=utf-8"


def attachment(filename: str) -> dict[str, str]:
    """Content-Disposition with an ASCII name (diacritics dropped) and the exact UTF-8 name."""
    bare = unicodedata.normalize("NFD", filename.replace("Đ", "D").replace("đ", "d"))
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-"
                         for c in bare if not unicodedata.combining(c))
    return {"Content-Disposition":
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def _file_chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
    finally:
        spool.close()


@router.get(
    "/orgs/{code}/registers/{kind}/book",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}, "text/csv": {}}}},
    summary="The register book (sổ đăng ký) of a year or term, as ND 30 Phụ lục IV prints it",
)
def register_book(
    code: str, kind: RegisterKind, ctx: Ctx, who: Caller,
    format_: Annotated[Literal["pdf", "csv"], Query(alias="format")] = "pdf",
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
    term: Annotated[str | None, Query(min_length=1, max_length=40,
                                      description="a committee term label (Party outgoing "
                                                  "and copy registers): 2020-2025")] = None,
    date_from: date | None = None,
    date_to: date | None = None,
    volume: Annotated[int, Query(ge=1, le=9999, description="quyển số")] = 1,
) -> StreamingResponse:
    """The register of a year or term as the printed book: PDF (`format=pdf`) or CSV, with cancelled
    lines marked."""
    book = register_books.open_book(ctx, who, code, BookQuery(
        kind=RegisterKind(kind), year=year, term=term, date_from=date_from, date_to=date_to,
        volume=volume))
    headers = {"X-Register-Rows": str(book.count)}
    if format_ == "csv":
        headers.update(attachment(f"{book.filename}.csv"))
        return StreamingResponse(register_books.csv_chunks(book, CHUNK_BYTES),
                                 media_type=CSV_TYPE, headers=headers)
    # Closed by _file_chunks once sent, or here if rendering fails.
    spool = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        pages = write_register_pdf(book.meta, book.rows, cast(BinaryIO, spool))
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    headers.update(attachment(f"{book.filename}.pdf"))
    headers.update({"Content-Length": str(size), "X-Register-Pages": str(pages)})
    return StreamingResponse(_file_chunks(spool), media_type="application/pdf", headers=headers)


@router.get(
    "/orgs/{code}/deadlines",
    response_model=DeadlineReportOut,
    responses={200: {"content": {"text/csv": {}}}},
    summary="Incoming documents overdue or due soon (hạn giải quyết), per unit",
)
def deadline_report(
    code: str, ctx: Ctx, who: Caller,
    on: Annotated[Day | None, Query(description="the day; default today in Vietnam")] = None,
    soon_days: Annotated[int, Query(ge=0, le=366)] = 3,
    format_: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> DeadlineReportOut | Response:
    """Arrivals not done whose deadline has passed or falls within the next days, grouped by the
    unit they were routed to."""
    rep = deadlines.report(ctx, who, code, on=on, soon_days=soon_days)
    if format_ == "csv":
        return Response(deadlines.report_csv(rep), media_type=CSV_TYPE,
                        headers=attachment(f"han-giai-quyet-{rep.org_code}-{rep.on}.csv"))
    return DeadlineReportOut(
        org_code=rep.org_code, org_name=rep.org_name, on=rep.on, soon_days=rep.soon_days,
        overdue=rep.overdue, due_soon=rep.due_soon,
        units=[UnitDeadlinesOut(
            unit=u.unit, overdue=u.overdue, due_soon=u.due_soon,
            items=[DeadlineItemOut.model_validate(
                {**dataclasses.asdict(i), "url": f"/arrivals/{i.arrival_id}"})
                for i in u.items])
            for u in rep.units])
