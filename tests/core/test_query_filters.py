"""The parts list queries are built from (app/db/filters.py), each on a real database: the
register of one office, what a clearance may see, a calendar year, bounds, keyset pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Select, select

from app.api import cursor
from app.db import Arrival, Document, Organisation
from app.db.filters import (
    Before,
    Equals,
    InOrganisation,
    InYear,
    KeysetPage,
    Since,
    StatementFilter,
    Until,
    VisibleTo,
    apply,
)
from app.services.access import Principal
from tests.factories import seed_arrival_body

#: (day of March 2020 it arrived, the document's date, its độ mật) of VPTU's seven arrivals.
VPTU_ROWS = [(1, "2019-12-31", "NONE"), (2, "2020-01-01", "NONE"), (3, "2020-02-10", "MAT"),
             (4, "2020-02-11", "NONE"), (5, "2020-02-12", "NONE"), (6, "2020-02-13", "NONE"),
             (7, "2020-02-14", "NONE")]


def _arrive(client: Any, world: Any, who: str, org: str, day: int, issued_on: str,
            level: str) -> None:
    body = seed_arrival_body(received_at=f"2020-03-{day:02d}T09:00:00+07:00")
    body["document"].update(notation=f"{day}-CV/TW", type_code="CV", issued_on=issued_on,
                            title=f"Công văn số {day}", references=[], confidentiality=level)
    r = client.post(f"/orgs/{org}/arrivals", headers=world.auth(who), json=body)
    assert r.status_code == 201, r.text


@pytest.fixture
def registers(client: Any, world: Any) -> Any:
    """Seven arrivals at VPTU (the third secret, MAT) and one at VPDUK."""
    for day, issued_on, level in VPTU_ROWS:
        _arrive(client, world, "clerk_vptu", "VPTU", day, issued_on, level)
    _arrive(client, world, "clerk_vpduk", "VPDUK", 8, "2020-02-20", "NONE")
    return world


def _org_id(s: Any, code: str) -> int:
    return int(s.scalar(select(Organisation.id).where(Organisation.code == code)))


def _joined() -> Select[Arrival]:
    return select(Arrival).join(Document, Arrival.document_id == Document.id)


def _base() -> Select[Arrival]:
    return _joined().order_by(Arrival.id)


def _days(s: Any, *filters: StatementFilter | None) -> list[int]:
    """The March day each selected arrival came in, oldest first."""
    return [a.received_on.day for a in s.scalars(apply(_base(), *filters))]


def test_in_organisation_keeps_one_office_s_register(ctx: Any, registers: Any) -> None:
    with ctx.reading() as s:
        assert _days(s, InOrganisation(Arrival, _org_id(s, "VPTU"))) == [1, 2, 3, 4, 5, 6, 7]
        assert _days(s, InOrganisation(Arrival, _org_id(s, "VPDUK"))) == [8]
        assert _days(s, InOrganisation(Arrival, _org_id(s, "TTTU"))) == []


def test_visible_to_hides_a_secret_document_from_a_caller_without_clearance(
        ctx: Any, client: Any, registers: Any) -> None:
    users = registers.user_ids
    with ctx.reading() as s:
        vptu = _org_id(s, "VPTU")
        plain = Principal(users["dept_vptu"], "dept_vptu", "department", vptu, "VPTU", "NONE")
        cleared = Principal(users["clerk_vptu"], "clerk_vptu", "clerk", vptu, "VPTU", "MAT")
        mine = InOrganisation(Arrival, vptu)
        assert _days(s, mine, VisibleTo(plain.visible_levels())) == [1, 2, 4, 5, 6, 7]
        assert _days(s, mine, VisibleTo(cleared.visible_levels())) == [1, 2, 3, 4, 5, 6, 7]
    # and so the register's list: the department (clearance NONE) is not shown the MAT line
    listed = client.get("/orgs/VPTU/arrivals", headers=registers.auth("dept_vptu")).json()
    assert [a["arrival_number"] for a in listed["items"]] == [7, 6, 5, 4, 2, 1]
    listed = client.get("/orgs/VPTU/arrivals", headers=registers.auth("clerk_vptu")).json()
    assert [a["arrival_number"] for a in listed["items"]] == [7, 6, 5, 4, 3, 2, 1]


def test_in_year_holds_the_first_and_last_day_of_the_year(ctx: Any, registers: Any) -> None:
    with ctx.reading() as s:
        assert _days(s, InYear(Document.issued_on, 2019)) == [1]
        assert _days(s, InYear(Document.issued_on, 2020)) == [2, 3, 4, 5, 6, 7, 8]
        assert _days(s, InYear(Document.issued_on, 2021)) == []
        assert _days(s, InYear(Arrival.received_on, 2020)) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_bounds_since_and_until_include_theirs_before_excludes_it(ctx: Any,
                                                                 registers: Any) -> None:
    third, fifth = date(2020, 3, 3), date(2020, 3, 5)
    with ctx.reading() as s:
        assert _days(s, Since(Arrival.received_on, third), Until(Arrival.received_on, fifth)) \
            == [3, 4, 5]
        assert _days(s, Before(Arrival.received_on, third)) == [1, 2]
        assert _days(s, Equals(Document.confidentiality, "MAT")) == [3]
        assert _days(s, Equals(Arrival.arrival_number, 1)) == [1, 8]  # each office's first


@pytest.mark.parametrize("part", [
    Equals(Arrival.status, None), Equals(Document.type_code, ""), Since(Arrival.received_on, None),
    Until(Arrival.received_on, None), Before(Arrival.deadline, None),
    InYear(Arrival.received_on, None), None],
    ids=["equals-none", "equals-empty", "since", "until", "before", "in-year", "no-filter"])
def test_a_filter_given_no_value_leaves_the_statement_as_it_was(part: Any) -> None:
    assert str(apply(_base(), part)) == str(_base())


def _pages(s: Any, stmt: Select[Arrival], limit: int, **read: Any) -> list[list[int]]:
    """Every page, following each page's cursor through its API encoding."""
    pages, after = [], None
    for _ in range(10):  # a cursor that did not move on would page forever
        page, last = KeysetPage(Arrival.id, after, limit).read(s, stmt, **read)
        pages.append([a.received_on.day for a in page])
        if last is None:
            return pages
        assert last == page[-1].id
        after = cursor.decode(cursor.encode(last))
    raise AssertionError(f"no last page after {pages}")


