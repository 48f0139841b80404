"""Numbering scopes: which series (dãy số) a number is taken from.

A series is identified by (organisation, register, scope key). This module computes the scope key
only; the sequence engine (app/services/numbering.py) stores one counter per key. Keys are stored
in the database: their shapes below are a stable contract.

| register | State (ND 30)                                   | Party (HD 36)                      |
|----------|-------------------------------------------------|------------------------------------|
| arrival  | ``2020`` (Đ22.2)                                 | ``2020`` (ND 30 applied; [U])      |
| dispatch | ``2020``; ``2020/QĐ`` if per type (Đ15.1.c);     | ``term:2015-2020/TB`` per type and |
|          | secret: ``2020/MAT`` (Đ15.2)                     | term, secret shares it             |
| copy     | ``2020`` for SY, SL and TrS (Phụ lục I Phần II)  | ``term:2015-2020/BS``              |

A congress (đại hội) numbers all its documents in one series: a Term flagged ``congress`` gives
``congress:<label>`` for every type (HD 36 Mục II 1.3.1.a).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.doc_types import Family
from app.domain.errors import ScopeError


class RegisterKind(StrEnum):
    ARRIVAL = "arrival"  # sổ đăng ký văn bản đến
    DISPATCH = "dispatch"  # sổ đăng ký văn bản đi
    COPY = "copy"  # sổ bản sao


@dataclass(frozen=True)
class Term:
    """A committee term (nhiệm kỳ cấp ủy), an organisation setting: both ends inclusive.

    HD 36: a term runs from the day after this congress's closing day to the next congress's
    closing day (or from the opening of the new committee's first plenum, when held during the
    congress). ``ends_on`` is None for the current term.
    """

    label: str  # "2015-2020"
    starts_on: date
    ends_on: date | None = None
    congress: bool = False  # the period of a congress, numbered in one series for all types

    def covers(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)

    def describe(self) -> str:
        end = self.ends_on.isoformat() if self.ends_on else "open"
        return f"{self.label} ({self.starts_on.isoformat()} to {end})"


PARTY_COPY_SERIES = "BS"  # one bản sao series per term, whatever code the notation shows
SECRET_SERIES = "MAT"


def _check_terms(terms: list[Term]) -> None:
    for t in terms:
        if not t.label or "/" in t.label or t.label != t.label.strip():
            raise ScopeError(
                f"term label must be non-empty, without '/' or surrounding spaces, got {t.label!r}"
            )
        if t.ends_on is not None and t.ends_on < t.starts_on:
            raise ScopeError(
                f"term {t.label} ends on {t.ends_on.isoformat()}, before it starts on "
                f"{t.starts_on.isoformat()}"
            )


def term_for(on: date, terms: list[Term]) -> Term:
    """The committee term a date falls in.

    When two terms overlap (the new committee's first plenum is held during the congress, before
    the old term's closing day) the later-starting term wins: the newly elected committee issues.
    """
    _check_terms(terms)
    if not terms:
        raise ScopeError(
            "the organisation has no committee terms configured; Party documents are numbered "
            "per type within a committee term (HD 36 Mục II 1.3.1.a)"
        )
    covering = [t for t in terms if t.covers(on)]
    if not covering:
        known = "; ".join(t.describe() for t in sorted(terms, key=lambda t: t.starts_on))
        raise ScopeError(
            f"no committee term of the organisation covers {on.isoformat()}; configured terms: "
            f"{known}"
        )
    return max(covering, key=lambda t: t.starts_on)


def _type_part(doc_type: str | None) -> str:
    if doc_type is None or not doc_type.strip():
        raise ScopeError("the document type is needed to choose its series", field="doc_type")
    if "/" in doc_type or doc_type != doc_type.strip():
        raise ScopeError(
            f"document type code cannot contain '/' or edge spaces, got {doc_type!r}",
            field="doc_type",
        )
    return doc_type


def scope_key(
    family: Family,
    register: RegisterKind,
    on: date,
    *,
    doc_type: str | None,
    terms: list[Term],
    secret: bool = False,
    per_type: bool = False,
) -> str:
    """The scope key of the series a document dated ``on`` is numbered in (see the module table).

    ``doc_type`` is the type's catalogue code (``TB``; ``CV`` for công văn). ``per_type`` is the
    State head's choice of one series per type (ND 30 Đ15.1.c); Party series are always per type.
    ``secret`` puts State dispatches in the year's separate secret series (Đ15.2); Party secret
    documents share their type's series (HD 36).
    """
    year = f"{on.year:04d}"
    if register is RegisterKind.ARRIVAL:
        return year
    if family is Family.STATE:
        if register is RegisterKind.COPY:
            return year
        if secret:
            return f"{year}/{SECRET_SERIES}"
        if per_type:
            return f"{year}/{_type_part(doc_type)}"
        return year
    term = term_for(on, terms)
    if term.congress:
        return f"congress:{term.label}"
    if register is RegisterKind.COPY:
        return f"term:{term.label}/{PARTY_COPY_SERIES}"
    return f"term:{term.label}/{_type_part(doc_type)}"
