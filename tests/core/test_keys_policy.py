"""Keys: VANTHU_DEV_KEYS=false (production) issues nothing without an imported key; every private
key the service writes is encrypted at rest with VANTHU_KEY_PASSPHRASE."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.context import AppContext
from app.main import create_app
from tests.factories import (
    APPROVE_VPTU,
    TEST_NOW,
    arrive_with_pdf,
    ask,
    build_world,
    issue_first_copy,
    set_clock,
)


@pytest.fixture
def production(settings: Any) -> Iterator[tuple[TestClient, Any, Any]]:
    strict = settings.model_copy(update={"dev_keys": False})
    ctx = AppContext.from_settings(strict)
    set_clock(ctx, TEST_NOW)
    with TestClient(create_app(settings=strict, ctx=ctx), raise_server_exceptions=False) as client:
        yield client, build_world(ctx), strict
    ctx.db.dispose()


def test_without_dev_keys_an_office_without_a_key_cannot_issue(
        production: tuple[TestClient, Any, Any]) -> None:
    client, world, settings = production
    arrival = arrive_with_pdf(client, world)
    request = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"])
    assert request.status_code == 201, request.text
    r = client.post(f"/copy-requests/{request.json()['id']}/approve",
                    headers=world.auth("clerk_vptu"), json=APPROVE_VPTU)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "has no signing key" in r.json()["detail"]
    clerk = world.auth("clerk_vptu")
    assert client.get(f"/copy-requests/{request.json()['id']}",
                      headers=clerk).json()["status"] == "pending"
    assert client.get("/orgs/VPTU/copies", headers=clerk).json()["items"] == []
    assert not (settings.keys_dir / "ca").exists()  # no development CA was made either


def test_private_keys_the_service_writes_are_encrypted(client: Any, world: Any, ctx: Any,
                                                       settings: Any) -> None:
    from signing.keys import load_private_key

    issue_first_copy(client, world, ctx)  # the development CA and VPTU's key
    assert client.get("/audit/tree-head", headers=world.auth("auditor")).status_code == 200
    keys = [p for p in settings.keys_dir.rglob("*")
            if p.is_file() and b"PRIVATE KEY" in p.read_bytes()]
    assert len(keys) >= 3, keys  # CA, office, log
    for path in keys:
        pem = path.read_bytes()
        assert b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in pem, path
        with pytest.raises((ValueError, TypeError)):
            load_private_key(pem, b"not the passphrase")
        load_private_key(pem, settings.key_passphrase.encode())
