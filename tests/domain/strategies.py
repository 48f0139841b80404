"""Hypothesis strategies for valid notations, places and times."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from app.domain.doc_types import Family, TypeKind, known_abbreviations
from app.domain.notation import Notation, _looks_like_state_type

UPPER = "ABCDEFGHIKLMNOPQRSTUVXYĐ"
MIXED = UPPER + "abcdđioyr"
DIGITS = "0123456789"

type_codes = st.text(alphabet=MIXED, min_size=1, max_size=5)
state_types = st.sampled_from(
    sorted(known_abbreviations(Family.STATE, frozenset({TypeKind.ADMINISTRATIVE, TypeKind.COPY})))
)
# An issuer group: letters, sometimes digits after them (QH15), always at least one letter.
issuer_group = st.builds(
    lambda a, b: a + b,
    st.text(alphabet=UPPER + "g", min_size=1, max_size=6),
    st.text(alphabet=DIGITS, max_size=2),
)
groups = st.lists(issuer_group, min_size=1, max_size=3).map("-".join)
numbers = st.integers(min_value=1, max_value=999_999)

party_notations = st.builds(
    lambda n, t, i: Notation(Family.PARTY, n, t, i), numbers, type_codes, groups
)
state_typed = st.builds(
    lambda n, t, i, u: Notation(Family.STATE, n, t, i, unit=u),
    numbers,
    state_types,
    issuer_group,
    st.none() | groups,
)
state_cong_van = st.builds(
    lambda n, i, u: Notation(Family.STATE, n, None, i, unit=u),
    numbers,
    issuer_group.filter(lambda g: not _looks_like_state_type(g)),
    st.none() | groups,
)
state_normative = st.builds(
    lambda n, y, t, i, u: Notation(Family.STATE, n, t, i, year=y, unit=u),
    numbers,
    st.integers(min_value=1000, max_value=9999),
    type_codes,
    issuer_group,
    st.none() | groups,
) | st.builds(
    lambda n, y, i: Notation(Family.STATE, n, None, i, year=y),
    numbers,
    st.integers(min_value=1000, max_value=9999),
    issuer_group,
)
notations = party_notations | state_typed | state_cong_van | state_normative

VN_LETTERS = (
    "abcdeghiklmnopqrstuvxyàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
)
word = st.text(alphabet=VN_LETTERS, min_size=1, max_size=8).map(lambda w: w[0].upper() + w[1:])
places = st.lists(word, min_size=1, max_size=5).map(" ".join)
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
aware_times = st.builds(
    lambda dt, tz: dt.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30)).map(
        lambda dt: dt.replace(microsecond=0)
    ),
    offsets,
)
