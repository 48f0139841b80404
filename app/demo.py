"""Demo data: the seed's chain (app/demo_data/160-TB-TW-sao-luc-chain.txt), loaded idempotently.

The issuing body (TW), Tỉnh ủy Đắk Nông with its Văn phòng (VPTU) and Thường trực (TTTU), and the
Đảng ủy Khối with its Văn phòng (VPDUK); document 160-TB/TW (its PDF rendered from the seed text)
registered on arrival at VPTU as số đến 565 on 29/01/2020 and at Thường trực as 952 on
11/02/2020, their 2020 registers continued from paper at 564 and 951. VPTU issues the sao lục
397-BS/VPTU (copy register continued from 396), VPDUK registers it and issues 30-SL/VPDUK
(continued from 29). The demo runs on a fixed clock set to the seed's signing times.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.context import AppContext
from app.db import CommitteeTerm, Document, Organisation, User
from app.domain.audit_actions import AuditAction
from app.domain.copy_forms import CopyKind
from app.domain.dates import VN_TZ
from app.domain.numbering import RegisterKind
from app.render.original import render_original, seed_original_layout
from app.services import arrivals, audit_log, copies, copy_requests, registers, sign_in, tokens
from app.services.access import Principal
from app.services.dispatches import RecipientIn
from app.services.documents import DocumentIn, ReferenceIn
from app.services.uploads import CheckedPdf, check_pdf

#: The seed: 160-TB/TW and the two sao lục made of it (a public Party notice).
SEED_FILE = Path(__file__).parent / "demo_data" / "160-TB-TW-sao-luc-chain.txt"


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name: str
    parent: str | None
    place: str
    email: str | None
    external: bool = False
    copy_code: str | None = None
    short_name: str | None = None  # printed under the parent's name on a copy: "Văn phòng"
    signature_office: str | None = None  # "Cơ quan: …" in the signature box
    signer_line_first: bool = False


ORGS = (
    DemoOrg("TW", "Ban Chấp hành Trung ương", None, "Hà Nội", None, external=True),
    DemoOrg("TUDN", "Tỉnh ủy Đắk Nông", None, "Đắk Nông", None),
    DemoOrg("VPTU", "Văn phòng Tỉnh ủy Đắk Nông", "TUDN", "Đắk Nông", "VPTU@TUDaknong",
            short_name="Văn phòng", signature_office="Văn phòng"),
    DemoOrg("TTTU", "Thường trực Tỉnh ủy Đắk Nông", "TUDN", "Đắk Nông", None),
    DemoOrg("DUK", "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh Đắk Nông", "TUDN", "Đắk Nông",
            None),
    DemoOrg("VPDUK", "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "DUK",
            "Đắk Nông", "VPDUK@TUDakNong", copy_code="SL", short_name="Văn phòng",
            signature_office="Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh, Tỉnh ủy Đắk Nông",
            signer_line_first=True),
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
    ("head", "Chánh Văn phòng Tỉnh ủy", "VPTU", "head", "MAT"),
    ("auditor", "Kiểm tra viên Tỉnh ủy", "TUDN", "auditor", "TUYET_MAT"),
    ("clerk_tttu", "Văn thư Thường trực Tỉnh ủy", "TTTU", "clerk", "NONE"),
    ("clerk_vpduk", "Văn thư Văn phòng Đảng ủy Khối", "VPDUK", "clerk", "NONE"),
    ("department_vpduk", "Phòng Tổng hợp, Văn phòng Đảng ủy Khối", "VPDUK", "department", "NONE"),
)

SEED_DOCUMENT = DocumentIn(
    notation="160-TB/TW",
    issued_on=date(2020, 1, 15),
    type_code="TB",
    place="Hà Nội",
    title=("Kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận số 62-KL/TW, "
           "ngày 08/12/2009 của Bộ Chính trị"),
    signer_authority="T/M BỘ CHÍNH TRỊ",
    signer_name="Trần Quốc Vượng",
    references=[ReferenceIn(notation="62-KL/TW", issued_on=date(2009, 12, 8)),
                ReferenceIn(notation="18-NQ/TW")],
)


def demo_password(key: str) -> str:
    """The demo's password for the person `key` (a development demo only: printed openly)."""
    return f"demo-{key}-2020"


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
                               copy_code=spec.copy_code, short_name=spec.short_name,
                               signature_office=spec.signature_office,
                               signer_line_first=spec.signer_line_first,
                               parent_id=by_code[spec.parent].id if spec.parent else None)
            s.add(org)
            s.flush()
            by_code[spec.code] = org
            if not spec.external:
                for label, start, end in TERMS:
                    s.add(CommitteeTerm(organisation_id=org.id, label=label, starts_on=start,
                                        ends_on=end))
            audit_log.record(s, None, AuditAction.ORGANISATION_CREATED, "organisation", org.code,
                             details={"source": "demo"})
        for key, name, code, role, clearance in PEOPLE:
            user = tokens.add_user(s, by_code[code], name, role, clearance)
            user.login = key
            sign_in.set_password(s, None, user, demo_password(key))
            issued[key] = tokens.add_token(s, user, f"demo {key}")
            tokens.record_user_created(s, None, user, {"source": "demo", "org": code})
    return issued


