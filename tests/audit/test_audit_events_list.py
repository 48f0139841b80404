"""GET /audit/events: an auditor lists the log's events, newest first, filtered and paged."""

from __future__ import annotations

from typing import Any

from tests.factories import arrive


def _events(client: Any, world: Any, who: str = "auditor", **params: Any) -> Any:
    return client.get("/audit/events", headers=world.auth(who), params=params)


def _activity(client: Any, world: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    first = arrive(client, world)
    second = arrive(client, world, document={
        "notation": "12-CV/TW", "issued_on": "2020-01-20", "title": "Về công tác đại hội",
        "type_code": "CV"})
    r = client.patch(f"/arrivals/{first['id']}", headers=world.auth("clerk_vptu"),
                     json={"routed_to": "Chánh Văn phòng"})
    assert r.status_code == 200, r.text
    return first, second


def test_an_auditor_lists_the_events_newest_first_as_hashed(client: Any, world: Any) -> None:
    first, second = _activity(client, world)
    r = _events(client, world)
    assert r.status_code == 200, r.text
    page = r.json()
    items = page["items"]
    assert page["next_cursor"] is None
    seqs = [e["seq"] for e in items]
    assert seqs == sorted(seqs, reverse=True) and seqs[-1] == 0
    assert [(e["action"], e["subject"]) for e in items[:3]] == [
        ("arrival.updated", {"type": "arrival", "id": str(first["id"])}),
        ("arrival.registered", {"type": "arrival", "id": str(second["id"])}),
        ("arrival.registered", {"type": "arrival", "id": str(first["id"])})]
    assert items[0]["actor"]["org_code"] == "VPTU" and items[0]["actor"]["role"] == "clerk"
    # each listed event is the one hashed into the log
    one = client.get(f"/audit/events/{items[0]['seq']}", headers=world.auth("auditor")).json()
    assert one["event"] == items[0]


def test_filters_and_pages(client: Any, world: Any) -> None:
    first, _ = _activity(client, world)
    registered = _events(client, world, action="arrival.registered").json()["items"]
    assert [e["subject"]["id"] for e in registered][-2:] != [] and all(
        e["action"] == "arrival.registered" for e in registered)
    assert len(registered) == 2
    about_first = _events(client, world, subject_type="arrival",
                          subject_id=str(first["id"])).json()["items"]
    assert [e["action"] for e in about_first] == ["arrival.updated", "arrival.registered"]
    newest = registered[0]["at"]
    assert _events(client, world, since=newest).json()["items"][-1]["at"] >= newest
    assert _events(client, world, until="2000-01-01T00:00:00Z").json()["items"] == []
    everything = [e["seq"] for e in _events(client, world, limit=500).json()["items"]]
    walked, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = _events(client, world, **params).json()
        walked += [e["seq"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == everything


def test_only_auditors_and_admins_and_bad_filters_are_named(client: Any, world: Any) -> None:
    arrive(client, world)
    for who in ("clerk_vptu", "dept_vptu"):
        assert _events(client, world, who).status_code == 403
    assert _events(client, world, "admin").status_code == 200
    for params, field in (({"action": "arrival.deleted"}, "action"),
                          ({"since": "2020-02-04T00:00:00"}, "since"),
                          ({"since": "2020-02-05T00:00:00Z", "until": "2020-02-04T00:00:00Z"},
                           "since"),
                          ({"cursor": "nope"}, "cursor"), ({"limit": 0}, "limit")):
        r = _events(client, world, **params)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["field"] == field, (params, r.json())
