"""What ``vanthu audit verify`` found: its findings and the report it prints (text or JSON)."""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

from app.audit.merkle import EMPTY_ROOT


@dataclass(frozen=True)
class Finding:
    """One thing that does not hold. ``kind``: event, node, tree_head, register_row, file, token
    or sequence."""

    kind: str
    message: str
    seq: int | None = None
    action: str | None = None
    entity: str | None = None  # "arrival 3": the event's subject
    row: str | None = None  # "arrivals row 3": the row a register_row, file, token or sequence
    #                         finding is about


@dataclass
class VerifyReport:
    size: int = 0
    root: bytes = EMPTY_ROOT
    tree_heads: int = 0
    register_rows: int = 0
    #: Stored files (document files, copies' PDFs and envelopes) read back and found whole.
    files: int = 0
    #: Register series whose last number matches their rows (or their audited paper number).
    sequences: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_altered_event(self) -> Finding | None:
        """The event finding with the lowest seq: the earliest change in log order."""
        events = [f for f in self.findings if f.kind == "event" and f.seq is not None]
        return min(events, key=lambda f: f.seq or 0, default=None)

    def summary(self) -> str:
        root = base64.b64encode(self.root).decode("ascii")
        if self.ok:
            heads = "head" if self.tree_heads == 1 else "heads"
            return (f"audit log OK: {self.size} events, root {root} (base64), {self.tree_heads} "
                    f"signed tree {heads} verified, {self.register_rows} register rows match "
                    f"their latest event, {self.files} stored files match their SHA-256, "
                    f"{self.sequences} register series match their rows")
        lines = [f"audit log FAILED: {len(self.findings)} problem(s) in a log of {self.size} "
                 "events"]
        first = self.first_altered_event
        if first is not None:
            lines.append(f"first altered event: {first.seq}"
                         + (f" ({first.action}, {first.entity})" if first.action else ""))
        lines += [f"- {f.message}" for f in self.findings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        first = self.first_altered_event
        return {
            "ok": self.ok,
            "size": self.size,
            "root_hash": base64.b64encode(self.root).decode("ascii"),
            "tree_heads": self.tree_heads,
            "register_rows": self.register_rows,
            "files": self.files,
            "sequences": self.sequences,
            "first_altered_event": None if first is None else asdict(first),
            "findings": [asdict(f) for f in self.findings],
        }
