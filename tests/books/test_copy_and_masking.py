"""The copy register (a copy of a copy names its parent) and masking of confidential summaries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import AuditEvent
from app.render.register_forms import columns
from app.services.register_book_rows import masked_summary
from tests.books.conftest import read_csv, register
from tests.factories import (
    APPROVE_VPDUK,
    SIGNED_2,
    add_clerk,
    ask,
    issue_first_copy,
    seed_arrival_body,
    set_clock,
)
from tests.render.conftest import Poppler, squash


def test_copy_registers_of_both_offices(client: Any, world: Any, ctx: Any,
                                        poppler: Poppler) -> None:
    _, copy = issue_first_copy(client, world, ctx)  # 01-BS/VPTU, sao lục of 160-TB/TW
    inbox = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    set_clock(ctx, "2020-02-05T08:10:00+07:00")  # VPDUK registers it the next morning
    client.post(f"/orgs/VPDUK/inbox/{inbox[0]['id']}/register", headers=world.auth("clerk_vpduk"),
                json={"received_at": "2020-02-05T08:00:00+07:00"})
    req = ask(client, world, "dept_vpduk", "VPDUK", copy_id=copy["id"],
              recipients=[{"name": "Thường trực ĐUK"}, {"name": "Các TCCS đảng"}])
    ctx.clock = lambda: SIGNED_2
    second = client.post(f"/copy-requests/{req.json()['id']}/approve",
                         headers=world.auth("clerk_vpduk"), json=APPROVE_VPDUK)
    assert second.status_code == 201, second.text

    r = client.get("/orgs/VPTU/registers/copy/book?term=2015-2020&format=csv",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    assert 'filename="so-ban-sao-VPTU-2015-2020.csv"' in r.headers["content-disposition"]
    rows = read_csv(r.content)
    assert rows[0] == list(columns("copy"))
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "Số, ký hiệu bản sao": "01-BS/VPTU", "Ngày sao": "04/02/2020",
        "Hình thức sao": "Sao lục", "Số, ký hiệu, ngày văn bản được sao": "160-TB/TW, 15/01/2020",
        "Cơ quan ban hành": "Ban Chấp hành Trung ương",
        "Trích yếu": "Thông báo: Kết luận của Bộ Chính trị về việc tiếp tục thực hiện Kết luận "
                     "số 62-KL/TW, ngày 08/12/2009 của Bộ Chính trị",
        "Người ký": "Lê Văn Chiến",
        "Nơi nhận": "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh; Các đ/c TUV; "
                    "Lưu Văn phòng Tỉnh ủy",
        "Số lượng bản": "1", "Ghi chú": ""}
    assert len(rows) == 2  # VPDUK's copy is in VPDUK's register, not VPTU's

    r = client.get("/orgs/VPDUK/registers/copy/book?term=2015-2020&format=csv",
                   headers=world.auth("clerk_vpduk"))
    rows = read_csv(r.content)
    assert [row[:5] for row in rows[1:]] == [[
        "01-SL/VPDUK", "06/02/2020", "Sao lục",
        "01-BS/VPTU, 04/02/2020 (bản sao của 160-TB/TW, 15/01/2020)",
        "Ban Chấp hành Trung ương"]]
    assert rows[1][7] == "Thường trực ĐUK; Các TCCS đảng; Lưu VT"
    # the arrival of the copy notes which copy arrived
    r = client.get("/orgs/VPDUK/registers/arrival/book?year=2020&format=csv",
                   headers=world.auth("clerk_vpduk"))
    assert read_csv(r.content)[1][9] == "Bản sao 01-BS/VPTU"

    r = client.get("/orgs/VPDUK/registers/copy/book?term=2015-2020",
                   headers=world.auth("clerk_vpduk"))
    text = squash(poppler.text(r.content))
    for field in ("SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN", "Nhiệm kỳ: 2015-2020", "Từ số 1 đến số 1",
                  "Từ ngày 06/02/2020 đến ngày 06/02/2020", "TỈNH ỦY ĐẮK NÔNG", "Trang 1/1"):
        assert field in text, field
    # the next term's book is empty
    r = client.get("/orgs/VPDUK/registers/copy/book?term=2020-2025&format=csv",
                   headers=world.auth("clerk_vpduk"))
    assert read_csv(r.content) == [list(columns("copy"))]


SECRET_TITLE = "Báo cáo tình hình an ninh chính trị nội bộ tháng 3"
TOP_SECRET_TITLE = "Phương án bảo vệ Đại hội Đảng bộ tỉnh"


def confidential_register(client: Any, world: Any, ctx: Any) -> None:
    """VPTU registers an ordinary document, a MẬT one and a TỐI MẬT one (numbers 1, 2, 3); the
    TỐI MẬT one by a clerk cleared for it."""
    add_clerk(ctx, world, "clerk_vptu_tm", "VPTU", "TOI_MAT")
    for notation, title, level in [("40-CV/TW", "Về việc tổng kết công tác năm", "NONE"),
                                   ("41-BC/TW", SECRET_TITLE, "MAT"),
                                   ("42-CV/TW", TOP_SECRET_TITLE, "TOI_MAT")]:
        body = seed_arrival_body(received_at="2020-03-25T08:00:00+07:00")
        body["document"].update(notation=notation, title=title, confidentiality=level,
                                references=[], issued_on="2020-03-20")
        register(client, world, "clerk_vptu_tm" if level == "TOI_MAT" else "clerk_vptu",
                 "VPTU", body)


def book_events(ctx: Any) -> list[AuditEvent]:
    with ctx.reading() as s:
        return list(s.scalars(select(AuditEvent).where(
            AuditEvent.action == "register_book.exported")))


def test_confidential_lines_keep_their_number_but_not_their_summary(
        client: Any, world: Any, ctx: Any, poppler: Poppler) -> None:
    confidential_register(client, world, ctx)
    url = "/orgs/VPTU/registers/arrival/book?year=2020"
    # a department user without clearance: every number, no secret summary
    r = client.get(url + "&format=csv", headers=world.auth("dept_vptu"))
    assert r.status_code == 200, r.text
    rows = read_csv(r.content)
    assert [(row[1], row[3], row[5], row[9]) for row in rows[1:]] == [
        ("1", "40-CV/TW", "Công văn: Về việc tổng kết công tác năm", ""),
        ("2", "41-BC/TW", "(văn bản MẬT — trích yếu không hiển thị)", "Độ mật: MẬT"),
        ("3", "42-CV/TW", "(văn bản TỐI MẬT — trích yếu không hiển thị)", "Độ mật: TỐI MẬT")]
    assert SECRET_TITLE not in r.text and TOP_SECRET_TITLE not in r.text
    r = client.get(url + "&format=pdf", headers=world.auth("dept_vptu"))
    text = squash(poppler.text(r.content, "-raw"))
    assert "Từ số 1 đến số 3" in text
    assert masked_summary("MAT") in text and masked_summary("TOI_MAT") in text
    assert "an ninh chính trị" not in text and "Phương án bảo vệ" not in text
    assert book_events(ctx) == []  # nothing confidential was shown

    # the clerk (cleared for MẬT) sees the MẬT summary, not the TỐI MẬT one; that is logged
    r = client.get(url + "&format=csv", headers=world.auth("clerk_vptu"))
    rows = read_csv(r.content)
    assert [row[5] for row in rows[1:]] == [
        "Công văn: Về việc tổng kết công tác năm", SECRET_TITLE, masked_summary("TOI_MAT")]
    events = book_events(ctx)
    assert [(e.subject_id, e.actor_user_id, e.details["confidential_rows_shown"])
            for e in events] == [("VPTU/arrival/2020", world.user_ids["clerk_vptu"], 1)]
    # the auditor (TUYỆT MẬT) sees all three
    r = client.get(url + "&format=csv", headers=world.auth("auditor"))
    assert TOP_SECRET_TITLE in r.content.decode("utf-8")
    assert len(book_events(ctx)) == 2
