"""Search: diacritics-insensitive, notation-aware, ranked, filtered, paged, never beyond one's
remit or clearance. Runs on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import seed_arrival_body
from tests.pdfs import make_pdf


def _arrive(client: Any, world: Any, who: str = "clerk_vptu", org: str = "VPTU",
            pdf_text: str | None = None, **doc: Any) -> dict[str, Any]:
    body = seed_arrival_body()
    body["document"].update(doc)
    headers = world.auth(who)
    if pdf_text is None:
        r = client.post(f"/orgs/{org}/arrivals", headers=headers, json=body)
    else:
        r = client.post(f"/orgs/{org}/arrivals/with-file", headers=headers,
                        data={"metadata": json.dumps(body)},
                        files={"file": ("d.pdf", make_pdf([pdf_text]), "application/pdf")})
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture
def corpus(client: Any, world: Any) -> dict[str, Any]:
    seed = _arrive(client, world)  # 160-TB/TW: "Kết luận … 62-KL/TW …"
    scan = _arrive(client, world, notation="12-CV/TW", issued_on="2020-01-20",
                   title="Về công tác chuẩn bị đại hội", type_code="CV",
                   pdf_text="Hoàng hôn trên cao nguyên Đắk Nông")
    secret = _arrive(client, world, notation="3-TB/TW", issued_on="2020-01-10",
                     title="Kết luận về nhân sự", confidentiality="MAT")
    out = client.post("/orgs/VPTU/dispatches", headers=world.auth("clerk_vptu"), json={
        "type_code": "TB", "title": "Thông báo thực hiện Kết luận 62", "issued_on": "2020-03-02"})
    assert out.status_code == 201, out.text
    ubnd = client.post("/orgs/UBND/dispatches", headers=world.auth("clerk_ubnd"), json={
        "type_code": "QĐ", "title": "Quyết định về kết luận thanh tra", "issued_on": "2020-03-02"})
    assert ubnd.status_code == 201, ubnd.text
    return {"seed": seed, "scan": scan, "secret": secret, "dispatch": out.json(),
            "ubnd": ubnd.json()}


def _notations(client: Any, world: Any, who: str, **params: Any) -> list[str]:
    r = client.get("/search", headers=world.auth(who), params=params)
    assert r.status_code == 200, r.text
    return [i["notation"] for i in r.json()["items"]]


def test_diacritics_insensitive_and_notation_aware(client: Any, world: Any,
                                                   corpus: dict[str, Any]) -> None:
    assert set(_notations(client, world, "clerk_vptu", q="ket luan 62")) == {
        "160-TB/TW", "01-TB/VPTU"}
    assert _notations(client, world, "clerk_vptu", q="KẾT LUẬN số 62") == _notations(
        client, world, "clerk_vptu", q="ket luan so 62")
    for q in ("160-TB/TW", "160 TB TW", "160/TB", "160 tb"):
        assert _notations(client, world, "clerk_vptu", q=q) == ["160-TB/TW"], q
    assert set(_notations(client, world, "clerk_vptu", q="62")) == {"160-TB/TW", "01-TB/VPTU"}
    assert "160-TB/TW" not in _notations(client, world, "clerk_vptu", q="620")
    # the PDF's text layer is searched too
    assert _notations(client, world, "clerk_vptu", q="hoang hon") == ["12-CV/TW"]
    # "Đắk Nông" is in the scan's text and in the name of VPTU, the issuer of 01-TB/VPTU
    assert set(_notations(client, world, "clerk_vptu", q="dak nong")) == {"12-CV/TW", "01-TB/VPTU"}
    assert _notations(client, world, "clerk_vptu", q="01-TB/VPTU") == ["01-TB/VPTU"]


def test_results_never_include_what_the_caller_may_not_see(client: Any, world: Any,
                                                           corpus: dict[str, Any]) -> None:
    assert "03-TB/TW" in _notations(client, world, "clerk_vptu", q="ket luan")  # MAT clearance
    assert "03-TB/TW" not in _notations(client, world, "dept_vptu", q="ket luan")  # none
    assert _notations(client, world, "dept_vptu", q="ket luan", confidentiality="MAT") == []
    assert "01/QĐ-UBND" not in _notations(client, world, "clerk_vptu", q="ket luan")
    assert _notations(client, world, "clerk_ubnd", q="ket luan") == ["01/QĐ-UBND"]
    assert _notations(client, world, "clerk_ubnd", q="160 TB TW") == []
    # an auditor of the province sees the offices below it
    assert "160-TB/TW" in _notations(client, world, "auditor", q="ket luan 62")


def test_filters(client: Any, world: Any, corpus: dict[str, Any]) -> None:
    h = "clerk_vptu"
    assert _notations(client, world, h, q="ket luan", register="dispatch") == ["01-TB/VPTU"]
    assert set(_notations(client, world, h, q="ket luan", register="arrival")) == {
        "160-TB/TW", "03-TB/TW"}
    assert _notations(client, world, h, q="ket luan", type_code="TB", issuer="VPTU") == [
        "01-TB/VPTU"]
    assert _notations(client, world, h, issuer="TW", date_from="2020-01-12",
                      date_to="2020-01-16") == ["160-TB/TW"]
    arrival_id = corpus["seed"]["id"]
    client.patch(f"/arrivals/{arrival_id}", headers=world.auth(h),
                 json={"status": "routed", "routed_to": "Ban Dân vận"})
    assert _notations(client, world, h, status="routed") == ["160-TB/TW"]
    r = client.get("/search", headers=world.auth(h), params={"q": "x", "register": "dispatch",
                                                            "status": "routed"})
    assert r.status_code == 422 and r.json()["field"] == "status"
    r = client.get("/search", headers=world.auth(h), params={"q": "!!! ---"})
    assert r.status_code == 422 and r.json()["field"] == "q"
    item = client.get("/search", headers=world.auth(h), params={"q": "160/TB"}).json()["items"][0]
    assert [(e["register"], e["org_code"], e["number"], e["status"]) for e in item["entries"]] == [
        ("arrival", "VPTU", 1, "routed")]
    assert item["entries"][0]["url"] == f"/arrivals/{arrival_id}"


def test_keyset_pagination_covers_every_hit_once(client: Any, world: Any,
                                                 corpus: dict[str, Any]) -> None:
    everything = _notations(client, world, "clerk_vptu", q="tw")
    assert len(everything) == 3
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"q": "tw", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/search", headers=world.auth("clerk_vptu"), params=params).json()
        seen += [i["notation"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == everything and not cursor
    r = client.get("/search", headers=world.auth("clerk_vptu"), params={"cursor": "bogus"})
    assert r.status_code == 422 and r.json()["field"] == "cursor"
