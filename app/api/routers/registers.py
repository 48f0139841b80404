"""/orgs/{code}/arrivals, /dispatches, /inbox, /registers: the register books."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from pydantic import ValidationError

from app.api import cursor
from app.api.deps import Caller, Ctx
from app.api.problems import errors
from app.api.schemas.common import ArrivalStatus, InboxStatus, PathId, QueryYear
from app.api.schemas.registers import (
    ArrivalCorrectionIn,
    ArrivalIn,
    ArrivalOut,
    ArrivalPage,
    ArrivalPatch,
    CancelIn,
    ContinueIn,
    DispatchCorrectionIn,
    DispatchIn,
    DispatchOut,
    DispatchPage,
    InboxItemOut,
    InboxRegisterIn,
    SeriesOut,
)
from app.api.uploads import read_bytes, read_pdf
from app.domain.numbering import RegisterKind
from app.errors import Invalid
from app.services import arrivals, corrections, deadlines, dispatches, registers

router = APIRouter(tags=["registers"])


def _parse_metadata(raw: str) -> ArrivalIn:
    try:
        return ArrivalIn.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise Invalid(f"metadata is not JSON: {exc.msg}", field="metadata") from exc
    except RecursionError as exc:  # JSON nested thousands deep
        raise Invalid("metadata is nested too deeply", field="metadata") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"{where}: {first['msg']}", field=f"metadata.{where}") from exc


@router.post("/orgs/{code}/arrivals", status_code=status.HTTP_201_CREATED,
             response_model=ArrivalOut, summary="Register an incoming document (số đến)",
             responses=errors(409))
def register_arrival(code: str, body: ArrivalIn, ctx: Ctx, who: Caller) -> ArrivalOut:
    """Vào sổ văn bản đến: the document (issuer, notation, date, title, signer…) and how it arrived.
    The register gives the next số đến of the year (or term); registering the same document again
    in the same register answers 409 with `existing`."""
    return ArrivalOut.model_validate(arrivals.register(ctx, who, code, body))


@router.post("/orgs/{code}/arrivals/with-file", status_code=status.HTTP_201_CREATED,
             response_model=ArrivalOut, responses=errors(409, 415, 503, 507),
             summary="Register an incoming document with its PDF (multipart)")
def register_arrival_with_file(
    code: str, ctx: Ctx, who: Caller,
    metadata: Annotated[str | UploadFile, Form(
        description="the ArrivalIn JSON, as a field (`-F 'metadata=<arrival.json'`) or a file "
                    "part (`-F metadata=@arrival.json`)")],
    file: Annotated[UploadFile, File(description="the document's PDF")],
) -> ArrivalOut:
    """The same as `POST /orgs/{code}/arrivals`, with the document's PDF: the JSON goes in the
    `metadata` form field, the PDF in `file` (a non-PDF is 415, a file above
    VANTHU_MAX_UPLOAD_BYTES 413)."""
    if not isinstance(metadata, str):  # sent as a file part
        raw = read_bytes(metadata, ctx.settings.max_json_bytes, "metadata")
        try:
            metadata = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid("metadata is not UTF-8 text", field="metadata") from exc
    body = _parse_metadata(metadata)
    pdf = read_pdf(ctx, file)
    return ArrivalOut.model_validate(arrivals.register(ctx, who, code, body, pdf))


@router.get("/orgs/{code}/arrivals",
            summary="The incoming register (sổ văn bản đến), newest first", response_model=ArrivalPage)
def list_arrivals(
    code: str, ctx: Ctx, who: Caller,
    date_from: date | None = None, date_to: date | None = None, year: QueryYear = None,
    issuer: str | None = None, type_code: str | None = None,
    status_: Annotated[ArrivalStatus | None,
                       Query(alias="status")] = None,
    q: Annotated[str | None, Query(max_length=200, examples=["ket luan", "160/TB"], description=(
        "words or a notation, diacritics-insensitive, matched as /search matches them "
        "(every word a prefix, numbers exact), or a piece of the title"))] = None,
    number: Annotated[int | None, Query(ge=1, le=10_000_000, examples=[565],
                                        description="the số đến")] = None,
    deadline_before: Annotated[date | None, Query(
        description="hạn giải quyết before this day")] = None,
    overdue: Annotated[bool, Query(
        description="only those not done whose deadline is past (today in Vietnam)")] = False,
    cursor_: Annotated[str | None, Query(alias="cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ArrivalPage:
    """Filter by số đến (`number`), words or a notation (`q`, matched as /search matches them),
    received dates, year, issuer, type, handling status and deadlines; paged by `next_cursor`. An
    unknown parameter is a 422 naming it."""
    items, last = arrivals.list_for(ctx, who, code, arrivals.ArrivalFilter(
        date_from=date_from, date_to=date_to, year=year, issuer_code=issuer,
        type_code=type_code, status=status_, text=q, number=number,
        deadline_before=deadline_before,
        overdue_on=deadlines.today(ctx) if overdue else None, after_id=cursor.decode(cursor_),
        limit=limit))
    return ArrivalPage(items=[ArrivalOut.model_validate(a) for a in items], next_cursor=cursor.encode(last))


@router.get("/arrivals/{arrival_id}", summary="One incoming entry", response_model=ArrivalOut)
def get_arrival(arrival_id: PathId, ctx: Ctx, who: Caller) -> ArrivalOut:
    """The entry with its document, routing, status and deadline; reading a confidential document's
    entry is an audit-log event."""
    return ArrivalOut.model_validate(arrivals.get(ctx, who, arrival_id))


@router.patch("/arrivals/{arrival_id}", response_model=ArrivalOut, responses=errors(409),
              summary="Route (chuyển) or move the handling status of an arrival")
def patch_arrival(arrival_id: PathId, body: ArrivalPatch, ctx: Ctx, who: Caller) -> ArrivalOut:
    """Sets `routed_to` (chuyển: to whom the document goes), the deadline (hạn giải quyết) or the
    handling status (received → routed → in_progress → done)."""
    return ArrivalOut.model_validate(arrivals.update(ctx, who, arrival_id,
                                         body.model_dump(exclude_unset=True)))


@router.post("/arrivals/{arrival_id}/corrections", response_model=ArrivalOut,
             responses=errors(409),
             summary="Correct (đính chính) an incoming line: the fields given, with a reason")
def correct_arrival(arrival_id: PathId, body: ArrivalCorrectionIn, ctx: Ctx,
                    who: Caller) -> ArrivalOut:
    """Đính chính: changes the fields given and records the reason and the former values in the
    audit log; the số đến stays."""
    values = body.model_dump(exclude_unset=True, exclude={"reason"})
    return ArrivalOut.model_validate(corrections.correct_arrival(
        ctx, who, arrival_id, corrections.Correction(reason=body.reason, values=values)))


@router.post("/arrivals/{arrival_id}/cancel", response_model=ArrivalOut, responses=errors(409),
             summary="Cancel (hủy) a số đến given in error: the line stays, marked")
def cancel_arrival(arrival_id: PathId, body: CancelIn, ctx: Ctx, who: Caller) -> ArrivalOut:
    """Hủy số: the line stays in the register, marked cancelled with the reason; the number is never
    given again."""
    return ArrivalOut.model_validate(corrections.cancel_arrival(ctx, who, arrival_id, body.reason))


@router.post("/orgs/{code}/dispatches", status_code=status.HTTP_201_CREATED,
             response_model=DispatchOut, summary="Register an outgoing document (số đi)")
def register_dispatch(code: str, body: DispatchIn, ctx: Ctx, who: Caller) -> DispatchOut:
    """Cấp số văn bản đi: the register gives the next number of the year for the type and builds the
    notation (`01-TB/VPTU`, `01/QĐ-UBND`); in-system recipients find the document in their inbox."""
    return DispatchOut.model_validate(dispatches.register(ctx, who, code, body))


@router.get("/orgs/{code}/dispatches",
            summary="The outgoing register (sổ văn bản đi), newest first", response_model=DispatchPage)
def list_dispatches(code: str, ctx: Ctx, who: Caller, year: QueryYear = None,
                    cursor_: Annotated[str | None, Query(alias="cursor")] = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 50) -> DispatchPage:
    """Entries of a year, paged by `next_cursor`."""
    items, last = dispatches.list_for(ctx, who, code, year=year,
                                      after_id=cursor.decode(cursor_), limit=limit)
    return DispatchPage(items=[DispatchOut.model_validate(d) for d in items],
                        next_cursor=cursor.encode(last))


@router.get("/dispatches/{dispatch_id}", summary="One outgoing entry", response_model=DispatchOut)
def get_dispatch(dispatch_id: PathId, ctx: Ctx, who: Caller) -> DispatchOut:
    """The entry with its number, notation, document and recipients."""
    return DispatchOut.model_validate(dispatches.get(ctx, who, dispatch_id))


@router.post("/dispatches/{dispatch_id}/corrections", response_model=DispatchOut,
             responses=errors(409),
             summary="Correct (đính chính) an outgoing line; its number and notation stay")
def correct_dispatch(dispatch_id: PathId, body: DispatchCorrectionIn, ctx: Ctx,
                     who: Caller) -> DispatchOut:
    """Đính chính: changes the fields given with a reason; the number and notation stay."""
    values = body.model_dump(exclude_unset=True, exclude={"reason"})
    return DispatchOut.model_validate(corrections.correct_dispatch(
        ctx, who, dispatch_id, corrections.Correction(reason=body.reason, values=values)))


@router.post("/dispatches/{dispatch_id}/cancel", response_model=DispatchOut,
             responses=errors(409),
             summary="Cancel (hủy) an outgoing number given in error, before it travelled")
def cancel_dispatch(dispatch_id: PathId, body: CancelIn, ctx: Ctx, who: Caller) -> DispatchOut:
    """Hủy số: only before the document was sent to anyone in the system; the line stays, marked."""
    return DispatchOut.model_validate(corrections.cancel_dispatch(ctx, who, dispatch_id, body.reason))


@router.get("/orgs/{code}/inbox", response_model=list[InboxItemOut],
            summary="Documents and copies sent to this office, waiting to be registered")
def inbox(code: str, ctx: Ctx, who: Caller,
          status_: Annotated[InboxStatus | None,
                             Query(alias="status")] = InboxStatus.PENDING) -> list[InboxItemOut]:
    """What other offices sent this one through the system (documents and certified copies), by
    status: pending until registered or returned."""
    return [InboxItemOut(id=i.id, status=i.status, sender_code=i.sender.code,
                         document_id=i.document_id, notation=i.document.notation,
                         title=i.document.title, copy_id=i.copy_id,
                         copy_notation=None if i.copy is None else i.copy.notation,
                         arrival_id=i.arrival_id,
                         created_at=i.created_at)
            for i in arrivals.inbox(ctx, who, code, status_)]


@router.post("/orgs/{code}/inbox/{item_id}/register", status_code=status.HTTP_201_CREATED,
             response_model=ArrivalOut, responses=errors(409),
             summary="Register an inbox item in the incoming register")
def register_inbox_item(code: str, item_id: PathId, body: InboxRegisterIn, ctx: Ctx,
                        who: Caller) -> ArrivalOut:
    """Vào sổ from the inbox: the document's fields come from the sender, the register gives the số
    đến; give the received time, routing and deadline if known."""
    return ArrivalOut.model_validate(arrivals.register_from_inbox(
        ctx, who, code, item_id, received_at=body.received_at, routed_to=body.routed_to,
        deadline=body.deadline, note=body.note, late_reason=body.late_reason))


@router.put("/orgs/{code}/registers/series", response_model=SeriesOut, responses=errors(409),
            summary="Continue a register series from the last number used on paper")
def continue_series(code: str, body: ContinueIn, ctx: Ctx, who: Caller) -> SeriesOut:
    """An office moving from paper says the last number it used in the year (or term); the register
    continues from the next one. A series is never lowered: a number below one already given is a
    409."""
    return SeriesOut.model_validate(registers.continue_from_paper(
        ctx, who, code, RegisterKind(body.register_kind), body.on, body.last_number,
        body.doc_type, body.secret))


@router.get("/orgs/{code}/registers/series", response_model=SeriesOut,
            summary="A register series' last and next number")
def get_series(code: str, ctx: Ctx, who: Caller,
               register: RegisterKind, on: date,
               doc_type: str | None = None, secret: bool = False) -> SeriesOut:
    """Where a register stands on a day: its scope (year or term), last number given and next
    number."""
    return SeriesOut.model_validate(registers.series_state(
        ctx, who, code, RegisterKind(register), on, doc_type, secret))
