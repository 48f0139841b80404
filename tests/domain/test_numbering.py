from __future__ import annotations

from datetime import date

import pytest

from app.domain.doc_types import Family
from app.domain.errors import ScopeError
from app.domain.numbering import RegisterKind, Term, scope_key, term_for

P, S = Family.PARTY, Family.STATE
ARR, OUT, COPY = RegisterKind.ARRIVAL, RegisterKind.DISPATCH, RegisterKind.COPY
# Đắk Nông provincial committee: XI congress closed 2015-10-15 (illustrative dates).
TERMS = [
    Term("2010-2015", date(2010, 10, 16), date(2015, 10, 15)),
    Term("2015-2020", date(2015, 10, 16), date(2020, 10, 15)),
    Term("2020-2025", date(2020, 10, 16), None),
]


def test_arrivals_per_year_both_families() -> None:
    for family in (P, S):
        assert scope_key(family, ARR, date(2020, 1, 29), doc_type=None, terms=[]) == "2020"
        assert scope_key(family, ARR, date(2020, 12, 31), doc_type="TB", terms=[]) == "2020"
        assert scope_key(family, ARR, date(2021, 1, 1), doc_type=None, terms=[]) == "2021"


def test_state_dispatch_resets_on_1_january() -> None:
    last = scope_key(S, OUT, date(2020, 12, 31), doc_type="QĐ", terms=[])
    first = scope_key(S, OUT, date(2021, 1, 1), doc_type="QĐ", terms=[])
    assert (last, first) == ("2020", "2021")


def test_state_dispatch_per_type_and_secret() -> None:
    kw = {"terms": [], "per_type": True}
    assert scope_key(S, OUT, date(2020, 5, 1), doc_type="QĐ", **kw) == "2020/QĐ"  # type: ignore[arg-type]
    assert scope_key(S, OUT, date(2020, 5, 1), doc_type="CV", **kw) == "2020/CV"  # type: ignore[arg-type]
    # one separate secret series per year, whatever the type (ND 30 Đ15.2)
    for per_type in (False, True):
        key = scope_key(
            S, OUT, date(2020, 5, 1), doc_type="QĐ", terms=[], secret=True, per_type=per_type
        )
        assert key == "2020/MAT"
    assert scope_key(S, OUT, date(2021, 1, 1), doc_type=None, terms=[], secret=True) == "2021/MAT"


def test_state_per_type_needs_type() -> None:
    with pytest.raises(ScopeError) as info:
        scope_key(S, OUT, date(2020, 5, 1), doc_type=None, terms=[], per_type=True)
    assert (info.value.field, info.value.reason) == (
        "doc_type",
        "the document type is needed to choose its series",
    )


def test_state_copies_one_series_per_year() -> None:
    keys = {scope_key(S, COPY, date(2020, 2, 4), doc_type=t, terms=[]) for t in ("SY", "SL", "TrS")}
    assert keys == {"2020"}
    assert scope_key(S, COPY, date(2021, 1, 1), doc_type="SY", terms=[]) == "2021"


def test_party_dispatch_per_type_per_term() -> None:
    assert scope_key(P, OUT, date(2020, 1, 15), doc_type="TB", terms=TERMS) == "term:2015-2020/TB"
    assert scope_key(P, OUT, date(2020, 1, 15), doc_type="KL", terms=TERMS) == "term:2015-2020/KL"
    # no reset on 1 January inside a term
    assert scope_key(P, OUT, date(2019, 12, 31), doc_type="TB", terms=TERMS) == "term:2015-2020/TB"
    # secret documents share their type's series (HD 36)
    assert (
        scope_key(
            P, OUT, date(2020, 1, 15), doc_type="TB", terms=TERMS, secret=True, per_type=False
        )
        == "term:2015-2020/TB"
    )


def test_party_term_boundary() -> None:
    closing = date(2020, 10, 15)
    assert scope_key(P, OUT, closing, doc_type="TB", terms=TERMS) == "term:2015-2020/TB"
    after = date(2020, 10, 16)
    assert scope_key(P, OUT, after, doc_type="TB", terms=TERMS) == "term:2020-2025/TB"
    assert scope_key(P, COPY, closing, doc_type=None, terms=TERMS) == "term:2015-2020/BS"
    assert scope_key(P, COPY, after, doc_type="SL", terms=TERMS) == "term:2020-2025/BS"


def test_party_overlap_first_plenum_during_congress() -> None:
    # New committee's first plenum on 14 Oct, during the congress that closes on 15 Oct.
    terms = [
        Term("2015-2020", date(2015, 10, 16), date(2020, 10, 15)),
        Term("2020-2025", date(2020, 10, 14), None),
    ]
    assert term_for(date(2020, 10, 13), terms).label == "2015-2020"
    assert term_for(date(2020, 10, 14), terms).label == "2020-2025"


def test_party_congress_series() -> None:
    congress = [Term("DH-XII", date(2020, 10, 13), date(2020, 10, 15), congress=True)]
    keys = {scope_key(P, OUT, date(2020, 10, 14), doc_type=t, terms=congress) for t in ("NQ", "BB")}
    assert keys == {"congress:DH-XII"}


def test_party_date_outside_terms() -> None:
    with pytest.raises(ScopeError) as info:
        scope_key(P, OUT, date(2010, 10, 15), doc_type="TB", terms=TERMS)
    assert info.value.field == "terms"
    assert info.value.reason == (
        "no committee term of the organisation covers 2010-10-15; configured terms: "
        "2010-2015 (2010-10-16 to 2015-10-15); 2015-2020 (2015-10-16 to 2020-10-15); "
        "2020-2025 (2020-10-16 to open)"
    )


def test_party_without_terms_or_type() -> None:
    with pytest.raises(ScopeError) as info:
        scope_key(P, COPY, date(2020, 2, 4), doc_type=None, terms=[])
    assert info.value.field == "terms"
    assert info.value.reason.startswith("the organisation has no committee terms configured")
    with pytest.raises(ScopeError) as info:
        scope_key(P, OUT, date(2020, 2, 4), doc_type=None, terms=TERMS)
    assert info.value.field == "doc_type"


def test_bad_terms_rejected() -> None:
    with pytest.raises(ScopeError) as info:
        term_for(date(2020, 1, 1), [Term("2020-2015", date(2020, 1, 1), date(2015, 1, 1))])
    assert info.value.reason == "term 2020-2015 ends on 2015-01-01, before it starts on 2020-01-01"
    with pytest.raises(ScopeError):
        term_for(date(2020, 1, 1), [Term("a/b", date(2020, 1, 1), None)])
