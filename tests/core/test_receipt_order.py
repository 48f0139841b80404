"""Arrivals are numbered in order of receipt (ND 30 Đ22.2): a receipt earlier than the series'
latest entry is refused, or registered as a late entry with its reason, which the book prints
with the moment the line was written."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.factories import seed_arrival_body


def arrive(client: Any, world: Any, notation: str, received_at: str, **extra: Any) -> Any:
    body = seed_arrival_body(received_at=received_at, **extra)
    body["document"].update(notation=notation, references=[])
    return client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=body)


def test_an_earlier_receipt_is_a_late_entry_only_with_a_reason(client: Any, world: Any) -> None:
    assert arrive(client, world, "160-TB/TW", "2020-01-29T08:15:00+07:00").status_code == 201
    r = arrive(client, world, "161-TB/TW", "2020-01-28T16:00:00+07:00")
    assert r.status_code == 409 and r.json()["field"] == "late_reason", r.text
    assert "số đến 1" in r.json()["detail"] and "16:00 28/01/2020" in r.json()["detail"]
    short = arrive(client, world, "161-TB/TW", "2020-01-28T16:00:00+07:00", late_reason="quên")
    assert short.status_code == 409
    reason = "Bộ phận một cửa chuyển chậm, nhận từ chiều 28/01"
    late = arrive(client, world, "161-TB/TW", "2020-01-28T16:00:00+07:00", late_reason=reason)
    assert late.status_code == 201, late.text
    body = late.json()
    assert (body["arrival_number"], body["late_reason"]) == (2, reason)
    assert body["registered_at"]
    in_order = arrive(client, world, "162-TB/TW", "2020-01-29T09:00:00+07:00",
                      late_reason="không cần")
    assert in_order.status_code == 201 and in_order.json()["late_reason"] is None
    book = client.get("/orgs/VPTU/registers/arrival/book?year=2020&format=csv",
                      headers=world.auth("clerk_vptu"))
    rows = list(csv.reader(io.StringIO(book.content.decode("utf-8-sig"))))[1:]
    assert [row[1] for row in rows] == ["1", "2", "3"]
    assert rows[1][9].startswith("VÀO SỔ MUỘN lúc ") and reason in rows[1][9]
    assert "MUỘN" not in rows[0][9] and "MUỘN" not in rows[2][9]


def test_an_unstated_receipt_time_is_read_once_the_series_is_held(
        client: Any, world: Any, ctx: Any) -> None:
    """A concurrent request may commit a later receipt while this one waits for the series;
    "now" is read only after the wait, so an on-time receipt is never refused as late."""
    from datetime import UTC, datetime

    assert arrive(client, world, "160-TB/TW", "2020-01-29T08:15:00+07:00").status_code == 201
    readings = iter([datetime(2020, 1, 29, 1, 0, tzinfo=UTC),    # before the wait: 08:00
                     datetime(2020, 1, 29, 1, 30, tzinfo=UTC)])  # once held: 08:30
    ctx.clock = lambda: next(readings)
    body = seed_arrival_body()
    del body["received_at"]
    body["document"].update(notation="161-TB/TW", references=[])
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=body)
    assert r.status_code == 201, r.text
    assert r.json()["arrival_number"] == 2 and r.json()["late_reason"] is None
    assert r.json()["received_at"].startswith("2020-01-29T01:30")
