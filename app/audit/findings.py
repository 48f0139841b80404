"""What ``vanthu audit verify`` found: typed findings and the report it prints (text or JSON).

Every finding has a :class:`FindingCode` naming the precise problem; its :class:`FindingKind`
follows from the code. Code that sorts or filters findings uses the code and the structured
fields (``seq``, ``action``, ``entity``, ``row``); ``message`` is only the sentence for people.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from app.audit.merkle import EMPTY_ROOT


class FindingKind(StrEnum):
    """What a finding is about (the ``kind`` of the JSON report)."""

    EVENT = "event"
    NODE = "node"
    TREE_HEAD = "tree_head"
    REGISTER_ROW = "register_row"
    FILE = "file"
    TOKEN = "token"
    SEQUENCE = "sequence"


class FindingCode(StrEnum):
    """The precise problem (the ``code`` of the JSON report). docs/audit.md §10 lists them."""

    # events (audit_events rows)
    EVENT_ALTERED = "event_altered"
    """The row's columns no longer hash to its ``leaf_hash``."""
    EVENT_MALFORMED = "event_malformed"
    """The row's columns are not a valid event at all."""
    EVENT_LEAF_NODE_MISMATCH = "event_leaf_node_mismatch"
    """The row matches its own ``leaf_hash`` but not the log's leaf node: rewritten with it."""
    EVENT_ACTION_UNKNOWN = "event_action_unknown"
    """A well-formed, correctly hashed event whose action the service never records."""
    EVENT_MISSING = "event_missing"
    """A gap in the event numbers: those rows were deleted."""
    EVENT_ROWS_DELETED = "event_rows_deleted"
    """The log holds leaves past the last row: the last events' rows were deleted."""
    EVENT_SIGNED_MISSING = "event_signed_missing"
    """A signed tree head covers events past the log's end: they were deleted."""
    # audit_nodes
    NODE_MISSING = "node_missing"
    NODE_PAST_END = "node_past_end"
    """A node above the leaves covers events past the log's end."""
    NODE_ALTERED = "node_altered"
    # signed tree heads
    HEAD_NO_KEY = "head_no_key"
    """Heads are stored but there is no log key to check them with."""
    HEAD_MALFORMED = "head_malformed"
    HEAD_SIGNATURE_BAD = "head_signature_bad"
    HEAD_ROOT_MISMATCH = "head_root_mismatch"
    """The signed root differs while every event matches: events and nodes rewritten together."""
    # register rows (and users)
    ROW_DIGEST_MISMATCH = "row_digest_mismatch"
    """The row no longer hashes to the state its latest event recorded."""
    ROW_ACCESS_CHANGED = "row_access_changed"
    """A user's role or clearance differs from the one its event recorded."""
    ROW_DELETED = "row_deleted"
    ROW_NOT_DELETED = "row_not_deleted"
    """The row exists although its latest event deleted it."""
    ROW_WITHOUT_EVENT = "row_without_event"
    """The row has no event at all: written around the service."""
    # stored files
    FILE_MISSING = "file_missing"
    FILE_ALTERED = "file_altered"
    FILE_UNREADABLE = "file_unreadable"
    FILE_DIGEST_INVALID = "file_digest_invalid"
    """The row's column does not hold a SHA-256 digest."""
    # API tokens
    TOKEN_UNREVOKED = "token_unrevoked"
    TOKEN_OWNER_CHANGED = "token_owner_changed"
    TOKEN_DELETED = "token_deleted"
    TOKEN_WITHOUT_EVENT = "token_without_event"
    TOKEN_EXPIRY_CHANGED = "token_expiry_changed"
    # register series
    SEQUENCE_AHEAD = "sequence_ahead"
    """``last_number`` is above the register's rows: numbers taken without a row."""
    SEQUENCE_BEHIND = "sequence_behind"
    """``last_number`` is below the register's rows: numbers would be given twice."""
    SEQUENCE_DELETED = "sequence_deleted"
    SEQUENCE_PAPER_CLEARED = "sequence_paper_cleared"
    """``continued_from`` is empty although an event recorded a paper number."""
    SEQUENCE_PAPER_UNRECORDED = "sequence_paper_unrecorded"
    """``continued_from`` was set without an event."""
    SEQUENCE_PAPER_MISMATCH = "sequence_paper_mismatch"

    @property
    def kind(self) -> FindingKind:
        return _KIND_OF_PREFIX[self.value.split("_", 1)[0]]


_KIND_OF_PREFIX = {
    "event": FindingKind.EVENT, "node": FindingKind.NODE, "head": FindingKind.TREE_HEAD,
    "row": FindingKind.REGISTER_ROW, "file": FindingKind.FILE, "token": FindingKind.TOKEN,
    "sequence": FindingKind.SEQUENCE}


@dataclass(frozen=True)
class Finding:
    """One thing that does not hold; ``kind`` follows from ``code``."""

    kind: FindingKind = field(init=False)
    code: FindingCode
    message: str
    seq: int | None = None
    action: str | None = None  # as stored: it may be no AuditAction (EVENT_ACTION_UNKNOWN)
    entity: str | None = None  # "arrival 3": the event's subject
    row: str | None = None  # "arrivals row 3": the row a register_row, file, token or sequence
    #                         finding is about

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", self.code.kind)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "kind": self.kind.value, "code": self.code.value}


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
        events = [f for f in self.findings if f.kind is FindingKind.EVENT and f.seq is not None]
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
            "first_altered_event": None if first is None else first.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }
