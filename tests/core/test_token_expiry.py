"""API tokens expire: the default lifetime, a chosen one, a 401 that says so, and the audit log
that finds an expiry changed in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from app.db import ApiToken
from app.services.audit_verify import verify
from tests.factories import TEST_NOW, set_clock


def _make(client: Any, world: Any, **body: Any) -> Any:
    return client.post(f"/users/{world.user_ids['clerk_vptu']}/tokens",
                       headers=world.auth("admin"), json={"label": "expiring", **body})


def _me(client: Any, token: str) -> Any:
    return client.get("/me", headers={"Authorization": f"Bearer {token}"})


def test_a_token_lives_its_default_lifetime_then_is_refused(
        client: Any, world: Any, ctx: Any) -> None:
    set_clock(ctx, TEST_NOW)
    made = _make(client, world)
    assert made.status_code == 201, made.text
    expires = datetime.fromisoformat(made.json()["expires_at"])
    assert expires == TEST_NOW + timedelta(days=ctx.settings.token_lifetime_days)
    token = made.json()["token"]
    set_clock(ctx, expires - timedelta(seconds=1))
    assert _me(client, token).status_code == 200
    set_clock(ctx, expires)
    r = _me(client, token)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == ("the API token expired on 13/01/2021 10:00 (Vietnam time); "
                                  "ask an administrator for a new one")


def test_a_request_chooses_the_lifetime_within_a_year(client: Any, world: Any, ctx: Any) -> None:
    set_clock(ctx, TEST_NOW)
    week = _make(client, world, expires_in_days=7)
    assert datetime.fromisoformat(week.json()["expires_at"]) == TEST_NOW + timedelta(days=7)
    for days in (0, 367):
        r = _make(client, world, expires_in_days=days)
        assert r.status_code == 422 and r.json()["field"] == "expires_in_days", r.text


def test_audit_verify_finds_an_extended_token(client: Any, world: Any, ctx: Any) -> None:
    set_clock(ctx, TEST_NOW)
    made = _make(client, world, expires_in_days=30)
    assert verify(ctx).ok
    with ctx.db.transaction() as s:
        s.execute(update(ApiToken).where(ApiToken.id == made.json()["id"])
                  .values(expires_at=datetime(2999, 1, 1, tzinfo=UTC)))
    report = verify(ctx)
    assert [f.code.value for f in report.findings] == ["token_expiry_changed"]
    assert report.findings[0].message.startswith(
        f"api_tokens row {made.json()['id']} now expires 2999-01-01T00:00:00+00:00, but event ")
