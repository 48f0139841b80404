"""Checks of ``vanthu audit verify`` beyond the log's own rows (docs/audit.md §10, 5–8).

5. **Stored files.** Every file a row names by its SHA-256 (``document_files.sha256``, a
   certified copy's ``pdf_sha256`` and ``envelope_sha256``) is read back from the file store and
   hashed: a missing file, or bytes that no longer hash to the digest, is a finding on the row.
6. **Users.** A user's row (name, role, organisation, clearance) must hash to the state its
   latest ``user.created`` / ``user.updated`` event recorded. When only the role or clearance
   differs the finding says which and from what (the recorded digest is matched against every
   role and clearance). A user without an event whose id is above that of a logged user was
   inserted around the service.
7. **API tokens.** A token that a ``token.revoked`` event revoked must still be revoked, a token
   must belong to the user its ``token.created`` event gave it to, neither may be deleted, and a
   token without an event whose id is above that of a logged token was inserted around the
   service.
8. **Register series.** Each ``sequences`` row's ``last_number`` must equal the highest number
   its register rows use (arrivals, dispatches, certified copies of that office and scope), or
   the paper number it continued from when that is higher, and that ``continued_from`` must be
   the number its latest ``register.continued_from_paper`` event recorded.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.event_codec import state_digest
from app.audit.findings import Finding, FindingCode, VerifyReport
from app.db import (
    ApiToken,
    Arrival,
    AuditEvent,
    CertifiedCopy,
    Dispatch,
    DocumentFile,
    Organisation,
    RegisterSeries,
    User,
)
from app.domain.audit_actions import AuditAction
from app.services.access import CLEARANCE_ORDER, ROLES
from app.services.tokens import snapshot as user_snapshot
from app.storage import StorageError, Store, is_digest

_BATCH = 2000
#: Events that record a user's whole state (after_sha256 of ``tokens.snapshot``).
USER_STATES = (AuditAction.USER_CREATED, AuditAction.USER_UPDATED)
PAPER = AuditAction.REGISTER_CONTINUED_FROM_PAPER
TOKEN_CREATED, TOKEN_REVOKED = AuditAction.TOKEN_CREATED, AuditAction.TOKEN_REVOKED
#: How checks 6–8 check the events of each action they read (``ACTION_CHECKS`` of audit_verify).
INTEGRITY_CHECKS: dict[AuditAction, str] = {
    **{action: "users rows hash to the state it recorded (tokens.snapshot)"
       for action in USER_STATES},
    TOKEN_CREATED: "api_tokens rows still belong to the user it named, and exist",
    TOKEN_REVOKED: "api_tokens rows it revoked are still revoked, and exist",
    PAPER: "sequences rows' continued_from is the paper number it recorded",
}
#: register → (model, number column) of the rows that use that register's numbers.
NUMBERED: dict[str, tuple[Any, Any]] = {
    "arrival": (Arrival, Arrival.arrival_number), "dispatch": (Dispatch, Dispatch.number),
    "copy": (CertifiedCopy, CertifiedCopy.number)}

Event = tuple[int, str, str | None, Any]  # seq, action, after_sha256, details
Problem = tuple[FindingCode, str]  # what is wrong, and the sentence that says it


def _label(seq: int, action: str, subject: str) -> str:
    return f"event {seq} ({action}, {subject})"


class IntegrityChecks:
    """Checks 5–8 over one session; findings go through ``flag``; ``explained(a, b)`` says
    whether an event in [a, b) was already reported altered (its rows are then not judged)."""

    def __init__(self, session: Session, store: Store | None, report: VerifyReport,
                 flag: Callable[[Finding], None], explained: Callable[[int, int], bool]) -> None:
        self.session, self.store, self.report = session, store, report
        self.flag, self.explained = flag, explained

    def run(self) -> None:
        if self.store is not None:
            self.files(self.store)
        self.users()
        self.tokens()
        self.sequences()

    def _events(self, subject_type: str,
                actions: tuple[AuditAction, ...]) -> Iterator[tuple[str, Event]]:
        query = (select(AuditEvent.seq, AuditEvent.action, AuditEvent.subject_id,
                        AuditEvent.after_sha256, AuditEvent.details)
                 .where(AuditEvent.subject_type == subject_type,
                        AuditEvent.action.in_(actions))
                 .order_by(AuditEvent.seq).execution_options(yield_per=_BATCH))
        for seq, action, subject_id, after, details in self.session.execute(query):
            yield subject_id, (seq, action, after, details)

    def _altered(self, event: Event) -> bool:
        """The event itself was reported altered: what it recorded is not to be trusted."""
        return self.explained(event[0], event[0] + 1)

    # -- 5. stored files ----------------------------------------------------------------------
    def files(self, store: Store) -> None:
        checked: dict[str, Problem | None] = {}  # digest → problem (None: the file is whole)

        def problem(digest: str) -> Problem | None:
            if digest not in checked:
                checked[digest] = _file_problem(store, digest)
            return checked[digest]

        rows = select(DocumentFile.id, DocumentFile.document_id, DocumentFile.sha256).order_by(
            DocumentFile.id).execution_options(yield_per=_BATCH)
        for file_id, document_id, digest in self.session.execute(rows):
            found = problem(digest)
            if found is not None:
                where = f"document_files row {file_id}"
                self.flag(Finding(found[0], f"{where} (document {document_id}, sha256 "
                                            f"{digest[:16]}…): {found[1]}", row=where,
                                  entity=f"document {document_id}"))
        copies = select(CertifiedCopy.id, CertifiedCopy.pdf_sha256,
                        CertifiedCopy.envelope_sha256).order_by(
            CertifiedCopy.id).execution_options(yield_per=_BATCH)
        for copy_id, pdf, envelope in self.session.execute(copies):
            for column, what, stored in (("pdf_sha256", "PDF", pdf),
                                         ("envelope_sha256", "signed manifest", envelope)):
                found = None if stored is None else problem(stored)
                if found is not None:
                    where = f"certified_copies row {copy_id}"
                    self.flag(Finding(found[0], f"{where}: its stored {what} ({column} "
                                                f"{(stored or '')[:16]}…): {found[1]}",
                                      row=where, entity=f"copy {copy_id}"))
        self.report.files = sum(1 for found in checked.values() if found is None)

    # -- 6. users -----------------------------------------------------------------------------
    def users(self) -> None:
        events = list(self._events("user", USER_STATES))
        latest = {subject_id: event for subject_id, event in events if event[2] is not None}
        mentioned = {subject_id for subject_id, _ in events}
        # Users made before the first logged one (the demo's, a test world's) have no event.
        first = min((int(i) for i in latest if i.isdigit()), default=None)
        seen: set[str] = set()
        for user in self.session.scalars(select(User).order_by(User.id)
                                         .execution_options(yield_per=_BATCH)):
            where = f"users row {user.id}"
            seen.add(str(user.id))
            event = latest.get(str(user.id))
            if event is None:
                if first is not None and user.id > first and str(user.id) not in mentioned:
                    self.flag(Finding(FindingCode.ROW_WITHOUT_EVENT,
                                      f"{where} ({user.name}, {user.role}, "
                                      f"clearance {user.clearance}) has no user.created event "
                                      "in the audit log: it was written around the service",
                                      row=where, entity=f"user {user.id}"))
                continue
            seq, action, after, _ = event
            if self._altered(event):
                continue
            if state_digest(user_snapshot(user)) == after:
                self.report.register_rows += 1
                continue
            self.flag(Finding(*_user_change(user, event), seq=seq, action=action,
                              entity=f"user {user.id}", row=where))
        self.session.expunge_all()
        for subject_id, (seq, action, after, details) in latest.items():
            if subject_id not in seen and not self._altered((seq, action, after, details)):
                where = f"users row {subject_id}"
                self.flag(Finding(FindingCode.ROW_DELETED, f"{where} was deleted; "
                                  f"{_label(seq, action, f'user {subject_id}')} recorded it",
                                  seq=seq, action=action, entity=f"user {subject_id}",
                                  row=where))

    # -- 7. API tokens ------------------------------------------------------------------------
    def tokens(self) -> None:
        created: dict[int, tuple[int, str]] = {}  # token id → (seq, user id it was made for)
        revoked: dict[int, tuple[int, str]] = {}
        expiry: dict[int, str] = {}  # token id → the expiry its token.created event recorded
        for subject_id, event in self._events("user", (TOKEN_CREATED, TOKEN_REVOKED)):
            seq, action, _, details = event
            token_id = details.get("token_id") if isinstance(details, dict) else None
            if isinstance(token_id, int) and not self._altered(event):
                (created if action == TOKEN_CREATED else revoked)[token_id] = (seq, subject_id)
                if action == TOKEN_CREATED and isinstance(details.get("expires_at"), str):
                    expiry[token_id] = details["expires_at"]
        # Tokens made before the first logged one (the demo's, a test world's) have no event.
        first = min(created, default=None)
        seen: set[int] = set()
        query = (select(ApiToken.id, ApiToken.user_id, ApiToken.revoked_at, ApiToken.expires_at)
                 .order_by(ApiToken.id).execution_options(yield_per=_BATCH))
        for token_id, user_id, revoked_at, expires_at in self.session.execute(query):
            seen.add(token_id)
            where = f"api_tokens row {token_id}"
            if token_id in revoked and revoked_at is None:
                seq, owner = revoked[token_id]
                self._token(FindingCode.TOKEN_UNREVOKED, where, seq, TOKEN_REVOKED, owner,
                            f"{where} (user {user_id}) is valid again: "
                            f"{_label(seq, TOKEN_REVOKED, f'user {owner}')} revoked it, but its "
                            "revoked_at was cleared in the database")
            if token_id in created and created[token_id][1] != str(user_id):
                seq, owner = created[token_id]
                self._token(FindingCode.TOKEN_OWNER_CHANGED, where, seq, TOKEN_CREATED, owner,
                            f"{where} now belongs to user {user_id}, but "
                            f"{_label(seq, TOKEN_CREATED, f'user {owner}')} made it for user "
                            f"{owner}")
            self._expiry(token_id, expiry.get(token_id), expires_at, created.get(token_id))
            if (first is not None and token_id > first and token_id not in created
                    and token_id not in revoked):
                self.flag(Finding(FindingCode.TOKEN_WITHOUT_EVENT,
                                  f"{where} (user {user_id}) has no token.created "
                                  "event in the audit log: it was written around the service",
                                  row=where, entity=f"user {user_id}"))
        for token_id in sorted((created.keys() | revoked.keys()) - seen):
            seq, owner = revoked.get(token_id) or created[token_id]
            action = TOKEN_REVOKED if token_id in revoked else TOKEN_CREATED
            where = f"api_tokens row {token_id}"
            self._token(FindingCode.TOKEN_DELETED, where, seq, action, owner,
                        f"{where} was deleted; {_label(seq, action, f'user {owner}')} recorded it")

    def _expiry(self, token_id: int, recorded: str | None, expires_at: datetime | None,
                made: tuple[int, str] | None) -> None:
        """A token lives until the expiry it was logged with: extended or cleared, it is found."""
        if recorded is None or made is None:
            return
        if expires_at is not None and expires_at == datetime.fromisoformat(recorded):
            return
        seq, owner = made
        where = f"api_tokens row {token_id}"
        now = "never expires" if expires_at is None else f"expires {expires_at.isoformat()}"
        self._token(FindingCode.TOKEN_EXPIRY_CHANGED, where, seq, TOKEN_CREATED, owner,
                    f"{where} now {now}, but {_label(seq, TOKEN_CREATED, f'user {owner}')} "
                    f"made it to expire {recorded}")

    def _token(self, code: FindingCode, where: str, seq: int, action: AuditAction, owner: str,
               message: str) -> None:
        self.flag(Finding(code, message, seq=seq, action=action, entity=f"user {owner}",
                          row=where))

    # -- 8. register series -------------------------------------------------------------------
    def sequences(self) -> None:
        codes: dict[int, str] = {i: c for i, c in self.session.execute(
            select(Organisation.id, Organisation.code))}
        used: dict[tuple[int, str, str], int] = {}
        for register, (model, number) in NUMBERED.items():
            query = (select(model.organisation_id, model.scope_key, func.max(number))
                     .group_by(model.organisation_id, model.scope_key))
            for org_id, scope, top in self.session.execute(query):
                used[(org_id, register, scope)] = int(top)
        paper = {subject_id: event for subject_id, event in self._events("register", (PAPER,))}
        seen: set[tuple[int, str, str]] = set()
        for row in self.session.scalars(select(RegisterSeries).order_by(
                RegisterSeries.organisation_id, RegisterSeries.register, RegisterSeries.scope_key)):
            key = (row.organisation_id, row.register, row.scope_key)
            seen.add(key)
            label = f"{codes.get(row.organisation_id, row.organisation_id)}/{row.register}/" \
                    f"{row.scope_key}"
            if self._paper_problem(row, label, paper.get(label)):
                continue
            top = used.get(key, 0)
            expected = max(top, row.continued_from or 0)
            if row.last_number == expected:
                self.report.sequences += 1
                continue
            where = f"sequences row {label}"
            basis = (f"the highest {row.register} number its register rows use is {top}"
                     + (f" and it continued from paper number {row.continued_from}"
                        if row.continued_from is not None else ""))
            code = (FindingCode.SEQUENCE_AHEAD if row.last_number > expected
                    else FindingCode.SEQUENCE_BEHIND)
            if code is FindingCode.SEQUENCE_AHEAD:
                why = (f"numbers {expected + 1}–{row.last_number} were taken without a register "
                       "row" if row.last_number > expected + 1 else
                       f"number {row.last_number} was taken without a register row")
            else:
                why = f"numbers already in the register (up to {expected}) would be given again"
            self.flag(Finding(code, f"{where}: last_number is {row.last_number} but "
                                    f"{basis}: {why}", row=where))
        for key in sorted(used.keys() - seen):
            org_id, register, scope = key
            where = f"sequences row {codes.get(org_id, org_id)}/{register}/{scope}"
            self.flag(Finding(FindingCode.SEQUENCE_DELETED,
                              f"{where} was deleted, but register rows use numbers up to "
                              f"{used[key]}: numbering would start again at 1", row=where))

    def _paper_problem(self, row: RegisterSeries, label: str, event: Event | None) -> bool:
        """Report a ``continued_from`` that its latest event does not account for."""
        where = f"sequences row {label}"
        if event is not None and self._altered(event):
            return False  # the event is reported; the row is judged by what it claims
        if row.continued_from is None:
            if event is None:
                return False
            code = FindingCode.SEQUENCE_PAPER_CLEARED
            message = (f"{where}: continued_from is empty but "
                       f"{_label(event[0], PAPER, f'register {label}')} recorded a paper number")
        elif event is None:
            code = FindingCode.SEQUENCE_PAPER_UNRECORDED
            message = (f"{where}: continued_from is {row.continued_from} but no {PAPER} event "
                       "recorded it: a paper number was set in the database")
        elif state_digest({"last_number": row.continued_from}) != event[2]:
            code = FindingCode.SEQUENCE_PAPER_MISMATCH
            message = (f"{where}: continued_from is {row.continued_from}, not the paper number "
                       f"{_label(event[0], PAPER, f'register {label}')} recorded")
        else:
            return False
        self.flag(Finding(code, message, seq=None if event is None else event[0],
                          action=None if event is None else PAPER, row=where,
                          entity=f"register {label}"))
        return True


def _file_problem(store: Store, digest: str) -> Problem | None:
    """None if the stored file hashes to ``digest``; otherwise what is wrong with it."""
    if not is_digest(digest):
        return FindingCode.FILE_DIGEST_INVALID, "the column does not hold a SHA-256 digest"
    try:
        actual = store.sha256_of(digest)
    except StorageError as exc:
        if exc.errno == errno.ENOENT:
            return FindingCode.FILE_MISSING, "the file is missing from the store"
        return FindingCode.FILE_UNREADABLE, f"the stored file cannot be read ({exc.strerror})"
    if actual != digest:
        return FindingCode.FILE_ALTERED, (f"the stored file was altered: its bytes hash to "
                                          f"{actual[:16]}…, not to the digest the row records")
    return None


def _user_change(user: User, event: Event) -> Problem:
    """The finding on a user row that no longer hashes to its recorded state, naming the role or
    clearance it had when the state matches but for those."""
    seq, action, after, _ = event
    where = f"users row {user.id} ({user.name})"
    recorded = _label(seq, action, f"user {user.id}")
    state = user_snapshot(user)
    for role in ROLES:
        for clearance in CLEARANCE_ORDER:
            if state_digest({**state, "role": role, "clearance": clearance}) == after:
                changes = [f"{what} {was} → {now}" for what, was, now in (
                    ("role", role, user.role), ("clearance", clearance, user.clearance))
                    if was != now]
                return (FindingCode.ROW_ACCESS_CHANGED,
                        f"{where} was changed in the database without an audit event: "
                        f"{', '.join(changes)} since {recorded}")
    return (FindingCode.ROW_DIGEST_MISMATCH,
            f"{where} was altered: it no longer matches the state recorded by {recorded}")
