"""Checks 1–3 of ``vanthu audit verify`` (docs/audit.md §10): events, nodes, signed tree heads.

Pure: the caller reads the rows (``app/services/audit_verify.py``) and hands them over in order;
this module recomputes the log in memory and reports what does not hold as typed findings.

1. **Events.** Each event row, rebuilt into its event, must hash to its ``leaf_hash``; numbers
   run 0 … n−1 without a gap; its action must be an :class:`AuditAction`.
2. **Nodes.** Every stored node must equal the recomputed one; none may be missing or extra.
3. **Signed tree heads.** Each head's signature must verify with the log key and its root must
   equal the recomputed root at its size.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from app.audit.event_codec import event_leaf_hash
from app.audit.findings import Finding, FindingCode, FindingKind, VerifyReport
from app.audit.merkle import MerkleLog
from app.audit.node_store import InMemoryNodeStore
from app.audit.tree_head import SignedTreeHead, VerifyingKey, key_id, verify_tree_head
from app.domain.audit_actions import AuditAction

#: Stands in for the leaf of an event whose row is gone or unreadable, so later leaves keep their
#: index; the event itself is reported.
PLACEHOLDER = bytes(32)
KNOWN_ACTIONS = frozenset(a.value for a in AuditAction)


class EventRow(Protocol):
    """What the checks read of an ``audit_events`` row."""

    @property
    def seq(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def subject_type(self) -> str: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def leaf_hash(self) -> bytes: ...


R = TypeVar("R", bound=EventRow)


@dataclass(frozen=True)
class StoredHead:
    """A ``signed_tree_heads`` row: its head, or why it could not be read."""

    id: int
    tree_size: int
    signed: SignedTreeHead | None
    error: str | None = None

    @property
    def label(self) -> str:
        return f"signed tree head {self.id} (size {self.tree_size})"


def entity(row: EventRow) -> str:
    return f"{row.subject_type} {row.subject_id}"


def event_finding(code: FindingCode, seq: int, why: str, action: str | None = None,
                  subject: str | None = None) -> Finding:
    """A finding on event ``seq``: "event 4 (arrival.registered, arrival 3) was altered: …"."""
    named = f" ({action}, {subject})" if action is not None else ""
    return Finding(code, f"event {seq}{named} was altered: {why}", seq=seq, action=action,
                   entity=subject)


def _leaf_node_why(seq: int) -> str:
    return f"its row, leaf_hash included, no longer matches the log's leaf node (0, {seq})"


def _missing(code: FindingCode, first: int, end: int, why: str) -> Finding:
    which = f"event {first} is" if end == first + 1 else f"events {first}–{end - 1} are"
    return Finding(code, f"{which} missing: {why}", seq=first)


class LogCheck:
    """One run of checks 1–3: the recomputed log, the report, the seqs found altered."""

    def __init__(self, key: VerifyingKey | None, report: VerifyReport | None = None) -> None:
        self.key = key
        self.log = MerkleLog(InMemoryNodeStore())
        self.report = report if report is not None else VerifyReport()
        self.flagged: list[int] = []  # sorted

    def flag(self, finding: Finding) -> None:
        self.report.findings.append(finding)
        if finding.kind is FindingKind.EVENT and finding.seq is not None:
            bisect.insort(self.flagged, finding.seq)

    def explained(self, first: int, end: int) -> bool:
        """Does an event already reported fall in [first, end)?"""
        i = bisect.bisect_left(self.flagged, first)
        return i < len(self.flagged) and self.flagged[i] < end

    # -- 1. events ------------------------------------------------------------------------
    def events(self, rows: Iterable[R], document: Callable[[R], Mapping[str, Any]]) -> None:
        """Rows in ``seq`` order; ``document(row)`` rebuilds the event its leaf was hashed over."""
        log = self.log
        for row in rows:
            if row.seq > log.size:
                self.flag(_missing(FindingCode.EVENT_MISSING, log.size, row.seq,
                                   "deleted from audit_events (a gap in the numbers)"))
                log.append_many([PLACEHOLDER] * (row.seq - log.size))
            log.append(self._event(row, document))
        self.report.size, self.report.root = log.size, log.root()

    def _event(self, row: R, document: Callable[[R], Mapping[str, Any]]) -> bytes:
        """The leaf of ``row`` (the placeholder if it is no event), flagging what is wrong."""
        try:
            leaf = event_leaf_hash(document(row))
        except (ValueError, TypeError, AttributeError) as exc:  # EventFormatError included
            self.flag(event_finding(FindingCode.EVENT_MALFORMED, row.seq,
                                    f"its columns are not a valid event ({exc})",
                                    row.action, entity(row)))
            return PLACEHOLDER
        if leaf != bytes(row.leaf_hash):
            self.flag(event_finding(FindingCode.EVENT_ALTERED, row.seq,
                                    "its columns no longer hash to its leaf_hash",
                                    row.action, entity(row)))
        elif row.action not in KNOWN_ACTIONS:
            self.flag(Finding(FindingCode.EVENT_ACTION_UNKNOWN,
                              f"event {row.seq} ({row.action}, {entity(row)}) has an action "
                              "the service never records: it was written around the service",
                              seq=row.seq, action=row.action, entity=entity(row)))
        return leaf

    # -- 2. nodes -------------------------------------------------------------------------
    def nodes(self, stored: Iterable[tuple[int, int, bytes]]) -> None:
        """``(level, idx, hash)`` of every stored node, ordered by level, then idx."""
        size = self.log.size
        next_idx: dict[int, int] = {}
        reported: set[tuple[str, int]] = set()
        extra_leaves: list[int] = []
        for level, idx, digest in stored:
            expected = next_idx.get(level, 0)
            next_idx[level] = idx + 1
            complete = size >> level  # nodes this level has in a tree of `size` leaves
            if expected < min(idx, complete) and ("missing", level) not in reported:
                reported.add(("missing", level))
                self._node_missing(level, expected)
            if idx >= complete:
                if level == 0:  # a leaf past the last event: those events' rows were deleted
                    extra_leaves.append(idx)
                elif ("extra", level) not in reported:
                    reported.add(("extra", level))
                    self.flag(Finding(FindingCode.NODE_PAST_END,
                                      f"audit node ({level}, {idx}) covers events past the "
                                      f"log's end ({size} events)"))
                continue
            self._node(level, idx, bytes(digest))
        for level in range(size.bit_length()):
            expected = next_idx.get(level, 0)
            if expected < size >> level and ("missing", level) not in reported:
                self._node_missing(level, expected)
        if extra_leaves:
            self.flag(_missing(FindingCode.EVENT_ROWS_DELETED, size, max(extra_leaves) + 1,
                               "the log holds their leaves but their rows were deleted"))
            # Higher nodes past the end are then explained by the deleted rows.
            self.report.findings = [f for f in self.report.findings
                                    if f.code is not FindingCode.NODE_PAST_END]

    def _node_missing(self, level: int, idx: int) -> None:
        self.flag(Finding(FindingCode.NODE_MISSING, f"audit node ({level}, {idx}) is missing"))

    def _node(self, level: int, idx: int, digest: bytes) -> None:
        """A stored node within the log: it must equal the recomputed one."""
        if digest == self.log.store.get(level, idx):
            return
        first, end = idx << level, (idx + 1) << level
        if self.explained(first, end):
            return
        if level == 0:
            self.flag(event_finding(FindingCode.EVENT_LEAF_NODE_MISMATCH, idx,
                                    _leaf_node_why(idx)))
        else:
            self.flag(Finding(FindingCode.NODE_ALTERED, f"audit node ({level}, {idx}) over "
                                                        f"events {first}–{end - 1} was altered"))

    # -- 3. signed tree heads -------------------------------------------------------------
    def tree_heads(self, heads: list[StoredHead]) -> None:
        """Every stored head, ordered by size."""
        key = self.key
        good = [0]  # sizes whose signed root matches the recomputed one
        self.report.tree_heads = len(heads)
        if heads and key is None:
            self.flag(Finding(FindingCode.HEAD_NO_KEY,
                              f"{len(heads)} signed tree heads are stored but there is no log "
                              "key to check their signatures"))
        for head in heads:
            sth = head.signed
            if sth is None:
                self.flag(Finding(FindingCode.HEAD_MALFORMED,
                                  f"{head.label} is malformed: {head.error}"))
                continue
            if key is not None and not verify_tree_head(sth, key):
                self.flag(Finding(FindingCode.HEAD_SIGNATURE_BAD,
                                  f"{head.label}: the signature does not verify with the log "
                                  f"key {key_id(key)}"))
            if sth.tree_size > self.log.size:
                if not self.explained(self.log.size, sth.tree_size):
                    self.flag(_missing(FindingCode.EVENT_SIGNED_MISSING, self.log.size,
                                       sth.tree_size, f"{head.label} covered them; they were "
                                                      "deleted"))
                continue
            if self.log.root(sth.tree_size) == sth.root_hash:
                good.append(sth.tree_size)
            elif not self.explained(0, sth.tree_size):
                lower = max((s for s in good if s < sth.tree_size), default=0)
                self.flag(Finding(
                    FindingCode.HEAD_ROOT_MISMATCH,
                    f"{head.label}: the recomputed root differs from the signed one although "
                    "every event matches its leaf hash and node: events and nodes were "
                    f"rewritten together, among events {lower}–{sth.tree_size - 1}"))

    # -- naming events found from a node ---------------------------------------------------
    def unnamed_events(self) -> set[int]:
        """Seqs of event findings made from a leaf node, which do not name the row's action."""
        return {f.seq for f in self.report.findings
                if f.code is FindingCode.EVENT_LEAF_NODE_MISMATCH and f.seq is not None
                and f.action is None}

    def name_events(self, rows: Mapping[int, EventRow]) -> None:
        """Give those findings the action and entity of their row (``rows`` by seq)."""
        named: list[Finding] = []
        for f in self.report.findings:
            row = rows.get(f.seq) if f.seq is not None and f.action is None else None
            if row is None or f.code is not FindingCode.EVENT_LEAF_NODE_MISMATCH:
                named.append(f)
                continue
            named.append(event_finding(f.code, row.seq, _leaf_node_why(row.seq), row.action,
                                       entity(row)))
        self.report.findings = named
