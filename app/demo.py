"""Demo data: the seed's chain (../shared/seed/160-TB-TW-sao-luc-chain.txt), loaded idempotently.

The issuing body (TW), Tỉnh ủy Đắk Nông with its Văn phòng (VPTU) and Thường trực (TTTU), and the
Đảng ủy Khối (VPDUK); document 160-TB/TW registered on arrival at VPTU as số đến 565 on 29/01/2020
and at Thường trực as 952 on 11/02/2020, their 2020 registers continued from paper at 564 and 951.
The demo runs on a fixed clock set to the seed's times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from app.context import AppContext
from app.db import CommitteeTerm, Organisation, User
from app.domain.dates import VN_TZ
from app.domain.numbering import RegisterKind
from app.services import arrivals, audit_log, registers, tokens
from app.services.access import Principal
from app.services.documents import DocumentInput, Reference


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name: str
    parent: str | None
    place: str
    email: str | None
    external: bool = False
    copy_code: str | None = None


ORGS = (
    DemoOrg("TW", "Ban Chấp hành Trung ương", None, "Hà Nội", None, external=True),
    DemoOrg("TUDN", "Tỉnh ủy Đắk Nông", None, "Đắk Nông", None),
    DemoOrg("VPTU", "Văn phòng Tỉnh ủy Đắk Nông", "TUDN", "Đắk Nông", "VPTU@TUDaknong"),
    DemoOrg("TTTU", "Thường trực Tỉnh ủy Đắk Nông", "TUDN", "Đắk Nông", None),
    DemoOrg("VPDUK", "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "TUDN",
            "Đắk Nông", "VPDUK@TUDakNong", copy_code="SL"),
)
#: Committee terms of the provincial Party bodies (nhiệm kỳ XI 2015-2020, XII 2020-2025, …).
TERMS = (("2015-2020", date(2015, 10, 16), date(2020, 10, 15)),
         ("2020-2025", date(2020, 10, 16), date(2025, 10, 15)),
         ("2025-2030", date(2025, 10, 16), None))
#: One person per role; clerks of the three offices of the chain.
PEOPLE = (
    ("admin", "Quản trị Tỉnh ủy", "TUDN", "admin", "TUYET_MAT"),
    ("clerk", "Văn thư Văn phòng Tỉnh ủy", "VPTU", "clerk", "MAT"),
    ("department", "Phòng Tổng hợp, Văn phòng Tỉnh ủy", "VPTU", "department", "NONE"),
    ("auditor", "Kiểm tra viên Tỉnh ủy", "TUDN", "auditor", "TUYET_MAT"),
    ("clerk_tttu", "Văn thư Thường trực Tỉnh ủy", "TTTU", "clerk", "NONE"),
    ("clerk_vpduk", "Văn thư Văn phòng Đảng ủy Khối", "VPDUK", "clerk", "NONE"),
)

SEED_DOCUMENT = DocumentInput(
    notation="160-TB/TW",
    issued_on=date(2020, 1, 15),
    type_code="TB",
    place="Hà Nội",
    title=("Kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận số 62-KL/TW, "
           "ngày 08/12/2009 của Bộ Chính trị"),
    signer_authority="T/M BỘ CHÍNH TRỊ",
    signer_name="Trần Quốc Vượng",
    references=[Reference("62-KL/TW", date(2009, 12, 8)), Reference("18-NQ/TW")],
)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def _principal(ctx: AppContext, key: str) -> Principal:
    with ctx.reading() as s:
        user = s.scalars(select(User).where(User.name == dict(
            (p[0], p[1]) for p in PEOPLE)[key])).one()
        org = s.get(Organisation, user.organisation_id)
        assert org is not None
        return Principal(user_id=user.id, name=user.name, role=user.role, org_id=org.id,
                         org_code=org.code, clearance=user.clearance)


def _create_structure(ctx: AppContext) -> dict[str, str]:
    issued: dict[str, str] = {}
    with ctx.unit_of_work() as work:
        s = work.session
        by_code: dict[str, Organisation] = {}
        for spec in ORGS:
            org = Organisation(code=spec.code, name=spec.name, family="party",
                               place_name=spec.place, email=spec.email, external=spec.external,
                               copy_code=spec.copy_code,
                               parent_id=by_code[spec.parent].id if spec.parent else None)
            s.add(org)
            s.flush()
            by_code[spec.code] = org
            if not spec.external:
                for label, start, end in TERMS:
                    s.add(CommitteeTerm(organisation_id=org.id, label=label, starts_on=start,
                                        ends_on=end))
            audit_log.record(s, None, "organisation.created", "organisation", org.code,
                             details={"source": "demo"})
        for key, name, code, role, clearance in PEOPLE:
            user = tokens.add_user(s, by_code[code], name, role, clearance)
            issued[key] = tokens.add_token(s, user, f"demo {key}")
            audit_log.record(s, None, "user.created", "user", user.id,
                             details={"source": "demo", "role": role, "org": code})
    return issued


def _register_seed_arrivals(ctx: AppContext) -> None:
    for clerk, org_code, paper_last, received in (
        ("clerk", "VPTU", 564, "2020-01-29T08:30:00"),
        ("clerk_tttu", "TTTU", 951, "2020-02-11T09:00:00"),
    ):
        who = _principal(ctx, clerk)
        registers.continue_from_paper(ctx, who, org_code, RegisterKind.ARRIVAL,
                                      date(2020, 1, 1), paper_last)
        arrivals.register(ctx, who, org_code, arrivals.ArrivalInput(
            issuer_code="TW", document=SEED_DOCUMENT, received_at=_at(received),
            sender="Văn phòng Trung ương Đảng"))


def load_demo(ctx: AppContext) -> str:
    """Load the demo once; later runs change nothing and print the same tokens."""
    token_file = Path(ctx.settings.keys_dir) / "demo-tokens.json"
    with ctx.reading() as s:
        present = s.scalar(select(Organisation.id).where(Organisation.code == "VPTU"))
    if present is None:
        issued = _create_structure(ctx)
        token_file.parent.mkdir(parents=True, exist_ok=True)
        token_file.write_text(json.dumps(issued, indent=2))
        token_file.chmod(0o600)
        _register_seed_arrivals(ctx)
        status = "demo data loaded"
    else:
        issued = json.loads(token_file.read_text()) if token_file.exists() else {}
        status = "demo data already present: nothing changed"
    lines = [status, "", "API tokens (Authorization: Bearer <token>):"]
    for key, name, code, role, _ in PEOPLE:
        lines.append(f"  {role:<10} {code:<6} {name}: {issued.get(key, '(see ' + str(token_file) + ')')}")
    lines += ["", "Try: curl -H 'Authorization: Bearer <clerk token>' "
              "http://127.0.0.1:8000/orgs/VPTU/arrivals", "OpenAPI docs: http://127.0.0.1:8000/docs"]
    return "\n".join(lines)
