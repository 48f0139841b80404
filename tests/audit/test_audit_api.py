"""/audit over HTTP: signed tree heads, events and proofs, checked with the separate RFC verifier
and with `cryptography` directly — nothing from app.audit is trusted to check app.audit here."""

from __future__ import annotations

import hashlib
import json
import struct
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.audit import rfc_verifier
from tests.audit.activity import b64d, log_size, one_event, register_arrival, sql, tree_head


def _signed_bytes(head: dict[str, Any]) -> bytes:
    """RFC 6962 §3.5 TreeHeadSignature, rebuilt from the JSON as docs/audit.md §6 tells."""
    return struct.pack(">BBQQ", 0, 1, head["timestamp"], head["tree_size"]) + b64d(
        head["sha256_root_hash"])


def _heads_while_growing(client: Any, world: Any, ctx: Any, steps: int) -> list[dict[str, Any]]:
    """One event at a time, fetching the signed head after each: heads at sizes 1 … steps."""
    heads = []
    for i in range(steps):
        one_event(client, world, i)
        heads.append(tree_head(client, world))
    assert [h["tree_size"] for h in heads] == list(range(1, steps + 1)) == \
        list(range(1, log_size(ctx) + 1))
    return heads


def test_inclusion_proofs_of_every_event_in_every_signed_head_pass_the_rfc_verifier(
        client: Any, world: Any, ctx: Any) -> None:
    heads = _heads_while_growing(client, world, ctx, 11)
    h = world.auth("auditor")
    leaves = {}
    for seq in range(11):
        r = client.get(f"/audit/events/{seq}", headers=h)
        assert r.status_code == 200, r.text
        body = r.json()
        canonical = body["canonical"].encode("utf-8")
        assert json.loads(canonical) == body["event"] and body["event"]["seq"] == seq
        leaves[seq] = hashlib.sha256(b"\x00" + canonical).digest()
        assert b64d(body["leaf_hash"]) == leaves[seq]
    checked = 0
    for head in heads:
        size, root = head["tree_size"], b64d(head["sha256_root_hash"])
        for seq in range(size):
            r = client.get("/audit/proofs/inclusion", headers=h,
                           params={"seq": seq, "tree_size": size})
            assert r.status_code == 200, r.text
            proof = r.json()
            assert (proof["leaf_index"], proof["tree_size"]) == (seq, size)
            assert b64d(proof["leaf_hash"]) == leaves[seq]
            path = [b64d(p) for p in proof["audit_path"]]
            assert rfc_verifier.verify_inclusion(seq, size, leaves[seq], path, root)
            # the same proof does not prove another leaf, nor this leaf elsewhere
            assert not rfc_verifier.verify_inclusion(seq, size, leaves[(seq + 1) % 11], path,
                                                     root)
            if size > 1:
                assert not rfc_verifier.verify_inclusion((seq + 1) % size, size, leaves[seq],
                                                         path, root)
            checked += 1
    assert checked == 66


def test_consistency_proofs_between_signed_heads_pass_the_rfc_verifier(
        client: Any, world: Any, ctx: Any) -> None:
    heads = {h["tree_size"]: b64d(h["sha256_root_hash"])
             for h in _heads_while_growing(client, world, ctx, 13)}
    h = world.auth("auditor")
    pairs = [(a, b) for a in heads for b in heads if a < b]
    for first, second in pairs:
        r = client.get("/audit/proofs/consistency", headers=h,
                       params={"first": first, "second": second})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["first"], body["second"]) == (first, second)
        path = [b64d(p) for p in body["consistency"]]
        assert rfc_verifier.verify_consistency(first, second, heads[first], heads[second], path)
        # a different old root is not proved consistent by it
        other = heads[first - 1] if first > 1 else heads[second]
        assert not rfc_verifier.verify_consistency(first, second, other, heads[second], path)
    assert len(pairs) == 78
    # the edge cases outside RFC 9162: an empty proof
    for first, second in ((0, 13), (7, 7), (13, 13)):
        r = client.get("/audit/proofs/consistency", headers=h,
                       params={"first": first, "second": second})
        assert r.status_code == 200 and r.json()["consistency"] == []


