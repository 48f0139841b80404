"""Approval refuses what would make a bad copy, and spends no number: a source file damaged or
missing in the store (409 naming it), a secret document approved by anyone but the head."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import APPROVE_VPTU, SIGNED_1, arrive_with_pdf, ask


def copy_series(client: Any, world: Any) -> int:
    r = client.get("/orgs/VPTU/registers/series", headers=world.auth("clerk_vptu"),
                   params={"register": "copy", "on": "2020-02-04"})
    assert r.status_code == 200, r.text
    return int(r.json()["last_number"])


@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_a_damaged_source_file_is_refused_and_no_number_is_spent(
        client: Any, world: Any, ctx: Any, damage: str) -> None:
    arrival = arrive_with_pdf(client, world)
    sha = arrival["document"]["files"][0]["sha256"]
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"])
    assert req.status_code == 201, req.text
    stored = ctx.store.path_for(sha)
    stored.chmod(0o644)
    if damage == "changed":
        stored.write_bytes(stored.read_bytes() + b"\n% one byte too many")
    else:
        stored.unlink()
    ctx.clock = lambda: SIGNED_1
    r = client.post(f"/copy-requests/{req.json()['id']}/approve",
                    headers=world.auth("clerk_vptu"), json=APPROVE_VPTU)
    assert r.status_code == 409, r.text
    assert r.json()["field"] == "document_id" and sha in r.json()["detail"]
    assert ("damaged" if damage == "changed" else "missing") in r.json()["detail"]
    assert copy_series(client, world) == 0
    assert client.get(f"/copy-requests/{req.json()['id']}",
                      headers=world.auth("clerk_vptu")).json()["status"] == "pending"
    assert client.get("/orgs/VPTU/copies", headers=world.auth("clerk_vptu")).json()["items"] == []


def test_a_secret_document_is_copied_only_on_the_heads_approval(
        client: Any, world: Any, ctx: Any) -> None:
    arrival = arrive_with_pdf(client, world, notation="9-TB/TW", confidentiality="MAT")
    req = ask(client, world, "clerk_vptu", "VPTU", document_id=arrival["document"]["id"])
    assert req.status_code == 201, req.text
    ctx.clock = lambda: SIGNED_1
    path = f"/copy-requests/{req.json()['id']}/approve"
    r = client.post(path, headers=world.auth("clerk_vptu"), json=APPROVE_VPTU)
    assert r.status_code == 403 and "head" in r.json()["detail"], r.text
    assert copy_series(client, world) == 0
    r = client.post(path, headers=world.auth("head_vptu"), json=APPROVE_VPTU)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1