def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")


def seed_original_pdf() -> bytes:
    """160-TB/TW as TW sent it, rendered from the seed's text."""
    return render_original(seed_original_layout(seed_text()))


def _register_seed_arrival(ctx: AppContext, clerk: str, org_code: str, paper_last: int,
                           received: str, pdf: CheckedPdf | None) -> None:
    """The office continues its paper series, then registers 160-TB/TW ten minutes after it
    came in (the register numbers only into the year running on its clock)."""
    who = _principal(ctx, clerk)
    with _clock_at(ctx, _at(received) + timedelta(minutes=10)):
        registers.continue_from_paper(ctx, who, org_code, RegisterKind.ARRIVAL,
                                      date(2020, 1, 1), paper_last)
        arrivals.register(ctx, who, org_code, arrivals.ArrivalIn(
            issuer_code="TW", document=SEED_DOCUMENT, received_at=_at(received),
            sender="Văn phòng Trung ương Đảng"), pdf)


def _register_seed_arrivals_vptu(ctx: AppContext) -> None:
    original = check_pdf(seed_original_pdf(), ctx.settings.max_upload_bytes, "160-TB-TW.pdf")
    _register_seed_arrival(ctx, "clerk", "VPTU", 564, "2020-01-29T08:30:00", original)


@contextmanager
def _clock_at(ctx: AppContext, moment: datetime) -> Iterator[None]:
    saved = ctx.clock
    ctx.clock = lambda: moment
    try:
        yield
    finally:
        ctx.clock = saved


