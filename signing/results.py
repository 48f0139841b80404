"""Small result records shared by the validators; all serialise to JSON via `to_dict()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One named check: `ok`, and a sentence a person can read (why it failed, or a note)."""

    name: str
    ok: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "reason": self.reason}


def failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.ok]