def test_tree_head_signature_verifies_with_the_exported_public_key(
        client: Any, world: Any, ctx: Any) -> None:
    for i in range(5):
        one_event(client, world, i)
    head = tree_head(client, world)
    assert head["tree_size"] == 5
    r = client.get("/audit/log-key", headers=world.auth("auditor"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-pem-file")
    public = serialization.load_pem_public_key(r.content)
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    assert head["key_id"] == hashlib.sha256(der).hexdigest()
    signature = b64d(head["tree_head_signature"])
    public.verify(signature, _signed_bytes(head), ec.ECDSA(hashes.SHA256()))
    for field, value in (("tree_size", 4), ("timestamp", head["timestamp"] + 1)):
        with pytest.raises(InvalidSignature):
            public.verify(signature, _signed_bytes({**head, field: value}),
                          ec.ECDSA(hashes.SHA256()))
    # the key under keys_dir is the one served, its private half encrypted at rest
    log_dir = ctx.settings.keys_dir / "log"
    assert (log_dir / "log.pub.pem").read_bytes() == r.content
    private_pem = (log_dir / "log.key.pem").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in private_pem
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(private_pem, password=None)
    assert oct((log_dir / "log.key.pem").stat().st_mode & 0o777) == "0o600"


def test_tree_head_is_signed_once_per_size_and_timestamped_by_the_clock(
        client: Any, world: Any, ctx: Any) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from app.db import SignedTreeHead

    def stored() -> int:
        with ctx.reading() as s:
            return int(s.scalar(select(func.count()).select_from(SignedTreeHead)) or 0)

    ctx.clock = lambda: datetime(2020, 3, 4, 2, 15, 0, 123000, tzinfo=UTC)
    empty = tree_head(client, world)
    assert empty["tree_size"] == 0
    assert b64d(empty["sha256_root_hash"]) == hashlib.sha256(b"").digest()
    assert empty["timestamp"] == 1_583_288_100_123
    register_arrival(client, world, 1)
    first = tree_head(client, world, "admin")
    ctx.clock = lambda: datetime(2020, 3, 5, tzinfo=UTC)
    assert tree_head(client, world) == first  # unchanged size: the stored head, not a new one
    assert stored() == 2
    register_arrival(client, world, 2)
    second = tree_head(client, world)
    assert second["tree_size"] == 2 and second["timestamp"] == 1_583_366_400_000
    assert stored() == 3


def test_only_auditors_and_admins_read_the_log(client: Any, world: Any) -> None:
    register_arrival(client, world, 1)
    paths = ["/audit/tree-head", "/audit/events/0", "/audit/log-key",
             "/audit/proofs/inclusion?seq=0&tree_size=1",
             "/audit/proofs/consistency?first=0&second=1"]
    for path in paths:
        assert client.get(path).status_code == 401
        for who in ("clerk_vptu", "dept_vptu"):
            r = client.get(path, headers=world.auth(who))
            assert r.status_code == 403, (path, who)
            assert r.headers["content-type"] == "application/problem+json"
        for who in ("auditor", "admin"):
            assert client.get(path, headers=world.auth(who)).status_code == 200, (path, who)


@pytest.mark.parametrize(("path", "status", "field", "words"), [
    ("/audit/proofs/inclusion?seq=0&tree_size=4", 422, "tree_size", "between 1 and 3"),
    ("/audit/proofs/inclusion?seq=3&tree_size=3", 422, "seq", "not in the tree of size 3"),
    ("/audit/proofs/inclusion?seq=0&tree_size=0", 422, "tree_size", ""),
    ("/audit/proofs/inclusion?seq=-1&tree_size=2", 422, "seq", ""),
    ("/audit/proofs/inclusion?tree_size=2", 422, "seq", "required"),
    ("/audit/proofs/consistency?first=1&second=4", 422, "second", "between 0 and 3"),
    ("/audit/proofs/consistency?first=3&second=2", 422, "first", "between 0 and second"),
    ("/audit/proofs/consistency?first=x&second=2", 422, "first", ""),
    ("/audit/events/3", 404, "seq", "the log has 3 events"),
])
def test_out_of_range_requests_are_problems_that_say_why(
        client: Any, world: Any, path: str, status: int, field: str, words: str) -> None:
    for n in range(3):
        register_arrival(client, world, n + 1)
    r = client.get(path, headers=world.auth("auditor"))
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["field"] == field
    assert words in body["detail"]


def test_confidential_reads_are_events_proved_in_the_signed_log(
        client: Any, world: Any, ctx: Any) -> None:
    secret = register_arrival(client, world, 7, title="Tài liệu mật", confidentiality="MAT")
    plain = register_arrival(client, world, 8)
    h = world.auth("clerk_vptu")
    before = log_size(ctx)
    assert client.get(f"/arrivals/{plain['id']}", headers=h).status_code == 200
    assert client.get(f"/documents/{plain['document']['id']}", headers=h).status_code == 200
    assert log_size(ctx) == before  # reading an ordinary document adds nothing
    assert client.get(f"/documents/{secret['document']['id']}", headers=h).status_code == 200
    assert client.get(f"/arrivals/{secret['id']}", headers=h).status_code == 200
    assert log_size(ctx) == before + 2
    head = tree_head(client, world)
    reads = []
    for seq in range(before, before + 2):
        event = client.get(f"/audit/events/{seq}", headers=world.auth("auditor")).json()
        reads.append((event["event"]["action"], event["event"]["subject"],
                      event["event"]["actor"]["user_id"],
                      event["event"]["details"]["confidentiality"]))
        proof = client.get("/audit/proofs/inclusion", headers=world.auth("auditor"),
                           params={"seq": seq, "tree_size": head["tree_size"]}).json()
        leaf = hashlib.sha256(b"\x00" + event["canonical"].encode("utf-8")).digest()
        assert rfc_verifier.verify_inclusion(seq, head["tree_size"], leaf,
                                             [b64d(p) for p in proof["audit_path"]],
                                             b64d(head["sha256_root_hash"]))
    clerk = world.user_ids["clerk_vptu"]
    assert reads == [
        ("document.read", {"type": "document", "id": str(secret["document"]["id"])}, clerk, "MAT"),
        ("document.read", {"type": "arrival", "id": str(secret["id"])}, clerk, "MAT"),
    ]


def test_a_tampered_log_is_a_409_that_says_so_not_a_500(client: Any, world: Any,
                                                         ctx: Any) -> None:
    for n in range(4):
        register_arrival(client, world, n + 1)
    h = world.auth("auditor")
    sql(ctx, "UPDATE audit_events SET details = '[]' WHERE seq = 1")
    r = client.get("/audit/events/1", headers=h)
    assert r.status_code == 409 and "event 1's row is not a valid event" in r.json()["detail"]
    sql(ctx, "DELETE FROM audit_nodes WHERE level = 1 AND idx = 0")
    r = client.get("/audit/proofs/inclusion", headers=h, params={"seq": 3, "tree_size": 4})
    assert r.status_code == 409 and "node (1, 0) is missing" in r.json()["detail"]
    assert r.headers["content-type"] == "application/problem+json"
