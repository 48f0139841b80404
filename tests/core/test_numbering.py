"""The sequence engine: gapless and unique under concurrency; a failed request gives its number back."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app.db import Arrival, RegisterSeries
from app.domain.dates import VN_TZ
from app.services import arrivals, numbering
from app.services.documents import DocumentIn
from tests.factories import TEST_NOW, set_clock

N = 40


def _principal(ctx: Any, world: Any, key: str) -> Any:
    from app.services.tokens import authenticate

    return authenticate(ctx, world.tokens[key])


def _doc(i: int) -> DocumentIn:
    return DocumentIn(notation=f"{i}-CV/TW", issued_on=date(2020, 1, 2),
                         title=f"Công văn số {i}")


def test_concurrent_registrations_number_1_to_n(ctx: Any, world: Any) -> None:
    who = _principal(ctx, world, "clerk_vptu")
    barrier = threading.Barrier(8)

    def register(i: int) -> int:
        if i <= 8:  # the first eight start together, to collide on the counter
            barrier.wait(timeout=30)
        arrival = arrivals.register(ctx, who, "VPTU", arrivals.ArrivalIn(
            issuer_code="TW", document=_doc(i),
            received_at=datetime(2020, 3, 1, 9, tzinfo=VN_TZ)))
        return int(arrival.arrival_number)

    with ThreadPoolExecutor(max_workers=32) as pool:
        numbers = list(pool.map(register, range(1, N + 1)))
    assert sorted(numbers) == list(range(1, N + 1))
    with ctx.reading() as s:
        stored = sorted(s.scalars(select(Arrival.arrival_number)))
        last = s.scalar(select(RegisterSeries.last_number).where(RegisterSeries.register == "arrival"))
    assert stored == list(range(1, N + 1))
    assert last == N


@pytest.mark.postgres
def test_separate_connections_number_1_to_n(ctx: Any, world: Any, settings: Any) -> None:
    """Each worker has its own engine (its own connection pool), as separate processes would."""
    from app.context import AppContext

    who = _principal(ctx, world, "clerk_vptu")

    def register(i: int) -> int:
        own = AppContext.from_settings(settings)
        set_clock(own, TEST_NOW)
        try:
            arrival = arrivals.register(own, who, "VPTU", arrivals.ArrivalIn(
                issuer_code="TW", document=_doc(i),
                received_at=datetime(2020, 3, 1, 9, tzinfo=VN_TZ)))
            return int(arrival.arrival_number)
        finally:
            own.db.dispose()

    with ThreadPoolExecutor(max_workers=32) as pool:
        numbers = list(pool.map(register, range(1, 33)))
    assert sorted(numbers) == list(range(1, 33))


def test_failed_request_gives_its_number_back(ctx: Any, world: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    who = _principal(ctx, world, "clerk_vptu")
    real = arrivals.audit_log.record
    calls = {"n": 0}

    def failing_record(*args: Any, **kwargs: Any) -> Any:
        if args[2] == "arrival.registered" and calls["n"] == 0:
            calls["n"] += 1
            raise RuntimeError("injected failure after the number was taken")
        return real(*args, **kwargs)

    monkeypatch.setattr(arrivals.audit_log, "record", failing_record)
    with pytest.raises(RuntimeError):
        arrivals.register(ctx, who, "VPTU", arrivals.ArrivalIn(
            issuer_code="TW", document=_doc(1), received_at=datetime(2020, 3, 1, tzinfo=VN_TZ)))
    second = arrivals.register(ctx, who, "VPTU", arrivals.ArrivalIn(
        issuer_code="TW", document=_doc(2), received_at=datetime(2020, 3, 1, tzinfo=VN_TZ)))
    assert second.arrival_number == 1


def test_state_series_reset_on_first_january(ctx: Any, world: Any) -> None:
    who = _principal(ctx, world, "clerk_ubnd")
    numbers = []
    for i, day in enumerate((datetime(2020, 12, 31, 16, tzinfo=VN_TZ),
                             datetime(2021, 1, 1, 8, tzinfo=VN_TZ),
                             datetime(2021, 1, 2, 8, tzinfo=VN_TZ))):
        set_clock(ctx, day)  # each registered as it comes in
        a = arrivals.register(ctx, who, "UBND", arrivals.ArrivalIn(
            issuer_code="TW", document=_doc(100 + i), received_at=day))
        numbers.append((a.scope_key, a.arrival_number))
    assert numbers == [("2020", 1), ("2021", 1), ("2021", 2)]


def test_continue_from_paper_never_lowers(ctx: Any, world: Any) -> None:
    from app.domain.numbering import RegisterKind
    from app.errors import Conflict
    from app.services import registers

    who = _principal(ctx, world, "clerk_vptu")
    state = registers.continue_from_paper(ctx, who, "VPTU", RegisterKind.ARRIVAL,
                                          date(2020, 1, 1), 564)
    assert state["next_number"] == 565
    a = arrivals.register(ctx, who, "VPTU", arrivals.ArrivalIn(
        issuer_code="TW", document=_doc(1), received_at=datetime(2020, 1, 29, tzinfo=VN_TZ)))
    assert a.arrival_number == 565
    with pytest.raises(Conflict) as err:
        registers.continue_from_paper(ctx, who, "VPTU", RegisterKind.ARRIVAL,
                                      date(2020, 5, 1), 100)
    assert "has given number 565" in err.value.detail


def test_party_dispatch_series_per_type_per_term(ctx: Any, world: Any) -> None:
    from app.services import dispatches

    who = _principal(ctx, world, "clerk_vptu")
    made = []
    for type_code, day in (("TB", date(2020, 10, 14)), ("TB", date(2020, 10, 15)),
                           ("KH", date(2020, 10, 15)), ("TB", date(2020, 10, 16))):
        set_clock(ctx, datetime(day.year, day.month, day.day, 9, tzinfo=VN_TZ))  # on its day
        d = dispatches.register(ctx, who, "VPTU", dispatches.DispatchIn(
            type_code=type_code, title="Thông báo", issued_on=day))
        made.append(d.document.notation)
    # Party numbers below 10 are written with a leading zero (05-CT/TW; docs/domain.md)
    assert made == ["01-TB/VPTU", "02-TB/VPTU", "01-KH/VPTU", "01-TB/VPTU"]


def test_sequence_rows_are_per_scope(ctx: Any, world: Any) -> None:
    from app.services.organisations import get_by_code

    with ctx.unit_of_work() as work:
        org_id = get_by_code(work.session, "UBND").id
        first = numbering.take_number(work.session, org_id, "dispatch", "2020/TB")
        again = numbering.take_number(work.session, org_id, "dispatch", "2020/TB")
        other = numbering.take_number(work.session, org_id, "dispatch", "2020/QĐ")
    assert (first, again, other) == (1, 2, 1)
