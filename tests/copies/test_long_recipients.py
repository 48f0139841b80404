"""A copy with a long nơi nhận list is issued over more pages; an absurd list is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import SIGNED_1, arrive_with_pdf, ask
from tests.pdfs import pdfsig_report, pdftotext_pages, signature_page

#: 44 lines as a department pastes them, with dash and comma; the approval adds "Lưu VT". Five
#: wrap in the list's column, so they take more than the first block page holds.
PASTED = [f"- {name}," for name in [
    "Thường trực Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Dân vận Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Trường Chính trị tỉnh", "Báo Đắk Nông",
    "Đảng ủy Quân sự tỉnh", "Đảng ủy Công an tỉnh", "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
    "Ban Thường vụ Huyện ủy Cư Jút", "Ban Thường vụ Huyện ủy Krông Nô",
    "Ban Thường vụ Huyện ủy Đắk Mil", "Ban Thường vụ Huyện ủy Đắk Song",
    "Ban Thường vụ Huyện ủy Đắk R'Lấp", "Ban Thường vụ Huyện ủy Đắk Glong",
    "Ban Thường vụ Huyện ủy Tuy Đức", "Ban Thường vụ Thành ủy Gia Nghĩa",
    "Ban cán sự đảng Ủy ban nhân dân tỉnh", "Đảng đoàn Hội đồng nhân dân tỉnh",
    "Đảng đoàn Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Đảng đoàn Hội Nông dân tỉnh",
    "Đảng đoàn Hội Liên hiệp Phụ nữ tỉnh", "Đảng đoàn Liên đoàn Lao động tỉnh",
    "Đảng đoàn Hội Cựu chiến binh tỉnh", "Ban Thường vụ Tỉnh đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Đảng ủy Sở Nội vụ", "Đảng ủy Sở Tài chính", "Đảng ủy Sở Kế hoạch và Đầu tư",
    "Đảng ủy Sở Giáo dục và Đào tạo", "Đảng ủy Sở Y tế", "Đảng ủy Sở Tư pháp",
    "Đảng ủy Sở Thông tin và Truyền thông", "Đảng ủy Sở Văn hóa, Thể thao và Du lịch",
    "Đảng ủy Sở Nông nghiệp và Phát triển nông thôn", "Đảng ủy Sở Tài nguyên và Môi trường",
    "Đảng ủy Sở Công Thương", "Đảng ủy Sở Xây dựng", "Đảng ủy Sở Giao thông vận tải",
    "Đảng ủy Sở Lao động - Thương binh và Xã hội", "Đảng ủy Sở Khoa học và Công nghệ",
    "Đảng ủy Đài Phát thanh và Truyền hình tỉnh", "Các đồng chí Tỉnh ủy viên",
]]
PRINTED = [*PASTED, "- Lưu VT."]
APPROVE = {"signer_title": "CHÁNH VĂN PHÒNG", "signer_name": "Lê Văn Chiến"}


def test_45_recipient_lines_flow_onto_a_further_page_and_the_copy_is_signed(
        client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    from signing.pdf_validate import validate_pdf

    arrival = arrive_with_pdf(client, world, pages=2)
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"],
              recipients=[{"name": line} for line in PASTED])
    assert req.status_code == 201, req.text
    ctx.clock = lambda: SIGNED_1
    r = client.post(f"/copy-requests/{req.json()['id']}/approve",
                    headers=world.auth("clerk_vptu"), json=APPROVE)
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["notation"] == "01-BS/VPTU" and copy["number"] == 1
    assert len(copy["recipients"]) == 45
    pdf = client.get(copy["pdf_url"], headers=world.auth("clerk_vptu")).content

    pages = pdftotext_pages(pdf, tmp_path)
    # the source's 2 pages, the copy block under the last one's text, its list flowing on
    assert len(pages) == 3
    assert "trang 1" in pages[0] and pages[1].startswith("160-TB/TW trang 2 ")
    block = pages[1]
    assert "SAO LỤC" in block and "Số 01-BS/VPTU" in block and "Lê Văn Chiến" in block
    assert "Đắk Nông, ngày 04 tháng 02 năm 2020" in block
    assert "- Thường trực Tỉnh ủy," in block and "- Lưu VT." in pages[2]
    # every line, in order, once, across the two block pages
    text, at = " ".join(pages[1:]), 0
    for line in PRINTED:
        found = text.find(line, at)
        assert found >= 0, (line, text[at:at + 200])
        at = found + len(line)
        assert text.count(line) == 1, line
    assert "Lê Văn Chiến" not in pages[2] and "SAO LỤC" not in pages[2]

    # the signature sits on the page with the number and the signer, and validates
    assert signature_page(pdf) == 1
    report = validate_pdf(pdf, ctx.keys.trust_store())
    assert report.error is None and [s.ok for s in report.signatures] == [True]
    out = pdfsig_report(pdf, ctx.keys.trust_store().roots, tmp_path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    assert "Total document signed" in out and "Signing Time: Feb 04 2020 08:30:15" in out, out
    verdict = client.get(f"/copies/{copy['id']}/verification", headers=world.auth("auditor"))
    assert verdict.status_code == 200 and verdict.json()["verdict"] == "VALID", verdict.text


def _nothing_written(ctx: Any) -> None:
    from app.db import AuditEvent, CopyRequest

    with ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(CopyRequest)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action.like("copy_request.%"))) == 0


@pytest.mark.parametrize(("recipients", "field"), [
    ([{"name": f"Chi bộ số {n}"} for n in range(201)], "recipients"),
    ([{"name": "Sở Nội vụ"}, {"name": "Ban " + "rất dài " * 40}], "recipients[1].name"),
])
def test_an_absurd_list_is_refused_when_the_request_is_made(
        client: Any, world: Any, ctx: Any, recipients: list[dict[str, str]], field: str) -> None:
    arrival = arrive_with_pdf(client, world)
    r = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"],
            recipients=recipients)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field
    _nothing_written(ctx)


def test_the_service_refuses_the_same_lists(client: Any, world: Any, ctx: Any) -> None:
    from app.domain.copy_forms import CopyKind
    from app.errors import Invalid
    from app.services import copy_requests, tokens
    from app.services.dispatches import RecipientIn

    arrival = arrive_with_pdf(client, world)
    who = tokens.authenticate(ctx, world.tokens["dept_vptu"])
    too_many = [RecipientIn(name=f"Chi bộ số {n}") for n in range(201)]
    # The input model refuses these when it is built (the API's 422); a caller that skips
    # validation (model_construct) still meets the service's own refusal.
    too_long = [RecipientIn.model_construct(name="Ban " + "rất dài " * 40)]
    for lines, says in ((too_many, "at most 200 nơi nhận lines, this request has 201"),
                        (too_long, "line 1 has 323 characters")):
        with pytest.raises(Invalid, match=says) as refused:
            copy_requests.create(ctx, who, "VPTU", copy_requests.CopyRequestIn.model_construct(
                kind=CopyKind.SAO_LUC, reason="phổ biến", document_id=arrival["document"]["id"],
                recipients=lines))
        assert refused.value.field == "recipients"
    _nothing_written(ctx)
    # 200 lines of 300 characters are still a list
    ok = copy_requests.create(ctx, who, "VPTU", copy_requests.CopyRequestIn(
        kind=CopyKind.SAO_LUC, reason="phổ biến", document_id=arrival["document"]["id"],
        recipients=[RecipientIn(name=f"{n:03d} " + "x" * 296) for n in range(200)]))
    assert ok.status == "pending" and len(ok.recipients) == 200
