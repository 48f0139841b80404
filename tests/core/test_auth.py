"""Tokens and roles: 401 without a valid token on every endpoint; 403 outside one's remit."""

from __future__ import annotations

import re
from typing import Any

import pytest

#: Reachable without a token: the service probes and documents, and signing in itself.
PUBLIC = {"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/auth/token"}


def _routes(client: Any) -> list[tuple[str, str]]:
    out = []
    for path, item in client.app.openapi()["paths"].items():
        if path in PUBLIC:
            continue
        for method in item:
            out.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return out


def test_every_endpoint_needs_a_token(client: Any, world: Any) -> None:
    routes = _routes(client)
    assert len(routes) >= 15
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer vt_forged"},
                        {"Authorization": "Basic YWRtaW46YWRtaW4="}):
            r = client.request(method, path, headers=headers)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.headers["content-type"] == "application/problem+json"


def test_revoked_token_is_refused(client: Any, world: Any) -> None:
    h = world.auth("admin")
    made = client.post(f"/users/{world.user_ids['clerk_vptu']}/tokens", headers=h,
                       json={"label": "second"})
    assert made.status_code == 201
    token = made.json()["token"]
    assert token.startswith("vt_")
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.delete(f"/tokens/{made.json()['id']}", headers=h).status_code == 204
    r = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_tokens_are_stored_hashed(ctx: Any, world: Any) -> None:
    from sqlalchemy import select

    from app.db import ApiToken

    with ctx.reading() as s:
        stored = set(s.scalars(select(ApiToken.token_sha256)))
    assert not set(world.tokens.values()) & stored
    assert all(len(h) == 64 for h in stored)


WRITES = [
    ("post", "/orgs/VPTU/arrivals", {"issuer_code": "TW", "document": {
        "notation": "1-CV/TW", "issued_on": "2020-01-02", "title": "x"}}),
    ("post", "/orgs/VPTU/dispatches", {"type_code": "TB", "title": "x"}),
    ("put", "/orgs/VPTU/registers/series",
     {"register": "arrival", "on": "2020-01-01", "last_number": 5}),
]


@pytest.mark.parametrize("who", ["clerk_vpduk", "dept_vptu", "auditor", "admin", "clerk_ubnd"])
@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_only_own_clerk_writes_a_register(client: Any, world: Any, who: str, method: str,
                                          path: str, body: dict[str, Any]) -> None:
    r = client.request(method.upper(), path, headers=world.auth(who), json=body)
    assert r.status_code == 403, r.text
    assert "only a clerk of VPTU" in r.json()["detail"]


def test_reading_other_registers(client: Any, world: Any) -> None:
    a = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json={
        "issuer_code": "TW", "document": {"notation": "1-CV/TW", "issued_on": "2020-01-02",
                                          "title": "x"}})
    assert a.status_code == 201
    arrival_id = a.json()["id"]
    assert client.get("/orgs/VPTU/arrivals", headers=world.auth("clerk_vpduk")).status_code == 403
    assert client.get(f"/arrivals/{arrival_id}",
                      headers=world.auth("clerk_ubnd")).status_code == 403
    # an auditor of the province reads the registers of the offices below it
    r = client.get("/orgs/VPTU/arrivals", headers=world.auth("auditor"))
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    assert client.get(f"/arrivals/{arrival_id}", headers=world.auth("auditor")).status_code == 200
    doc_id = a.json()["document"]["id"]
    assert client.get(f"/documents/{doc_id}", headers=world.auth("clerk_ubnd")).status_code == 404
    assert client.get(f"/documents/{doc_id}", headers=world.auth("dept_vptu")).status_code == 200


def test_confidential_documents_need_clearance_and_reads_are_logged(client: Any, world: Any,
                                                                    ctx: Any) -> None:
    from sqlalchemy import select

    from app.db import AuditEvent

    a = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json={
        "issuer_code": "TW", "document": {"notation": "7-CV/TW", "issued_on": "2020-01-02",
                                          "title": "mật", "confidentiality": "MAT"}})
    assert a.status_code == 201
    listing = client.get("/orgs/VPTU/arrivals", headers=world.auth("dept_vptu")).json()
    assert listing["items"] == []
    assert client.get(f"/arrivals/{a.json()['id']}",
                      headers=world.auth("dept_vptu")).status_code == 403
    assert client.get(f"/arrivals/{a.json()['id']}",
                      headers=world.auth("clerk_vptu")).status_code == 200
    with ctx.reading() as s:
        reads = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "document.read")))
    assert [(e.actor_org_code, e.subject_id) for e in reads] == [("VPTU", str(a.json()["id"]))]


def test_admin_manages_organisations_in_its_tree(client: Any, world: Any) -> None:
    h = world.auth("admin")
    r = client.post("/orgs", headers=h, json={"code": "BTGTU", "name": "Ban Tuyên giáo Tỉnh ủy",
                                              "family": "party", "parent_code": "TUDN"})
    assert r.status_code == 201, r.text
    assert r.json()["parent_code"] == "TUDN"
    r = client.post("/orgs", headers=world.auth("admin_ubnd"), json={
        "code": "X1", "name": "x", "family": "state", "parent_code": "TUDN"})
    assert r.status_code == 404
    r = client.post("/orgs", headers=world.auth("clerk_vptu"), json={
        "code": "X2", "name": "x", "family": "party", "parent_code": "TUDN"})
    assert r.status_code == 403
