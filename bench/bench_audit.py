"""Audit log bench: appends per second and proof times at 1,000,000 events, beside baselines.

    .venv/bin/python bench/bench_audit.py [--quick] [--events N]

Every figure is printed next to a baseline measured in the same run, as a ratio:

* appends/s (leaf hash + complete-subtree nodes written) against raw ``hashlib.sha256`` of the
  same leaf bytes — ratio < 1 is the cost of the tree over hashing alone;
* root / inclusion / consistency proof time against recomputing the root from every leaf hash
  (what a store without complete subtrees would do) — ratio ≪ 1 is what the node store buys;
  also through the service's own ``DbNodeStore`` (SQLAlchemy) over the same table, and
  ``audit_log.record`` appends (event encoding, ORM inserts, one commit each, as a request does).

Stores: ``InMemoryNodeStore`` and a SQLite table ``(level, idx, hash)`` with primary key
``(level, idx)`` (WAL, one transaction per 1000 appends), the shape the service's table has.
Writes ``bench/results/audit.json``: a list of {name, value, unit, baseline_name,
baseline_value, ratio}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app.audit import merkle
from app.audit.event_codec import encode_event
from app.audit.merkle import (
    MerkleLog,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from app.audit.node_store import InMemoryNodeStore
from app.domain.audit_actions import AuditAction

RESULTS = Path(__file__).parent / "results" / "audit.json"
BATCH = 1000
#: About the size of a canonical audit event; the index makes every leaf distinct.
PREFIX = b'{"action":"arrival.registered","actor":{"org_code":"VPTU","role":"clerk"},' + b"x" * 120


def leaf_data(i: int) -> bytes:
    return PREFIX + i.to_bytes(8, "big")


class SqliteNodeStore:
    """NodeStore over a sqlite3 table, as the service's ``audit_nodes`` table is laid out."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("CREATE TABLE IF NOT EXISTS audit_nodes (level INTEGER NOT NULL, "
                     "idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) "
                     "WITHOUT ROWID")

    def get(self, level: int, index: int) -> bytes:
        row = self.conn.execute("SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?",
                                (level, index)).fetchone()
        if row is None:
            raise KeyError((level, index))
        return bytes(row[0])

    def put_many(self, items: Iterable[tuple[int, int, bytes]]) -> None:
        self.conn.executemany("INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)",
                              items)

    def size(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM audit_nodes WHERE level = 0").fetchone()
        return int(row[0])


def row(name: str, value: float, unit: str, baseline_name: str, baseline_value: float
        ) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "baseline_name": baseline_name,
            "baseline_value": baseline_value,
            "ratio": value / baseline_value if baseline_value else float("nan")}


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def raw_sha256_rate(n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        hashlib.sha256(leaf_data(i)).digest()
    return per_second(n, time.perf_counter() - start)


def fill_memory(n: int) -> tuple[MerkleLog, float]:
    log = MerkleLog(InMemoryNodeStore())
    start = time.perf_counter()
    for i in range(n):
        log.append(leaf_hash(leaf_data(i)))
    return log, per_second(n, time.perf_counter() - start)


def fill_memory_batched(n: int) -> float:
    log = MerkleLog(InMemoryNodeStore())
    start = time.perf_counter()
    for lo in range(0, n, BATCH):
        log.append_many([leaf_hash(leaf_data(i)) for i in range(lo, min(n, lo + BATCH))])
    return per_second(n, time.perf_counter() - start)


def fill_sqlite(n: int, path: Path) -> tuple[MerkleLog, sqlite3.Connection, float]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    store = SqliteNodeStore(conn)
    conn.commit()
    log = MerkleLog(store)
    start = time.perf_counter()
    for i in range(n):
        log.append(leaf_hash(leaf_data(i)))
        if (i + 1) % BATCH == 0:
            conn.commit()
    conn.commit()
    return log, conn, per_second(n, time.perf_counter() - start)


def mean_seconds(fn: Callable[[int], object], args: list[int]) -> float:
    start = time.perf_counter()
    for a in args:
        fn(a)
    return (time.perf_counter() - start) / len(args)


def proof_rows(label: str, log: MerkleLog, naive_s: float, samples: int, rng: random.Random
               ) -> list[dict[str, Any]]:
    n = log.size
    sizes = [rng.randint(1, n) for _ in range(samples)]
    indices = [rng.randrange(n) for _ in range(samples)]
    firsts = [rng.randint(1, n - 1) for _ in range(samples)] if n > 1 else [1]
    naive = f"recompute root from {n:,} leaf hashes"
    us = 1e6
    return [
        row(f"root(size), {label}, {n:,} events", mean_seconds(log.root, sizes) * us, "µs",
            naive, naive_s * us),
        row(f"inclusion proof, {label}, {n:,} events",
            mean_seconds(lambda i: log.inclusion_proof(i, n), indices) * us, "µs", naive,
            naive_s * us),
        row(f"consistency proof, {label}, {n:,} events",
            mean_seconds(lambda m: log.consistency_proof(m, n), firsts) * us, "µs", naive,
            naive_s * us),
    ]


def verify_rows(log: MerkleLog, samples: int, rng: random.Random) -> list[dict[str, Any]]:
    n = log.size
    root = log.root()
    cases = [(i, log.inclusion_proof(i, n)) for i in (rng.randrange(n) for _ in range(samples))]
    leaves = {i: log.leaf(i) for i, _ in cases}
    start = time.perf_counter()
    for i, path in cases:
        assert verify_inclusion(i, n, leaves[i], path, root)
    verify_s = (time.perf_counter() - start) / samples
    hashes = sum(len(p) for _, p in cases) // samples
    first = n // 3
    proof = log.consistency_proof(first, n)
    first_root = log.root(first)
    start = time.perf_counter()
    for _ in range(samples):
        assert verify_consistency(first, n, first_root, root, proof)
    consistency_s = (time.perf_counter() - start) / samples
    calls = count_node_hashes(lambda: verify_consistency(first, n, first_root, root, proof))
    return [
        row(f"verify inclusion, {n:,} events", verify_s * 1e6, "µs",
            f"{hashes} raw sha256 of 65 bytes", raw_node_hashes_s(hashes, samples) * 1e6),
        row(f"verify consistency {first:,}→{n:,}", consistency_s * 1e6, "µs",
            f"{calls} raw sha256 of 65 bytes", raw_node_hashes_s(calls, samples) * 1e6),
    ]


def count_node_hashes(fn: Callable[[], object]) -> int:
    """How many interior-node hashes ``fn`` computes (the verifier's irreducible work)."""
    original, calls = merkle.node_hash, [0]

    def counting(left: bytes, right: bytes) -> bytes:
        calls[0] += 1
        return original(left, right)

    merkle.node_hash = counting
    try:
        fn()
    finally:
        merkle.node_hash = original
    return calls[0]


def raw_node_hashes_s(hashes: int, samples: int) -> float:
    """Seconds for ``hashes`` bare SHA-256 calls on a node-sized input, averaged."""
    blob = b"\x01" + bytes(64)
    start = time.perf_counter()
    for _ in range(samples * hashes):
        hashlib.sha256(blob).digest()
    return (time.perf_counter() - start) / samples


def event_rows(n: int) -> list[dict[str, Any]]:
    events = [{
        "seq": i, "at": "2025-03-04T02:15:00.123456Z",
        "actor": {"user_id": 7, "org_code": "VPTU", "role": "clerk"},
        "action": "arrival.registered", "subject": {"type": "arrival", "id": str(i)},
        "before_sha256": None, "after_sha256": "ab" * 32,
        "details": {"arrival_number": i, "trích_yếu": "Về việc sao lục Thông báo 160-TB/TW"},
    } for i in range(n)]
    encoded = [encode_event(e) for e in events]
    start = time.perf_counter()
    for data in encoded:
        hashlib.sha256(data).digest()
    raw = per_second(n, time.perf_counter() - start)
    log = MerkleLog(InMemoryNodeStore())
    start = time.perf_counter()
    for e in events:
        log.append(leaf_hash(encode_event(e)))
    full = per_second(n, time.perf_counter() - start)
    return [row(f"event encode (RFC 8785) + append, {n:,} events", full, "events/s",
                f"raw sha256 of the {len(encoded[0])}-byte canonical events", raw)]


def service_proof_rows(db: Path, n: int, naive_s: float, samples: int, rng: random.Random
                       ) -> list[dict[str, Any]]:
    """Proofs as the service makes them: ``DbNodeStore`` (SQLAlchemy) over the same table."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.services.audit_log import DbNodeStore

    engine = create_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            log = MerkleLog(DbNodeStore(session), size=n)
            return proof_rows("service DbNodeStore (SQLAlchemy, SQLite)", log, naive_s, samples,
                              rng)
    finally:
        engine.dispose()


def service_append_rate(directory: Path, count: int) -> float:
    """``audit_log.record`` as a request makes it: an event (RFC 8785), its nodes, one commit."""
    from app.db import migrate
    from app.db.engine import Database
    from app.services import audit_log

    url = f"sqlite:///{directory / 'service.db'}"
    migrate.upgrade(url)
    db = Database(url)
    try:
        start = time.perf_counter()
        for i in range(count):
            with db.transaction() as session:
                audit_log.record(session, None, AuditAction.ARRIVAL_REGISTERED, "arrival", i,
                                 after={"arrival_number": i, "status": "received"},
                                 details={"trích_yếu": "Về việc sao lục Thông báo 160-TB/TW"})
        return per_second(count, time.perf_counter() - start)
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 events instead of 1,000,000")
    parser.add_argument("--events", type=int, help="number of events (overrides --quick)")
    args = parser.parse_args()
    n = args.events or (100_000 if args.quick else 1_000_000)
    if n < 2:
        parser.error("--events must be at least 2")
    rng = random.Random(6962)
    samples = 2000
    rows: list[dict[str, Any]] = []

    baseline_rate = raw_sha256_rate(n)
    base_name = f"raw sha256 of the same {len(leaf_data(0))}-byte leaves"
    memory_log, memory_rate = fill_memory(n)
    rows.append(row(f"append, in memory, {n:,} events", memory_rate, "appends/s", base_name,
                    baseline_rate))
    rows.append(row(f"append_many ×{BATCH}, in memory, {n:,} events", fill_memory_batched(n),
                    "appends/s", base_name, baseline_rate))

    all_leaves = [memory_log.leaf(i) for i in range(n)]
    start = time.perf_counter()
    root_from_leaf_hashes(all_leaves)
    naive_s = time.perf_counter() - start
    assert root_from_leaf_hashes(all_leaves) == memory_log.root()
    del all_leaves
    rows += proof_rows("in memory", memory_log, naive_s, samples, rng)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "audit.db"
        sqlite_log, conn, sqlite_rate = fill_sqlite(n, db)
        rows.append(row(f"append, SQLite WAL (commit per {BATCH}), {n:,} events", sqlite_rate,
                        "appends/s", base_name, baseline_rate))
        assert sqlite_log.root() == memory_log.root()
        rows += proof_rows("SQLite", sqlite_log, naive_s, samples, rng)
        conn.commit()
        rows += service_proof_rows(db, n, naive_s, samples // 10, rng)
        appends = 2000 if n >= 1_000_000 else 500
        rows.append(row(f"audit_log.record, one transaction each (the service's append), "
                        f"SQLite, {appends:,} events", service_append_rate(Path(tmp), appends),
                        "appends/s", base_name, baseline_rate))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_bytes = os.path.getsize(db)
        rows.append(row(f"SQLite node table size per event, {n:,} events", db_bytes / n,
                        "bytes", "one 32-byte leaf hash", 32))
        conn.close()

    small, _ = fill_memory(1000)
    small_leaves = [small.leaf(i) for i in range(1000)]
    start = time.perf_counter()
    for _ in range(20):
        root_from_leaf_hashes(small_leaves)
    rows += proof_rows("in memory", small, (time.perf_counter() - start) / 20, samples, rng)
    rows += verify_rows(memory_log, samples, rng)
    rows += event_rows(min(n, 20_000))

    print(f"Audit log bench, {n:,} events, Python {'.'.join(map(str, sys.version_info[:3]))}")
    print()
    print("| measure | value | unit | baseline | baseline value | ratio |")
    print("|---|---:|---|---|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['value']:,.2f} | {r['unit']} | {r['baseline_name']} | "
              f"{r['baseline_value']:,.2f} | {r['ratio']:.3g} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
