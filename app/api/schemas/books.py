"""The deadlines report (register books themselves are PDF or CSV, not JSON)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from app.api.schemas.common import ArrivalStatus


class DeadlineItemOut(BaseModel):
    arrival_id: int
    arrival_number: int = Field(description="số đến")
    received_on: date
    notation: str
    issuer: str
    summary: str = Field(description="tên loại và trích yếu; masked above the caller's clearance")
    deadline: date = Field(description="hạn giải quyết")
    status: ArrivalStatus
    state: Literal["overdue", "due_soon"]
    days_late: int = Field(description="days past the deadline (0 unless overdue)")
    days_left: int = Field(description="days until the deadline (0 when overdue or due today)")
    url: str


class UnitDeadlinesOut(BaseModel):
    unit: str = Field(description="the unit or person it was routed to, or (chưa chuyển)")
    overdue: int
    due_soon: int
    items: list[DeadlineItemOut]


class DeadlineReportOut(BaseModel):
    org_code: str
    org_name: str
    on: date = Field(description="the day the report is for (Vietnam time)")
    soon_days: int
    overdue: int
    due_soon: int
    units: list[UnitDeadlinesOut]
