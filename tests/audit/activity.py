"""Audit log test helpers: make events through the HTTP API, read heads and proofs back."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select, text

from tests.factories import seed_arrival_body


def b64d(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def register_arrival(client: Any, world: Any, n: int, **document: Any) -> dict[str, Any]:
    """Register TW's notice ``n``-TB/TW at VPTU (one ``arrival.registered`` event)."""
    body = seed_arrival_body()
    body["document"] = {**body["document"], "notation": f"{n}-TB/TW", "references": [],
                        **document}
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"), json=body)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def one_event(client: Any, world: Any, i: int) -> None:
    """Append exactly one event, varying its kind with ``i``."""
    if i % 3 == 2:
        r = client.post("/orgs", headers=world.auth("admin"), json={
            "code": f"BAN{i}", "name": f"Ban số {i} Tỉnh ủy", "family": "party",
            "parent_code": "TUDN"})
        assert r.status_code == 201, r.text
    else:
        register_arrival(client, world, 100 + i)


def tree_head(client: Any, world: Any, who: str = "auditor") -> dict[str, Any]:
    r = client.get("/audit/tree-head", headers=world.auth(who))
    assert r.status_code == 200, r.text
    head: dict[str, Any] = r.json()
    return head


def log_size(ctx: Any) -> int:
    from app.services.tree_heads import log_size as size_of

    with ctx.reading() as s:
        return size_of(s)


def sql(ctx: Any, statement: str, **params: Any) -> None:
    with ctx.db.engine.begin() as conn:
        conn.execute(text(statement), params)


def activity(client: Any, world: Any) -> dict[str, Any]:
    """Arrivals registered and routed, an office created and renamed, a confidential read; a
    signed head after the first five events and one at the end."""
    h = world.auth("clerk_vptu")
    first = register_arrival(client, world, 1)
    routed = register_arrival(client, world, 2)
    one_event(client, world, 2)  # organisation BAN2 created
    r = client.patch(f"/arrivals/{routed['id']}", headers=h, json={"routed_to": "Phòng Tổng hợp"})
    assert r.status_code == 200
    secret = register_arrival(client, world, 3, confidentiality="MAT")
    tree_head(client, world)
    assert client.get(f"/arrivals/{secret['id']}", headers=h).status_code == 200
    r = client.patch("/orgs/BAN2", headers=world.auth("admin"), json={"name": "Ban Hai"})
    assert r.status_code == 200
    for i in range(4):
        register_arrival(client, world, 10 + i)
    head = tree_head(client, world)
    return {"first": first, "routed": routed, "secret": secret, "head": head}


def seq_of(ctx: Any, action: str, subject_id: Any) -> int:
    from app.db import AuditEvent

    with ctx.reading() as s:
        return max(s.scalars(select(AuditEvent.seq).where(
            AuditEvent.action == action, AuditEvent.subject_id == str(subject_id))))
