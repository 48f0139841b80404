"""Copy requests, approval and issue, delivery down the chain, and the distribution tree."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tests.factories import (
    APPROVE_VPDUK,
    APPROVE_VPTU,
    SIGNED_2,
    arrive_with_pdf,
    ask,
    issue_first_copy,
    seed_arrival_body,
    set_clock,
)
from tests.pdfs import make_pdf, pdftotext_pages


def test_request_approve_issue_and_copy_again_down_the_chain(client: Any, world: Any,
                                                            ctx: Any) -> None:
    from signing.chain import verify_chain
    from signing.pdf_validate import validate_pdf

    arrival, copy = issue_first_copy(client, world, ctx)
    assert copy["notation"] == "01-BS/VPTU" and copy["number"] == 1 and copy["depth"] == 1
    assert copy["signing_time"] == "04.02.2020 15:30:15 +07:00"
    assert copy["copy_date"] == "2020-02-04" and copy["place"] == "Đắk Nông"
    assert [r["name"] for r in copy["recipients"]] == [
        "Văn phòng Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "Các đ/c TUV",
        "Lưu Văn phòng Tỉnh ủy"]
    pdf = client.get(copy["pdf_url"], headers=world.auth("clerk_vptu"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    report = validate_pdf(pdf.content, ctx.keys.trust_store())
    assert report.error is None and [s.ok for s in report.signatures] == [True]

    # VPDUK finds it in its inbox, registers it, and copies it onward
    inbox = client.get("/orgs/VPDUK/inbox", headers=world.auth("clerk_vpduk")).json()
    assert [(i["notation"], i["copy_notation"]) for i in inbox] == [("160-TB/TW", "01-BS/VPTU")]
    set_clock(ctx, "2020-02-05T08:10:00+07:00")  # VPDUK registers it the next morning
    reg = client.post(f"/orgs/VPDUK/inbox/{inbox[0]['id']}/register",
                      headers=world.auth("clerk_vpduk"),
                      json={"received_at": "2020-02-05T08:00:00+07:00"})
    assert reg.status_code == 201 and reg.json()["copy_id"] == copy["id"]
    req2 = ask(client, world, "dept_vpduk", "VPDUK", copy_id=copy["id"],
               recipients=[{"name": "Thường trực ĐUK"}, {"name": "Các TCCS đảng"}])
    assert req2.status_code == 201, req2.text
    ctx.clock = lambda: SIGNED_2
    copy2 = client.post(f"/copy-requests/{req2.json()['id']}/approve",
                        headers=world.auth("clerk_vpduk"), json=APPROVE_VPDUK)
    assert copy2.status_code == 201, copy2.text
    c2 = copy2.json()
    assert (c2["notation"], c2["depth"], c2["parent_notation"]) == ("01-SL/VPDUK", 2, "01-BS/VPTU")
    assert c2["recipients"][-1]["name"] == "Lưu VT"

    # the whole chain verifies, the parent travelling inside the child
    data = client.get(c2["pdf_url"], headers=world.auth("clerk_vpduk")).content
    envelope = client.get(c2["manifest_url"], headers=world.auth("clerk_vpduk")).content
    chain = verify_chain(data, ctx.keys.trust_store(), manifest=envelope)
    assert chain.ok, chain.reasons
    assert [(link.notation, link.role) for link in chain.links] == [
        ("01-SL/VPDUK", "copy"), ("01-BS/VPTU", "copy"), ("160-TB/TW", "original")]

    # the history draws the tree with this copy marked
    history = client.get(f"/copies/{c2['id']}/history", headers=world.auth("clerk_vpduk"))
    assert history.status_code == 200, history.text
    h = history.json()
    assert [c["notation"] for c in h["chain"]] == ["01-SL/VPDUK", "01-BS/VPTU"]
    assert "01-SL/VPDUK sao lục của VPDUK, ký 06.02.2020 14:00:23 +07:00 (cấp 2) ◀" in h["drawing"]
    assert "đến VPTU: số đến 1 (2020-01-29)" in h["drawing"]
    tree = client.get(f"/documents/{arrival['document']['id']}/distribution",
                      headers=world.auth("auditor")).json()
    first = tree["copies"][0]
    assert first["notation"] == "01-BS/VPTU" and first["copies"][0]["notation"] == "01-SL/VPDUK"
    duk = next(r for r in first["recipients"] if r["org_code"] == "VPDUK")
    assert duk["arrival_number"] == 1
    # a copy's files are for its issuer, its recipients and auditors, no one else
    assert client.get(c2["pdf_url"], headers=world.auth("clerk_ubnd")).status_code == 403
    assert client.get(c2["pdf_url"], headers=world.auth("auditor")).status_code == 200


def test_requests_are_listed_filtered_and_refused_with_a_reason(client: Any, world: Any,
                                                                ctx: Any) -> None:
    arrival = arrive_with_pdf(client, world)
    doc_id = arrival["document"]["id"]
    a = ask(client, world, "dept_vptu", "VPTU", document_id=doc_id).json()
    b = ask(client, world, "dept_vptu", "VPTU", document_id=doc_id, kind="TRICH_SAO",
            pages=[2]).json()
    r = client.post(f"/copy-requests/{a['id']}/refuse", headers=world.auth("dept_vptu"),
                    json={"reason": "x"})
    assert r.status_code == 403
    r = client.post(f"/copy-requests/{a['id']}/refuse", headers=world.auth("head_vptu"),
                    json={"reason": "Đã có bản sao gửi các đồng chí"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["decision_reason"]) == (
        "refused", "Đã có bản sao gửi các đồng chí")
    assert r.json()["decided_by"] == world.user_ids["head_vptu"]
    again = client.post(f"/copy-requests/{a['id']}/approve", headers=world.auth("clerk_vptu"),
                        json=APPROVE_VPTU)
    assert again.status_code == 409 and "refused" in again.json()["detail"]
    h = world.auth("clerk_vptu")
    listed = client.get("/orgs/VPTU/copy-requests?status=refused", headers=h).json()["items"]
    assert [x["id"] for x in listed] == [a["id"]]
    listed = client.get("/orgs/VPTU/copy-requests?kind=TRICH_SAO", headers=h).json()["items"]
    assert [(x["id"], x["pages"]) for x in listed] == [(b["id"], [2])]
    page = client.get("/orgs/VPTU/copy-requests?limit=1", headers=h).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = client.get(f"/orgs/VPTU/copy-requests?limit=1&cursor={page['next_cursor']}",
                      headers=h).json()
    assert [x["id"] for x in page["items"] + rest["items"]] == [b["id"], a["id"]]
    assert client.get("/orgs/VPTU/copy-requests", headers=world.auth("clerk_vpduk")
                      ).status_code == 403


def test_two_clerks_approving_at_once_issue_one_copy(client: Any, world: Any, ctx: Any) -> None:
    from app.db import CertifiedCopy, RegisterSeries

    arrival = arrive_with_pdf(client, world)
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"]).json()
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def approve(who: str) -> None:
        barrier.wait()
        r = client.post(f"/copy-requests/{req['id']}/approve", headers=world.auth(who),
                        json=APPROVE_VPTU)
        codes.append(r.status_code)

    threads = [threading.Thread(target=approve, args=(w,))
               for w in ("clerk_vptu", "head_vptu", "clerk_vptu", "head_vptu")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409, 409, 409]
    with ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(CertifiedCopy)) == 1
        assert s.scalar(select(RegisterSeries.last_number).where(RegisterSeries.register == "copy")) == 1


def test_office_copies_only_what_it_holds_and_what_the_requester_may_see(
        client: Any, world: Any) -> None:
    arrival = arrive_with_pdf(client, world)
    r = ask(client, world, "dept_vpduk", "VPDUK", document_id=arrival["document"]["id"])
    # another office's record is not named: not its notation, not its độ mật
    assert r.status_code == 404 and r.json()["field"] == "document_id"
    assert "160" not in r.json()["detail"] and "TB/TW" not in r.json()["detail"]
    secret = arrive_with_pdf(client, world, notation="9-TB/TW", confidentiality="MAT")
    r = ask(client, world, "dept_vptu", "VPTU", document_id=secret["document"]["id"])
    assert r.status_code == 403 and "clearance" in r.json()["detail"]
    r = ask(client, world, "clerk_ubnd", "VPTU", document_id=arrival["document"]["id"])
    assert r.status_code == 403
    r = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"],
            kind="SAO_Y")
    assert r.status_code == 422 and "HD 36" in r.json()["detail"] and r.json()["field"] == "kind"
    r = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"],
            kind="TRICH_SAO", pages=[3])
    assert r.status_code == 422 and r.json()["field"] == "pages" and "2 pages" in r.json()["detail"]
    r = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"], pages=[1])
    assert r.status_code == 422 and r.json()["field"] == "pages"
    r = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"],
            copy_id=1)
    assert r.status_code == 422 and r.json()["field"] == "document_id"


def test_no_pdf_on_file_is_refused_until_the_scan_is_uploaded(client: Any, world: Any,
                                                              ctx: Any) -> None:
    a = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                    json=seed_arrival_body())
    doc_id = a.json()["document"]["id"]
    req = ask(client, world, "dept_vptu", "VPTU", document_id=doc_id).json()
    r = client.post(f"/copy-requests/{req['id']}/approve", headers=world.auth("clerk_vptu"),
                    json=APPROVE_VPTU)
    assert r.status_code == 409, r.text
    assert "has no PDF on file" in r.json()["detail"] and f"/documents/{doc_id}/files" in r.json()[
        "detail"]
    scan = make_pdf(["bản chính (scan)"])
    up = client.post(f"/documents/{doc_id}/files", headers=world.auth("clerk_vpduk"),
                     files={"file": ("scan.pdf", scan, "application/pdf")})
    assert up.status_code == 403
    up = client.post(f"/documents/{doc_id}/files", headers=world.auth("clerk_vptu"),
                     files={"file": ("scan.pdf", b"not a pdf", "application/pdf")})
    assert up.status_code == 415
    up = client.post(f"/documents/{doc_id}/files", headers=world.auth("clerk_vptu"),
                     files={"file": ("scan.pdf", scan, "application/pdf")})
    assert up.status_code == 201, up.text
    r = client.post(f"/copy-requests/{req['id']}/approve", headers=world.auth("clerk_vptu"),
                    json=APPROVE_VPTU)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1  # the refused attempt used no number


def test_trich_sao_contains_only_the_chosen_pages(client: Any, world: Any, ctx: Any,
                                                  tmp_path: Any) -> None:
    import subprocess

    from tests.tooling import require_tool

    arrival = arrive_with_pdf(client, world, pages=3)
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"],
              kind="TRICH_SAO", pages=[2]).json()
    r = client.post(f"/copy-requests/{req['id']}/approve", headers=world.auth("clerk_vptu"),
                    json=APPROVE_VPTU)
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "TRICH_SAO" and r.json()["pages"] == [2]
    data = client.get(r.json()["pdf_url"], headers=world.auth("clerk_vptu")).content
    (tmp_path / "c.pdf").write_bytes(data)
    text = subprocess.run([require_tool("pdftotext"), str(tmp_path / "c.pdf"), "-"],
                          capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")[:-1]
    assert len(pages) == 1  # the chosen page, with the copy block under its text
    assert "trang 2" in pages[0] and "trang 1" not in pages[0] and "trang 3" not in pages[0]
    assert pages[0].index("trang 2") < pages[0].index("TRÍCH SAO")


def test_state_copies_follow_nd30(client: Any, world: Any, ctx: Any, tmp_path: Path) -> None:
    h = world.auth("clerk_ubnd")
    d = client.post("/orgs/UBND/dispatches", headers=h, json={
        "type_code": "QĐ", "title": "Quyết định ban hành quy chế", "issued_on": "2020-03-02"})
    assert d.status_code == 201, d.text
    doc_id = d.json()["document"]["id"]
    up = client.post(f"/documents/{doc_id}/files", headers=h,
                     files={"file": ("qd.pdf", make_pdf(["Quyết định 01/QĐ-UBND"]), "application/pdf")})
    assert up.status_code == 201, up.text
    r = client.post("/orgs/UBND/copy-requests", headers=h, json={
        "kind": "SAO_LUC", "reason": "gửi các sở", "document_id": doc_id,
        "recipients": [{"name": "Các sở, ban, ngành"}]})
    assert r.status_code == 422 and "ND 30 Điều 3.11" in r.json()["detail"]
    r = client.post("/orgs/UBND/copy-requests", headers=h, json={
        "kind": "SAO_Y", "reason": "gửi các sở", "document_id": doc_id,
        "recipients": [{"name": "Các sở, ban, ngành"}]})
    assert r.status_code == 201, r.text
    ctx.clock = lambda: datetime(2020, 3, 3, 2, 0, tzinfo=UTC)
    c = client.post(f"/copy-requests/{r.json()['id']}/approve", headers=h, json={
        "signer_authority": "TL. CHỦ TỊCH", "signer_title": "CHÁNH VĂN PHÒNG",
        "signer_name": "Nguyễn Văn A"})
    assert c.status_code == 201, c.text
    assert c.json()["notation"] == "01/SY-UBND" and c.json()["scope_key"] == "2020"
    # The State filing line has its colon (ND 30 Phụ lục I, II.9), printed and recorded.
    assert c.json()["recipients"][-1]["name"] == "Lưu: VT"
    block = pdftotext_pages(client.get(c.json()["pdf_url"], headers=h).content, tmp_path)[-1]
    assert "Nơi nhận: - Các sở, ban, ngành; - Lưu: VT. SAO Y" in block


def test_verification_by_reference_json_and_pdf_report(client: Any, world: Any, ctx: Any,
                                                       tmp_path: Any) -> None:
    import subprocess

    from tests.tooling import require_tool

    _, copy = issue_first_copy(client, world, ctx)
    r = client.get(f"/copies/{copy['id']}/verification", headers=world.auth("auditor"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == "VALID", body
    assert "01-BS/VPTU" in json.dumps(body, ensure_ascii=False)
    pdf = client.get(f"/copies/{copy['id']}/verification?format=pdf",
                     headers=world.auth("auditor"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    text = subprocess.run([require_tool("pdftotext"), str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, check=True).stdout.decode()
    assert "01-BS/VPTU" in text and "160-TB/TW" in text
    assert client.get(f"/copies/{copy['id']}/verification",
                      headers=world.auth("clerk_ubnd")).status_code == 403
