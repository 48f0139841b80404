"""Search results."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.common import Page


class EntryOut(BaseModel):
    # "register" is also a BaseModel attribute: the field is stored under another name.
    model_config = ConfigDict(populate_by_name=True)

    register_: Literal["arrival", "dispatch", "copy"] = Field(alias="register")
    id: int
    org_code: str
    number: int = Field(description="số đến, số đi or the copy's number")
    notation: str | None = Field(None, description="a copy's own notation")
    status: str | None
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
    confidentiality: str
    score: float = Field(description="rank: lower is better")
    entries: list[EntryOut]


class SearchPage(Page):
    items: list[SearchHitOut]
