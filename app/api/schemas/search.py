"""Search results."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.common import ArrivalStatus, Confidentiality, Page, RegisterKind


class EntryOut(BaseModel):
    # "register" is also a BaseModel attribute: the field is stored under another name.
    model_config = ConfigDict(populate_by_name=True)

    register_: RegisterKind = Field(alias="register")
    id: int
    org_code: str
    number: int = Field(description="số đến, số đi or the copy's number")
    notation: str | None = Field(None, description="a copy's own notation")
    status: ArrivalStatus | None
    on: date
    url: str


class SearchHitOut(BaseModel):
    document_id: int
    notation: str
    title: str
    issuer_code: str
    issuer_name: str
    type_code: str | None
    issued_on: date
    confidentiality: Confidentiality
    score: float = Field(description="rank: lower is better")
    entries: list[EntryOut]


class SearchPage(Page):
    items: list[SearchHitOut]
