"""A copy is never half-issued: a failure in rendering, signing or storing leaves no number, no
row, no file and no inbox item behind, and the request stays pending."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import APPROVE_VPTU, arrive_with_pdf, ask


class Injected(RuntimeError):
    pass


def _state(ctx: Any) -> dict[str, Any]:
    from app.db import AuditEvent, CertifiedCopy, InboxItem, Recipient, RegisterSeries

    with ctx.reading() as s:
        return {
            "copies": s.scalar(select(func.count()).select_from(CertifiedCopy)),
            "recipients": s.scalar(select(func.count()).select_from(Recipient)),
            "inbox": s.scalar(select(func.count()).select_from(InboxItem)),
            "events": s.scalar(select(func.count()).select_from(AuditEvent)),
            "copy_numbers": s.scalar(select(func.coalesce(func.max(RegisterSeries.last_number), 0))
                                     .where(RegisterSeries.register == "copy")),
            "files": sorted(ctx.store.all_digests()),
        }


def _fail_store_put_of_manifest(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = ctx.store.put
    calls = {"n": 0}

    def put(data: bytes, staged: Any = None) -> str:
        calls["n"] += 1
        if calls["n"] == 2:  # the PDF is stored, then storing the manifest fails
            raise Injected("disk full")
        return str(real(data, staged))

    monkeypatch.setattr(ctx.store, "put", put)


def _fail(target: str) -> Any:
    def install(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        def boom(*args: Any, **kwargs: Any) -> Any:
            raise Injected(target)

        monkeypatch.setattr(target, boom)
    return install


@pytest.mark.parametrize("inject", [
    _fail("app.services.copy_pdf.render_after"),
    _fail("signing.certify.sign_manifest"),
    _fail("signing.certify.sign_pdf"),
    _fail_store_put_of_manifest,
    _fail("app.services.dispatches.deliver"),
], ids=["render", "sign-manifest", "sign-pdf", "store", "deliver"])
def test_a_failed_issue_leaves_nothing(client: Any, world: Any, ctx: Any,
                                       monkeypatch: pytest.MonkeyPatch, inject: Any) -> None:
    from app.services import copies
    from app.services.tokens import authenticate

    arrival = arrive_with_pdf(client, world)
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"]).json()
    copies.ensure_office_key(ctx, "VPTU")  # the key is the office's, not the copy's
    before = _state(ctx)
    inject(ctx, monkeypatch)
    who = authenticate(ctx, world.tokens["clerk_vptu"])
    with pytest.raises(Injected):
        copies.approve(ctx, who, req["id"], copies.ApproveIn(**APPROVE_VPTU))
    assert _state(ctx) == before
    monkeypatch.undo()
    status = client.get(f"/copy-requests/{req['id']}", headers=world.auth("clerk_vptu")).json()
    assert status["status"] == "pending" and status["copy_id"] is None
    # the next attempt gets the number the failed one gave back
    done = client.post(f"/copy-requests/{req['id']}/approve", headers=world.auth("clerk_vptu"),
                       json=APPROVE_VPTU)
    assert done.status_code == 201, done.text
    assert done.json()["number"] == 1
