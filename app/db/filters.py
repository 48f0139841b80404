"""The parts a list query is made of. Each filter appends itself to a SELECT (the shape of
advanced-alchemy's StatementFilter), so a register's list reads as the parts it is built from:
whose register, what the caller may see, which year, which page.

A filter given no value (None, or empty text) leaves the statement as it was, so a list passes
every optional query parameter straight in.
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, ClassVar, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.document import Document

S = TypeVar("S", bound=Select[Any])
T = TypeVar("T")


class StatementFilter(ABC):
    """One condition (or ordering) of a list query."""

    @abstractmethod
    def append_to(self, stmt: S) -> S:
        """The statement with this filter added."""


def apply(stmt: S, *filters: StatementFilter | None) -> S:
    """`stmt` with each filter appended in turn (a None stands for no filter)."""
    for flt in filters:
        if flt is not None:
            stmt = flt.append_to(stmt)
    return stmt


def _absent(value: object) -> bool:
    return value is None or value == ""


@dataclass(frozen=True)
class InOrganisation(StatementFilter):
    """Rows of one organisation's register (`model.organisation_id`)."""

    model: Any
    org_id: int

    def append_to(self, stmt: S) -> S:
        return stmt.where(self.model.organisation_id == self.org_id)


@dataclass(frozen=True)
class VisibleTo(StatementFilter):
    """Documents of a độ mật the caller's clearance covers (`Principal.visible_levels()`); the
    statement must already select or join `Document`."""

    levels: Sequence[str]

    def append_to(self, stmt: S) -> S:
        return stmt.where(Document.confidentiality.in_(tuple(self.levels)))


@dataclass(frozen=True)
class InYear(StatementFilter):
    """A date column within one calendar year (1 January to 31 December, both included)."""

    column: InstrumentedAttribute[date] | InstrumentedAttribute[date | None]
    year: int | None

    def append_to(self, stmt: S) -> S:
        if not self.year:
            return stmt
        return stmt.where(self.column.between(date(self.year, 1, 1), date(self.year, 12, 31)))


@dataclass(frozen=True)
class _Compared(StatementFilter):
    """A column compared with a value by `compare`; no value (None, "") means no filter."""

    compare: ClassVar[Callable[[Any, Any], Any]]
    column: Any
    value: object

    def append_to(self, stmt: S) -> S:
        return stmt if _absent(self.value) else stmt.where(type(self).compare(self.column,
                                                                               self.value))


class Equals(_Compared):
    """A column equal to a value (a status, a kind, an id, a code)."""

    compare = operator.eq


class Since(_Compared):
    """A column at or after a bound (`>=`)."""

    compare = operator.ge


class Until(_Compared):
    """A column at or before a bound (`<=`, the bound included)."""

    compare = operator.le


class Before(_Compared):
    """A column strictly before a bound (`<`, the bound excluded)."""

    compare = operator.lt


class Where(StatementFilter):
    """Conditions of one list only (written out where they are used)."""

    def __init__(self, *conditions: ColumnElement[bool]) -> None:
        self.conditions = conditions

    def append_to(self, stmt: S) -> S:
        return stmt.where(*self.conditions)


@dataclass(frozen=True)
class KeysetPage(StatementFilter):
    """Newest first by an integer key; the page after `after` (the last key of the page before,
    the value `app.api.cursor` encodes). One row beyond `limit` is read to know whether a next
    page exists."""

    key: InstrumentedAttribute[int]
    after: int | None
    limit: int

    def append_to(self, stmt: S) -> S:
        stmt = stmt.order_by(self.key.desc())
        if self.after is not None:
            stmt = stmt.where(self.key < self.after)
        return stmt.limit(self.limit + 1)

    def split(self, rows: Sequence[T]) -> tuple[list[T], int | None]:
        """(this page, the key to continue after, or None on the last page)."""
        page = list(rows[: self.limit])
        more = len(rows) > self.limit and bool(page)
        return page, (getattr(page[-1], self.key.key) if more else None)

    def read(self, session: Session, stmt: Select[T],
             keep: Callable[[T], bool] | None = None) -> tuple[list[T], int | None]:
        """The page of `stmt`. With `keep` (a test SQL cannot make, such as text folded for
        diacritics) rows are read in batches, newest first, until the page is full."""
        if keep is None:
            return self.split(list(session.scalars(self.append_to(stmt))))
        batch = replace(self, limit=max(self.limit * 4, 200) - 1)
        rows: list[T] = []
        while len(rows) <= self.limit:
            found = list(session.scalars(batch.append_to(stmt)))
            if not found:
                break
            rows.extend(row for row in found if keep(row))
            batch = replace(batch, after=getattr(found[-1], self.key.key))
        return self.split(rows)
