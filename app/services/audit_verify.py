"""Recompute the audit log from the database and say whether anything was altered, and where.

What is checked (``vanthu audit verify``; docs/audit.md §10):

1–3. **Events, nodes, signed tree heads**: this module reads the rows in order and
   ``app/audit/log_check.py`` (pure) recomputes the log from them: each event must hash to its
   ``leaf_hash`` and carry an :class:`AuditAction`, every stored node must equal the recomputed
   one, every signed head must verify with the log key and match the recomputed root.
4. **Register rows.** A row whose events carry state digests (arrivals, certified copies, copy
   requests, dispatches, documents' files, organisations) must hash to the after-digest of its
   latest such event, built by the same snapshot functions the services record that state with.
   A deleted row, a row that its latest event deleted, and an arrival, dispatch, copy or copy
   request with no event at all are reported too.
5–8. **Stored files, users, API tokens, register series**: ``app/services/audit_integrity.py``.

Findings name the first altered event (seq, action, entity) and each altered register row;
each has a :class:`FindingCode`. Every :class:`AuditAction` is declared either in
``ACTION_CHECKS`` (how its events are checked against the rows) or in ``NO_STATE_CHECK`` (why
they are checked only as log entries).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.audit.event_codec import state_digest
from app.audit.findings import Finding, FindingCode, FindingKind, VerifyReport
from app.audit.log_check import LogCheck, StoredHead
from app.audit.tree_head import VerifyingKey
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
from app.domain.audit_actions import AuditAction
from app.services import (
    arrivals,
    copies,
    copy_requests,
    dispatches,
    documents,
    organisations,
)
from app.services.audit_integrity import INTEGRITY_CHECKS, IntegrityChecks
from app.services.audit_log import event_document
from app.services.tree_heads import to_signed
from app.storage import Store

__all__ = ["ACTION_CHECKS", "NO_STATE_CHECK", "REGISTERS", "Finding", "FindingCode", "FindingKind",
           "Register", "VerifyReport", "verify", "verify_session"]

_BATCH = 2000


class _Run:
    """One verification: reads the snapshot in ``session``; checks 1–3 are ``LogCheck``'s."""

    def __init__(self, session: Session, key: VerifyingKey | None) -> None:
        self.session = session
        self.check = LogCheck(key)
        self.report = self.check.report
        self.flag, self.explained = self.check.flag, self.check.explained

    def events(self) -> None:
        query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=_BATCH)
        self.check.events(self.session.scalars(query), event_document)
        self.session.expunge_all()

    def nodes(self) -> None:
        query = (select(AuditNode.level, AuditNode.idx, AuditNode.hash)
                 .order_by(AuditNode.level, AuditNode.idx)
                 .execution_options(yield_per=_BATCH * 5))
        self.check.nodes((level, idx, digest)
                         for level, idx, digest in self.session.execute(query))

    def tree_heads(self) -> None:
        rows = self.session.scalars(select(SignedTreeHeadRow).order_by(
            SignedTreeHeadRow.tree_size, SignedTreeHeadRow.id))
        self.check.tree_heads([_stored_head(row) for row in rows])

    def name_events(self) -> None:
        """Give event findings found from a node the action and entity of the row."""
        unnamed = self.check.unnamed_events()
        if unnamed:
            self.check.name_events({r.seq: r for r in self.session.scalars(
                select(AuditEvent).where(AuditEvent.seq.in_(sorted(unnamed))))})

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
                where = f"{reg.table} row {subject_id}"
                event = f"event {seq} ({action}, {subject_type} {subject_id})"
                problem = self._row_problem(reg, action, after, rows.get(subject_id), where,
                                            event)
                if problem is not None:
                    self.flag(Finding(*problem, seq=seq, action=action,
                                      entity=f"{subject_type} {subject_id}", row=where))
            self.session.expunge_all()
        if reg.all_ids is not None:
            for subject_id in reg.all_ids(self.session):
                if subject_id not in latest:
                    where = f"{reg.table} row {subject_id}"
                    self.flag(Finding(FindingCode.ROW_WITHOUT_EVENT,
                                      f"{where} has no event in the audit log: it was written "
                                      "around the service", row=where))

    def _row_problem(self, reg: Register, action: str, after: str | None, row: Any, where: str,
                     event: str) -> tuple[FindingCode, str] | None:
        """What is wrong with ``row`` (None: deleted) given its latest event, if anything."""
        if action in reg.deleted_by:
            if row is None:
                return None
            return FindingCode.ROW_NOT_DELETED, f"{where} exists but {event} deleted it"
        if row is None:
            return FindingCode.ROW_DELETED, f"{where} was deleted; {event} recorded it"
        self.report.register_rows += 1
        if after in {state_digest(s) for s in reg.states[AuditAction(action)](row)}:
            return None
        return (FindingCode.ROW_DIGEST_MISMATCH,
                f"{where} was altered: it no longer matches the state recorded by {event}")


