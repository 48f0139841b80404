"""Organisations: CRUD with the hierarchy."""

from __future__ import annotations

from typing import Any


def test_crud_and_hierarchy(client: Any, world: Any) -> None:
    h = world.auth("admin")
    r = client.post("/orgs", headers=h, json={
        "code": "UBKTTU", "name": "Ủy ban Kiểm tra Tỉnh ủy", "family": "party",
        "parent_code": "TUDN", "place_name": "Đắk Nông", "email": "ubkt@tudaknong"})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Ủy ban Kiểm tra Tỉnh ủy"
    dup = client.post("/orgs", headers=h, json={"code": "UBKTTU", "name": "x",
                                                "family": "party", "parent_code": "TUDN"})
    assert dup.status_code == 409 and dup.json()["existing"] == "/orgs/UBKTTU"
    tree = client.get("/orgs/TUDN/tree", headers=h).json()
    assert [c["code"] for c in tree["children"]] == ["TTTU", "UBKTTU", "VPDUK", "VPTU"]
    r = client.patch("/orgs/UBKTTU", headers=h, json={"parent_code": "VPTU"})
    assert r.status_code == 200 and r.json()["parent_code"] == "VPTU"
    loop = client.patch("/orgs/VPTU", headers=h, json={"parent_code": "UBKTTU"})
    assert loop.status_code == 422 and loop.json()["field"] == "parent_code"
    children = client.get("/orgs?parent_code=VPTU", headers=h).json()
    assert [o["code"] for o in children] == ["UBKTTU"]
    assert client.delete("/orgs/UBKTTU", headers=h).status_code == 204
    assert client.get("/orgs/UBKTTU", headers=h).status_code == 404
    busy = client.delete("/orgs/VPTU", headers=h)
    assert busy.status_code == 409


def test_terms_cannot_overlap(client: Any, world: Any) -> None:
    h = world.auth("admin")
    r = client.post("/orgs/VPTU/terms", headers=h,
                    json={"label": "2010-2015", "starts_on": "2010-10-01",
                          "ends_on": "2015-10-15"})
    assert r.status_code == 201
    r = client.post("/orgs/VPTU/terms", headers=h,
                    json={"label": "bad", "starts_on": "2015-01-01", "ends_on": "2016-01-01"})
    assert r.status_code == 409


def test_names_with_control_or_bidi_characters_are_refused(client: Any, world: Any) -> None:
    r = client.post("/orgs", headers=world.auth("admin"), json={
        "code": "EVIL", "name": "Văn phòng\u202e", "family": "party", "parent_code": "TUDN"})
    assert r.status_code == 422 and r.json()["field"] == "name"


def test_a_patch_cannot_null_a_field_every_organisation_has(client: Any, world: Any) -> None:
    admin = world.auth("admin")
    for field in ("name", "family", "external", "dispatch_per_type"):
        r = client.patch("/orgs/VPTU", headers=admin, json={field: None, "place_name": "Gia Nghĩa"})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
        assert r.json()["detail"] == f"{field} cannot be removed: give its new value, or leave it out"
    assert client.get("/orgs/VPTU", headers=admin).json()["place_name"] != "Gia Nghĩa"
