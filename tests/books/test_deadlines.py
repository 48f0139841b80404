"""The deadlines report: overdue and due-soon incoming documents per unit, JSON and CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.services.deadlines import CSV_COLUMNS
from app.services.register_book_rows import masked_summary
from tests.books.conftest import read_csv, register
from tests.factories import seed_arrival_body


def incoming(client: Any, world: Any, n: int, *, routed_to: str | None, deadline: str | None,
             confidentiality: str = "NONE", title: str | None = None) -> dict[str, Any]:
    body = seed_arrival_body(received_at=f"2020-02-0{n}T08:00:00+07:00")
    body["document"].update(notation=f"{n}-CV/TW", issued_on="2020-01-20", references=[],
                            title=title or f"Về việc số {n} gửi Văn phòng Tỉnh ủy",
                            confidentiality=confidentiality)
    if routed_to:
        body["routed_to"] = routed_to
    if deadline:
        body["deadline"] = deadline
    return register(client, world, "clerk_vptu", "VPTU", body)


@pytest.fixture
def open_items(client: Any, world: Any) -> dict[int, dict[str, Any]]:
    """Arrivals 1..8 of VPTU with their deadlines; the report is read on 12/02/2020."""
    made = {
        1: incoming(client, world, 1, routed_to="Phòng Tổng hợp", deadline="2020-02-10"),
        2: incoming(client, world, 2, routed_to="Phòng Tổng hợp", deadline="2020-02-13"),
        3: incoming(client, world, 3, routed_to="Ban Tổ chức", deadline="2020-02-01"),
        4: incoming(client, world, 4, routed_to=None, deadline="2020-02-12"),
        5: incoming(client, world, 5, routed_to="Ban Tổ chức", deadline="2020-02-20"),
        6: incoming(client, world, 6, routed_to="Phòng Tổng hợp", deadline="2020-02-05"),
        7: incoming(client, world, 7, routed_to="Phòng Tổng hợp", deadline=None),
        8: incoming(client, world, 8, routed_to="Ban Tổ chức", deadline="2020-02-11",
                    confidentiality="MAT", title="Về việc bảo đảm an ninh nội bộ"),
    }
    h = world.auth("clerk_vptu")
    for status in ("in_progress", "done"):  # number 6 was handled in time: not in the report
        r = client.patch(f"/arrivals/{made[6]['id']}", headers=h, json={"status": status})
        assert r.status_code == 200, r.text
    r = client.patch(f"/arrivals/{made[2]['id']}", headers=h, json={"status": "in_progress"})
    assert r.status_code == 200, r.text
    return made


def summary(report: dict[str, Any]) -> list[tuple[str, int, int, list[tuple[int, str, int, int]]]]:
    return [(u["unit"], u["overdue"], u["due_soon"],
             [(i["arrival_number"], i["state"], i["days_late"], i["days_left"])
              for i in u["items"]])
            for u in report["units"]]


def test_overdue_and_due_soon_per_unit(client: Any, world: Any,
                                       open_items: dict[int, dict[str, Any]]) -> None:
    r = client.get("/orgs/VPTU/deadlines?on=2020-02-12", headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    rep = r.json()
    assert (rep["org_code"], rep["on"], rep["soon_days"]) == ("VPTU", "2020-02-12", 3)
    assert (rep["overdue"], rep["due_soon"]) == (3, 2)
    assert summary(rep) == [
        ("Ban Tổ chức", 2, 0, [(3, "overdue", 11, 0), (8, "overdue", 1, 0)]),
        ("Phòng Tổng hợp", 1, 1, [(1, "overdue", 2, 0), (2, "due_soon", 0, 1)]),
        ("(chưa chuyển)", 0, 1, [(4, "due_soon", 0, 0)]),
    ]
    item = rep["units"][1]["items"][1]
    assert item == {
        "arrival_id": open_items[2]["id"], "arrival_number": 2, "received_on": "2020-02-02",
        "notation": "02-CV/TW", "issuer": "Ban Chấp hành Trung ương",
        "summary": "Công văn: Về việc số 2 gửi Văn phòng Tỉnh ủy", "deadline": "2020-02-13",
        "status": "in_progress", "state": "due_soon", "days_late": 0, "days_left": 1,
        "url": f"/arrivals/{open_items[2]['id']}"}
    # a wider window takes in number 5 (due on 20/02)
    wide = client.get("/orgs/VPTU/deadlines?on=2020-02-12&soon_days=8",
                      headers=world.auth("clerk_vptu")).json()
    assert summary(wide)[0] == ("Ban Tổ chức", 2, 1, [(3, "overdue", 11, 0),
                                                     (8, "overdue", 1, 0),
                                                     (5, "due_soon", 0, 8)])
    # once done, it leaves the report
    client.patch(f"/arrivals/{open_items[1]['id']}", headers=world.auth("clerk_vptu"),
                 json={"status": "in_progress"})
    client.patch(f"/arrivals/{open_items[1]['id']}", headers=world.auth("clerk_vptu"),
                 json={"status": "done"})
    later = client.get("/orgs/VPTU/deadlines?on=2020-02-12", headers=world.auth("clerk_vptu"))
    assert later.json()["overdue"] == 2


def test_report_as_csv(client: Any, world: Any, open_items: dict[int, dict[str, Any]]) -> None:
    r = client.get("/orgs/VPTU/deadlines?on=2020-02-12&format=csv",
                   headers=world.auth("clerk_vptu"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="han-giai-quyet-VPTU-2020-02-12.csv"' in r.headers["content-disposition"]
    rows = read_csv(r.content)
    assert rows[0] == list(CSV_COLUMNS)
    assert [(row[0], row[1], row[2], row[7], row[8], row[9], row[10]) for row in rows[1:]] == [
        ("Ban Tổ chức", "Quá hạn", "3", "01/02/2020", "11", "", "Đã chuyển"),
        ("Ban Tổ chức", "Quá hạn", "8", "11/02/2020", "1", "", "Đã chuyển"),
        ("Phòng Tổng hợp", "Quá hạn", "1", "10/02/2020", "2", "", "Đã chuyển"),
        ("Phòng Tổng hợp", "Sắp đến hạn", "2", "13/02/2020", "", "1", "Đang giải quyết"),
        ("(chưa chuyển)", "Sắp đến hạn", "4", "12/02/2020", "", "0", "Đã tiếp nhận"),
    ]
    assert rows[1][3:7] == ["03/02/2020", "03-CV/TW", "Ban Chấp hành Trung ương",
                            "Công văn: Về việc số 3 gửi Văn phòng Tỉnh ủy"]


def test_default_day_is_today_in_vietnam(client: Any, world: Any, ctx: Any,
                                         open_items: dict[int, dict[str, Any]]) -> None:
    # 18:00 UTC on 12/02 is already 01:00 on 13/02 in Vietnam
    ctx.clock = lambda: datetime(2020, 2, 12, 18, 0, tzinfo=UTC)
    rep = client.get("/orgs/VPTU/deadlines", headers=world.auth("clerk_vptu")).json()
    assert rep["on"] == "2020-02-13"
    phong = next(u for u in rep["units"] if u["unit"] == "Phòng Tổng hợp")
    assert [(i["arrival_number"], i["days_late"], i["days_left"]) for i in phong["items"]] == [
        (1, 3, 0), (2, 0, 0)]


def test_confidential_summaries_masked_and_access(client: Any, world: Any,
                                                  open_items: dict[int, dict[str, Any]]) -> None:
    def eighth(who: str) -> str:
        rep = client.get("/orgs/VPTU/deadlines?on=2020-02-12", headers=world.auth(who)).json()
        return str(next(i["summary"] for u in rep["units"] for i in u["items"]
                        if i["arrival_number"] == 8))

    assert eighth("clerk_vptu") == "Công văn: Về việc bảo đảm an ninh nội bộ"
    assert eighth("dept_vptu") == masked_summary("MAT")
    assert eighth("auditor") == "Công văn: Về việc bảo đảm an ninh nội bộ"
    csv_text = client.get("/orgs/VPTU/deadlines?on=2020-02-12&format=csv",
                          headers=world.auth("dept_vptu")).content.decode("utf-8")
    assert "an ninh nội bộ" not in csv_text and masked_summary("MAT") in csv_text
    r = client.get("/orgs/VPTU/deadlines", headers=world.auth("clerk_ubnd"))
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    r = client.get("/orgs/VPTU/deadlines?soon_days=-1", headers=world.auth("clerk_vptu"))
    assert r.status_code == 422 and r.json()["field"] == "soon_days"
    r = client.get("/orgs/VPTU/deadlines?format=xml", headers=world.auth("clerk_vptu"))
    assert r.status_code == 422 and r.json()["field"] == "format"
    r = client.get("/orgs/VPTU/deadlines?on=12/02/2020", headers=world.auth("clerk_vptu"))
    assert r.status_code == 422 and r.json()["field"] == "on"
    # another office's report is empty, not VPTU's
    rep = client.get("/orgs/UBND/deadlines?on=2020-02-12", headers=world.auth("clerk_ubnd"))
    assert rep.status_code == 200 and rep.json()["units"] == []


def test_arrival_list_filters_by_deadline(client: Any, world: Any, ctx: Any,
                                          open_items: dict[int, dict[str, Any]]) -> None:
    h = world.auth("clerk_vptu")

    def numbers(query: str) -> list[int]:
        r = client.get(f"/orgs/VPTU/arrivals?{query}", headers=h)
        assert r.status_code == 200, r.text
        return [a["arrival_number"] for a in r.json()["items"]]

    assert numbers("deadline_before=2020-02-12") == [8, 6, 3, 1]  # 6 is done, still listed
    ctx.clock = lambda: datetime(2020, 2, 12, 3, 0, tzinfo=UTC)  # 10:00 on 12/02 in Vietnam
    assert numbers("overdue=true") == [8, 3, 1]
    assert numbers("overdue=true&deadline_before=2020-02-11") == [3, 1]
    assert numbers("overdue=false") == [8, 7, 6, 5, 4, 3, 2, 1]
    r = client.get("/orgs/VPTU/arrivals?deadline_before=soon", headers=h)
    assert r.status_code == 422 and r.json()["field"] == "deadline_before"
