"""`vanthu demo` loads the seed's arrivals (565 at VPTU, 952 at Thường trực), the two copies and
VPDUK's registration of the first, and is idempotent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.db import Arrival, AuditEvent, Document
from app.demo import load_demo


def test_demo_loads_seed_arrivals_once(ctx: Any) -> None:
    first = load_demo(ctx)
    assert first.startswith("demo data loaded")
    with ctx.reading() as s:
        rows = s.execute(select(Arrival.arrival_number, Arrival.received_on, Document.notation)
                         .join(Document, Arrival.document_id == Document.id)
                         .order_by(Arrival.arrival_number)).all()
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    assert [(n, d.isoformat(), t) for n, d, t in rows] == [
        (1, "2020-02-05", "160-TB/TW"),  # VPDUK registers the copy 397-BS/VPTU
        (565, "2020-01-29", "160-TB/TW"), (952, "2020-02-11", "160-TB/TW")]
    second = load_demo(ctx)
    assert second.startswith("demo data already present")
    with ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(Arrival)) == 3
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
    tokens = [line.split(": ")[-1] for line in first.splitlines() if ": vt_" in line]
    assert len(tokens) == 8
    assert tokens == [line.split(": ")[-1] for line in second.splitlines() if ": vt_" in line]
