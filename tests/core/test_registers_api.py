"""The incoming and outgoing registers over HTTP, as a clerk uses them."""

from __future__ import annotations

from typing import Any

from tests.factories import seed_arrival_body
from tests.pdfs import make_pdf


def test_register_seed_arrival_with_paper_continuation(client: Any, world: Any) -> None:
    h = world.auth("clerk_vptu")
    r = client.put("/orgs/VPTU/registers/series", headers=h,
                   json={"register": "arrival", "on": "2020-01-01", "last_number": 564})
    assert r.status_code == 200, r.text
    assert r.json() == {"register": "arrival", "scope_key": "2020", "last_number": 564,
                        "next_number": 565}
    r = client.post("/orgs/VPTU/arrivals", headers=h, json=seed_arrival_body(
        routed_to="Chánh Văn phòng", deadline="2020-02-10"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["arrival_number"] == 565
    assert body["received_on"] == "2020-01-29"
    assert body["status"] == "routed"
    assert body["document"]["notation"] == "160-TB/TW"
    assert body["document"]["number"] == 160
    assert body["document"]["type_code"] == "TB"
    assert [r["notation"] for r in body["document"]["references"]] == ["62-KL/TW", "18-NQ/TW"]


def test_same_document_twice_in_one_register_is_409_pointing_to_it(client: Any,
                                                                   world: Any) -> None:
    h = world.auth("clerk_vptu")
    first = client.post("/orgs/VPTU/arrivals", headers=h, json=seed_arrival_body())
    assert first.status_code == 201
    again = client.post("/orgs/VPTU/arrivals", headers=h, json=seed_arrival_body(
        received_at="2020-01-30T10:00:00+07:00"))
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["existing"] == f"/arrivals/{first.json()['id']}"
    # no number was used by the refused request
    nxt = client.get("/orgs/VPTU/registers/series?register=arrival&on=2020-01-30", headers=h)
    assert nxt.json()["next_number"] == 2


def test_same_document_at_two_offices_is_one_document_two_arrivals(client: Any,
                                                                   world: Any) -> None:
    a = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                    json=seed_arrival_body())
    b = client.post("/orgs/TTTU/arrivals", headers=world.auth("clerk_tttu"),
                    json=seed_arrival_body(received_at="2020-02-11T09:00:00+07:00"))
    assert a.status_code == b.status_code == 201
    assert a.json()["document"]["id"] == b.json()["document"]["id"]
    assert a.json()["id"] != b.json()["id"]


def test_upload_pdf_stored_content_addressed(client: Any, world: Any, ctx: Any) -> None:
    import hashlib
    import json

    pdf = make_pdf(["Thông báo 160-TB/TW"])
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=world.auth("clerk_vptu"),
                    data={"metadata": json.dumps(seed_arrival_body())},
                    files={"file": ("../../etc/passwd.pdf", pdf, "application/pdf")})
    assert r.status_code == 201, r.text
    f = r.json()["document"]["files"][0]
    assert f["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert f["filename"] == "passwd.pdf"
    assert ctx.store.get(f["sha256"]) == pdf
    got = client.get(f["url"], headers=world.auth("clerk_vptu"))
    assert got.status_code == 200 and got.content == pdf


def test_non_pdf_is_415_and_oversize_is_413(client: Any, world: Any, ctx: Any) -> None:
    import json

    h = world.auth("clerk_vptu")
    meta = {"metadata": json.dumps(seed_arrival_body())}
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=h, data=meta,
                    files={"file": ("x.pdf", b"GIF89a not a pdf", "application/pdf")})
    assert r.status_code == 415 and r.json()["field"] == "file"
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=h, data=meta,
                    files={"file": ("x.pdf", big, "application/pdf")})
    assert r.status_code == 413
    assert ctx.store.all_digests() == []
    nxt = client.get("/orgs/VPTU/registers/series?register=arrival&on=2020-01-30", headers=h)
    assert nxt.json()["last_number"] == 0


def test_failure_after_number_and_file_leaves_nothing(client: Any, world: Any, ctx: Any,
                                                      monkeypatch: Any) -> None:
    import json

    from app.services import arrivals

    real = arrivals.audit_log.record

    def failing(*args: Any, **kwargs: Any) -> Any:
        if args[2] == "arrival.registered":
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(arrivals.audit_log, "record", failing)
    h = world.auth("clerk_vptu")
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=h,
                    data={"metadata": json.dumps(seed_arrival_body())},
                    files={"file": ("a.pdf", make_pdf(["x"]), "application/pdf")})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in r.text and "disk on fire" not in r.text
    assert ctx.store.all_digests() == []
    monkeypatch.undo()
    listing = client.get("/orgs/VPTU/arrivals", headers=h).json()
    assert listing["items"] == []
    nxt = client.get("/orgs/VPTU/registers/series?register=arrival&on=2020-01-30", headers=h)
    assert nxt.json()["last_number"] == 0


def test_422_names_the_field(client: Any, world: Any) -> None:
    h = world.auth("clerk_vptu")
    body = seed_arrival_body()
    body["document"]["notation"] = "160 TB"
    r = client.post("/orgs/VPTU/arrivals", headers=h, json=body)
    assert r.status_code == 422
    assert r.json()["field"] == "notation"
    body = seed_arrival_body()
    del body["document"]["issued_on"]
    r = client.post("/orgs/VPTU/arrivals", headers=h, json=body)
    assert r.status_code == 422
    assert r.json()["field"] == "document.issued_on"
    assert r.json()["errors"][0]["reason"]


