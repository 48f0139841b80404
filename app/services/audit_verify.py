"""Recompute the audit log from the database and say whether anything was altered, and where.

What is checked (``vanthu audit verify``; docs/audit.md §10):

1. **Events.** Each ``audit_events`` row is rebuilt into its event (``event_document``), encoded
   (RFC 8785) and hashed; the hash must equal the row's ``leaf_hash`` and the log's leaf node.
   Numbers must run 0 … n−1 without a gap, and every leaf node must have its event.
2. **Nodes.** The recomputed leaves are appended to an in-memory log; every stored
   ``audit_nodes`` hash must equal the recomputed one, and none may be missing or extra.
3. **Signed tree heads.** Every stored head's signature must verify with the log key, and its
   root must equal the recomputed root at its size. A head that disagrees while no altered event
   explains it means that events *and* nodes were rewritten together; the signed heads bracket
   where.
4. **Register rows.** A row whose events carry state digests (arrivals, certified copies, copy
   requests, dispatches, documents' files, organisations) must hash to the after-digest of its
   latest such event, built by the same snapshot functions the services record that state with.
   A deleted row, a row that its latest event deleted, and an arrival, dispatch, copy or copy
   request with no event at all are reported too.
5–8. **Stored files, users, API tokens, register series**: ``app/services/audit_integrity.py``.

Findings name the first altered event (seq, action, entity) and each altered register row.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.audit.event_codec import event_leaf_hash, state_digest
from app.audit.merkle import MerkleLog
from app.audit.node_store import InMemoryNodeStore
from app.audit.tree_head import VerifyingKey, key_id, verify_tree_head
from app.context import AppContext
from app.db import (
    Arrival,
    AuditEvent,
    AuditNode,
    CertifiedCopy,
    CopyRequest,
    Dispatch,
    Document,
    Organisation,
)
from app.db import SignedTreeHead as SignedTreeHeadRow
from app.services import (
    arrivals,
    copies,
    copy_requests,
    dispatches,
    documents,
    organisations,
)
from app.services.audit_integrity import IntegrityChecks
from app.services.audit_log import event_document
from app.services.audit_report import Finding, VerifyReport
from app.services.tree_heads import to_signed
from app.storage import FileStore

__all__ = ["REGISTERS", "Finding", "Register", "VerifyReport", "verify", "verify_session"]

_BATCH = 2000
#: Stands in for the leaf of an event whose row is gone or unreadable, so later leaves keep their
#: index; the event itself is reported.
_PLACEHOLDER = bytes(32)


def _entity(row: AuditEvent) -> str:
    return f"{row.subject_type} {row.subject_id}"


def _event_finding(row: AuditEvent, why: str) -> Finding:
    return Finding("event", f"event {row.seq} ({row.action}, {_entity(row)}) was altered: {why}",
                   seq=row.seq, action=row.action, entity=_entity(row))


def _missing_events(first: int, end: int, why: str) -> Finding:
    which = f"event {first} is" if end == first + 1 else f"events {first}–{end - 1} are"
    return Finding("event", f"{which} missing: {why}", seq=first)


class _Run:
    """State of one verification: the recomputed log, the report, the seqs found altered."""

    def __init__(self, session: Session, key: VerifyingKey | None) -> None:
        self.session = session
        self.key = key
        self.log = MerkleLog(InMemoryNodeStore())
        self.report = VerifyReport()
        self.flagged: list[int] = []  # sorted

    def flag(self, finding: Finding) -> None:
        self.report.findings.append(finding)
        if finding.kind == "event" and finding.seq is not None:
            bisect.insort(self.flagged, finding.seq)

    def explained(self, first: int, end: int) -> bool:
        """Does an event already reported fall in [first, end)?"""
        i = bisect.bisect_left(self.flagged, first)
        return i < len(self.flagged) and self.flagged[i] < end

    # -- 1. events ------------------------------------------------------------------------
    def events(self) -> None:
        log = self.log
        query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=_BATCH)
        for row in self.session.scalars(query):
            if row.seq > log.size:
                self.flag(_missing_events(log.size, row.seq,
                                          "deleted from audit_events (a gap in the numbers)"))
                log.append_many([_PLACEHOLDER] * (row.seq - log.size))
            try:
                leaf = event_leaf_hash(event_document(row))
            except (ValueError, TypeError, AttributeError) as exc:  # EventFormatError included
                self.flag(_event_finding(row, f"its columns are not a valid event ({exc})"))
                leaf = _PLACEHOLDER
            else:
                if leaf != bytes(row.leaf_hash):
                    self.flag(_event_finding(row, "its columns no longer hash to its leaf_hash"))
            log.append(leaf)
        self.session.expunge_all()
        self.report.size, self.report.root = log.size, log.root()

    # -- 2. nodes -------------------------------------------------------------------------
    def nodes(self) -> None:
        size, store = self.log.size, self.log.store
        next_idx: dict[int, int] = {}
        reported: set[tuple[str, int]] = set()
        extra_leaves: list[int] = []
        query = (select(AuditNode.level, AuditNode.idx, AuditNode.hash)
                 .order_by(AuditNode.level, AuditNode.idx)
                 .execution_options(yield_per=_BATCH * 5))
        for level, idx, digest in self.session.execute(query):
            expected = next_idx.get(level, 0)
            next_idx[level] = idx + 1
            complete = size >> level  # nodes this level has in a tree of `size` leaves
            if expected < min(idx, complete) and ("missing", level) not in reported:
                reported.add(("missing", level))
                self.flag(Finding("node", f"audit node ({level}, {expected}) is missing"))
            if idx >= complete:
                if level == 0:  # a leaf past the last event: those events' rows were deleted
                    extra_leaves.append(idx)
                elif ("extra", level) not in reported:
                    reported.add(("extra", level))
                    self.flag(Finding("node", f"audit node ({level}, {idx}) covers events past "
                                              f"the log's end ({size} events)"))
                continue
            if bytes(digest) == store.get(level, idx):
                continue
            first, end = idx << level, (idx + 1) << level
            if self.explained(first, end):
                continue
            if level == 0:
                self.flag(Finding("event", f"event {idx} was altered: its row, leaf_hash "
                                  f"included, no longer matches the log's leaf node (0, {idx})",
                                  seq=idx))
            else:
                self.flag(Finding("node", f"audit node ({level}, {idx}) over events "
                                          f"{first}–{end - 1} was altered"))
        for level in range(size.bit_length()):
            expected = next_idx.get(level, 0)
            if expected < size >> level and ("missing", level) not in reported:
                self.flag(Finding("node", f"audit node ({level}, {expected}) is missing"))
        if extra_leaves:
            self.flag(_missing_events(size, max(extra_leaves) + 1,
                                      "the log holds their leaves but their rows were deleted"))
            # Higher nodes past the end are then explained by the deleted rows.
            self.report.findings = [f for f in self.report.findings
                                    if not (f.kind == "node" and "past the log's end" in f.message)]

    # -- 3. signed tree heads -------------------------------------------------------------
    def tree_heads(self) -> None:
        log, key = self.log, self.key
        good = [0]  # sizes whose signed root matches the recomputed one
        rows = list(self.session.scalars(select(SignedTreeHeadRow).order_by(
            SignedTreeHeadRow.tree_size, SignedTreeHeadRow.id)))
        self.report.tree_heads = len(rows)
        if rows and key is None:
            self.flag(Finding("tree_head", f"{len(rows)} signed tree heads are stored but there "
                                           "is no log key to check their signatures"))
        for row in rows:
            label = f"signed tree head {row.id} (size {row.tree_size})"
            try:
                sth = to_signed(row)
            except ValueError as exc:
                self.flag(Finding("tree_head", f"{label} is malformed: {exc}"))
                continue
            if key is not None and not verify_tree_head(sth, key):
                self.flag(Finding("tree_head", f"{label}: the signature does not verify with "
                                               f"the log key {key_id(key)}"))
            if sth.tree_size > log.size:
                if not self.explained(log.size, sth.tree_size):
                    self.flag(_missing_events(log.size, sth.tree_size,
                                              f"{label} covered them; they were deleted"))
                continue
            if log.root(sth.tree_size) == sth.root_hash:
                good.append(sth.tree_size)
            elif not self.explained(0, sth.tree_size):
                lower = max((s for s in good if s < sth.tree_size), default=0)
                self.flag(Finding(
                    "tree_head",
                    f"{label}: the recomputed root differs from the signed one although every "
                    "event matches its leaf hash and node: events and nodes were rewritten "
                    f"together, among events {lower}–{sth.tree_size - 1}"))

    def name_events(self) -> None:
        """Give event findings found from a node or a head the action and entity of the row."""
        unnamed = {f.seq for f in self.report.findings
                   if f.kind == "event" and f.seq is not None and f.action is None}
        if not unnamed:
            return
        rows = {r.seq: r for r in self.session.scalars(
            select(AuditEvent).where(AuditEvent.seq.in_(sorted(unnamed))))}
        named: list[Finding] = []
        for f in self.report.findings:
            row = (rows.get(f.seq) if f.kind == "event" and f.seq is not None
                   and f.action is None else None)
            if row is None:
                named.append(f)
                continue
            head = f"event {row.seq} "
            named.append(Finding("event", f.message.replace(
                head, f"{head}({row.action}, {_entity(row)}) ", 1),
                seq=row.seq, action=row.action, entity=_entity(row)))
        self.report.findings = named

    # -- 4. register rows -----------------------------------------------------------------
    def register_rows(self) -> None:
        actions = {a for reg in REGISTERS.values() for a in (*reg.states, *reg.deleted_by)}
        deletions = {a for reg in REGISTERS.values() for a in reg.deleted_by}
        latest: dict[str, dict[str, tuple[int, str, str | None]]] = {t: {} for t in REGISTERS}
        query = (select(AuditEvent.seq, AuditEvent.action, AuditEvent.subject_type,
                        AuditEvent.subject_id, AuditEvent.after_sha256)
                 .where(AuditEvent.subject_type.in_(list(REGISTERS)),
                        AuditEvent.action.in_(sorted(actions)),
                        or_(AuditEvent.after_sha256.is_not(None),
                            AuditEvent.action.in_(sorted(deletions))))
                 .order_by(AuditEvent.seq).execution_options(yield_per=_BATCH))
        for seq, action, subject_type, subject_id, after in self.session.execute(query):
            latest[subject_type][subject_id] = (seq, action, after)
        for subject_type, reg in REGISTERS.items():
            self._check_register(subject_type, reg, latest[subject_type])

    def _check_register(self, subject_type: str, reg: Register,
                        latest: Mapping[str, tuple[int, str, str | None]]) -> None:
        ids = list(latest)
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            rows = reg.load(self.session, chunk)
            for subject_id in chunk:
                seq, action, after = latest[subject_id]
                if self.explained(seq, seq + 1):
                    continue  # the event itself was altered: already reported
                row = rows.get(subject_id)
                where = f"{reg.table} row {subject_id}"
                event = f"event {seq} ({action}, {subject_type} {subject_id})"
                problem = None
                if action in reg.deleted_by:
                    if row is not None:
                        problem = f"{where} exists but {event} deleted it"
                elif row is None:
                    problem = f"{where} was deleted; {event} recorded it"
                else:
                    self.report.register_rows += 1
                    if after not in {state_digest(s) for s in reg.states[action](row)}:
                        problem = (f"{where} was altered: it no longer matches the state "
                                   f"recorded by {event}")
                if problem is not None:
                    self.flag(Finding("register_row", problem, seq=seq, action=action,
                                      entity=f"{subject_type} {subject_id}", row=where))
            self.session.expunge_all()
        if reg.all_ids is not None:
            for subject_id in reg.all_ids(self.session):
                if subject_id not in latest:
                    where = f"{reg.table} row {subject_id}"
                    self.flag(Finding("register_row", f"{where} has no event in the audit log: "
                                      "it was written around the service", row=where))


# -- register rows and the states their events recorded ---------------------------------------

StatesOf = Callable[[Any], list[Mapping[str, Any]]]


@dataclass(frozen=True)
class Register:
    """A table whose rows the log records state digests of."""

    table: str
    #: Subject ids → rows (those that exist), loaded with what the state functions read.
    load: Callable[[Session, list[str]], Mapping[str, Any]]
    #: For each action that records an after-state: the states a row may have been recorded as.
    states: Mapping[str, StatesOf]
    deleted_by: frozenset[str] = frozenset()
    #: Ids of every row, when every row must have an event (all are written through the log).
    all_ids: Callable[[Session], Iterable[str]] | None = None


def _by_id(model: Any, *options: Any) -> Callable[[Session, list[str]], dict[str, Any]]:
    """Loader of rows whose subject id is their integer primary key."""

    def load(session: Session, ids: list[str]) -> dict[str, Any]:
        keys = [int(i) for i in ids if i.isdigit()]
        query = select(model).where(model.id.in_(keys)).options(*options)
        return {str(row.id): row for row in session.scalars(query)}

    return load


def _all_ids(model: Any) -> Callable[[Session], Iterator[str]]:
    def ids(session: Session) -> Iterator[str]:
        query = select(model.id).order_by(model.id).execution_options(yield_per=_BATCH * 5)
        return (str(i) for i in session.scalars(query))

    return ids


def _document_states(doc: Document) -> list[Mapping[str, Any]]:
    """``documents.snapshot`` as it may have been recorded. Files are only ever added (in id
    order) and not every addition is an event of the document itself (another office's
    registration with its PDF is not), so the recorded list is a prefix of today's."""
    state = documents.snapshot(doc)
    files = state["files"]
    return [{**state, "files": files[:k]} for k in range(len(files), -1, -1)]


