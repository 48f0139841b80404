"""POST /orgs/{code}/keys/pkcs11 configures a key on a token (only with a module the operator
allowed), with problem+json naming the field to fix; production readiness accepts an office
whose key is on a token, and names its PIN variable when it is not set."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.db import OfficeKey, Organisation
from app.services import readiness
from app.services.organisations import get_by_code
from tests.copies.test_token_keys import configure, token_key
from tests.softhsm import PIN_ENV

SECRET = "a passphrase only this office knows"


def _post(client: Any, world: Any, body: dict[str, Any], who: str = "admin") -> Any:
    return client.post("/orgs/VPTU/keys/pkcs11", headers=world.auth(who), json=body)


def _allow(ctx: Any, *modules: str) -> None:
    ctx.settings = ctx.settings.model_copy(update={"pkcs11_modules": ":".join(modules)})


def _count(ctx: Any) -> int:
    with ctx.reading() as s:
        return int(s.scalar(select(func.count()).select_from(OfficeKey)) or 0)


def test_the_api_configures_a_token_key_and_names_the_field_to_fix(
        softhsm: Any, client: Any, world: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    label = token_key(softhsm, ctx)
    body = {"module": softhsm.module, "token_label": softhsm.label, "key_label": label,
            "pin_env": PIN_ENV}
    r = _post(client, world, body)
    assert r.status_code == 422 and r.json()["field"] == "module", r.text
    assert "not among the PKCS#11 modules this server allows" in r.json()["detail"]
    _allow(ctx, "/usr/lib/other.so", softhsm.module)
    assert _post(client, world, body, who="clerk_vptu").status_code == 403
    cases = [
        ({"token_label": "no-such-token"}, "token_label", "no token 'no-such-token'"),
        ({"key_label": "no-such-key"}, "key_label", "holds no private key"),
        ({"pin_env": "VANTHU_NO_SUCH_PIN"}, "pin_env", "VANTHU_NO_SUCH_PIN"),
        ({"certificate": "not a certificate"}, "certificate", "cannot be read"),
        ({"key_label": None}, "key_label", "name the key on the token"),
    ]
    for change, field, says in cases:
        r = _post(client, world, {**body, **change})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field and says in r.json()["detail"], r.json()
    monkeypatch.setenv(PIN_ENV, "000000")
    r = _post(client, world, body)
    assert r.status_code == 422 and r.json()["field"] == "pin_env", r.text
    assert _count(ctx) == 0
    monkeypatch.undo()
    r = _post(client, world, body)
    assert r.status_code == 201, r.text
    assert r.json()["org_code"] == "VPTU" and r.json()["replaced"] == []
    assert _count(ctx) == 1


def _production(ctx: Any) -> AppContext:
    with ctx.db.transaction() as s:
        for org in s.scalars(select(Organisation).where(Organisation.email.is_(None))):
            org.email = f"{org.code}@example.gov.vn"
    return AppContext.from_settings(ctx.settings.model_copy(update={
        "env": "production", "key_passphrase": SECRET, "dev_keys": False}))


def test_production_accepts_an_office_whose_key_is_on_a_token(
        softhsm: Any, world: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with ctx.unit_of_work() as work:  # another office keeps its key in a file
        ctx.keys.create_dev_identity(work.session, get_by_code(work.session, "VPDUK"))
    configure(softhsm, ctx)
    with ctx.reading() as s:  # a key in a file has no token: SQL NULL, on every engine
        assert s.scalar(select(func.count()).select_from(OfficeKey)
                        .where(OfficeKey.token.is_(None))) == 1
    ready = _production(ctx)
    assert readiness.problems(ready) == []
    monkeypatch.delenv(PIN_ENV)
    assert [str(p) for p in readiness.problems(ready)] == [
        f"organisation VPTU: its signing key is on a token, but the environment variable "
        f"{PIN_ENV}, which holds the token's PIN, is not set for this process: set it where "
        "vanthu runs"]
    ready.db.dispose()