# -- register rows and the states their events recorded ---------------------------------------

StatesOf = Callable[[Any], list[Mapping[str, Any]]]


@dataclass(frozen=True)
class Register:
    """A table whose rows the log records state digests of."""

    table: str
    #: Subject ids → rows (those that exist), loaded with what the state functions read.
    load: Callable[[Session, list[str]], Mapping[str, Any]]
    #: For each action that records an after-state: the states a row may have been recorded as.
    states: Mapping[AuditAction, StatesOf]
    deleted_by: frozenset[AuditAction] = frozenset()
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
A = AuditAction
REGISTERS: dict[str, Register] = {
    "arrival": Register(
        table="arrivals",
        load=_by_id(Arrival, selectinload(Arrival.document).selectinload(Document.files)),
        states={A.ARRIVAL_REGISTERED: _arrival_as_registered,
                A.ARRIVAL_UPDATED: _arrival_as_updated,
                A.ARRIVAL_CORRECTED: _arrival_as_registered,
                A.ARRIVAL_CANCELLED: _arrival_as_updated},
        all_ids=_all_ids(Arrival)),
    "dispatch": Register(
        table="dispatches",
        load=_by_id(Dispatch, selectinload(Dispatch.document).selectinload(Document.files),
                    selectinload(Dispatch.recipients)),
        states={A.DISPATCH_REGISTERED: _dispatch, A.DISPATCH_CORRECTED: _dispatch,
                A.DISPATCH_CANCELLED: _dispatch},
        all_ids=_all_ids(Dispatch)),
    "copy": Register(
        table="certified_copies", load=_by_id(CertifiedCopy),
        states={A.COPY_ISSUED: _copy, A.COPY_REVOKED: _copy},
        all_ids=_all_ids(CertifiedCopy)),
    "copy_request": Register(
        table="copy_requests", load=_by_id(CopyRequest),
        states={A.COPY_REQUEST_CREATED: _copy_request, A.COPY_REQUEST_REFUSED: _copy_request,
                A.COPY_REQUEST_APPROVED: _copy_request},
        all_ids=_all_ids(CopyRequest)),
    "document": Register(
        table="documents", load=_by_id(Document, selectinload(Document.files)),
        states={A.DOCUMENT_FILE_ADDED: _document_states, A.DOCUMENT_CORRECTED: _document_states}),
    "organisation": Register(
        table="organisations", load=_load_organisations,
        states={A.ORGANISATION_CREATED: _organisation, A.ORGANISATION_UPDATED: _organisation},
        deleted_by=frozenset({A.ORGANISATION_DELETED})),
}

#: Actions whose events are checked only as entries of the log (checks 1–3): they record no
#: state of a row, or one that no register rebuilds. Each says why.
NO_STATE_CHECK: dict[AuditAction, str] = {
    A.ARRIVAL_INTAKE: "its digest is of the declared copies and stamps (never changed after); "
                      "the arrival itself is checked by its arrival.registered event",
    A.DOCUMENT_DUPLICATE_ACCEPTED: "it records no state, only which duplicate was kept and why",
    A.DOCUMENT_READ: "a read changes nothing",
    A.REGISTER_BOOK_EXPORTED: "an export changes nothing",
    A.ORGANISATION_TERM_ADDED: "it records no state; terms are not in organisations.snapshot",
    A.OFFICE_KEY_IMPORTED: "a key is judged by what it signed: each copy carries its own "
                           "certificate, which verification checks",
    A.USER_PASSWORD_SET: "a password's hash is never logged; the user's state is unchanged",
    A.USER_SIGN_IN_LOCKED: "a lock is a sign-in counter, not recorded state",
}

#: How every other action's events are checked against today's rows (checks 4–8).
ACTION_CHECKS: dict[AuditAction, str] = {
    **{action: f"{reg.table} rows hash to the state it recorded"
       for reg in REGISTERS.values() for action in reg.states},
    **{action: f"{reg.table} rows it deleted are gone"
       for reg in REGISTERS.values() for action in reg.deleted_by},
    **INTEGRITY_CHECKS,
}


def _stored_head(row: SignedTreeHeadRow) -> StoredHead:
    try:
        return StoredHead(row.id, row.tree_size, to_signed(row))
    except ValueError as exc:
        return StoredHead(row.id, row.tree_size, None, str(exc))


# -- entry points ------------------------------------------------------------------------------


def verify_session(session: Session, key: VerifyingKey | None,
                   store: Store | None = None) -> VerifyReport:
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
