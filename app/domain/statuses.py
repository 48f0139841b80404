"""The states a register entry moves through, and who may act: one definition each.

The API schemas, the database's CHECK constraints and the docs take their values from here.
"""

from __future__ import annotations

from enum import StrEnum


class ArrivalStatus(StrEnum):
    """Tình trạng giải quyết of an incoming document (văn bản đến), ND 30 Đ22–24."""

    RECEIVED = "received"  # đã tiếp nhận
    ROUTED = "routed"  # đã chuyển (trình, chuyển giao)
    IN_PROGRESS = "in_progress"  # đang giải quyết
    DONE = "done"  # đã giải quyết

    @property
    def label(self) -> str:
        return _ARRIVAL_LABELS[self]

    def can_become(self, new: ArrivalStatus) -> bool:
        """Received → routed → in progress → done; in progress may be routed again."""
        return new in _ARRIVAL_MOVES[self]


_ARRIVAL_LABELS = {
    ArrivalStatus.RECEIVED: "Đã tiếp nhận",
    ArrivalStatus.ROUTED: "Đã chuyển",
    ArrivalStatus.IN_PROGRESS: "Đang giải quyết",
    ArrivalStatus.DONE: "Đã giải quyết",
}
_ARRIVAL_MOVES = {
    ArrivalStatus.RECEIVED: {ArrivalStatus.RECEIVED, ArrivalStatus.ROUTED},
    ArrivalStatus.ROUTED: {ArrivalStatus.ROUTED, ArrivalStatus.IN_PROGRESS},
    ArrivalStatus.IN_PROGRESS: {ArrivalStatus.IN_PROGRESS, ArrivalStatus.ROUTED,
                                ArrivalStatus.DONE},
    ArrivalStatus.DONE: {ArrivalStatus.DONE},
}

#: The statuses of an entry still being handled (not done).
OPEN_ARRIVAL_STATUSES = (ArrivalStatus.RECEIVED, ArrivalStatus.ROUTED, ArrivalStatus.IN_PROGRESS)


class CopyRequestStatus(StrEnum):
    """A department's request for a certified copy (đề nghị sao văn bản)."""

    PENDING = "pending"  # chờ duyệt
    REFUSED = "refused"  # từ chối
    ISSUED = "issued"  # đã cấp bản sao


class InboxStatus(StrEnum):
    """A document delivered to an office's inbox, waiting to be registered as an arrival."""

    PENDING = "pending"  # chờ vào sổ
    REGISTERED = "registered"  # đã vào sổ đến
    WITHDRAWN = "withdrawn"  # đã thu hồi (the sender cancelled or revoked it)


class Role(StrEnum):
    """Who a user is in the office."""

    CLERK = "clerk"  # văn thư
    HEAD = "head"  # lãnh đạo văn phòng
    DEPARTMENT = "department"  # đơn vị, phòng ban
    AUDITOR = "auditor"  # kiểm tra, thanh tra
    ADMIN = "admin"  # quản trị hệ thống
