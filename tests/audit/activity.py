"""Audit log test helpers: make events through the HTTP API, read heads and proofs back."""

from __future__ import annotations

import base64
from typing import Any

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
