"""403 outside one's remit, for every write that is not covered in test_auth: the answer names
the rule, and the refused request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import seed_arrival_body


def _arrival(client: Any, world: Any) -> dict[str, Any]:
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                    json=seed_arrival_body())
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.mark.parametrize("who", ["clerk_vpduk", "dept_vptu", "auditor", "clerk_ubnd"])
def test_only_the_office_clerk_routes_an_arrival(client: Any, world: Any, who: str) -> None:
    arrival = _arrival(client, world)
    r = client.patch(f"/arrivals/{arrival['id']}", headers=world.auth(who),
                     json={"status": "routed", "routed_to": "Ban Tổ chức"})
    assert r.status_code in (403, 404), r.text
    assert r.headers["content-type"] == "application/problem+json"
    after = client.get(f"/arrivals/{arrival['id']}", headers=world.auth("clerk_vptu")).json()
    assert after["status"] == "received" and after["routed_to"] is None


def test_a_clerk_of_another_office_gets_403_on_routing(client: Any, world: Any) -> None:
    arrival = _arrival(client, world)
    r = client.patch(f"/arrivals/{arrival['id']}", headers=world.auth("dept_vptu"),
                     json={"status": "routed", "routed_to": "Ban Tổ chức"})
    assert r.status_code == 403
    assert "clerk of VPTU" in r.json()["detail"]


def _dispatch_to_vpduk(client: Any, world: Any) -> dict[str, Any]:
    r = client.post("/orgs/VPTU/dispatches", headers=world.auth("clerk_vptu"), json={
        "type_code": "TB", "title": "Thông báo", "issued_on": "2020-03-02",
        "recipients": [{"org_code": "VPDUK"}]})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_outgoing_documents_are_read_by_their_office_only(client: Any, world: Any) -> None:
    d = _dispatch_to_vpduk(client, world)
    assert client.get(f"/dispatches/{d['id']}", headers=world.auth("clerk_vptu")).status_code == 200
    assert client.get(f"/dispatches/{d['id']}", headers=world.auth("auditor")).status_code == 200
    r = client.get(f"/dispatches/{d['id']}", headers=world.auth("clerk_ubnd"))
    assert r.status_code == 403, r.text
    assert client.get("/orgs/VPTU/dispatches", headers=world.auth("clerk_ubnd")).status_code == 403


def test_only_the_recipient_clerk_registers_an_inbox_item(client: Any, world: Any) -> None:
    _dispatch_to_vpduk(client, world)
    items = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    assert len(items) == 1
    assert client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_tttu")).status_code == 403
    for who, path in (("clerk_tttu", f"/orgs/VPDUK/inbox/{items[0]['id']}/register"),
                      ("clerk_tttu", f"/orgs/TTTU/inbox/{items[0]['id']}/register"),
                      ("clerk_vptu", f"/orgs/VPDUK/inbox/{items[0]['id']}/register")):
        r = client.post(path, headers=world.auth(who), json={})
        assert r.status_code in (403, 404), (who, path, r.text)
    # nothing was registered: the item is still waiting and the register is empty
    assert len(client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()) == 1
    listing = client.get("/orgs/VPDUK/arrivals", headers=world.auth("clerk_vpduk")).json()
    assert listing["items"] == []
    r = client.post(f"/orgs/VPDUK/inbox/{items[0]['id']}/register",
                    headers=world.auth("clerk_tttu"), json={})
    assert r.status_code == 403 and "clerk of VPDUK" in r.json()["detail"]


@pytest.mark.parametrize("who", ["clerk_vptu", "dept_vptu", "auditor"])
def test_only_admins_create_users_and_tokens(client: Any, world: Any, who: str) -> None:
    r = client.post("/orgs/VPTU/users", headers=world.auth(who),
                    json={"name": "new clerk", "role": "clerk"})
    assert r.status_code == 403, r.text
    r = client.post(f"/users/{world.user_ids['clerk_vptu']}/tokens", headers=world.auth(who),
                    json={"label": "mine"})
    assert r.status_code == 403, r.text
    assert client.get("/me", headers=world.auth("clerk_vptu")).status_code == 200


def test_an_admin_of_another_tree_cannot_mint_tokens(client: Any, world: Any) -> None:
    r = client.post(f"/users/{world.user_ids['clerk_vptu']}/tokens",
                    headers=world.auth("admin_ubnd"), json={"label": "x"})
    assert r.status_code in (403, 404), r.text
    r = client.post("/orgs/VPTU/users", headers=world.auth("admin_ubnd"),
                    json={"name": "x", "role": "admin"})
    assert r.status_code in (403, 404), r.text
    created = client.post("/orgs/VPTU/users", headers=world.auth("admin"),
                          json={"name": "Nguyễn Thị Văn Thư", "role": "clerk"})
    assert created.status_code == 201, created.text
