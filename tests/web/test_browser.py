"""The seed's chain done by people in a real browser (headless Debian Chromium): VPTU's clerk
registers 160-TB/TW from its pasted text as số đến 565, a department asks for a sao lục, the
clerk approves 397-BS/VPTU, VPDUK's clerk registers it from the inbox and copies it onward as
30-SL/VPDUK, and an auditor sees the chain VALID. Also a wrong password, another office's page
and a form's error in Vietnamese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.demo import seed_text

#: One worker runs them all (`--dist loadgroup`): one server and one Chromium, not one each.
pytestmark = [pytest.mark.tools, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def pages(browser: Any, web_server: str) -> Any:
    from tests.web.pages import Pages

    return Pages(browser, web_server)


def test_the_seed_chain_in_the_pages(pages: Any, seed_pdf: Path) -> None:
    # VPTU's clerk continues the paper books (564 arrivals, 396 copies) and registers the notice
    pages.sign_in("clerk")
    assert "Văn thư Văn phòng Tỉnh ủy" in pages.text("#me")
    pages.continue_paper("arrival", 564)
    pages.continue_paper("copy", 396)
    pages.go("/intake")
    pages.fill("#text", seed_text())
    pages.el("#file").send_keys(str(seed_pdf))
    pages.click("#read")
    notation = pages.wait_for("#notation")
    assert notation.get_attribute("value") == "160-TB/TW"
    assert pages.el("#issued_on").get_attribute("value") == "2020-01-15"
    assert "TW" in pages.text("#issuer")
    pages.submit("#save")
    assert pages.text("#arrival-number") == "565"
    assert "Đã vào sổ" in pages.text("#saved")
    # the register's search box finds it by số đến
    pages.go("/arrivals?q=565")
    assert "160-TB/TW" in pages.text("#arrivals")
    # the same text again is flagged before saving
    pages.go("/intake")
    pages.fill("#text", seed_text())
    pages.click("#read")
    assert "565" in pages.wait_for("#duplicate").text
    pages.sign_out()

    # a department of VPTU finds the document and asks for a sao lục
    pages.sign_in("department")
    pages.go("/search?q=160-TB/TW")
    pages.submit("#hits a.ask-copy")
    pages.choose("#source", "document")
    pages.choose("#kind", "SAO_LUC")
    pages.fill("#recipients", "Các đ/c TUV\nCác Đảng bộ trực thuộc [VPDUK]")
    pages.fill("#reason", "Phổ biến Thông báo kết luận đến chi bộ")
    pages.submit("#send-request")
    assert pages.text("#request-status") == "Chờ xử lý"
    request_url = pages.driver.current_url
    pages.sign_out()

    # the clerk previews the copy and approves it: 397-BS/VPTU
    pages.sign_in("clerk")
    pages.driver.get(request_url)
    assert pages.text("#preview-number") == "397"
    pages.fill("#signer_name", "Lê Văn Chiến")
    pages.submit("#approve")
    assert pages.text("#copy-notation") == "397-BS/VPTU"
    pages.sign_out()

    # VPDUK's clerk registers it from the inbox and copies it onward: 30-SL/VPDUK
    pages.sign_in("clerk_vpduk")
    pages.continue_paper("copy", 29)
    pages.go("/inbox")
    assert "397-BS/VPTU" in pages.text("#inbox")
    pages.submit("#inbox button.register-item")
    assert pages.text("#notation") == "160-TB/TW"
    pages.submit("#ask-copy")
    assert "397-BS/VPTU" in pages.el("#source option:checked").text
    pages.fill("#recipients", "Thường trực ĐUK\nCác TCCS đảng")
    pages.fill("#reason", "Sao gửi các tổ chức cơ sở đảng")
    pages.submit("#send-request")
    pages.fill("#signer_name", "Nguyễn Khắc Trung")
    pages.submit("#approve")
    assert pages.text("#copy-notation") == "30-SL/VPDUK"
    copy_url = pages.driver.current_url
    pages.sign_out()

    # the auditor of the province sees the chain, each link valid
    pages.sign_in("auditor")
    pages.driver.get(copy_url)
    assert pages.text("#verdict") == "HỢP LỆ"
    chain = pages.text("#chain")
    assert "397-BS/VPTU" in chain and "30-SL/VPDUK" in chain
    assert "397-BS/VPTU" in pages.text("#tree")
    pages.sign_out()


def test_a_wrong_password_is_refused_in_vietnamese(pages: Any) -> None:
    pages.sign_in("head", "not-the-password")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in pages.text("#error")
    assert pages.el("#sign-in-form")


def test_another_offices_page_shows_nothing(pages: Any, web_server: str, web_root: Path) -> None:
    """A TTTU clerk opening a VPTU arrival's page sees what the API answers them: a refusal,
    and nothing of the entry."""
    import json

    import httpx

    from bench.faults.traffic import arrival_body

    tokens = json.loads((web_root / "keys" / "demo-tokens.json").read_text())
    made = httpx.post(f"{web_server}/orgs/VPTU/arrivals", json=arrival_body("77-CV/TW", "riêng"),
                      headers={"Authorization": f"Bearer {tokens['clerk']}"})
    assert made.status_code == 201, made.text
    arrival_id = made.json()["id"]
    api = httpx.get(f"{web_server}/arrivals/{arrival_id}",
                    headers={"Authorization": f"Bearer {tokens['clerk_tttu']}"})
    assert api.status_code == 403, api.text
    pages.sign_in("clerk_tttu")
    pages.go(f"/arrivals/{arrival_id}")
    assert pages.el("#problem").get_attribute("data-status") == "403"
    assert "77-CV/TW" not in pages.driver.page_source
    pages.go("/arrivals?q=77")
    assert "77-CV/TW" not in pages.text("#arrivals")
    pages.sign_out()


def test_bad_input_names_the_field_in_vietnamese(pages: Any) -> None:
    pages.sign_in("clerk_tttu")
    pages.go("/registers")
    pages.fill("#last_number", "năm trăm")
    pages.submit("#continue")
    assert "số cuối của sổ giấy" in pages.text("#problem")
    pages.go("/intake")
    pages.fill("#text", "   ")
    pages.click("#read")
    assert "Nội dung văn bản đang trống" in pages.wait_for("#read-error").text
    pages.sign_out()
