"""Vietnamese date phrases, numeric dates and signing times.

Date line (ND 30 Phụ lục I II.4): ``Hà Nội, ngày 05 tháng 3 năm 2020``: days below 10 and
months 1 and 2 get a leading zero, months 3–12 do not. Party documents pad every month below 10
(HD 11-HD/VPTW sample "ngày 28 tháng 05 năm 2004"; the seed's "ngày 04 tháng 02 năm 2020").
Signing time as shown in signature boxes: ``04.02.2020 15:30:15 +07:00`` (Vietnam time, ISO 8601
offset); ISO 8601 itself is accepted on input.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from app.domain.doc_types import Family
from app.domain.errors import DateTextError
from app.domain.text import nfc

# Vietnam time (giờ Việt Nam), UTC+07:00 without daylight saving, is defined once: by the
# signing library, whose stamps and manifests print it.
from signing import VN_TZ as VN_TZ
from signing import format_stamp_time, iso_vn

_DATE_LINE = re.compile(
    r"^(?P<place>.*?)[\s,]*\bngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
    r"\s*\.?$",
    re.IGNORECASE,
)
_NUMERIC_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_NUMERIC_YMD = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})$")
_SIGNING_TIME = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*(?:(?:GMT|UTC)\s*)?"
    r"([+-])(\d{2}):?(\d{2})$",
    re.IGNORECASE,
)


def _make_date(y: int, m: int, d: int, text: str) -> date:
    if not 1 <= m <= 12:
        raise DateTextError(f"month must be 1 to 12, got {m} in {text!r}")
    try:
        return date(y, m, d)
    except ValueError:
        raise DateTextError(f"day {d} does not exist in month {m} of {y} ({text!r})") from None


def _day(d: int) -> str:
    return f"{d:02d}"


def _month(m: int, family: Family) -> str:
    if family is Family.PARTY or m <= 2:
        return f"{m:02d}"
    return str(m)


def format_date_phrase(d: date, family: Family = Family.STATE) -> str:
    """``ngày 05 tháng 3 năm 2020`` (State padding by default)."""
    return f"ngày {_day(d.day)} tháng {_month(d.month, family)} năm {d.year:04d}"


def format_date_line(place: str | None, d: date, family: Family = Family.STATE) -> str:
    """``Hà Nội, ngày 15 tháng 01 năm 2020``; without a place just the date phrase."""
    phrase = format_date_phrase(d, family)
    if place is None or not place.strip():
        return phrase
    return f"{nfc(place).strip()}, {phrase}"


def parse_date_line(text: str) -> tuple[str | None, date]:
    """``"Hà Nội, ngày 15 tháng 01 năm 2020"`` → ``("Hà Nội", date(2020, 1, 15))``.

    Tolerant: months with or without a zero, "Ngày" capitalised, extra spaces or a line break,
    a missing place or comma, a final full stop.
    """
    s = " ".join(nfc(text).split())
    m = _DATE_LINE.match(s)
    if m is None:
        raise DateTextError(
            f"expected a date line like 'Hà Nội, ngày 15 tháng 01 năm 2020', got {s!r}"
        )
    place = m.group("place").strip(" ,") or None
    return place, _make_date(int(m.group("y")), int(m.group("m")), int(m.group("d")), s)


def parse_numeric_date(text: str) -> date:
    """``29/01/2020``, ``11/2/2020``, ``11-02-2020``, ``08.12.2009`` (day first, as written in
    Vietnam), and year-first ``2020-01-29`` / ``2020/01/29`` (ISO, edXML)."""
    s = text.strip()
    m = _NUMERIC_DMY.match(s)
    if m:
        return _make_date(int(m.group(4)), int(m.group(3)), int(m.group(1)), s)
    m = _NUMERIC_YMD.match(s)
    if m:
        return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), s)
    raise DateTextError(f"expected a date like 29/01/2020 (day/month/year), got {s!r}")


def format_numeric_date(d: date) -> str:
    """``29/01/2020``: the register's dd/MM/yyyy."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def to_vn(dt: datetime) -> datetime:
    """The same instant in Vietnam time. Naive datetimes are refused: their instant is unknown."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise DateTextError(
            "a timezone-aware time is needed (e.g. +07:00), got a naive datetime",
            field="signed_at",
        )
    return dt.astimezone(VN_TZ)


def format_signing_time(dt: datetime) -> str:
    """``04.02.2020 15:30:15 +07:00``: the visible "Thời gian ký", always in Vietnam time."""
    return format_stamp_time(to_vn(dt))


def format_signing_time_iso(dt: datetime) -> str:
    """``2020-02-04T15:30:15+07:00``: ISO 8601 with the Vietnam offset (ND 30 Phụ lục I)."""
    return iso_vn(to_vn(dt))


def parse_signing_time(text: str) -> datetime:
    """An aware datetime from ``dd.MM.yyyy HH:mm:ss ±hh:mm`` or ISO 8601 with an offset.

    A line break between date and time (as in the seed's signature box) is accepted. Text
    without an offset is refused: the instant would be a guess.
    """
    s = " ".join(nfc(text).split())
    m = _SIGNING_TIME.match(s)
    if m:
        d, mo, y, hh, mm, ss, sign, oh, om = m.groups()
        day = _make_date(int(y), int(mo), int(d), s)
        offset = timedelta(hours=int(oh), minutes=int(om))
        if offset >= timedelta(hours=24):
            raise DateTextError(f"UTC offset out of range in {s!r}", field="signed_at")
        tz = timezone(offset if sign == "+" else -offset)
        try:
            return datetime(day.year, day.month, day.day, int(hh), int(mm), int(ss), tzinfo=tz)
        except ValueError:
            raise DateTextError(f"time of day out of range in {s!r}", field="signed_at") from None
    try:
        parsed = datetime.fromisoformat(s)
    except ValueError:
        raise DateTextError(
            f"expected a signing time like '04.02.2020 15:30:15 +07:00' or ISO 8601 "
            f"'2020-02-04T15:30:15+07:00', got {s!r}",
            field="signed_at",
        ) from None
    if parsed.tzinfo is None:
        raise DateTextError(
            f"signing time needs a UTC offset such as +07:00, got {s!r}", field="signed_at"
        )
    return parsed
