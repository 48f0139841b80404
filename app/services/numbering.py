"""The sequence engine: gapless, unique numbers per (organisation, register, scope key).

A number is taken inside the transaction of the row that uses it, by an atomic
``UPDATE … SET last_number = last_number + 1 RETURNING``: PostgreSQL holds the row lock until the
commit, SQLite holds the database write lock (the transaction began IMMEDIATE). A request that fails
rolls back and so gives its number back; the next request gets the same one (docs/architecture.md,
Numbering).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.db import Organisation, RegisterSeries
from app.domain.doc_types import Family
from app.domain.numbering import RegisterKind, Term, scope_key
from app.errors import Conflict


def org_terms(org: Organisation) -> list[Term]:
    return [Term(label=t.label, starts_on=t.starts_on, ends_on=t.ends_on)
            for t in org.committee_terms]


def register_scope(
    org: Organisation,
    register: RegisterKind,
    on: date,
    *,
    doc_type: str | None = None,
    secret: bool = False,
) -> str:
    """The scope key of the register series a document dated `on` is numbered in."""
    return scope_key(
        Family(org.family),
        register,
        on,
        doc_type=doc_type,
        terms=org_terms(org),
        secret=secret,
        per_type=org.dispatch_per_type,
    )


def _ensure_row(session: Session, org_id: int, register: str, key: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(RegisterSeries).values(
        organisation_id=org_id, register=register, scope_key=key, last_number=0
    )
    session.execute(stmt.on_conflict_do_nothing())


def lock_series(session: Session, org_id: int, register: str, key: str) -> None:
    """Hold the series until the transaction ends, without taking a number: a check on the
    series' latest entry (the order of receipt) then sees every entry committed before it.
    SQLite already holds the database write lock (IMMEDIATE)."""
    _ensure_row(session, org_id, register, key)
    session.execute(
        select(RegisterSeries.last_number)
        .where(
            RegisterSeries.organisation_id == org_id,
            RegisterSeries.register == register,
            RegisterSeries.scope_key == key,
        )
        .with_for_update()
    )


def take_number(session: Session, org_id: int, register: str, key: str) -> int:
    """The next number of the series; valid only if the caller's transaction commits."""
    _ensure_row(session, org_id, register, key)
    result = session.execute(
        update(RegisterSeries)
        .where(
            RegisterSeries.organisation_id == org_id,
            RegisterSeries.register == register,
            RegisterSeries.scope_key == key,
        )
        .values(last_number=RegisterSeries.last_number + 1)
        .returning(RegisterSeries.last_number)
    )
    return int(result.scalar_one())


def last_number(session: Session, org_id: int, register: str, key: str) -> int:
    value = session.scalar(
        select(RegisterSeries.last_number).where(
            RegisterSeries.organisation_id == org_id,
            RegisterSeries.register == register,
            RegisterSeries.scope_key == key,
        )
    )
    return int(value or 0)


def continue_from_paper(
    session: Session, org_id: int, register: str, key: str, last_paper_number: int
) -> tuple[int, int]:
    """Record the last number an office used on paper; the register continues after it.

    Returns (previous last number, new last number). Never lowers a series: a number already
    given stays given.
    """
    _ensure_row(session, org_id, register, key)
    row = session.execute(
        select(RegisterSeries)
        .where(
            RegisterSeries.organisation_id == org_id,
            RegisterSeries.register == register,
            RegisterSeries.scope_key == key,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    previous = row.last_number
    if last_paper_number < previous:
        raise Conflict(
            f"the {register} register {key} has already given number {previous}; it cannot "
            f"continue from {last_paper_number}",
            field="last_number",
            current_last_number=previous,
        )
    row.last_number = last_paper_number
    row.continued_from = last_paper_number
    session.flush()
    return previous, last_paper_number
