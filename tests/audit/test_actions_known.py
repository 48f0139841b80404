"""Every audit action is one `AuditAction`, and `audit verify` knows how it checks each: against
the rows it recorded, or explicitly only as a log entry. An event whose action is none of them is
a finding, and findings are typed by code in the report and its JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from app.audit.findings import FindingCode, FindingKind
from app.domain.audit_actions import AuditAction
from app.services.audit_verify import ACTION_CHECKS, NO_STATE_CHECK, REGISTERS, verify
from tests.audit.activity import activity, log_size, register_arrival, sql


def test_every_action_is_checked_or_declared_unchecked_by_verify() -> None:
    undeclared = [a.value for a in AuditAction if a not in ACTION_CHECKS and a not in NO_STATE_CHECK]
    assert undeclared == [], "declare in audit_verify.ACTION_CHECKS or NO_STATE_CHECK"
    assert ACTION_CHECKS.keys() & NO_STATE_CHECK.keys() == set()
    assert all(isinstance(a, AuditAction) for a in (*ACTION_CHECKS, *NO_STATE_CHECK))
    # the registers' actions are recorded on their own subject type
    for subject_type, reg in REGISTERS.items():
        assert all(a.value.split(".")[0] == subject_type for a in (*reg.states, *reg.deleted_by))


def test_actions_are_the_stored_strings() -> None:
    assert AuditAction("arrival.registered") is AuditAction.ARRIVAL_REGISTERED
    assert f"{AuditAction.COPY_ISSUED}" == "copy.issued"
    assert all(a.value == a.value.lower() and a.value.count(".") == 1 for a in AuditAction)
    assert all(a.__doc__ for a in AuditAction)


def test_every_finding_code_has_a_kind() -> None:
    kinds = {code.kind for code in FindingCode}
    assert kinds == set(FindingKind)
    assert FindingCode.NODE_PAST_END.kind is FindingKind.NODE
    assert FindingCode.HEAD_SIGNATURE_BAD.kind is FindingKind.TREE_HEAD
    assert FindingCode.SEQUENCE_PAPER_MISMATCH.kind is FindingKind.SEQUENCE


def _forge_event(ctx: Any, action: str, subject_type: str, subject_id: str) -> int:
    """Append an event with ``action`` as the service would (leaf hash and nodes consistent),
    but without going through ``audit_log.record`` (which only takes an AuditAction)."""
    from app.audit.event_codec import event_leaf_hash
    from app.audit.merkle import MerkleLog
    from app.db import AuditEvent
    from app.services.audit_log import DbNodeStore, event_document

    seq = log_size(ctx)
    with ctx.db.transaction() as s:
        row = AuditEvent(seq=seq, at=datetime(2020, 3, 4, 2, 15, tzinfo=UTC), action=action,
                         subject_type=subject_type, subject_id=subject_id, details={})
        row.leaf_hash = event_leaf_hash(event_document(row))
        s.add(row)
        MerkleLog(DbNodeStore(s), size=seq).append(row.leaf_hash)
    return seq


def test_an_event_whose_action_is_no_audit_action_is_a_finding(client: Any, world: Any,
                                                               ctx: Any) -> None:
    arrival = register_arrival(client, world, 1)
    assert verify(ctx).ok
    seq = _forge_event(ctx, "arrival.deleted", "arrival", str(arrival["id"]))
    report = verify(ctx)
    assert report.size == seq + 1
    assert [f.code for f in report.findings] == [FindingCode.EVENT_ACTION_UNKNOWN], \
        report.summary()
    finding = report.findings[0]
    assert finding.kind is FindingKind.EVENT
    assert (finding.seq, finding.action, finding.entity) == (
        seq, "arrival.deleted", f"arrival {arrival['id']}")
    assert report.first_altered_event == finding
    assert (f"- event {seq} (arrival.deleted, arrival {arrival['id']}) has an action the "
            "service never records: it was written around the service") in report.summary()
    # the arrival itself still matches its arrival.registered event
    assert report.register_rows == 1
    out = json.loads(json.dumps(report.to_dict()))
    assert out["findings"] == [{
        "kind": "event", "code": "event_action_unknown", "message": finding.message,
        "seq": seq, "action": "arrival.deleted", "entity": f"arrival {arrival['id']}",
        "row": None}]
    assert out["first_altered_event"]["code"] == "event_action_unknown"


def test_rows_deleted_under_their_leaves_are_named_once_not_as_nodes_past_the_end(
        client: Any, world: Any, ctx: Any) -> None:
    activity(client, world)  # 11 events, signed heads at 5 and 11
    sql(ctx, "DELETE FROM audit_events WHERE seq >= 9")
    report = verify(ctx)
    codes = [f.code for f in report.findings]
    assert FindingCode.NODE_PAST_END not in codes
    assert codes.count(FindingCode.EVENT_ROWS_DELETED) == 1, report.summary()
    missing = next(f for f in report.findings if f.code is FindingCode.EVENT_ROWS_DELETED)
    assert missing.message == ("events 9–10 are missing: the log holds their leaves but their "
                               "rows were deleted")
    assert report.first_altered_event == missing
    # the two arrivals those events registered now have no event at all
    assert codes.count(FindingCode.ROW_WITHOUT_EVENT) == 2, report.summary()
    assert len(codes) == 3
