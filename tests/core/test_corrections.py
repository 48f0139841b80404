"""Correcting (đính chính) and cancelling (hủy) register lines, through the API: the reason is
required, the audit log keeps before and after, the book prints current values with a note, a
cancelled number stays in the book and is never given again."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select

from app.db import AuditEvent
from app.services.audit_verify import verify
from tests.audit.activity import sql
from tests.factories import arrive, seed_arrival_body

REASON = "nhập sai khi vào sổ"


def book_rows(client: Any, world: Any, kind: str = "arrival", org: str = "VPTU",
              who: str = "clerk_vptu", period: str = "year=2020") -> list[list[str]]:
    r = client.get(f"/orgs/{org}/registers/{kind}/book?{period}&format=csv",
                   headers=world.auth(who))
    assert r.status_code == 200, r.text
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]


def events(ctx: Any, action: str) -> list[AuditEvent]:
    with ctx.reading() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_wrong_title_is_corrected_with_a_reason_and_the_book_notes_it(
        client: Any, world: Any, ctx: Any) -> None:
    a = arrive(client, world)
    r = client.post(f"/arrivals/{a['id']}/corrections", headers=world.auth("clerk_vptu"),
                    json={"reason": REASON, "title": "Kết luận của Bộ Chính trị (đã sửa)"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["arrival_number"] == a["arrival_number"] == 1
    assert out["document"]["title"] == "Kết luận của Bộ Chính trị (đã sửa)"
    [c] = out["corrections"]
    assert c["reason"] == REASON
    assert c["changes"] == {"title": [a["document"]["title"],
                                      "Kết luận của Bộ Chính trị (đã sửa)"]}
    [event] = events(ctx, "arrival.corrected")
    assert event.subject_id == str(a["id"])
    assert len(events(ctx, "document.corrected")) == 1
    [line] = book_rows(client, world)
    assert "Kết luận của Bộ Chính trị (đã sửa)" in line[5]
    assert "Đã đính chính ngày" in line[9]  # Ghi chú (Vào sổ lúc follows it in the CSV)
    report = verify(ctx)
    assert report.ok, report.summary()


def test_a_correction_needs_a_reason_and_a_change_and_leaves_nothing_when_refused(
        client: Any, world: Any, ctx: Any) -> None:
    a = arrive(client, world)
    h = world.auth("clerk_vptu")
    r = client.post(f"/arrivals/{a['id']}/corrections", headers=h,
                    json={"reason": "sai", "title": "Khác"})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = client.post(f"/arrivals/{a['id']}/corrections", headers=h,
                    json={"reason": REASON, "title": a["document"]["title"]})
    assert r.status_code == 422 and r.json()["field"] == "values"
    r = client.post(f"/arrivals/{a['id']}/corrections", headers=h,
                    json={"reason": REASON, "notation": "abc"})
    assert r.status_code == 422 and r.json()["field"] == "notation"
    r = client.post(f"/arrivals/{a['id']}/corrections", headers=h,
                    json={"reason": REASON, "received_at": "2099-01-01T08:00:00+07:00"})
    assert r.status_code == 422 and r.json()["field"] == "received_at"
    for who in ("dept_vptu", "head_vptu", "clerk_tttu"):
        r = client.post(f"/arrivals/{a['id']}/corrections", headers=world.auth(who),
                        json={"reason": REASON, "title": "Khác"})
        assert r.status_code in (403, 404), (who, r.text)
    got = client.get(f"/arrivals/{a['id']}", headers=h).json()
    assert got["document"]["title"] == a["document"]["title"] and got["corrections"] == []
    assert events(ctx, "arrival.corrected") == []


def test_the_notation_is_corrected_in_place_and_search_finds_the_new_one(
        client: Any, world: Any, ctx: Any) -> None:
    a = arrive(client, world)
    r = client.post(f"/arrivals/{a['id']}/corrections", headers=world.auth("clerk_vptu"),
                    json={"reason": REASON, "notation": "161-TB/TW"})
    assert r.status_code == 200, r.text
    assert r.json()["document"]["notation"] == "161-TB/TW"
    assert r.json()["document"]["number"] == 161
    assert r.json()["document"]["id"] == a["document"]["id"]
    found = client.get("/search?q=161-TB/TW", headers=world.auth("clerk_vptu")).json()
    assert [x["notation"] for x in found["items"]][:1] == ["161-TB/TW"]
    assert verify(ctx).ok


def test_a_document_other_registers_hold_is_not_rewritten_but_the_line_can_be_repointed(
        client: Any, world: Any, ctx: Any) -> None:
    ours = arrive(client, world)
    theirs = arrive(client, world, who="clerk_tttu", org="TTTU")
    assert ours["document"]["id"] == theirs["document"]["id"]
    h = world.auth("clerk_vptu")
    r = client.post(f"/arrivals/{ours['id']}/corrections", headers=h,
                    json={"reason": REASON, "title": "Trích yếu khác"})
    assert r.status_code == 409 and r.json()["field"] == "title"
    assert "TTTU" not in r.text and "Thường trực" not in r.text
    r = client.post(f"/arrivals/{ours['id']}/corrections", headers=h,
                    json={"reason": REASON, "notation": "163-TB/TW"})
    assert r.status_code == 200, r.text
    assert r.json()["document"]["notation"] == "163-TB/TW"
    assert r.json()["document"]["id"] != theirs["document"]["id"]
    kept = client.get(f"/arrivals/{theirs['id']}", headers=world.auth("clerk_tttu")).json()
    assert kept["document"]["notation"] == "160-TB/TW"
    assert verify(ctx).ok


def test_a_corrected_time_of_receipt_keeps_the_order_of_receipt(client: Any, world: Any) -> None:
    first = arrive(client, world, received_at="2020-01-29T08:15:00+07:00")
    second = arrive(client, world, received_at="2020-01-30T08:15:00+07:00",
                    document={**seed_arrival_body()["document"], "notation": "170-TB/TW"})
    h = world.auth("clerk_vptu")
    r = client.post(f"/arrivals/{second['id']}/corrections", headers=h,
                    json={"reason": REASON, "received_at": "2020-01-28T08:00:00+07:00"})
    assert r.status_code == 422 and r.json()["field"] == "received_at"
    assert "order of receipt" in r.json()["detail"]
    r = client.post(f"/arrivals/{first['id']}/corrections", headers=h,
                    json={"reason": REASON, "received_at": "2020-01-29T10:00:00+07:00",
                          "sender": "Bưu điện tỉnh"})
    assert r.status_code == 200, r.text
    assert r.json()["received_at"].startswith("2020-01-29T03:00:00")
    assert r.json()["sender"] == "Bưu điện tỉnh"
    assert set(r.json()["corrections"][0]["changes"]) == {"received_at", "sender"}


def test_a_cancelled_number_stays_in_the_book_and_is_never_given_again(
        client: Any, world: Any, ctx: Any) -> None:
    h = world.auth("clerk_vptu")
    a = arrive(client, world)
    r = client.post(f"/arrivals/{a['id']}/cancel", headers=h, json={"reason": "vào sổ nhầm"})
    assert r.status_code == 200, r.text
    assert r.json()["cancelled"]["reason"] == "vào sổ nhầm"
    assert r.json()["arrival_number"] == 1
    again = client.post(f"/arrivals/{a['id']}/cancel", headers=h, json={"reason": "lần nữa"})
    assert again.status_code == 409
    routed = client.patch(f"/arrivals/{a['id']}", headers=h, json={"routed_to": "Phòng Tổng hợp"})
    assert routed.status_code == 409
    fixed = client.post(f"/arrivals/{a['id']}/corrections", headers=h,
                        json={"reason": REASON, "title": "Khác"})
    assert fixed.status_code == 409
    # The same document is registered again, under the next number: 1 is never reused.
    b = arrive(client, world)
    assert b["arrival_number"] == 2
    lines = book_rows(client, world)
    assert [line[1] for line in lines] == ["1", "2"]
    assert lines[0][9].startswith("ĐÃ HỦY SỐ ngày ") and "vào sổ nhầm" in lines[0][9]
    assert "ĐÃ HỦY" not in lines[1][9]
    assert verify(ctx).ok
    # The cancellation is part of the line's recorded state: editing it in SQL is caught.
    sql(ctx, "UPDATE arrivals SET cancel_reason = 'khác' WHERE id = :i", i=a["id"])
    report = verify(ctx)
    assert not report.ok
    assert any(f.kind == "register_row" and f"arrivals row {a['id']}" in f.message
               for f in report.findings), report.summary()


def dispatch(client: Any, world: Any, **body: Any) -> dict[str, Any]:
    payload = {"type_code": "TB", "title": "Thông báo lịch làm việc", "issued_on": "2020-03-02",
               "signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến",
               "recipients": [{"org_code": "VPDUK"}, {"name": "Các đ/c Tỉnh ủy viên"}], **body}
    r = client.post("/orgs/VPTU/dispatches", headers=world.auth("clerk_vptu"), json=payload)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_an_outgoing_line_is_corrected_and_its_number_cancelled_before_it_travels(
        client: Any, world: Any, ctx: Any) -> None:
    h = world.auth("clerk_vptu")
    d = dispatch(client, world)
    r = client.post(f"/dispatches/{d['id']}/corrections", headers=h,
                    json={"reason": REASON, "title": "Thông báo lịch công tác",
                          "signer_name": "Lê Văn Chiến", "copies_count": 3})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["notation"] == "01-TB/VPTU" and out["document"]["title"] == "Thông báo lịch công tác"
    assert set(out["corrections"][0]["changes"]) == {"title", "copies_count"}
    r = client.post(f"/dispatches/{d['id']}/corrections", headers=h,
                    json={"reason": REASON, "issued_on": "2021-01-04"})
    assert r.status_code == 422 and r.json()["field"] == "issued_on"
    # VPDUK has not registered it yet: cancelling withdraws it from VPDUK's inbox.
    [item] = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    assert item["title"] == "Thông báo lịch công tác"
    r = client.post(f"/dispatches/{d['id']}/cancel", headers=h, json={"reason": "cấp nhầm số"})
    assert r.status_code == 200 and r.json()["cancelled"]["reason"] == "cấp nhầm số"
    assert client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json() == []
    late = client.post(f"/orgs/VPDUK/inbox/{item['id']}/register",
                       headers=world.auth("clerk_vpduk"), json={})
    assert late.status_code == 409 and late.json()["field"] == "item_id"
    assert dispatch(client, world)["notation"] == "02-TB/VPTU"
    lines = book_rows(client, world, kind="dispatch", period="term=2015-2020")
    assert lines[0][0].startswith("01") and "ĐÃ HỦY SỐ" in lines[0][-1]
    assert "Đã đính chính ngày" in lines[0][-1]
    assert verify(ctx).ok


def test_an_outgoing_document_its_recipient_registered_is_neither_rewritten_nor_cancelled(
        client: Any, world: Any) -> None:
    d = dispatch(client, world)
    [item] = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    reg = client.post(f"/orgs/VPDUK/inbox/{item['id']}/register",
                      headers=world.auth("clerk_vpduk"),
                      json={"received_at": "2020-03-03T08:00:00+07:00"})
    assert reg.status_code == 201
    h = world.auth("clerk_vptu")
    r = client.post(f"/dispatches/{d['id']}/corrections", headers=h,
                    json={"reason": REASON, "title": "Khác"})
    assert r.status_code == 409 and r.json()["field"] == "title"
    assert "VPDUK" not in r.text
    r = client.post(f"/dispatches/{d['id']}/corrections", headers=h,
                    json={"reason": REASON, "archive_unit": "Phòng Tổng hợp"})
    assert r.status_code == 200, r.text
    r = client.post(f"/dispatches/{d['id']}/cancel", headers=h, json={"reason": "cấp nhầm số"})
    assert r.status_code == 409


def test_a_correction_cannot_empty_a_field_every_line_has(client: Any, world: Any) -> None:
    h = world.auth("clerk_vptu")
    a = arrive(client, world)
    out = client.post("/orgs/VPTU/dispatches", headers=h, json={
        "type_code": "TB", "title": "Thông báo", "issued_on": "2020-03-02"})
    assert out.status_code == 201, out.text
    for url, field in ((f"/arrivals/{a['id']}/corrections", "title"),
                       (f"/arrivals/{a['id']}/corrections", "received_at"),
                       (f"/dispatches/{out.json()['id']}/corrections", "issued_on")):
        r = client.post(url, headers=h, json={"reason": "sai ngày văn bản", field: None})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
        assert r.json()["detail"] == (f"{field} cannot be removed by a correction: give its "
                                      "right value")