def _arrival_as_registered(arrival: Arrival) -> list[Mapping[str, Any]]:
    """The state ``arrivals.enter`` records: the row and its document."""
    row = arrivals.snapshot(arrival)
    return [{**row, "document": doc} for doc in _document_states(arrival.document)]


def _arrival_as_updated(arrival: Arrival) -> list[Mapping[str, Any]]:
    return [arrivals.snapshot(arrival)]


def _load_organisations(session: Session, codes: list[str]) -> dict[str, Organisation]:
    return {o.code: o for o in session.scalars(
        select(Organisation).where(Organisation.code.in_(codes)))}


def _organisation(org: Organisation) -> list[Mapping[str, Any]]:
    return [organisations.snapshot(org)]


def _dispatch(dispatch: Dispatch) -> list[Mapping[str, Any]]:
    state = dispatches.snapshot(dispatch, dispatch.document)
    return [{**state, "document": doc} for doc in _document_states(dispatch.document)]


def _copy(copy: CertifiedCopy) -> list[Mapping[str, Any]]:
    return [copies.snapshot(copy)]


def _copy_request(request: CopyRequest) -> list[Mapping[str, Any]]:
    return [copy_requests.snapshot(request)]


#: subject_type → register: each is checked with the snapshot function its service records.
REGISTERS: dict[str, Register] = {
    "arrival": Register(
        table="arrivals",
        load=_by_id(Arrival, selectinload(Arrival.document).selectinload(Document.files)),
        states={"arrival.registered": _arrival_as_registered,
                "arrival.updated": _arrival_as_updated,
                "arrival.corrected": _arrival_as_registered,
                "arrival.cancelled": _arrival_as_updated},
        all_ids=_all_ids(Arrival)),
    "dispatch": Register(
        table="dispatches",
        load=_by_id(Dispatch, selectinload(Dispatch.document).selectinload(Document.files),
                    selectinload(Dispatch.recipients)),
        states={"dispatch.registered": _dispatch, "dispatch.corrected": _dispatch,
                "dispatch.cancelled": _dispatch},
        all_ids=_all_ids(Dispatch)),
    "copy": Register(
        table="certified_copies", load=_by_id(CertifiedCopy),
        states={"copy.issued": _copy, "copy.revoked": _copy},
        all_ids=_all_ids(CertifiedCopy)),
    "copy_request": Register(
        table="copy_requests", load=_by_id(CopyRequest),
        states={"copy_request.created": _copy_request, "copy_request.refused": _copy_request,
                "copy_request.approved": _copy_request},
        all_ids=_all_ids(CopyRequest)),
    "document": Register(
        table="documents", load=_by_id(Document, selectinload(Document.files)),
        states={"document.file_added": _document_states,
                "document.corrected": _document_states}),
    "organisation": Register(
        table="organisations", load=_load_organisations,
        states={"organisation.created": _organisation, "organisation.updated": _organisation},
        deleted_by=frozenset({"organisation.deleted"})),
}


# -- entry points ------------------------------------------------------------------------------


def verify_session(session: Session, key: VerifyingKey | None,
                   store: FileStore | None = None) -> VerifyReport:
    """Run every check in ``session`` (which should see one consistent snapshot); with
    ``store``, also read back every stored file the rows name."""
    run = _Run(session, key)
    run.events()
    run.nodes()
    run.tree_heads()
    run.register_rows()
    IntegrityChecks(session, store, run.report, run.flag, run.explained).run()
    run.name_events()
    return run.report


def verify(ctx: AppContext, key: VerifyingKey | None = None) -> VerifyReport:
    """Verify the database of ``ctx``; signatures with ``key`` or else the service's log key."""
    if key is None:
        key = ctx.keys.log_public_key()
    with ctx.reading() as session:
        if session.get_bind().dialect.name == "postgresql":
            # One snapshot for the whole run, so appends made meanwhile are not seen half-way.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return verify_session(session, key, ctx.store)
