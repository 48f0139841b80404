# ruff: noqa: E501  (expected error messages are compared whole, one per table row)
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given

from app.domain.dates import (
    VN_TZ,
    format_date_line,
    format_numeric_date,
    format_signing_time,
    format_signing_time_iso,
    parse_date_line,
    parse_numeric_date,
    parse_signing_time,
    to_vn,
)
from app.domain.doc_types import Family
from app.domain.errors import DateTextError
from tests.domain.strategies import aware_times, dates, places


@pytest.mark.parametrize(
    ("place", "d", "state", "party"),
    [
        ("Hà Nội", date(2020, 1, 15), "Hà Nội, ngày 15 tháng 01 năm 2020", None),
        (
            "Hà Nội",
            date(2020, 3, 5),
            "Hà Nội, ngày 05 tháng 3 năm 2020",
            "Hà Nội, ngày 05 tháng 03 năm 2020",
        ),
        ("Đắk Nông", date(2020, 2, 4), "Đắk Nông, ngày 04 tháng 02 năm 2020", None),
        (
            "Thành phố Hồ Chí Minh",
            date(2019, 6, 29),
            "Thành phố Hồ Chí Minh, ngày 29 tháng 6 năm 2019",
            "Thành phố Hồ Chí Minh, ngày 29 tháng 06 năm 2019",
        ),
        ("Hà Nội", date(2020, 12, 8), "Hà Nội, ngày 08 tháng 12 năm 2020", None),
        (None, date(2020, 1, 5), "ngày 05 tháng 01 năm 2020", None),
    ],
)
def test_format_date_line(place: str | None, d: date, state: str, party: str | None) -> None:
    assert format_date_line(place, d) == state
    assert format_date_line(place, d, Family.PARTY) == (party or state)
    assert parse_date_line(state) == (place, d)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Nội, ngày 15 tháng 1 năm 2020", ("Hà Nội", date(2020, 1, 15))),
        ("Đắk Nông, Ngày 06 tháng 02 năm 2020.", ("Đắk Nông", date(2020, 2, 6))),
        ("Hạ Long ngày 20 tháng 02 năm 2018", ("Hạ Long", date(2018, 2, 20))),
        ("  Hà Nội,\nngày  05  tháng 03 năm 2020 ", ("Hà Nội", date(2020, 3, 5))),
        ("NGÀY 5 THÁNG 3 NĂM 2020", (None, date(2020, 3, 5))),
    ],
)
def test_parse_date_line_tolerant(text: str, expected: tuple[str | None, date]) -> None:
    assert parse_date_line(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Hà Nội, 15/01/2020",
            "expected a date line like 'Hà Nội, ngày 15 tháng 01 năm 2020', got 'Hà Nội, 15/01/2020'",
        ),
        (
            "ngày 30 tháng 02 năm 2020",
            "day 30 does not exist in month 2 of 2020 ('ngày 30 tháng 02 năm 2020')",
        ),
        ("ngày 1 tháng 13 năm 2020", "month must be 1 to 12, got 13 in 'ngày 1 tháng 13 năm 2020'"),
    ],
)
def test_parse_date_line_errors(text: str, reason: str) -> None:
    with pytest.raises(DateTextError) as info:
        parse_date_line(text)
    assert (info.value.field, info.value.reason) == ("date", reason)


@given(places, dates)
def test_date_line_roundtrip(place: str, d: date) -> None:
    for family in (Family.STATE, Family.PARTY):
        line = format_date_line(place, d, family)
        assert parse_date_line(line) == (place, d)
        assert format_date_line(*parse_date_line(line), family) == line


@pytest.mark.parametrize(
    ("text", "d"),
    [
        ("29/01/2020", date(2020, 1, 29)),
        ("11/2/2020", date(2020, 2, 11)),
        ("08/12/2009", date(2009, 12, 8)),
        ("11-02-2020", date(2020, 2, 11)),
        ("04.02.2020", date(2020, 2, 4)),
        ("2020/01/29", date(2020, 1, 29)),
        ("2020-01-29", date(2020, 1, 29)),
    ],
)
def test_numeric_dates(text: str, d: date) -> None:
    assert parse_numeric_date(text) == d


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("29/01", "expected a date like 29/01/2020 (day/month/year), got '29/01'"),
        ("29/01-2020", "expected a date like 29/01/2020 (day/month/year), got '29/01-2020'"),
        ("31/04/2020", "day 31 does not exist in month 4 of 2020 ('31/04/2020')"),
    ],
)
def test_numeric_date_errors(text: str, reason: str) -> None:
    with pytest.raises(DateTextError) as info:
        parse_numeric_date(text)
    assert info.value.reason == reason


@given(dates)
def test_numeric_roundtrip(d: date) -> None:
    assert parse_numeric_date(format_numeric_date(d)) == d


def test_seed_signing_times() -> None:
    t = parse_signing_time("04.02.2020\n15:30:15 +07:00")
    assert t == datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC)
    assert format_signing_time(t) == "04.02.2020 15:30:15 +07:00"
    assert format_signing_time_iso(t) == "2020-02-04T15:30:15+07:00"
    assert parse_signing_time("2020-02-06T14:00:23+07:00") == parse_signing_time(
        "06.02.2020 14:00:23 +07:00"
    )
    assert parse_signing_time("2020-02-06T07:00:23Z") == parse_signing_time(
        "06.02.2020 14:00:23 +07:00"
    )
    assert (
        format_signing_time(datetime(2020, 2, 6, 7, 0, 23, tzinfo=UTC))
        == "06.02.2020 14:00:23 +07:00"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "04.02.2020 15:30:15",
            "expected a signing time like '04.02.2020 15:30:15 +07:00' or ISO 8601 '2020-02-04T15:30:15+07:00', got '04.02.2020 15:30:15'",
        ),
        (
            "2020-02-04T15:30:15",
            "signing time needs a UTC offset such as +07:00, got '2020-02-04T15:30:15'",
        ),
        ("04.02.2020 25:30:15 +07:00", "time of day out of range in '04.02.2020 25:30:15 +07:00'"),
        (
            "30.02.2020 15:30:15 +07:00",
            "day 30 does not exist in month 2 of 2020 ('30.02.2020 15:30:15 +07:00')",
        ),
    ],
)
def test_signing_time_errors(text: str, reason: str) -> None:
    with pytest.raises(DateTextError) as info:
        parse_signing_time(text)
    assert info.value.reason == reason


def test_naive_refused() -> None:
    with pytest.raises(DateTextError) as info:
        to_vn(datetime(2020, 2, 4, 15, 30))
    assert info.value.field == "signed_at"


@given(aware_times)
def test_signing_time_roundtrip(dt: datetime) -> None:
    text = format_signing_time(dt)
    back = parse_signing_time(text)
    assert back == dt
    assert back.utcoffset() == timedelta(hours=7)
    assert format_signing_time(back) == text
    assert parse_signing_time(format_signing_time_iso(dt)) == dt
    assert to_vn(dt).tzinfo == VN_TZ
