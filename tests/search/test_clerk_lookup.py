"""A clerk's most common lookup: an entry by its số đến, by notation or words, in the search box
and in the register's list; a query parameter the operation does not take is a 422 naming it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import arrive


@pytest.fixture
def numbered(client: Any, world: Any) -> dict[str, Any]:
    """160-TB/TW registered as số đến 565 after the paper book ended at 564, and one more (566)."""
    r = client.put("/orgs/VPTU/registers/series", headers=world.auth("clerk_vptu"),
                   json={"register": "arrival", "on": "2020-01-01", "last_number": 564})
    assert r.status_code == 200, r.text
    seed = arrive(client, world)
    other = arrive(client, world, document={
        "notation": "12-CV/TW", "issued_on": "2020-01-20", "title": "Về công tác chuẩn bị đại hội",
        "type_code": "CV"})
    assert (seed["arrival_number"], other["arrival_number"]) == (565, 566)
    return {"seed": seed, "other": other}


def test_search_finds_an_arrival_by_its_number(client: Any, world: Any,
                                               numbered: dict[str, Any]) -> None:
    r = client.get("/search", headers=world.auth("clerk_vptu"), params={"q": "565"})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["notation"] for i in items] == ["160-TB/TW"]
    assert [(e["register"], e["number"], e["url"]) for e in items[0]["entries"]] == [
        ("arrival", 565, f"/arrivals/{numbered['seed']['id']}")]
    # another office's clerk does not find VPTU's 565
    r = client.get("/search", headers=world.auth("clerk_ubnd"), params={"q": "565"})
    assert r.status_code == 200 and r.json()["items"] == []
    # a number that is no entry's and in no text finds nothing
    r = client.get("/search", headers=world.auth("clerk_vptu"), params={"q": "567"})
    assert r.json()["items"] == []


def test_the_register_list_filters_by_number_and_matches_notations(
        client: Any, world: Any, numbered: dict[str, Any]) -> None:
    clerk = world.auth("clerk_vptu")

    def listed(**params: Any) -> list[int]:
        r = client.get("/orgs/VPTU/arrivals", headers=clerk, params=params)
        assert r.status_code == 200, r.text
        return [i["arrival_number"] for i in r.json()["items"]]

    assert listed(number=565) == [565]
    assert listed(number=1) == []
    for q in ("160/TB", "160-TB/TW", "160 tb tw", "ket luan", "Kết luận 62", "cong tac"):
        assert listed(q=q) == ([566] if q == "cong tac" else [565]), q
    assert listed(q="160/CV") == []  # every token must be there
    assert listed(q="16") == []  # numbers match exactly, as in /search
    r = client.get("/orgs/VPTU/arrivals", headers=clerk, params={"number": "x"})
    assert r.status_code == 422 and r.json()["field"] == "number"


@pytest.mark.parametrize(("path", "params", "unknown"), [
    ("/orgs/VPTU/arrivals", {"stauts": "done"}, "stauts"),
    ("/orgs/VPTU/arrivals", {"q": "160", "numbr": "565"}, "numbr"),
    ("/search", {"query": "ket luan"}, "query"),
    ("/me", {"debug": "1"}, "debug"),
])
def test_an_unknown_query_parameter_is_a_422_naming_it(client: Any, world: Any, path: str,
                                                       params: dict[str, str],
                                                       unknown: str) -> None:
    r = client.get(path, headers=world.auth("clerk_vptu"), params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["field"] == unknown
    assert body["detail"].startswith(f"unknown query parameter '{unknown}': this operation takes")


def test_declared_parameters_and_aliases_still_pass(client: Any, world: Any,
                                                    numbered: dict[str, Any]) -> None:
    clerk = world.auth("clerk_vptu")
    r = client.get("/orgs/VPTU/arrivals", headers=clerk,
                   params={"status": "received", "cursor": "", "limit": 5, "year": 2020})
    assert r.status_code == 200, r.text
    r = client.get("/copies/1/verification", headers=clerk, params={"format": "json"})
    assert r.status_code != 422 or r.json()["field"] != "format"
