"""A Sở under the UBND tỉnh issues a sao y: its heading reads "UBND TỈNH ĐẮK NÔNG" over the
office's own short name (set through the API), the State rule under it, "Số: 01/SY-SNV" and
"- Lưu: VT." (ND 30 Phụ lục I, II.2.a and II.9; issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.pdfs import make_pdf, pdftotext_pages


def _state_office(client: Any, world: Any) -> dict[str, str]:
    admin = world.auth("admin_ubnd")
    r = client.post("/orgs", headers=admin, json={
        "code": "SNV", "name": "Sở Nội vụ tỉnh Đắk Nông", "family": "state",
        "parent_code": "UBND", "place_name": "Đắk Nông", "email": "snv@daknong.gov.vn"})
    assert r.status_code == 201, r.text
    assert r.json()["short_name"] is None
    r = client.patch("/orgs/SNV", headers=admin, json={"short_name": "Sở Nội vụ"})
    assert r.status_code == 200, r.text
    assert r.json()["short_name"] == "Sở Nội vụ" and r.json()["signature_office"] is None
    user = client.post("/orgs/SNV/users", headers=admin, json={"name": "Văn thư Sở", "role": "clerk"})
    assert user.status_code == 201, user.text
    token = client.post(f"/users/{user.json()['id']}/tokens", headers=admin, json={"label": "t"})
    assert token.status_code == 201, token.text
    return {"Authorization": f"Bearer {token.json()['token']}"}


def test_a_state_office_prints_its_governing_body_in_short(client: Any, world: Any, ctx: Any,
                                                          tmp_path: Path) -> None:
    h = _state_office(client, world)
    d = client.post("/orgs/SNV/dispatches", headers=h, json={
        "type_code": "QĐ", "title": "Quyết định về công tác văn thư", "issued_on": "2020-03-02"})
    assert d.status_code == 201, d.text
    doc_id = d.json()["document"]["id"]
    up = client.post(f"/documents/{doc_id}/files", headers=h, files={
        "file": ("qd.pdf", make_pdf(["Quyết định 01/QĐ-SNV"]), "application/pdf")})
    assert up.status_code == 201, up.text
    r = client.post("/orgs/SNV/copy-requests", headers=h, json={
        "kind": "SAO_Y", "reason": "gửi các phòng", "document_id": doc_id,
        "recipients": [{"name": "Các phòng thuộc Sở"}]})
    assert r.status_code == 201, r.text
    ctx.clock = lambda: datetime(2020, 3, 3, 2, 0, tzinfo=UTC)
    c = client.post(f"/copy-requests/{r.json()['id']}/approve", headers=h, json={
        "signer_authority": "TL. GIÁM ĐỐC", "signer_title": "CHÁNH VĂN PHÒNG",
        "signer_name": "Nguyễn Văn B", "archive_line": "Lưu VT, TCCB"})
    assert c.status_code == 201, c.text
    assert c.json()["notation"] == "01/SY-SNV"
    block = pdftotext_pages(client.get(c.json()["pdf_url"], headers=h).content, tmp_path)[-1]
    # under the decision's text on its page
    assert block.startswith("Quyết định 01/QĐ-SNV UBND TỈNH ĐẮK NÔNG SỞ NỘI VỤ Số: 01/SY-SNV")
    assert "- Các phòng thuộc Sở; - Lưu: VT, TCCB." in block
    assert "Cơ quan: Sở Nội vụ Email: snv@daknong.gov.vn" in block
