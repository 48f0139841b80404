"""Test data built through the services, as a clerk would."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.context import AppContext
from app.db import CommitteeTerm, Organisation
from app.services import tokens
from tests.pdfs import make_pdf

#: The tests' "now": the seed's world is early 2020, in the committee term 2015-2020, and a
#: register numbers only into the year and term running today. The clock ticks from here.
TEST_NOW = datetime(2020, 10, 15, 3, 0, tzinfo=UTC)  # 10:00 on 15/10/2020, the term's last day

#: When the seed's first and second copies were signed, and how their approvers sign.
SIGNED_1 = datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC)  # 15:30:15 +07:00
SIGNED_2 = datetime(2020, 2, 6, 7, 0, 23, tzinfo=UTC)  # 14:00:23 +07:00
APPROVE_VPTU = {"signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến",
                "archive_line": "Lưu Văn phòng Tỉnh ủy"}
APPROVE_VPDUK = {"signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Nguyễn Khắc Trung"}


def ticking_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that reads `start` now and moves on with real time (successive steps are
    later, as on a server)."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def set_clock(ctx: AppContext, when: str | datetime) -> None:
    """Move the service's clock to `when` (ISO text with its offset, or an aware datetime): a
    test stepping through a year sets the clock of each step, as the office lives it."""
    start = datetime.fromisoformat(when) if isinstance(when, str) else when
    ctx.clock = ticking_clock(start)


def build_world(ctx: AppContext) -> Any:
    from tests.conftest import World

    orgs = [
        ("TW", "Ban Chấp hành Trung ương", None, "party", "Hà Nội", None, True),
        ("TUDN", "Tỉnh ủy Đắk Nông", None, "party", "Đắk Nông", None, False),
        ("VPTU", "Văn phòng Tỉnh ủy Đắk Nông", "TUDN", "party", "Đắk Nông",
         "VPTU@TUDaknong", False),
        ("TTTU", "Thường trực Tỉnh ủy Đắk Nông", "TUDN", "party", "Đắk Nông", None, False),
        ("VPDUK", "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "TUDN", "party",
         "Đắk Nông", "VPDUK@TUDakNong", False),
        ("UBND", "Ủy ban nhân dân tỉnh Đắk Nông", None, "state", "Đắk Nông", None, False),
    ]
    people = [
        ("admin", "TUDN", "admin", "TUYET_MAT"),
        ("clerk_vptu", "VPTU", "clerk", "MAT"),
        ("head_vptu", "VPTU", "head", "MAT"),
        ("dept_vptu", "VPTU", "department", "NONE"),
        ("clerk_tttu", "TTTU", "clerk", "NONE"),
        ("clerk_vpduk", "VPDUK", "clerk", "NONE"),
        ("dept_vpduk", "VPDUK", "department", "NONE"),
        ("auditor", "TUDN", "auditor", "TUYET_MAT"),
        ("clerk_ubnd", "UBND", "clerk", "NONE"),
        ("admin_ubnd", "UBND", "admin", "NONE"),
    ]
    result: dict[str, str] = {}
    ids: dict[str, int] = {}
    with ctx.unit_of_work() as work:
        s = work.session
        by_code: dict[str, Organisation] = {}
        for code, name, parent, family, place, email, external in orgs:
            org = Organisation(code=code, name=name, family=family, place_name=place,
                               email=email, external=external,
                               parent_id=by_code[parent].id if parent else None,
                               copy_code="SL" if code == "VPDUK" else None)
            s.add(org)
            s.flush()
            by_code[code] = org
            if family == "party":
                s.add(CommitteeTerm(organisation_id=org.id, label="2015-2020",
                                    starts_on=date(2015, 10, 16), ends_on=date(2020, 10, 15)))
                s.add(CommitteeTerm(organisation_id=org.id, label="2020-2025",
                                    starts_on=date(2020, 10, 16), ends_on=date(2025, 10, 15)))
                s.add(CommitteeTerm(organisation_id=org.id, label="2025-2030",
                                    starts_on=date(2025, 10, 16), ends_on=None))
        for key, code, role, clearance in people:
            user = tokens.add_user(s, by_code[code], key, role, clearance)
            result[key] = tokens.add_token(s, user, key)
            ids[key] = user.id
    return World(tokens=result, user_ids=ids)


def add_clerk(ctx: Any, world: Any, key: str, org_code: str, clearance: str) -> dict[str, str]:
    """One more clerk of `org_code` with `clearance`; returns its auth headers."""
    with ctx.unit_of_work() as work:
        org = work.session.query(Organisation).filter_by(code=org_code).one()
        user = tokens.add_user(work.session, org, key, "clerk", clearance)
        token = tokens.add_token(work.session, user, key)
    world.tokens[key] = token
    return world.auth(key)


def seed_arrival_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "issuer_code": "TW",
        "document": {
            "notation": "160-TB/TW",
            "issued_on": "2020-01-15",
            "title": "Kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận số "
                     "62-KL/TW, ngày 08/12/2009 của Bộ Chính trị",
            "place": "Hà Nội",
            "signer_authority": "T/M BỘ CHÍNH TRỊ",
            "signer_name": "Trần Quốc Vượng",
            "references": [{"notation": "62-KL/TW", "issued_on": "2009-12-08"},
                           {"notation": "18-NQ/TW"}],
        },
        "received_at": "2020-01-29T08:15:00+07:00",
    }
    body.update(overrides)
    return body


def arrive(client: Any, world: Any, who: str = "clerk_vptu", org: str = "VPTU",
           **overrides: Any) -> dict[str, Any]:
    """The seed's 160-TB/TW registered as an arrival (no file), with `overrides` to its body."""
    r = client.post(f"/orgs/{org}/arrivals", headers=world.auth(who),
                    json=seed_arrival_body(**overrides))
    assert r.status_code == 201, r.text
    return dict(r.json())


