"""The document-type catalogue (loại văn bản) and its abbreviations, versioned by date of issue.

The tables live in ``doc_types_data.json`` because the rules change (Party 66-QĐ/TW → 399-QĐ/TW in
January 2026): a new ruleset is a data change. A document is judged by the ruleset in force on its
date of issue; dates before the earliest known ruleset of a family use that earliest ruleset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from app.domain.errors import DomainError
from app.domain.text import fold


class TypeCodeError(DomainError):
    """A document type code that is not in the family's catalogue."""

    default_field = "type_code"


class Family(StrEnum):
    """Which rules a body follows: the Party's (HD 36 / HD 05) or the State's (ND 30)."""

    PARTY = "party"
    STATE = "state"


class TypeKind(StrEnum):
    ADMINISTRATIVE = "administrative"  # văn bản hành chính
    COPY = "copy"  # bản sao
    NORMATIVE = "normative"  # văn bản quy phạm pháp luật (numbered N/YYYY/TYPE-ISSUER)
    POLITICAL = "political"  # Party charter-level texts (cương lĩnh, điều lệ), not numbered by type


@dataclass(frozen=True)
class DocType:
    """One document type: ``code`` is our stable key, ``abbreviation`` what the ký hiệu shows."""

    code: str
    name: str
    family: Family
    abbreviation: str | None
    kind: TypeKind = TypeKind.ADMINISTRATIVE
    aliases: tuple[str, ...] = ()  # other abbreviations accepted on input (e.g. Party "SL")
    confidence: str = "P"  # P primary text, S secondary, I practice, U unconfirmed

    @property
    def is_copy(self) -> bool:
        return self.kind is TypeKind.COPY

    def accepts(self, abbreviation: str) -> bool:
        return abbreviation == self.abbreviation or abbreviation in self.aliases


@dataclass(frozen=True)
class Ruleset:
    id: str
    family: Family
    effective_from: date
    sources: tuple[str, ...]
    types: tuple[DocType, ...] = field(repr=False)


def _type_from(raw: dict[str, Any], family: Family) -> DocType:
    return DocType(
        code=raw["code"],
        name=raw["name"],
        family=family,
        abbreviation=raw.get("abbreviation"),
        kind=TypeKind(raw.get("kind", "administrative")),
        aliases=tuple(raw.get("aliases", ())),
        confidence=raw.get("confidence", "P"),
    )


@cache
def rulesets() -> tuple[Ruleset, ...]:
    """All rulesets, oldest first within each family (the packaged data file, read once)."""
    text = resources.files("app.domain").joinpath("doc_types_data.json").read_text("utf-8")
    raw = json.loads(text)
    out = []
    for rs in raw["rulesets"]:
        family = Family(rs["family"])
        out.append(
            Ruleset(
                id=rs["id"],
                family=family,
                effective_from=date.fromisoformat(rs["effective_from"]),
                sources=tuple(rs["sources"]),
                types=tuple(_type_from(t, family) for t in rs["types"]),
            )
        )
    return tuple(sorted(out, key=lambda r: (r.family, r.effective_from)))


def ruleset_for(family: Family, on: date | None = None) -> Ruleset:
    """The ruleset in force on ``on`` (the newest when ``on`` is None).

    Before a family's first ruleset the first one applies: older documents still circulate and the
    earlier tables (TTLT 55/2005, TT 01/2011; HD 11-HD/VPTW) are mostly the same.
    """
    mine = [r for r in rulesets() if r.family is family]
    if on is None:
        return mine[-1]
    chosen = mine[0]
    for r in mine:
        if r.effective_from <= on:
            chosen = r
    return chosen


def doc_types(family: Family, on: date | None = None) -> list[DocType]:
    """The types of ``family`` in force on ``on``, in catalogue order."""
    return list(ruleset_for(family, on).types)


def known_abbreviations(family: Family, kinds: frozenset[TypeKind] | None = None) -> frozenset[str]:
    """Every abbreviation or alias of ``family`` in any ruleset (old and new notations alike)."""
    out: set[str] = set()
    for r in rulesets():
        if r.family is not family:
            continue
        for t in r.types:
            if kinds is not None and t.kind not in kinds:
                continue
            if t.abbreviation:
                out.add(t.abbreviation)
            out.update(t.aliases)
    return frozenset(out)


def lookup_type(family: Family, abbreviation: str, on: date | None = None) -> DocType | None:
    """The type written ``abbreviation`` in a ký hiệu, or None.

    Exact spelling first (so "HD" is Hướng dẫn and "HĐ" Hợp đồng); then, only if exactly one
    type matches, ignoring case, and last ignoring case and Đ/D (ASCII-typed "QD").
    """
    types = doc_types(family, on)
    exact = [t for t in types if t.accepts(abbreviation)]
    if exact:
        return exact[0]
    for key in (str.casefold, fold):
        wanted = key(abbreviation)
        hits = [
            t
            for t in types
            if any(key(a) == wanted for a in (t.abbreviation, *t.aliases) if a is not None)
        ]
        if len(hits) == 1:
            return hits[0]
        if hits:
            return None
    return None


def _name_keys(name: str) -> set[str]:
    keys = {fold(name)}
    if "(" in name:  # "Quyết định (cá biệt)" is also found as "Quyết định"
        keys.add(fold(name.split("(", 1)[0]))
    return keys


def type_by_name(family: Family, name: str, on: date | None = None) -> DocType | None:
    """The type called ``name``: "THÔNG BÁO", "Thông báo" and "thong bao" all find Thông báo."""
    wanted = fold(name)
    for t in doc_types(family, on):
        if wanted in _name_keys(t.name):
            return t
    return None


def type_by_code(family: Family, code: str, on: date | None = None) -> DocType | None:
    """The type with stable ``code`` (e.g. "CV": State công văn, which has no abbreviation)."""
    for t in doc_types(family, on):
        if t.code == code:
            return t
    return None


def canonical_type(family: Family, typed: str, on: date | None = None) -> DocType:
    """The catalogue type a clerk means by ``typed``: "ctr", "CTr" and "C Tr" are Chương trình,
    "QD", "Qđ" and "QĐ" Quyết định. Spaces are dropped, then ``lookup_type`` decides (exact,
    then case, then Đ/D). An unknown or ambiguous code is refused, listing the family's codes,
    so one type never starts two series."""
    compact = "".join(typed.split())
    found = lookup_type(family, compact, on) if compact else None
    if found is None and compact:  # a type without abbreviation by its code (State "CV")
        found = next((t for t in doc_types(family, on)
                      if t.code.casefold() == compact.casefold()), None)
    if found is None:
        codes = ", ".join(t.abbreviation or t.code for t in doc_types(family, on))
        raise TypeCodeError(f"{typed!r} is not a {family.value} document type; the codes are: "
                            f"{codes}")
    return found
