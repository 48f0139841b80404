"""The field types of what users type in: cleaned single lines and texts that fit their
columns, plausible days and instants, organisation codes, and the strict input base.

The use cases' inputs (app/services) and the API's request bodies are the same models, built
from these types, so a value is checked once, the same way, wherever it comes from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from app.domain.text import nfc

#: Bidirectional overrides and marks: they make a name display differently from what it is.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u200e")


def _clean(value: str) -> str:
    value = nfc(value)
    bad = [c for c in value if (ord(c) < 32 and c not in "\n\t") or c in _BIDI]
    if bad:
        raise ValueError("must not contain control or bidirectional-override characters")
    return value


#: Register dates lie between these days (the register book's years); a day far outside is a
#: typing error, and arithmetic on it (a deadline plus days, a time in Vietnam) would overflow.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def _plausible_day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return value


def _plausible_instant(value: datetime) -> datetime:
    _plausible_day(value.date())  # the day where it was written: in range, it converts safely
    return value


Day = Annotated[date, AfterValidator(_plausible_day)]
Instant = Annotated[datetime, AfterValidator(_plausible_instant)]
AwareInstant = Annotated[AwareDatetime, AfterValidator(_plausible_instant)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
                 AfterValidator(_clean)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=300), AfterValidator(_clean)]
#: Single lines that fit the database columns they are stored in (VARCHAR(n) on PostgreSQL, which
#: refuses a longer value: the 422 here names the field instead).
Line10 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10),
                   AfterValidator(_clean)]
Line40 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
                   AfterValidator(_clean)]
Line60 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
                   AfterValidator(_clean)]
Line100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
                    AfterValidator(_clean)]
Line200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                    AfterValidator(_clean)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30,
                                        pattern=r"^[A-Za-z0-9ĐđĂăÂâÊêÔôƠơƯư_.-]+$")]

#: Row ids are INTEGER columns (int4 on PostgreSQL): no row has a larger id, and a larger one would
#: overflow the database driver (a 500) instead of meaning "no such row".
MAX_ID = 2**31 - 1
#: A row id in a JSON body.
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Strict(BaseModel):
    """An input model: unknown fields are refused (a typo is a 422, not silently dropped)."""

    model_config = ConfigDict(extra="forbid")
