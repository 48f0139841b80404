"""Numbers and notations through the API: a type code in any spelling is one series, notations
are stored and printed canonically with what was typed kept, an issuer part of another body is
refused, one (số, ký hiệu, issuer) is one document whatever date is typed, and a State secret
document never shares a số và ký hiệu with an ordinary one."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select

from app.db import AuditEvent
from tests.factories import add_clerk, seed_arrival_body, set_clock


def dispatch(client: Any, world: Any, type_code: str | None, *, org: str = "VPTU",
             who: str = "clerk_vptu", **extra: Any) -> Any:
    return client.post(f"/orgs/{org}/dispatches", headers=world.auth(who), json={
        "type_code": type_code, "title": "Văn bản", "issued_on": "2020-03-02", **extra})


def arrive(client: Any, world: Any, notation: str, issued_on: str = "2020-01-15",
           **extra: Any) -> Any:
    body = seed_arrival_body(**extra)
    body["document"].update(notation=notation, issued_on=issued_on, references=[])
    return client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=body)


def test_a_type_code_in_any_spelling_is_one_series(client: Any, world: Any) -> None:
    got = []
    for typed in ("ctr", "CTr", "C Tr", "QD", "Qđ", "QĐ", "kh", "KH"):
        r = dispatch(client, world, typed)
        assert r.status_code == 201, (typed, r.text)
        got.append((r.json()["notation"], r.json()["document"]["type_code"]))
    assert got == [("01-CTr/VPTU", "CTr"), ("02-CTr/VPTU", "CTr"), ("03-CTr/VPTU", "CTr"),
                   ("01-QĐ/VPTU", "QĐ"), ("02-QĐ/VPTU", "QĐ"), ("03-QĐ/VPTU", "QĐ"),
                   ("01-KH/VPTU", "KH"), ("02-KH/VPTU", "KH")]
    r = dispatch(client, world, "XYZ")
    assert r.status_code == 422 and r.json()["field"] == "type_code"
    assert "CTr" in r.json()["detail"] and "QĐ" in r.json()["detail"]
    assert dispatch(client, world, "KH").json()["notation"] == "03-KH/VPTU"  # nothing spent


def test_notations_are_stored_and_printed_canonically(client: Any, world: Any) -> None:
    typed = {"Số 93-TB/TW": "93-TB/TW", "161 - TB / TW": "161-TB/TW", "94-tb/tw": "94-TB/TW",
             "95-TB/TƯ": "95-TB/TW", "7-kl/tw": "07-KL/TW"}
    for i, (text, canonical) in enumerate(typed.items()):
        r = arrive(client, world, text, received_at=f"2020-01-29T08:{10 + i}:00+07:00")
        assert r.status_code == 201, r.text
        doc = r.json()["document"]
        assert (doc["notation"], doc["notation_as_written"]) == (canonical, text)
    plain = arrive(client, world, "160-TB/TW", received_at="2020-01-29T09:00:00+07:00").json()
    assert plain["document"]["notation_as_written"] is None
    book = client.get("/orgs/VPTU/registers/arrival/book?year=2020&format=csv",
                      headers=world.auth("clerk_vptu"))
    rows = list(csv.reader(io.StringIO(book.content.decode("utf-8-sig"))))[1:]
    assert [row[3] for row in rows] == [*typed.values(), "160-TB/TW"]
    found = client.get("/search", params={"q": "95-TB/TW"}, headers=world.auth("clerk_vptu"))
    assert found.status_code == 200, found.text
    assert "95-TB/TƯ" not in found.text and "95-TB/TW" in found.text
    # the same notation typed another way is the same document, already registered
    again = arrive(client, world, "Số 93 - tb/TƯ")
    assert again.status_code == 409, again.text


def test_an_issuer_part_of_another_body_is_refused(client: Any, world: Any) -> None:
    r = arrive(client, world, "12-KL/TU")
    assert r.status_code == 422 and r.json()["field"] == "notation", r.text
    assert "'TU'" in r.json()["detail"] and "TW" in r.json()["detail"]


def test_one_notation_from_one_issuer_is_one_document_whatever_the_date(
        client: Any, world: Any, ctx: Any) -> None:
    first = arrive(client, world, "160-TB/TW")
    assert first.status_code == 201
    r = arrive(client, world, "160-TB/TW", issued_on="2020-01-16",
               received_at="2020-01-30T08:00:00+07:00")
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["existing"] == f"/arrivals/{first.json()['id']}"
    assert (problem["field"], problem["differing_field"]) == ("document.issued_on", "issued_on")
    assert "15/01/2020" in problem["detail"] and "16/01/2020" in problem["detail"]
    short = arrive(client, world, "160-TB/TW", issued_on="2020-01-16",
                   received_at="2020-01-30T08:00:00+07:00",
                   duplicate_override={"field": "issued_on", "reason": "khác"})
    assert short.status_code == 422 and short.json()["field"] == "duplicate_override.reason"
    reason = "Văn phòng Trung ương gửi lại bản ban hành ngày 16/01, khác bản trước"
    ok = arrive(client, world, "160-TB/TW", issued_on="2020-01-16",
                received_at="2020-01-30T08:00:00+07:00",
                duplicate_override={"field": "issued_on", "reason": reason})
    assert ok.status_code == 201, ok.text
    assert ok.json()["arrival_number"] == 2
    with ctx.reading() as s:
        [event] = s.scalars(select(AuditEvent).where(
            AuditEvent.action == "document.duplicate_accepted"))
        assert event.details == {"duplicates": first.json()["document"]["id"],
                                 "field": "issued_on", "reason": reason}
    # another term, another document: 160-TB/TW of 2021 is not a duplicate
    set_clock(ctx, "2021-03-02T08:10:00+07:00")
    later = arrive(client, world, "160-TB/TW", issued_on="2021-03-01",
                   received_at="2021-03-02T08:00:00+07:00")
    assert later.status_code == 201, later.text


def test_a_state_secret_document_never_shares_a_notation_with_an_ordinary_one(
        client: Any, world: Any, ctx: Any) -> None:
    ordinary = dispatch(client, world, "QD", org="UBND", who="clerk_ubnd")
    add_clerk(ctx, world, "clerk_ubnd_mat", "UBND", "MAT")
    secret = dispatch(client, world, "QĐ", org="UBND", who="clerk_ubnd_mat",
                      confidentiality="MAT")
    assert ordinary.status_code == 201 and secret.status_code == 201, secret.text
    assert ordinary.json()["notation"] == "01/QĐ-UBND"
    assert secret.json()["notation"] == "01/QĐ-UBND-M"
    assert secret.json()["scope_key"] == "2020/MAT"
