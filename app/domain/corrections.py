"""Correcting (đính chính) and cancelling (hủy) register lines: the pure rules.

A clerk who typed a line wrong corrects it with a reason; the register keeps the number and
prints the current values with a note of the correction, and the audit log keeps before and
after. A number given in error is cancelled with a reason: the line stays in the book, marked,
and the number is never given again (ND 30 Đ15, Đ22: a register never skips or repeats).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

#: Fields of the document as written on it, correctable on an incoming line.
ARRIVAL_DOCUMENT_FIELDS = ("notation", "issued_on", "title", "issuer_code")
#: Fields of the incoming line itself.
ARRIVAL_ENTRY_FIELDS = ("sender", "received_at")
#: Fields correctable on an outgoing line (its number and notation are the register's own).
DISPATCH_DOCUMENT_FIELDS = ("title", "issued_on", "signer_authority", "signer_title",
                            "signer_name")
DISPATCH_ENTRY_FIELDS = ("archive_unit", "copies_count")

MIN_REASON_LENGTH = 5


def shown(value: Any) -> str | None:
    """A value as the correction record keeps it (ISO dates, plain text)."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def changed_fields(current: Mapping[str, Any],
                   wanted: Mapping[str, Any]) -> dict[str, list[str | None]]:
    """field → [before, after] for each wanted value that differs from the current one."""
    return {name: [shown(current.get(name)), shown(value)]
            for name, value in wanted.items() if shown(current.get(name)) != shown(value)}


def reason_problem(reason: str) -> str | None:
    """Why a correction or cancellation reason is not acceptable, or None."""
    if len(reason.strip()) < MIN_REASON_LENGTH:
        return (f"say why, in at least {MIN_REASON_LENGTH} characters: the reason is kept in "
                "the register and the audit log")
    return None


def correction_note(on: date, count: int) -> str:
    """What the book prints in the note column of a corrected line."""
    times = "" if count == 1 else f" ({count} lần)"
    return f"Đã đính chính ngày {on.strftime('%d/%m/%Y')}{times}"


def cancellation_note(on: date, reason: str) -> str:
    """What the book prints for a cancelled number."""
    return f"ĐÃ HỦY SỐ ngày {on.strftime('%d/%m/%Y')}: {reason}"


def revocation_note(on: date, reason: str) -> str:
    """What the copy register prints for a revoked copy."""
    return f"ĐÃ THU HỒI ngày {on.strftime('%d/%m/%Y')}: {reason}"


def late_note(registered_at: datetime, reason: str) -> str:
    """What the incoming book prints for a late entry (received before the series' latest)."""
    return f"VÀO SỔ MUỘN lúc {registered_at.strftime('%H:%M %d/%m/%Y')}: {reason}"
