"""VANTHU_ENV=production refuses to start while a development default is left, and says which
setting (or which office) to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from app.context import AppContext
from app.db import Organisation
from app.main import create_app
from app.services import readiness

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a passphrase only this office knows"


def _context(settings: Any, **changes: Any) -> AppContext:
    return AppContext.from_settings(settings.model_copy(update={"env": "production", **changes}))


def _fill_emails(ctx: Any) -> None:
    with ctx.db.transaction() as s:
        for org in s.scalars(select(Organisation).where(Organisation.email.is_(None))):
            org.email = f"{org.code}@example.gov.vn"


def test_development_defaults_are_named_and_refused(settings: Any, world: Any) -> None:
    ctx = _context(settings)
    found = [str(p) for p in readiness.problems(ctx)]
    assert found[0].startswith("VANTHU_KEY_PASSPHRASE: it is the development passphrase")
    assert found[1].startswith("VANTHU_DEV_KEYS: development keys are on")
    with pytest.raises(readiness.NotReady) as refused:
        create_app(ctx=ctx)
    assert "refusing to start with VANTHU_ENV=production" in str(refused.value)
    ctx.db.dispose()


def test_an_office_without_an_email_is_named(settings: Any, ctx: Any, world: Any) -> None:
    _fill_emails(ctx)
    with ctx.db.transaction() as s:
        s.execute(update(Organisation).where(Organisation.code == "VPDUK").values(email=None))
    ready = _context(settings, key_passphrase=SECRET, dev_keys=False)
    assert [str(p) for p in readiness.problems(ready)] == [
        "organisation VPDUK: it signs copies but has no e-mail, so its signature box would "
        "print a placeholder; set its e-mail (PATCH /orgs/VPDUK)"]
    ready.db.dispose()


def test_a_ready_installation_starts(settings: Any, ctx: Any, world: Any) -> None:
    _fill_emails(ctx)
    ready = _context(settings, key_passphrase=SECRET, dev_keys=False)
    assert readiness.problems(ready) == []
    with TestClient(create_app(ctx=ready)) as client:
        assert client.get("/health").json() == {"status": "ok"}
    ready.db.dispose()
    # Development never refuses.
    assert create_app(ctx=AppContext.from_settings(settings)) is not None


def test_vanthu_serve_refuses_and_says_why(settings: Any, world: Any, tmp_path: Path) -> None:
    env = {**os.environ, "VANTHU_ENV": "production", "VANTHU_DATABASE_URL": settings.database_url,
           "VANTHU_STORAGE_DIR": str(tmp_path / "files"), "VANTHU_KEYS_DIR": str(tmp_path / "k"),
           "VANTHU_KEY_PASSPHRASE": "short"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "serve", "--port", "0", "--no-sweep"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "vanthu serve: refusing to start with VANTHU_ENV=production" in done.stderr
    assert "VANTHU_KEY_PASSPHRASE: it is shorter than 16 characters" in done.stderr
    assert "VANTHU_DEV_KEYS: development keys are on" in done.stderr


def test_in_production_an_office_without_an_email_issues_no_copy(
        client: Any, world: Any, ctx: Any) -> None:
    from app.errors import Conflict
    from app.services import copies, copy_requests, tokens
    from app.services.copies import ApproveIn
    from app.services.copy_requests import CopyRequestIn
    from app.services.dispatches import RecipientIn
    from tests.factories import arrive_with_pdf

    arrival = arrive_with_pdf(client, world)
    department = tokens.authenticate(ctx, world.tokens["dept_vptu"])
    request = copy_requests.create(ctx, department, "VPTU", CopyRequestIn(
        kind="SAO_LUC", reason="phổ biến", document_id=arrival["document"]["id"],
        recipients=[RecipientIn(name="Các đ/c TUV")]))
    with ctx.db.transaction() as s:
        s.execute(update(Organisation).where(Organisation.code == "VPTU").values(email=None))
    ctx.settings = ctx.settings.model_copy(update={"env": "production"})
    clerk = tokens.authenticate(ctx, world.tokens["clerk_vptu"])
    with pytest.raises(Conflict, match="VPTU has no e-mail") as refused:
        copies.approve(ctx, clerk, request.id, ApproveIn(signer_title="CHÁNH VĂN PHÒNG",
                                                         signer_name="Lê Văn Chiến"))
    assert refused.value.field == "email"
    assert copy_requests.get(ctx, clerk, request.id).status == "pending"
