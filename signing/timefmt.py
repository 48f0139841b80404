"""Vietnam time helpers: the signature box shows "dd.mm.yyyy HH:MM:SS +07:00" (giờ Việt Nam)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: Vietnam has used a fixed UTC+7 offset without daylight saving since 1975.
VN_TZ = timezone(timedelta(hours=7), "+07:00")


def require_aware(moment: datetime, what: str = "time") -> datetime:
    """Return `moment` unchanged, refusing a naive datetime (its offset would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")
    return moment


def to_vn(moment: datetime) -> datetime:
    """The same instant expressed in Vietnam time (+07:00)."""
    return require_aware(moment).astimezone(VN_TZ)


def format_stamp_time(moment: datetime) -> str:
    """Format as on a Vietnamese signature box: ``04.02.2020 15:30:15 +07:00``."""
    return to_vn(moment).strftime("%d.%m.%Y %H:%M:%S +07:00")


def iso_vn(moment: datetime) -> str:
    """ISO 8601 in Vietnam time, whole seconds: ``2020-02-04T15:30:15+07:00``."""
    return to_vn(moment).replace(microsecond=0).isoformat()


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp that must carry an offset."""
    return require_aware(datetime.fromisoformat(text), "ISO timestamp")


def format_date(moment: datetime) -> str:
    """Date only (``2020-01-10``), in Vietnam time, for reasons shown to people."""
    return to_vn(moment).date().isoformat()