def arrive_with_pdf(client: Any, world: Any, pages: int = 2, **doc: Any) -> dict[str, Any]:
    """The seed's arrival at VPTU with a `pages`-page PDF, `doc` overriding the document."""
    body = seed_arrival_body()
    body["document"].update(doc)
    pdf = make_pdf([f"160-TB/TW trang {i + 1}" for i in range(pages)])
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=world.auth("clerk_vptu"),
                    data={"metadata": json.dumps(body)},
                    files={"file": ("160.pdf", pdf, "application/pdf")})
    assert r.status_code == 201, r.text
    return dict(r.json())


def ask(client: Any, world: Any, who: str, org: str, **body: Any) -> Any:
    """`who` of `org` asks for a copy (a sao lục to VPDUK and the TUVs unless `body` says)."""
    payload = {"kind": "SAO_LUC", "reason": "phổ biến đến chi bộ",
               "recipients": [{"org_code": "VPDUK"}, {"name": "Các đ/c TUV"}], **body}
    return client.post(f"/orgs/{org}/copy-requests", headers=world.auth(who), json=payload)


def ask_and_approve(client: Any, world: Any, ctx: Any, *, asker: str, org: str, approver: str,
                    approval: dict[str, Any], signed_at: datetime,
                    **request: Any) -> dict[str, Any]:
    """A copy request made by `asker` and approved by `approver`, signed at `signed_at`."""
    req = ask(client, world, asker, org, **request)
    assert req.status_code == 201, req.text
    ctx.clock = lambda: signed_at
    copy = client.post(f"/copy-requests/{req.json()['id']}/approve",
                       headers=world.auth(approver), json=approval)
    assert copy.status_code == 201, copy.text
    return dict(copy.json())


def issue_first_copy(client: Any, world: Any, ctx: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The seed's arrival and its first copy, 01-BS/VPTU, signed at SIGNED_1."""
    arrival = arrive_with_pdf(client, world)
    return arrival, ask_and_approve(
        client, world, ctx, asker="dept_vptu", org="VPTU", approver="clerk_vptu",
        approval=APPROVE_VPTU, signed_at=SIGNED_1, document_id=arrival["document"]["id"])
