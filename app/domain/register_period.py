"""Incoming lines are numbered in order of receipt (ND 30 Đ22.2): a receipt earlier than the
series' latest entry is a late entry, registered only with its reason.
"""

from __future__ import annotations

from datetime import datetime


def is_late(received_at: datetime, latest_receipt: datetime | None) -> bool:
    """A receipt earlier than the latest entry of its series is out of order (a late entry)."""
    return latest_receipt is not None and received_at < latest_receipt
