"""The pure period rules: how a closed period is named, and what counts as the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.register_period import (
    CLOCK_SKEW,
    RegisterPeriodError,
    check_not_future_day,
    check_not_future_time,
    check_open_series,
    period_of,
)


@pytest.mark.parametrize(("scope", "named"), [
    ("2020", "the year 2020"), ("2021/MAT", "the year 2021"), ("2020/QĐ", "the year 2020"),
    ("term:2015-2020/TB", "the term 2015-2020"), ("term:2020-2025/BS", "the term 2020-2025"),
    ("congress:2020-2025", "the congress 2020-2025")])
def test_a_period_is_named_as_a_clerk_names_it(scope: str, named: str) -> None:
    assert period_of(scope) == named


def test_the_future_starts_after_the_clock_skew() -> None:
    now = datetime(2020, 3, 2, 2, 0, tzinfo=UTC)
    check_not_future_time(now + CLOCK_SKEW, now, "received_at")
    with pytest.raises(RegisterPeriodError) as err:
        check_not_future_time(now + CLOCK_SKEW + timedelta(seconds=1), now, "received_at")
    assert err.value.field == "received_at"
    assert err.value.reason == "09:02 02/03/2020 is in the future (it is now 09:00 02/03/2020)"
    check_not_future_day(date(2020, 3, 2), date(2020, 3, 2), "issued_on")
    with pytest.raises(RegisterPeriodError):
        check_not_future_day(date(2020, 3, 3), date(2020, 3, 2), "issued_on")


def test_only_the_series_running_today_is_open() -> None:
    check_open_series("term:2020-2025/TB", "term:2020-2025/TB", date(2020, 10, 16), "issued_on")
    with pytest.raises(RegisterPeriodError) as err:
        check_open_series("2020", "2021", date(2020, 12, 31), "received_at")
    assert err.value.reason == ("31/12/2020 falls in the year 2020, which has ended: numbers are "
                                "given today in the year 2021 only")
