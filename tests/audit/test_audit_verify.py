"""`audit verify` over a real database: clean logs pass; rows edited behind the service's back in
SQL (events, nodes, signed heads, register rows) fail, naming the event and the row."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, text

from app.services.audit_verify import VerifyReport, verify
from tests.audit.activity import activity, b64d, log_size, one_event, seq_of, sql
from tests.factories import seed_arrival_body
from tests.pdfs import make_pdf


def only(report: VerifyReport, kind: str) -> Any:
    assert not report.ok
    assert [f.kind for f in report.findings] == [kind], report.summary()
    return report.findings[0]


def test_a_clean_log_verifies_with_its_size_root_and_heads(client: Any, world: Any,
                                                           ctx: Any) -> None:
    empty = verify(ctx)
    assert empty.ok and empty.size == 0 and empty.tree_heads == 0
    facts = activity(client, world)
    report = verify(ctx)
    assert report.ok, report.summary()
    assert report.size == log_size(ctx) == facts["head"]["tree_size"] == 11
    assert report.root == b64d(facts["head"]["sha256_root_hash"])
    assert report.tree_heads == 2
    # 7 arrivals and BAN2 (the world's own offices were made without events)
    assert report.register_rows == 8
    assert report.summary().startswith("audit log OK: 11 events, root ")


def test_a_document_another_office_later_attached_a_file_to_still_verifies(
        client: Any, world: Any, ctx: Any) -> None:
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                    json=seed_arrival_body())
    assert r.status_code == 201 and r.json()["document"]["files"] == []
    r = client.post("/orgs/TTTU/arrivals/with-file", headers=world.auth("clerk_tttu"),
                    data={"metadata": json.dumps(seed_arrival_body())},
                    files={"file": ("160.pdf", make_pdf(["160-TB/TW"]), "application/pdf")})
    assert r.status_code == 201, r.text
    assert len(r.json()["document"]["files"]) == 1
    report = verify(ctx)
    assert report.ok, report.summary()
    assert report.register_rows == 2


def test_an_edited_event_row_is_named_as_the_first_altered_event(client: Any, world: Any,
                                                                 ctx: Any) -> None:
    facts = activity(client, world)
    seq = seq_of(ctx, "arrival.registered", facts["routed"]["id"])
    sql(ctx, "UPDATE audit_events SET actor_org_code = 'TTTU' WHERE seq = :s", s=seq)
    finding = only(verify(ctx), "event")
    first = verify(ctx).first_altered_event
    assert first == finding
    assert (finding.seq, finding.action, finding.entity) == (
        seq, "arrival.registered", f"arrival {facts['routed']['id']}")
    assert "no longer hash to its leaf_hash" in finding.message


def test_an_event_rewritten_with_its_leaf_hash_is_caught_by_the_log_node(
        client: Any, world: Any, ctx: Any) -> None:
    from app.audit.event_codec import event_leaf_hash
    from app.db import AuditEvent
    from app.services.audit_log import event_document

    facts = activity(client, world)
    seq = seq_of(ctx, "document.read", facts["secret"]["id"])
    sql(ctx, "UPDATE audit_events SET details = :d WHERE seq = :s",
        d=json.dumps({"document_id": 0, "confidentiality": "NONE"}), s=seq)
    with ctx.reading() as s:
        row = s.get(AuditEvent, seq)
        forged = event_leaf_hash(event_document(row))
    sql(ctx, "UPDATE audit_events SET leaf_hash = :h WHERE seq = :s", h=forged, s=seq)
    finding = only(verify(ctx), "event")
    assert (finding.seq, finding.action) == (seq, "document.read")
    assert finding.entity == f"arrival {facts['secret']['id']}"
    assert f"leaf node (0, {seq})" in finding.message


def _rewrite_whole_log(ctx: Any) -> None:
    """What a careful intruder with the database does: recompute every leaf and every node."""
    from app.audit.event_codec import event_leaf_hash
    from app.audit.merkle import MerkleLog
    from app.audit.node_store import InMemoryNodeStore
    from app.db import AuditEvent, AuditNode
    from app.services.audit_log import event_document

    with ctx.reading() as s:
        leaves = [event_leaf_hash(event_document(r))
                  for r in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
        nodes = list(s.execute(select(AuditNode.level, AuditNode.idx)))
    log = MerkleLog(InMemoryNodeStore())
    log.append_many(leaves)
    with ctx.db.engine.begin() as conn:
        for seq, leaf in enumerate(leaves):
            conn.execute(text("UPDATE audit_events SET leaf_hash = :h WHERE seq = :s"),
                         {"h": leaf, "s": seq})
        for level, idx in nodes:
            conn.execute(text("UPDATE audit_nodes SET hash = :h WHERE level = :l AND idx = :i"),
                         {"h": log.store.get(level, idx), "l": level, "i": idx})


def test_a_consistently_rewritten_log_is_caught_by_the_signed_heads(client: Any, world: Any,
                                                                    ctx: Any) -> None:
    facts = activity(client, world)
    assert verify(ctx).ok
    # an event after the first signed head (size 5), before the second (size 11)
    seq = seq_of(ctx, "document.read", facts["secret"]["id"])
    assert 5 <= seq < 11
    sql(ctx, "UPDATE audit_events SET actor_org_code = 'TTTU' WHERE seq = :s", s=seq)
    _rewrite_whole_log(ctx)
    finding = only(verify(ctx), "tree_head")
    assert "size 11" in finding.message and "among events 5–10" in finding.message
    # and the service refuses to sign a head over the rewritten log
    one_event(client, world, 20)
    r = client.get("/audit/tree-head", headers=world.auth("auditor"))
    assert r.status_code == 409 and "rewritten" in r.json()["detail"]


def test_deleted_events_are_named(client: Any, world: Any, ctx: Any) -> None:
    facts = activity(client, world)
    seq = seq_of(ctx, "document.read", facts["secret"]["id"])
    sql(ctx, "DELETE FROM audit_events WHERE seq = :s", s=seq)
    finding = only(verify(ctx), "event")
    assert finding.seq == seq and f"event {seq} is missing" in finding.message
    # the tail, rows and nodes both: the signed head still covered them
    sql(ctx, "DELETE FROM audit_events WHERE seq >= :s", s=seq)
    sql(ctx, "DELETE FROM audit_nodes WHERE (idx + 1) * (1 << level) > :s", s=seq)
    report = verify(ctx)
    assert report.first_altered_event is not None
    assert report.first_altered_event.seq == seq
    assert f"events {seq}–10 are missing" in report.summary()
    assert facts["head"]["tree_size"] == 11
    r = client.get("/audit/tree-head", headers=world.auth("auditor"))
    assert r.status_code == 409 and "events were removed" in r.json()["detail"]


def test_an_altered_arrival_row_names_the_row_and_its_latest_event(client: Any, world: Any,
                                                                    ctx: Any) -> None:
    facts = activity(client, world)
    routed, first = facts["routed"]["id"], facts["first"]["id"]
    sql(ctx, "UPDATE arrivals SET routed_to = 'Phòng Kế toán' WHERE id = :i", i=routed)
    finding = only(verify(ctx), "register_row")
    seq = seq_of(ctx, "arrival.updated", routed)
    assert finding.row == f"arrivals row {routed}"
    assert (finding.seq, finding.action) == (seq, "arrival.updated")
    assert f"event {seq} (arrival.updated, arrival {routed})" in finding.message
    sql(ctx, "UPDATE arrivals SET routed_to = 'Phòng Tổng hợp' WHERE id = :i", i=routed)
    assert verify(ctx).ok
    # a row only registered: checked against arrival.registered, document included
    sql(ctx, "UPDATE documents SET title = 'Kết luận khác' WHERE id = :i",
        i=facts["first"]["document"]["id"])
    finding = only(verify(ctx), "register_row")
    assert finding.row == f"arrivals row {first}" and finding.action == "arrival.registered"


def test_altered_and_deleted_organisations_and_rows_written_around_the_service(
        client: Any, world: Any, ctx: Any) -> None:
    from datetime import UTC, date, datetime

    from app.db import Arrival, Organisation

    facts = activity(client, world)
    sql(ctx, "UPDATE organisations SET place_name = 'Hà Nội' WHERE code = 'BAN2'")
    finding = only(verify(ctx), "register_row")
    assert finding.row == "organisations row BAN2" and finding.action == "organisation.updated"
    sql(ctx, "DELETE FROM organisations WHERE code = 'BAN2'")
    finding = only(verify(ctx), "register_row")
    assert "organisations row BAN2 was deleted" in finding.message
    with ctx.db.transaction() as s:
        vptu = s.scalars(select(Organisation.id).where(Organisation.code == "VPTU")).one()
        forged = Arrival(organisation_id=vptu, document_id=facts["first"]["document"]["id"],
                         dedupe_key="forged", scope_key="2020", arrival_number=999,
                         received_on=date(2020, 2, 1), received_at=datetime(2020, 2, 1, tzinfo=UTC),
                         status="received", created_by=world.user_ids["clerk_vptu"])
        s.add(forged)
        s.flush()
        forged_id = forged.id
    report = verify(ctx)
    # number 999 was not taken from the series either
    assert sorted(f.row or "" for f in report.findings) == [
        f"arrivals row {forged_id}", "organisations row BAN2", "sequences row VPTU/arrival/2020"]
    assert f"arrivals row {forged_id} has no event in the audit log" in report.summary()


def test_signed_heads_must_verify_with_the_log_key(client: Any, world: Any, ctx: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    activity(client, world)
    assert not verify(ctx, ec.generate_private_key(ec.SECP256R1()).public_key()).ok
    sql(ctx, "UPDATE signed_tree_heads SET timestamp_ms = timestamp_ms + 1 WHERE tree_size = 5")
    finding = only(verify(ctx), "tree_head")
    assert "(size 5): the signature does not verify" in finding.message


def test_the_copy_register_and_copy_requests_are_checked_too(client: Any, world: Any,
                                                              ctx: Any) -> None:
    from tests.factories import issue_first_copy

    _, copy = issue_first_copy(client, world, ctx)
    report = verify(ctx)
    assert report.ok, report.summary()
    assert report.register_rows == 3  # the arrival, the copy and its request
    sql(ctx, "UPDATE certified_copies SET signer_name = 'Người khác' WHERE id = :i",
        i=copy["id"])
    finding = only(verify(ctx), "register_row")
    assert finding.row == f"certified_copies row {copy['id']}"
    assert finding.action == "copy.issued" and finding.seq == seq_of(ctx, "copy.issued",
                                                                       copy["id"])
    sql(ctx, "DELETE FROM audit_events WHERE action = 'copy.issued'")
    sql(ctx, "DELETE FROM audit_nodes WHERE level = 0 AND idx >= :n", n=log_size(ctx))
    report = verify(ctx)
    assert f"certified_copies row {copy['id']} has no event in the audit log" in report.summary()


def test_outgoing_register_rows_and_users_are_checked(client: Any, world: Any, ctx: Any) -> None:
    out = client.post("/orgs/VPTU/dispatches", headers=world.auth("clerk_vptu"), json={
        "type_code": "TB", "title": "Thông báo lịch làm việc", "issued_on": "2020-03-02",
        "recipients": [{"org_code": "VPDUK"}, {"name": "Các đ/c Tỉnh ủy viên"}]})
    assert out.status_code == 201, out.text
    user = client.post("/orgs/VPTU/users", headers=world.auth("admin"),
                       json={"name": "Văn thư mới", "role": "clerk"})
    assert user.status_code == 201, user.text
    assert verify(ctx).ok, verify(ctx).summary()
    dispatch_id, user_id = out.json()["id"], user.json()["id"]
    sql(ctx, "UPDATE recipients SET name = 'Nơi khác' WHERE dispatch_id = :i AND position = 1",
        i=dispatch_id)
    finding = only(verify(ctx), "register_row")
    assert finding.row == f"dispatches row {dispatch_id}"
    assert finding.action == "dispatch.registered"
    sql(ctx, "UPDATE recipients SET name = 'Các đ/c Tỉnh ủy viên' WHERE dispatch_id = :i "
        "AND position = 1", i=dispatch_id)
    sql(ctx, "UPDATE dispatches SET copies_count = 99 WHERE id = :i", i=dispatch_id)
    assert only(verify(ctx), "register_row").row == f"dispatches row {dispatch_id}"
    sql(ctx, "UPDATE dispatches SET copies_count = NULL WHERE id = :i", i=dispatch_id)
    assert verify(ctx).ok
    sql(ctx, "UPDATE users SET role = 'admin' WHERE id = :i", i=user_id)
    finding = only(verify(ctx), "register_row")
    assert finding.row == f"users row {user_id}" and finding.action == "user.created"


def test_an_arrivals_note_and_sender_are_part_of_its_recorded_state(client: Any, world: Any,
                                                                     ctx: Any) -> None:
    r = client.post("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"),
                    json=seed_arrival_body(sender="Văn phòng Trung ương Đảng", note="bản chính"))
    assert r.status_code == 201 and verify(ctx).ok
    sql(ctx, "UPDATE arrivals SET note = 'bản sao' WHERE id = :i", i=r.json()["id"])
    assert only(verify(ctx), "register_row").row == f"arrivals row {r.json()['id']}"
    sql(ctx, "UPDATE arrivals SET note = 'bản chính', sender = 'Ai đó' WHERE id = :i",
        i=r.json()["id"])
    assert only(verify(ctx), "register_row").row == f"arrivals row {r.json()['id']}"