def test_routing_and_status_history(client: Any, world: Any) -> None:
    h = world.auth("clerk_vptu")
    a = client.post("/orgs/VPTU/arrivals", headers=h, json=seed_arrival_body()).json()
    assert a["status"] == "received"
    r = client.patch(f"/arrivals/{a['id']}", headers=h,
                     json={"routed_to": "Phòng Tổng hợp", "deadline": "2020-02-15"})
    assert r.status_code == 200 and r.json()["status"] == "routed"
    r = client.patch(f"/arrivals/{a['id']}", headers=h, json={"status": "done"})
    assert r.status_code == 409
    assert "from routed to done" in r.json()["detail"]
    for step in ("in_progress", "done"):
        r = client.patch(f"/arrivals/{a['id']}", headers=h, json={"status": step})
        assert r.status_code == 200
    history = [(e["from_status"], e["to_status"]) for e in r.json()["history"]]
    assert history == [(None, "received"), ("received", "routed"),
                       ("routed", "in_progress"), ("in_progress", "done")]


def test_list_filters_and_stable_pagination(client: Any, world: Any) -> None:
    h = world.auth("clerk_vptu")
    for i in range(1, 8):
        body = seed_arrival_body(received_at=f"2020-03-{i:02d}T09:00:00+07:00")
        body["document"].update(notation=f"{i}-CV/TW", type_code="CV",
                                title=f"Công văn về Đắk Nông số {i}", references=[])
        assert client.post("/orgs/VPTU/arrivals", headers=h, json=body).status_code == 201
    seen, cursor = [], None
    while True:
        url = "/orgs/VPTU/arrivals?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=h).json()
        seen += [a["arrival_number"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [7, 6, 5, 4, 3, 2, 1]
    r = client.get("/orgs/VPTU/arrivals?date_from=2020-03-03&date_to=2020-03-05", headers=h)
    assert [a["arrival_number"] for a in r.json()["items"]] == [5, 4, 3]
    r = client.get("/orgs/VPTU/arrivals?q=dak nong so 6", headers=h)
    assert [a["arrival_number"] for a in r.json()["items"]] == [6]
    r = client.get("/orgs/VPTU/arrivals?cursor=garbage", headers=h)
    assert r.status_code == 422 and r.json()["field"] == "cursor"


def test_outgoing_delivers_to_inbox_and_recipient_registers(client: Any, world: Any) -> None:
    r = client.post("/orgs/VPTU/dispatches", headers=world.auth("clerk_vptu"), json={
        "type_code": "TB", "title": "Thông báo lịch làm việc", "issued_on": "2020-03-02",
        "signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến",
        "recipients": [{"org_code": "VPDUK"}, {"name": "Các đ/c Tỉnh ủy viên"}]})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["notation"] == "01-TB/VPTU"
    assert [x["name"] for x in out["recipients"]] == [
        "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "Các đ/c Tỉnh ủy viên"]
    inbox = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    assert [(i["notation"], i["sender_code"]) for i in inbox] == [("01-TB/VPTU", "VPTU")]
    reg = client.post(f"/orgs/VPDUK/inbox/{inbox[0]['id']}/register",
                      headers=world.auth("clerk_vpduk"),
                      json={"received_at": "2020-03-03T08:00:00+07:00"})
    assert reg.status_code == 201, reg.text
    assert reg.json()["arrival_number"] == 1
    assert client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json() == []


def test_state_outgoing_notation(client: Any, world: Any) -> None:
    h = world.auth("clerk_ubnd")
    r = client.post("/orgs/UBND/dispatches", headers=h, json={
        "type_code": "QĐ", "title": "Quyết định", "issued_on": "2020-03-02"})
    assert r.status_code == 201, r.text
    assert r.json()["notation"] == "01/QĐ-UBND"
    r = client.post("/orgs/UBND/dispatches", headers=h, json={
        "type_code": None, "unit": "VP", "title": "Công văn", "issued_on": "2020-03-02"})
    assert r.json()["notation"] == "02/UBND-VP"


def test_a_series_is_continued_from_paper_only_before_its_first_number(
        client: Any, world: Any, ctx: Any) -> None:
    from sqlalchemy import select

    from app.db import AuditEvent

    h = world.auth("clerk_vptu")
    put = {"register": "arrival", "on": "2020-01-01", "last_number": 564}
    assert client.put("/orgs/VPTU/registers/series", headers=h, json=put).status_code == 200
    again = client.put("/orgs/VPTU/registers/series", headers=h, json={**put, "last_number": 570})
    assert again.status_code == 200 and again.json()["next_number"] == 571
    with ctx.reading() as s:
        events = list(s.scalars(select(AuditEvent).where(
            AuditEvent.action == "register.continued_from_paper").order_by(AuditEvent.seq)))
    assert [e.details for e in events] == [
        {"old_last_number": 0, "new_last_number": 564},
        {"old_last_number": 564, "new_last_number": 570}]
    assert client.post("/orgs/VPTU/arrivals", headers=h,
                       json=seed_arrival_body()).json()["arrival_number"] == 571
    late = client.put("/orgs/VPTU/registers/series", headers=h, json={**put, "last_number": 600})
    assert late.status_code == 409 and late.json()["field"] == "last_number", late.text
    assert "571" in late.json()["detail"]
    nxt = client.get("/orgs/VPTU/registers/series?register=arrival&on=2020-03-01", headers=h)
    assert nxt.json()["next_number"] == 572
