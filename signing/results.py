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


class CheckedResult:
    """Shared behaviour of a result made of named checks (a signature, a chain link).

    Subclasses are dataclasses with a ``checks: list[Check]`` field.
    """

    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in vars(self).items() if k != "checks"}
        out["ok"] = self.ok
        out["checks"] = [c.to_dict() for c in self.checks]
        return out
