"""Counters against rows: a sequence's last number must be the highest number its register rows
use, or the paper number it was continued from, whichever is higher. A counter raised in SQL
without a row would make the next number skip; one lowered would make it repeat."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Arrival, CertifiedCopy, Dispatch, Sequence


def _highest(session: Session) -> dict[tuple[int, str, str], int]:
    out: dict[tuple[int, str, str], int] = {}
    for register, owner, scope, number in (
            ("arrival", Arrival.organisation_id, Arrival.scope_key, Arrival.arrival_number),
            ("dispatch", Dispatch.organisation_id, Dispatch.scope_key, Dispatch.number),
            ("copy", CertifiedCopy.organisation_id, CertifiedCopy.scope_key,
             CertifiedCopy.number)):
        for org_id, key, top in session.execute(
                select(owner, scope, func.max(number)).group_by(owner, scope)):
            out[(int(org_id), register, str(key))] = int(top)
    return out


def counter_problems(session: Session) -> list[tuple[str, str]]:
    """(sequence, why) for every counter that disagrees with its rows."""
    highest = _highest(session)
    problems = []
    for seq in session.scalars(select(Sequence)):
        ident = (seq.organisation_id, seq.register, seq.scope_key)
        expected = max(highest.get(ident, 0), seq.continued_from or 0)
        if seq.last_number != expected:
            name = f"sequence {seq.organisation_id}/{seq.register}/{seq.scope_key}"
            problems.append((name, f"{name} says last number {seq.last_number}, but its rows "
                                   f"and paper continuation reach {expected}"))
    return problems
