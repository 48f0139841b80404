"""When a register line may be written: not in the future, not into a year or committee term that
has ended, and incoming lines in order of receipt (ND 30 Đ15.1, Đ22.2).

Pure rules: the services pass the clock's "now" and the latest receipt of the series.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.domain.dates import to_vn
from app.domain.errors import DomainError

#: Clocks of clients and server disagree by seconds; a receipt this far ahead is still "now".
CLOCK_SKEW = timedelta(minutes=2)


class RegisterPeriodError(DomainError):
    default_field = "received_at"


def check_not_future_time(value: datetime, now: datetime, field: str) -> None:
    if value > now + CLOCK_SKEW:
        raise RegisterPeriodError(
            f"{to_vn(value).strftime('%H:%M %d/%m/%Y')} is in the future (it is now "
            f"{to_vn(now).strftime('%H:%M %d/%m/%Y')})", field=field)


def check_not_future_day(value: date, today: date, field: str) -> None:
    if value > today:
        raise RegisterPeriodError(f"{value.strftime('%d/%m/%Y')} is in the future (today is "
                                  f"{today.strftime('%d/%m/%Y')})", field=field)


def period_of(scope: str) -> str:
    """The period a scope key belongs to, as a clerk names it: "the year 2020", "the term
    2015-2020" (nhiệm kỳ), "the congress 2020-2025" (đại hội)."""
    kind, _, rest = scope.partition(":")
    if not rest:
        return f"the year {scope.split('/')[0]}"
    return f"the {kind} {rest.split('/')[0]}"


def check_open_series(scope_of_date: str, scope_of_today: str, day: date, field: str) -> None:
    """A number is drawn only from the series running today: the series of a past year or of an
    ended committee term is closed (its book is sealed), whatever date is typed."""
    if scope_of_date != scope_of_today:
        raise RegisterPeriodError(
            f"{day.strftime('%d/%m/%Y')} falls in {period_of(scope_of_date)}, which has ended: "
            f"numbers are given today in {period_of(scope_of_today)} only", field=field)


def is_late(received_at: datetime, latest_receipt: datetime | None) -> bool:
    """A receipt earlier than the latest entry of its series is out of order (a late entry)."""
    return latest_receipt is not None and received_at < latest_receipt