def _issue_seed_copies(ctx: AppContext) -> None:
    """397-BS/VPTU to "Các đ/c TUV, Các Đảng bộ trực thuộc", then 30-SL/VPDUK."""
    clerk, department = _principal(ctx, "clerk"), _principal(ctx, "department")
    with _clock_at(ctx, _at("2020-02-04T09:00:00")):
        registers.continue_from_paper(ctx, clerk, "VPTU", RegisterKind.COPY, date(2020, 2, 4),
                                      396)
        with ctx.reading() as s:
            doc_id = s.scalars(select(Document.id).where(Document.notation == "160-TB/TW")).one()
        request = copy_requests.create(ctx, department, "VPTU", copy_requests.CopyRequestIn(
            kind=CopyKind.SAO_LUC, reason="Phổ biến Thông báo kết luận đến chi bộ",
            document_id=doc_id,
            recipients=[RecipientIn(name="Các đ/c TUV"),
                        # the line as printed; delivered to the Đảng ủy Khối's office in the system
                        RecipientIn(org_code="VPDUK", name="Các Đảng bộ trực thuộc")]))
    with _clock_at(ctx, _at("2020-02-04T15:30:15")):
        first = copies.approve(ctx, clerk, request.id, copies.ApproveIn(
            signer_title="CHÁNH VĂN PHÒNG", signer_name="Lê Văn Chiến",
            archive_line="Lưu Văn phòng Tỉnh ủy"))

    clerk_duk, department_duk = _principal(ctx, "clerk_vpduk"), _principal(ctx, "department_vpduk")
    with _clock_at(ctx, _at("2020-02-05T08:10:00")):
        item = next(i for i in arrivals.inbox(ctx, clerk_duk, "VPDUK") if i.copy_id == first.id)
        arrivals.register_from_inbox(ctx, clerk_duk, "VPDUK", item.id,
                                     received_at=_at("2020-02-05T08:00:00"))
    with _clock_at(ctx, _at("2020-02-06T09:00:00")):
        registers.continue_from_paper(ctx, clerk_duk, "VPDUK", RegisterKind.COPY,
                                      date(2020, 2, 6), 29)
        onward = copy_requests.create(ctx, department_duk, "VPDUK", copy_requests.CopyRequestIn(
            kind=CopyKind.SAO_LUC, reason="Sao gửi các tổ chức cơ sở đảng", copy_id=first.id,
            recipients=[RecipientIn(name="Thường trực ĐUK"),
                        RecipientIn(name="Các TCCS đảng")]))
    with _clock_at(ctx, _at("2020-02-06T14:00:23")):
        copies.approve(ctx, clerk_duk, onward.id, copies.ApproveIn(
            signer_title="CHÁNH VĂN PHÒNG", signer_name="Nguyễn Khắc Trung"))


def load_demo(ctx: AppContext, *, people_only: bool = False) -> str:
    """Load the demo once; later runs change nothing and print the same tokens. With
    `people_only`, only the organisations, people and tokens: empty registers, for the
    walk-through of docs/api.md."""
    token_file = Path(ctx.settings.keys_dir) / "demo-tokens.json"
    with ctx.reading() as s:
        present = s.scalar(select(Organisation.id).where(Organisation.code == "VPTU"))
    if present is None:
        issued = _create_structure(ctx)
        token_file.parent.mkdir(parents=True, exist_ok=True)
        token_file.write_text(json.dumps(issued, indent=2))
        token_file.chmod(0o600)
        if people_only:
            status = "demo organisations and people loaded; the registers are empty"
        else:
            _register_seed_arrivals_vptu(ctx)
            _issue_seed_copies(ctx)
            _register_seed_arrival(ctx, "clerk_tttu", "TTTU", 951, "2020-02-11T09:00:00", None)
            status = "demo data loaded"
    else:
        issued = json.loads(token_file.read_text()) if token_file.exists() else {}
        status = "demo data already present: nothing changed"
    lines = [status, "", "API tokens (Authorization: Bearer <token>):"]
    for key, name, code, role, _ in PEOPLE:
        lines.append(f"  {role:<10} {code:<6} {name}: {issued.get(key, '(see ' + str(token_file) + ')')}")
    lines += ["", "Web pages: http://127.0.0.1:8000/web/ (login / password):"]
    for key, _name, code, role, _ in PEOPLE:
        lines.append(f"  {role:<10} {code:<6} {key} / {demo_password(key)}")
    lines += ["", "Copies: 397-BS/VPTU and 30-SL/VPDUK (vanthu copies export 30-SL/VPDUK --org VPDUK "
              "-o copy.pdf)", "", "Try: curl -H 'Authorization: Bearer <clerk token>' "
              "http://127.0.0.1:8000/orgs/VPTU/arrivals", "OpenAPI docs: http://127.0.0.1:8000/docs"]
    return "\n".join(lines)
