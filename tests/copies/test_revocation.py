"""Revoking a certified copy issued in error (thu hồi): every verification of it, and of the
copies made from it, reports REVOKED with the reason and the date; nothing is copied from it."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path
from typing import Any

from app.services.audit_verify import verify
from tests.factories import (
    APPROVE_VPDUK,
    SIGNED_2,
    ask,
    ask_and_approve,
    issue_first_copy,
    set_clock,
)
from tests.tooling import require_tool

REASON = "cấp nhầm văn bản nguồn"


def register_at_vpduk(client: Any, world: Any, ctx: Any) -> dict[str, Any]:
    [item] = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    set_clock(ctx, "2020-02-05T08:10:00+07:00")  # VPDUK registers it the next morning
    r = client.post(f"/orgs/VPDUK/inbox/{item['id']}/register", headers=world.auth("clerk_vpduk"),
                    json={"received_at": "2020-02-05T08:00:00+07:00"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def copy_onward(client: Any, world: Any, ctx: Any, copy_id: int) -> dict[str, Any]:
    return ask_and_approve(client, world, ctx, asker="dept_vpduk", org="VPDUK",
                           approver="clerk_vpduk", approval=APPROVE_VPDUK, signed_at=SIGNED_2,
                           copy_id=copy_id, recipients=[{"name": "Các TCCS đảng"}])


def revoke(client: Any, world: Any, copy_id: int, who: str = "head_vptu",
           reason: str = REASON) -> Any:
    return client.post(f"/copies/{copy_id}/revoke", headers=world.auth(who),
                       json={"reason": reason})


def test_a_revoked_copy_and_the_copies_made_from_it_verify_as_revoked(
        client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    _, first = issue_first_copy(client, world, ctx)
    register_at_vpduk(client, world, ctx)
    second = copy_onward(client, world, ctx, first["id"])
    before = client.get(f"/copies/{second['id']}/verification", headers=world.auth("auditor"))
    assert before.json()["verdict"] == "VALID", before.text

    r = revoke(client, world, first["id"])
    assert r.status_code == 200, r.text
    assert r.json()["revocation_reason"] == REASON and r.json()["revoked_at"]

    for copy in (first, second):
        body = client.get(f"/copies/{copy['id']}/verification",
                          headers=world.auth("auditor")).json()
        assert body["verdict"] == "REVOKED" and body["ok"] is False, body
        [rev] = body["revocations"]
        assert rev["notation"] == "01-BS/VPTU" and rev["office"] == "VPTU"
        assert rev["reason"] == REASON
        assert body["reasons"][0].startswith("01-BS/VPTU was revoked by VPTU on ")
    # The same answer for the file itself, uploaded by whoever received it.
    pdf = client.get(second["pdf_url"], headers=world.auth("clerk_vpduk")).content
    up = client.post("/verify", headers=world.auth("clerk_vpduk"),
                     files={"file": ("30.pdf", pdf, "application/pdf")})
    assert up.status_code == 200 and up.json()["verdict"] == "REVOKED", up.text
    report = client.get(f"/copies/{second['id']}/verification?format=pdf",
                        headers=world.auth("auditor"))
    (tmp_path / "r.pdf").write_bytes(report.content)
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "KẾT LUẬN: KHÔNG ĐẠT" in text
    assert "đã bị VPTU thu hồi ngày" in " ".join(text.split()) and "cấp nhầm" in text
    # Nothing further is copied from it, and the copy register marks it.
    again = ask(client, world, "dept_vpduk", "VPDUK", copy_id=first["id"],
                recipients=[{"name": "Các TCCS đảng"}])
    assert again.status_code == 409 and again.json()["field"] == "copy_id"
    book = client.get("/orgs/VPTU/registers/copy/book?term=2015-2020&format=csv",
                      headers=world.auth("clerk_vptu"))
    [line] = list(csv.reader(io.StringIO(book.content.decode("utf-8-sig"))))[1:]
    assert line[0].startswith("01") and line[-1].startswith("ĐÃ THU HỒI ngày ")
    assert verify(ctx).ok, verify(ctx).summary()


def test_only_the_issuing_office_revokes_once_with_a_reason(client: Any, world: Any,
                                                           ctx: Any) -> None:
    _, copy = issue_first_copy(client, world, ctx)
    assert revoke(client, world, copy["id"], who="dept_vptu").status_code == 403
    assert revoke(client, world, copy["id"], who="clerk_vpduk").status_code in (403, 404)
    assert revoke(client, world, copy["id"], who="auditor").status_code == 403
    short = revoke(client, world, copy["id"], reason="sai")
    assert short.status_code == 422 and short.json()["field"] == "reason"
    assert client.get(f"/copies/{copy['id']}", headers=world.auth("clerk_vptu")).json()[
        "revoked_at"] is None
    assert revoke(client, world, copy["id"], who="clerk_vptu").status_code == 200
    assert revoke(client, world, copy["id"]).status_code == 409


def test_a_copy_revoked_before_its_recipient_registered_it_is_withdrawn(
        client: Any, world: Any, ctx: Any) -> None:
    arrival, copy = issue_first_copy(client, world, ctx)
    [item] = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    # The entry it was copied from cannot be cancelled while the copy stands.
    h = world.auth("clerk_vptu")
    blocked = client.post(f"/arrivals/{arrival['id']}/cancel", headers=h,
                          json={"reason": "vào sổ nhầm"})
    assert blocked.status_code == 409 and "01-BS/VPTU" in blocked.json()["detail"]
    assert revoke(client, world, copy["id"]).status_code == 200
    assert client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json() == []
    late = client.post(f"/orgs/VPDUK/inbox/{item['id']}/register",
                       headers=world.auth("clerk_vpduk"), json={})
    assert late.status_code == 409
    assert client.post(f"/arrivals/{arrival['id']}/cancel", headers=h,
                       json={"reason": "vào sổ nhầm"}).status_code == 200
