"""Shared field types."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import (
    BaseModel,
    Field,
)

from app.domain.copy_forms import CopyKind as CopyKind
from app.domain.doc_types import Family as Family
from app.domain.fields import FIRST_DAY as FIRST_DAY
from app.domain.fields import LAST_DAY as LAST_DAY
from app.domain.fields import MAX_ID as MAX_ID
from app.domain.fields import AwareInstant as AwareInstant
from app.domain.fields import Code as Code
from app.domain.fields import Day as Day
from app.domain.fields import Instant as Instant
from app.domain.fields import Line10 as Line10
from app.domain.fields import Line40 as Line40
from app.domain.fields import Line60 as Line60
from app.domain.fields import Line100 as Line100
from app.domain.fields import Line200 as Line200
from app.domain.fields import RowId as RowId
from app.domain.fields import ShortText as ShortText
from app.domain.fields import Strict as Strict
from app.domain.fields import Text as Text
from app.domain.marks import Confidentiality as Confidentiality
from app.domain.marks import Urgency as Urgency
from app.domain.numbering import RegisterKind as RegisterKind
from app.domain.statuses import ArrivalStatus as ArrivalStatus
from app.domain.statuses import CopyRequestStatus as CopyRequestStatus
from app.domain.statuses import InboxStatus as InboxStatus
from app.domain.statuses import Role as Role

#: Audit events (BIGINT) go up to MAX_SEQ; row ids up to MAX_ID (app/domain/fields.py).
MAX_SEQ = 2**63 - 1
#: A row id in the path (`/arrivals/{arrival_id}`) and in a query (`?document_id=`).
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
#: A year in a query (`?year=`).
QueryYear = Annotated[int | None, Query(ge=1900, le=2999)]
# The vocabulary (Confidentiality, Urgency, Family, Role, CopyKind, the statuses) is the
# domain's enums, imported above: the OpenAPI schema, the CHECK constraints and the code list
# the same values.


class Page(BaseModel):
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page")
