"""A register writes only into the period running today (ND 30 Đ15.1, Đ22.2): nothing received
or dated in the future, and no number drawn into a year or committee term that has ended."""

from __future__ import annotations

from typing import Any

from tests.factories import seed_arrival_body, set_clock


def arrive(client: Any, world: Any, notation: str, received_at: str, org: str = "VPTU",
           who: str = "clerk_vptu") -> Any:
    body = seed_arrival_body(received_at=received_at)
    body["document"].update(notation=notation, references=[])
    return client.post(f"/orgs/{org}/arrivals", headers=world.auth(who), json=body)


def dispatch(client: Any, world: Any, issued_on: str, type_code: str = "TB") -> Any:
    return client.post("/orgs/VPTU/dispatches", headers=world.auth("clerk_vptu"), json={
        "type_code": type_code, "title": "Thông báo lịch làm việc", "issued_on": issued_on,
        "signer_name": "Lê Văn Chiến", "recipients": [{"name": "Các đ/c Tỉnh ủy viên"}]})


def next_number(client: Any, world: Any, on: str) -> int:
    r = client.get(f"/orgs/VPTU/registers/series?register=arrival&on={on}",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    return int(r.json()["next_number"])


def test_a_receipt_in_the_future_is_refused_and_spends_no_number(
        client: Any, world: Any, ctx: Any) -> None:
    set_clock(ctx, "2020-03-02T09:00:00+07:00")
    r = arrive(client, world, "161-TB/TW", "2020-03-02T11:00:00+07:00")
    assert r.status_code == 422 and r.json()["field"] == "received_at", r.text
    assert "11:00 02/03/2020 is in the future" in r.json()["detail"]
    assert next_number(client, world, "2020-03-02") == 1
    # a client's clock a minute ahead of the server's is still "now"
    ok = arrive(client, world, "161-TB/TW", "2020-03-02T09:01:00+07:00")
    assert ok.status_code == 201 and ok.json()["arrival_number"] == 1, ok.text


def test_an_outgoing_document_dated_tomorrow_is_refused(client: Any, world: Any,
                                                        ctx: Any) -> None:
    set_clock(ctx, "2020-03-02T16:30:00+07:00")
    r = dispatch(client, world, "2020-03-03")
    assert r.status_code == 422 and r.json()["field"] == "issued_on", r.text
    assert "03/03/2020 is in the future (today is 02/03/2020)" in r.json()["detail"]
    ok = dispatch(client, world, "2020-03-02")
    assert ok.status_code == 201 and ok.json()["notation"] == "01-TB/VPTU", ok.text


def test_no_number_is_drawn_into_a_year_that_has_ended(client: Any, world: Any,
                                                       ctx: Any) -> None:
    set_clock(ctx, "2026-01-05T08:00:00+07:00")
    r = arrive(client, world, "161-TB/TW", "2020-12-30T08:00:00+07:00")
    assert r.status_code == 422 and r.json()["field"] == "received_at", r.text
    assert r.json()["detail"] == ("30/12/2020 falls in the year 2020, which has ended: numbers "
                                  "are given today in the year 2026 only")
    assert next_number(client, world, "2020-12-30") == 1
    # a State office's dispatch dated 2020 is refused too
    r = client.post("/orgs/UBND/dispatches", headers=world.auth("clerk_ubnd"), json={
        "type_code": "QD", "title": "Quyết định", "issued_on": "2020-12-30"})
    assert r.status_code == 422 and r.json()["field"] == "issued_on", r.text
    assert "the year 2020, which has ended" in r.json()["detail"]
    # what arrived on the new year's first days is numbered from 1 in the new year's register
    ok = arrive(client, world, "02-TB/TW", "2026-01-05T07:30:00+07:00")
    assert ok.status_code == 201 and ok.json()["arrival_number"] == 1, ok.text


def test_a_party_document_is_not_numbered_into_an_ended_committee_term(
        client: Any, world: Any, ctx: Any) -> None:
    """The term 2015-2020 ended on 15/10/2020: from the 16th its series is closed."""
    set_clock(ctx, "2020-10-15T15:00:00+07:00")
    assert dispatch(client, world, "2020-10-15").json()["notation"] == "01-TB/VPTU"
    set_clock(ctx, "2020-10-16T08:00:00+07:00")
    r = dispatch(client, world, "2020-10-15")
    assert r.status_code == 422 and r.json()["field"] == "issued_on", r.text
    assert "falls in the term 2015-2020, which has ended: numbers are given today in the term " \
           "2020-2025 only" in r.json()["detail"]
    new_term = dispatch(client, world, "2020-10-16")
    assert new_term.status_code == 201 and new_term.json()["notation"] == "01-TB/VPTU"
    books = client.get("/orgs/VPTU/registers/dispatch/book?term=2015-2020&format=csv",
                       headers=world.auth("clerk_vptu"))
    assert books.content.decode("utf-8-sig").count("TB/VPTU") == 1  # the old book unchanged
