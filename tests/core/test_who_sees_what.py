"""Clearance on writes and what one office sees of another's records, through the API: a write
above one's độ mật is refused before a number is taken, and the distribution tree shows an office
its own số đến and those its copies reproduce, never a sibling office's."""

from __future__ import annotations

from typing import Any

from tests.factories import (
    APPROVE_VPTU,
    SIGNED_1,
    add_clerk,
    arrive_with_pdf,
    ask,
    seed_arrival_body,
    set_clock,
)

SECRET_TITLE = "Kế hoạch bảo vệ tuyệt mật"


def series(client: Any, world: Any, register: str, on: str, **params: str) -> int:
    r = client.get("/orgs/VPTU/registers/series", headers=world.auth("clerk_vptu"),
                   params={"register": register, "on": on, **params})
    assert r.status_code == 200, r.text
    return int(r.json()["last_number"])


def test_a_clerk_below_the_documents_level_cannot_route_or_read_it(
        client: Any, world: Any, ctx: Any) -> None:
    top = add_clerk(ctx, world, "clerk_vptu_tm", "VPTU", "TUYET_MAT")
    body = seed_arrival_body()
    body["document"].update(notation="170-TB/TW", title=SECRET_TITLE,
                            confidentiality="TUYET_MAT")
    a = client.post("/orgs/VPTU/arrivals", headers=top, json=body)
    assert a.status_code == 201, a.text
    r = client.patch(f"/arrivals/{a.json()['id']}", headers=world.auth("clerk_vptu"),
                     json={"routed_to": "Ban Tổ chức", "note": "đã xem"})
    assert r.status_code == 403 and SECRET_TITLE not in r.text, r.text
    after = client.get(f"/arrivals/{a.json()['id']}", headers=top).json()
    assert (after["status"], after["routed_to"], after["note"]) == ("received", None, None)


def test_registering_above_ones_clearance_is_refused_before_a_number_is_taken(
        client: Any, world: Any) -> None:
    clerk = world.auth("clerk_vptu")  # cleared for MẬT
    r = client.post("/orgs/VPTU/dispatches", headers=clerk, json={
        "type_code": "TB", "title": SECRET_TITLE, "issued_on": "2020-03-02",
        "confidentiality": "TOI_MAT", "recipients": [{"org_code": "VPDUK"}]})
    assert r.status_code == 403 and r.json()["field"] == "confidentiality", r.text
    assert series(client, world, "dispatch", "2020-03-02", doc_type="TB") == 0
    assert client.get("/orgs/VPTU/dispatches", headers=clerk).json()["items"] == []
    assert client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json() == []
    body = seed_arrival_body()
    body["document"]["confidentiality"] = "TOI_MAT"
    r = client.post("/orgs/VPTU/arrivals", headers=clerk, json=body)
    assert r.status_code == 403 and r.json()["field"] == "confidentiality", r.text
    assert series(client, world, "arrival", "2020-01-29") == 0
    ok = client.post("/orgs/VPTU/arrivals", headers=clerk, json=seed_arrival_body())
    assert ok.status_code == 201 and ok.json()["arrival_number"] == 1


def test_the_distribution_tree_shows_an_office_only_the_arrival_numbers_it_may_see(
        client: Any, world: Any, ctx: Any) -> None:
    arrival = arrive_with_pdf(client, world)
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"],
              recipients=[{"org_code": "VPDUK"}, {"org_code": "TTTU"}])
    assert req.status_code == 201, req.text
    ctx.clock = lambda: SIGNED_1
    copy = client.post(f"/copy-requests/{req.json()['id']}/approve",
                       headers=world.auth("clerk_vptu"), json=APPROVE_VPTU)
    assert copy.status_code == 201, copy.text
    for org, clerk in (("TTTU", "clerk_tttu"), ("VPDUK", "clerk_vpduk")):
        [item] = client.get(f"/orgs/{org}/inbox", headers=world.auth(clerk)).json()
        set_clock(ctx, "2020-02-05T08:10:00+07:00")  # registered the next morning
        r = client.post(f"/orgs/{org}/inbox/{item['id']}/register", headers=world.auth(clerk),
                        json={"received_at": "2020-02-05T08:00:00+07:00"})
        assert r.status_code == 201, r.text
    doc_id = arrival["document"]["id"]
    seen = client.get(f"/documents/{doc_id}/distribution", headers=world.auth("clerk_vpduk"))
    assert seen.status_code == 200, seen.text
    tree = seen.json()
    # VPTU's số đến is stamped on the copy VPDUK holds; TTTU's is TTTU's own record
    assert [(r["org_code"], r["arrival_number"]) for r in tree["received"]] == [("VPTU", 1)]
    lines = {r["org_code"]: r["arrival_number"] for r in tree["copies"][0]["recipients"]
             if r["org_code"]}
    assert lines["VPDUK"] == 1 and lines["TTTU"] is None
    auditor = client.get(f"/documents/{doc_id}/distribution", headers=world.auth("auditor"))
    lines = {r["org_code"]: r["arrival_number"] for r in
             auditor.json()["copies"][0]["recipients"] if r["org_code"]}
    assert lines["VPDUK"] == 1 and lines["TTTU"] == 1
