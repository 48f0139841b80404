"""One database row of a register book as one printed line (ND 30 Phụ lục IV).

A register never skips a number: a document above the reader's clearance keeps its line (number,
dates, notation, issuer) but its summary is replaced by :func:`masked_summary`. The note column
gathers the marks of cancellations, corrections, late entries, revocations and confidentiality.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db import Organisation, Recipient
from app.domain.copy_forms import CopyKind
from app.domain.corrections import (
    cancellation_note,
    correction_note,
    late_note,
    revocation_note,
)
from app.domain.dates import to_vn
from app.domain.doc_types import Family, lookup_type
from app.domain.marks import Confidentiality
from app.domain.numbering import RegisterKind
from app.domain.text import fold
from app.render.register_forms import ArrivalRow, CopyRow, DispatchRow
from app.render.register_forms import Row as BookRow

RECIPIENT_SEPARATOR = "; "


def masked_summary(confidentiality: str) -> str:
    """What a book prints instead of the summary of a document above the reader's clearance."""
    return f"(văn bản {Confidentiality(confidentiality).label} — trích yếu không hiển thị)"


@lru_cache(maxsize=2048)
def type_name(family: str, type_code: str | None, on: date) -> str | None:
    """The type's name as a register writes it ("Thông báo", "Quyết định"), or None.

    A State document without a type abbreviation is a công văn (ND 30 Phụ lục I II.3.b).
    """
    fam = Family(family)
    if not type_code:
        return "Công văn" if fam is Family.STATE else None
    found = lookup_type(fam, type_code, on)
    if found is None:
        return None
    return found.name.split(" (", 1)[0]  # "Quyết định (cá biệt)" is written "Quyết định"


def summary_text(family: str, type_code: str | None, issued_on: date, title: str) -> str:
    """Tên loại và trích yếu: "Thông báo: Kết luận …"; the type is not repeated when the title
    already starts with it."""
    name = type_name(family, type_code, issued_on)
    if name is None or fold(title).startswith(fold(name)):
        return title
    return f"{name}: {title}"


# -- mapping one database row to one register line ----------------------------------------------


def _dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _summary(r: Row[Any], family: str, visible: Sequence[str]) -> str:
    if r.confidentiality not in visible:
        return masked_summary(r.confidentiality)
    return summary_text(family, r.type_code, r.issued_on, r.title)


def _secret_note(confidentiality: str) -> list[str]:
    label = Confidentiality(confidentiality).label
    return [f"Độ mật: {label}"] if label else []


def _note(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def _amendments(r: Row[Any]) -> list[str]:
    """The marks of a cancelled number and of corrections, first in the note column."""
    marks: list[str] = []
    if r.cancelled_at is not None:
        marks.append(cancellation_note(to_vn(r.cancelled_at).date(), r.cancel_reason or ""))
    if r.corrections:
        marks.append(correction_note(to_vn(r.corrected_at).date(), int(r.corrections)))
    return marks


def _arrival_row(r: Row[Any], visible: Sequence[str], _org: Organisation,
                 _recipients: dict[int, str]) -> ArrivalRow:
    return ArrivalRow(
        arrival_date=r.received_on, arrival_number=r.arrival_number, author=r.issuer,
        notation=r.notation, document_date=r.issued_on,
        summary=_summary(r, r.family, visible), recipient=r.routed_to or "",
        transfer_date=r.routed_on,
        note=_note(*_amendments(r),
                   late_note(to_vn(r.created_at), r.late_reason) if r.late_reason else None,
                   *_secret_note(r.confidentiality),
                   f"Bản sao {r.copy_notation}" if r.copy_notation else None,
                   f"Hồ sơ {r.file_code}" if r.file_code else None, r.note),
        registered_at=r.created_at)


def _dispatch_row(r: Row[Any], visible: Sequence[str], org: Organisation,
                  recipients: dict[int, str]) -> DispatchRow:
    return DispatchRow(
        notation=r.notation, document_date=r.issued_on,
        summary=_summary(r, org.family, visible), signer=r.signer_name or "",
        recipients=recipients.get(r.id, ""), archive_holder=r.archive_unit or "",
        copies=r.copies_count, transfer_date=r.sent_on,
        note=_note(*_amendments(r), *_secret_note(r.confidentiality), r.note))


def _copy_row(r: Row[Any], visible: Sequence[str], org: Organisation,
              recipients: dict[int, str]) -> CopyRow:
    source = f"{r.notation}, {_dmy(r.issued_on)}"
    if r.parent_notation:
        source = f"{r.parent_notation}, {_dmy(r.parent_date)} (bản sao của {source})"
    heading = CopyKind(r.kind).heading(Family(org.family))
    pages = f"Trang {', '.join(str(p) for p in r.pages)}" if r.pages else None
    return CopyRow(
        copy_notation=r.copy_notation, copy_date=r.copy_date,
        copy_form=heading[:1] + heading[1:].lower(), source=source, source_issuer=r.issuer,
        summary=_summary(r, r.family, visible), signer=r.signer_name,
        recipients=recipients.get(r.id, ""), copies=r.copies_count,
        note=_note(revocation_note(to_vn(r.revoked_at).date(), r.revocation_reason or "")
                   if r.revoked_at is not None else None,
                   *_secret_note(r.confidentiality), pages))


MAPPERS: dict[RegisterKind, Callable[[Row[Any], Sequence[str], Organisation, dict[int, str]],
                                     BookRow]] = {
    RegisterKind.ARRIVAL: _arrival_row, RegisterKind.DISPATCH: _dispatch_row,
    RegisterKind.COPY: _copy_row}


def recipient_lines(session: Session, owner: InstrumentedAttribute[int | None],
                    ids: list[int]) -> dict[int, str]:
    """The nơi nhận lines of a batch of dispatches or copies, joined in their printed order."""
    lines: dict[int, list[str]] = {}
    for owner_id, name in session.execute(
            select(owner, Recipient.name).where(owner.in_(ids))
            .order_by(owner, Recipient.position)):
        if owner_id is not None:  # always, by the where clause
            lines.setdefault(owner_id, []).append(name)
    return {k: RECIPIENT_SEPARATOR.join(v) for k, v in lines.items()}


