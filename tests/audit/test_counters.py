"""`vanthu audit verify` catches a sequence's last number changed in SQL without a register row
(the next number would skip or repeat), and accepts a paper continuation."""

from __future__ import annotations

from typing import Any

from app.services.audit_verify import verify
from tests.audit.activity import sql
from tests.factories import seed_arrival_body


def test_a_counter_raised_or_lowered_in_sql_is_reported(client: Any, world: Any,
                                                        ctx: Any) -> None:
    h = world.auth("clerk_vptu")
    assert client.put("/orgs/VPTU/registers/series", headers=h, json={
        "register": "arrival", "on": "2020-01-01", "last_number": 564}).status_code == 200
    assert client.post("/orgs/VPTU/arrivals", headers=h,
                       json=seed_arrival_body()).json()["arrival_number"] == 565
    assert verify(ctx).ok, verify(ctx).summary()
    for tampered in (600, 564):
        sql(ctx, "UPDATE sequences SET last_number = :n WHERE register = 'arrival'", n=tampered)
        report = verify(ctx)
        assert not report.ok
        [finding] = [f for f in report.findings if f.row and f.row.startswith("sequence ")]
        assert f"last number {tampered}" in finding.message and "reach 565" in finding.message
    sql(ctx, "UPDATE sequences SET last_number = 565 WHERE register = 'arrival'")
    assert verify(ctx).ok
