from __future__ import annotations

from datetime import UTC, datetime

import pytest

from signing.timefmt import format_stamp_time, iso_vn, parse_iso, to_vn


def test_stamp_format_matches_seed() -> None:
    t = datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC)
    assert format_stamp_time(t) == "04.02.2020 15:30:15 +07:00"
    assert iso_vn(t) == "2020-02-04T15:30:15+07:00"
    assert to_vn(t).hour == 15


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_stamp_time(datetime(2020, 2, 4, 15, 30, 15))
    with pytest.raises(ValueError):
        parse_iso("2020-02-04T15:30:15")
    assert parse_iso("2020-02-04T15:30:15+07:00") == datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC)
