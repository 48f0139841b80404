"""An admin manages the external issuers its tree added (a Bộ, the Central Committee), and no
other tree's: to another admin such an issuer is simply not there."""

from __future__ import annotations

from typing import Any

BTC = {"code": "BTCTW", "name": "Ban Tổ chức Trung ương", "family": "party", "external": True}


def test_the_tree_that_added_an_external_issuer_manages_it(client: Any, world: Any) -> None:
    made = client.post("/orgs", headers=world.auth("admin"), json=BTC)
    assert made.status_code == 201, made.text
    renamed = client.patch("/orgs/BTCTW", headers=world.auth("admin"),
                           json={"name": "Ban Tổ chức Trung ương Đảng"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Ban Tổ chức Trung ương Đảng"
    other = client.patch("/orgs/BTCTW", headers=world.auth("admin_ubnd"), json={"name": "x"})
    assert other.status_code == 404 and "BTCTW" in other.json()["detail"]
    assert client.delete("/orgs/BTCTW", headers=world.auth("admin_ubnd")).status_code == 404
    assert client.delete("/orgs/BTCTW", headers=world.auth("admin")).status_code == 204
    assert client.get("/orgs/BTCTW", headers=world.auth("admin")).status_code == 404


def test_an_issuer_no_tree_added_stays_out_of_reach(client: Any, world: Any) -> None:
    # TW came with the installation, not from an admin: no admin's tree added it.
    r = client.patch("/orgs/TW", headers=world.auth("admin"), json={"name": "x"})
    assert r.status_code == 404


def test_a_state_admin_adds_and_manages_its_own(client: Any, world: Any) -> None:
    bo = {"code": "BNV", "name": "Bộ Nội vụ", "family": "state", "external": True}
    assert client.post("/orgs", headers=world.auth("admin_ubnd"), json=bo).status_code == 201
    assert client.patch("/orgs/BNV", headers=world.auth("admin_ubnd"),
                        json={"place_name": "Hà Nội"}).json()["place_name"] == "Hà Nội"
    assert client.patch("/orgs/BNV", headers=world.auth("admin"),
                        json={"place_name": "x"}).status_code == 404
