"""Fixtures for the register-book and deadline tests: poppler, and registers filled fast in SQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from app.context import AppContext
from app.db import Arrival, Document, Organisation, RegisterSeries, User
from app.domain.notation import notation_key
from tests.render.conftest import Poppler

BOM = "\ufeff"
#: A long, realistic trích yếu: wraps over two or three lines in the PDF.
TITLE = ("Kết luận của Bộ Chính trị về việc tiếp tục thực hiện Nghị quyết Trung ương về đổi mới "
         "nội dung, phương thức hoạt động của Đảng bộ tỉnh Đắk Nông")


@pytest.fixture
def poppler(tmp_path: Path) -> Poppler:
    return Poppler(tmp_path)


def read_csv(data: bytes) -> list[list[str]]:
    """Rows of a CSV export, which must start with the UTF-8 BOM."""
    text = data.decode("utf-8")
    assert text.startswith(BOM), data[:20]
    return list(csv.reader(io.StringIO(text[len(BOM):], newline="")))


def bulk_arrivals(ctx: AppContext, org_code: str, year: int, count: int) -> None:
    """`count` incoming documents from TW registered by `org_code` in `year`, numbered 1..count,
    inserted in two statements (not through the API: this is test data, not the code under test);
    the series continues after them.
    """
    with ctx.unit_of_work() as work:
        s = work.session
        org_id = s.scalar(select(Organisation.id).where(Organisation.code == org_code))
        issuer_id = s.scalar(select(Organisation.id).where(Organisation.code == "TW"))
        clerk_id = s.scalar(select(User.id).where(User.organisation_id == org_id,
                                                  User.role == "clerk"))
        assert org_id and issuer_id and clerk_id
        days = [date(year, 1, 1) + timedelta(days=(n * 365) // (count + 1)) for n in range(count)]
        doc_ids = list(s.scalars(
            insert(Document).returning(Document.id, sort_by_parameter_order=True),
            [{"issuer_id": issuer_id, "number": n + 1, "notation": f"{n + 1}-CV/TW",
              "notation_key": notation_key(f"{n + 1}-CV/TW"), "type_code": "CV",
              "issued_on": days[n], "title": f"{TITLE} (lần {n + 1})",
              "confidentiality": "NONE", "urgency": "THUONG"} for n in range(count)]))
        s.execute(insert(Arrival), [
            {"organisation_id": org_id, "document_id": doc_id, "dedupe_key": f"doc:{doc_id}",
             "scope_key": str(year), "arrival_number": n + 1, "received_on": days[n],
             "received_at": datetime(days[n].year, days[n].month, days[n].day, 2, tzinfo=UTC),
             "routed_to": "Thường trực Tỉnh ủy", "routed_on": days[n], "status": "routed",
             "created_by": clerk_id}
            for n, doc_id in enumerate(doc_ids)])
        s.add(RegisterSeries(organisation_id=org_id, register="arrival", scope_key=str(year),
                       last_number=count))


def register(client: Any, world: Any, who: str, org: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"/orgs/{org}/arrivals", headers=world.auth(who), json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())