def test_keyset_pages_follow_on_without_a_repeat_or_a_gap(ctx: Any, registers: Any) -> None:
    with ctx.reading() as s:
        vptu = apply(_joined(), InOrganisation(Arrival, _org_id(s, "VPTU")))
        assert _pages(s, vptu, 3) == [[7, 6, 5], [4, 3, 2], [1]]
        # page 2 starts exactly after page 1's last row, whatever rows are hidden between
        assert _pages(s, apply(vptu, VisibleTo(("NONE",))), 2) == [[7, 6], [5, 4], [2, 1]]
        # a last page that is exactly full says so: no cursor to an empty page
        assert _pages(s, apply(vptu, Since(Arrival.received_on, date(2020, 3, 2))), 3) \
            == [[7, 6, 5], [4, 3, 2]]
        assert _pages(s, apply(vptu, InYear(Arrival.received_on, 2019)), 3) == [[]]


def test_keyset_pages_with_a_test_in_python_fill_each_page(ctx: Any, registers: Any) -> None:
    with ctx.reading() as s:
        vptu = apply(_joined(), InOrganisation(Arrival, _org_id(s, "VPTU")))
        odd = _pages(s, vptu, 2, keep=lambda a: a.received_on.day % 2 == 1)
        assert odd == [[7, 5], [3, 1]]
