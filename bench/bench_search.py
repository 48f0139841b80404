"""Search latency at 100,000 and 1,000,000 registered documents, SQLite (FTS5) and PostgreSQL
(tsvector + GIN), beside the engine's raw full-text match measured in the same run.

Usage: .venv/bin/python bench/bench_search.py [--quick] [--sizes 100000,1000000] [--engines sqlite,postgresql]
Writes bench/results/search.json and prints a markdown table with p50/p95 and the index sizes.
Documents are generated with realistic Vietnamese titles and Party/State notations, each registered
on arrival at one office, and searched through the service (visibility, filters, ranking, paging).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "search.json"

VERBS = ["Kết luận", "Thông báo", "Chỉ thị", "Quyết định", "Công văn", "Báo cáo", "Hướng dẫn",
         "Kế hoạch", "Nghị quyết", "Tờ trình"]
TOPICS = ["công tác cán bộ", "tiếp tục thực hiện Kết luận số {n}-KL/TW", "phòng, chống tham nhũng",
          "xây dựng Đảng và hệ thống chính trị", "phát triển kinh tế - xã hội", "chuyển đổi số",
          "công tác dân vận", "Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội",
          "bảo đảm quốc phòng - an ninh", "đại hội đảng bộ các cấp", "cải cách hành chính",
          "quản lý đất đai", "giáo dục và đào tạo", "y tế cơ sở", "phòng chống thiên tai",
          "xây dựng nông thôn mới", "công tác kiểm tra, giám sát", "thi đua, khen thưởng"]
PLACES = ["tỉnh Đắk Nông", "huyện Cư Jút", "huyện Đắk Mil", "thành phố Gia Nghĩa",
          "huyện Krông Nô", "huyện Tuy Đức", "các cơ quan Trung ương", "khối doanh nghiệp"]
PARTY_TYPES = ["TB", "KL", "CT", "QĐ", "CV", "BC", "HD", "KH", "NQ"]
QUERIES = ["ket luan 62", "dak nong", "cong tac can bo", "chuyen doi so", "phong chong tham nhung",
           "dai hoi dang bo", "gia nghia", "thong bao ket luan", "nong thon moi", "dan van"]


def title(rng: random.Random) -> str:
    return (f"{rng.choice(VERBS)} về {rng.choice(TOPICS).format(n=rng.randint(1, 200))} "
            f"tại {rng.choice(PLACES)} năm {rng.randint(2015, 2025)}")


def populate(ctx: Any, n: int, seed: int = 7) -> dict[str, Any]:
    from sqlalchemy import insert, text

    from app.db import Arrival, Document, Organisation, SearchDocument
    from app.domain.search_text import index_text
    from app.services import tokens

    rng = random.Random(seed)
    with ctx.unit_of_work() as work:
        s = work.session
        tw = Organisation(code="TW", name="Ban Chấp hành Trung ương", family="party",
                          place_name="Hà Nội", external=True)
        vptu = Organisation(code="VPTU", name="Văn phòng Tỉnh ủy Đắk Nông", family="party",
                            place_name="Đắk Nông")
        s.add_all([tw, vptu])
        s.flush()
        user = tokens.add_user(s, vptu, "Văn thư", "clerk", "MAT")
        ids = {"tw": tw.id, "vptu": vptu.id, "user": user.id}
    now = datetime.now(UTC)
    batch = 20_000
    start = time.perf_counter()
    notations: list[str] = []
    with ctx.db.engine.begin() as conn:
        for base in range(0, n, batch):
            docs, arrivals, search = [], [], []
            for i in range(base, min(base + batch, n)):
                doc_id = i + 1
                t = rng.choice(PARTY_TYPES)
                # (number, day) unique per document, as the register's key requires
                notation = f"{i // 3650 + 1}-{t}/TW"
                issued = date(2015, 1, 1) + timedelta(days=i % 3650)
                name = title(rng)
                if len(notations) < 200 and rng.random() < 0.01:
                    notations.append(notation)
                docs.append({"id": doc_id, "issuer_id": ids["tw"], "notation": notation,
                             "notation_key": notation.upper(), "type_code": t,
                             "issued_on": issued, "title": name, "confidentiality": "NONE",
                             "urgency": "THUONG", "created_at": now})
                arrivals.append({"id": doc_id, "organisation_id": ids["vptu"],
                                 "document_id": doc_id, "dedupe_key": f"d{doc_id}",
                                 "scope_key": str(issued.year), "arrival_number": doc_id,
                                 "received_on": issued, "received_at": now, "status": "received",
                                 "created_at": now, "created_by": ids["user"]})
                search.append({"document_id": doc_id, "file_text": "", "updated_at": now,
                               "fields": index_text(notation, name, t,
                                                    "Ban Chấp hành Trung ương", "TW")})
            conn.execute(insert(Document), docs)
            conn.execute(insert(Arrival), arrivals)
            conn.execute(insert(SearchDocument), search)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
            conn.execute(text("SELECT setval(pg_get_serial_sequence('documents', 'id'), :n)"),
                         {"n": n})
    return {"load_seconds": time.perf_counter() - start, "notations": notations,
            "user": ids["user"], "org": ids["vptu"]}


def index_size(ctx: Any) -> int:
    from sqlalchemy import text

    with ctx.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return int(conn.execute(text(
                "SELECT pg_relation_size('ix_search_documents_tsv') + "
                "pg_total_relation_size('search_documents')")).scalar_one())
        try:
            return int(conn.execute(text(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%' "
                "OR name = 'search_documents'")).scalar_one() or 0)
        except Exception:
            path = ctx.settings.database_url.removeprefix("sqlite:///")
            return os.path.getsize(path)


def raw_match(ctx: Any, query: str) -> None:
    from sqlalchemy import text

    from app.domain.search_text import fts5_query, tsquery

    with ctx.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT document_id FROM search_documents WHERE tsv @@ "
                              "to_tsquery('simple', :q) LIMIT 20"), {"q": tsquery(query)}).all()
        else:
            conn.execute(text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q LIMIT 20"),
                         {"q": fts5_query(query)}).all()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(engine: str, url: str, folder: Path, n: int, rounds: int) -> dict[str, Any]:
    from app.context import AppContext
    from app.db import migrate
    from app.services import search
    from app.services.access import Principal
    from app.settings import Settings

    migrate.upgrade(url)
    ctx = AppContext.from_settings(Settings(database_url=url, storage_dir=folder / "files",
                                            keys_dir=folder / "keys"))
    info = populate(ctx, n)
    who = Principal(user_id=info["user"], name="Văn thư", role="clerk", org_id=info["org"],
                    org_code="VPTU", clearance="MAT")
    queries = QUERIES + info["notations"][:20]
    for q in queries:  # warm the caches once
        search.search(ctx, who, search.SearchFilter(text=q), limit=20)
    service_ms: list[float] = []
    raw_ms: list[float] = []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            search.search(ctx, who, search.SearchFilter(text=q), limit=20)
            service_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            raw_match(ctx, q)
            raw_ms.append((time.perf_counter() - t0) * 1000)
    size = index_size(ctx)
    ctx.db.dispose()
    p50, raw50 = statistics.median(service_ms), statistics.median(raw_ms)
    return {"engine": engine, "documents": n, "load_seconds": round(info["load_seconds"], 1),
            "p50_ms": p50, "p95_ms": percentile(service_ms, 0.95),
            "raw_match_p50_ms": raw50, "raw_match_p95_ms": percentile(raw_ms, 0.95),
            "ratio_p50": p50 / raw50 if raw50 else None, "index_bytes": size,
            "queries": len(queries) * rounds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20,000 documents, SQLite only")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    sizes = [20_000] if args.quick else [int(x) for x in args.sizes.split(",")]
    engines = ["sqlite"] if args.quick else args.engines.split(",")
    rows = []
    cluster = None
    try:
        for engine in engines:
            for n in sizes:
                with tempfile.TemporaryDirectory() as tmp:
                    folder = Path(tmp)
                    if engine == "postgresql":
                        if cluster is None:
                            from tests.pg_cluster import start_cluster

                            cluster = start_cluster()
                        import psycopg

                        name = f"bench_search_{n}"
                        from sqlalchemy.engine import make_url

                        admin = make_url(cluster.admin_url)
                        with psycopg.connect(dbname=admin.database, user=admin.username,
                                             host=str(admin.query["host"]),
                                             autocommit=True) as conn:
                            conn.execute(f"DROP DATABASE IF EXISTS {name}")
                            conn.execute(f"CREATE DATABASE {name}")
                        url = cluster.url(name)
                    else:
                        url = f"sqlite:///{folder / 'search.db'}"
                    row = measure(engine, url, folder, n, rounds=1 if n >= 1_000_000 else 3)
                    rows.append(row)
                    print(f"{engine} {n:,}: p50 {row['p50_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms",
                          flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    print(f"\ncores: {os.cpu_count()}\n")
    print("| engine | documents | p50 ms | p95 ms | raw match p50 ms | ratio p50 | index MB "
          "| load s |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['engine']} | {r['documents']:,} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
              f"{r['raw_match_p50_ms']:.2f} | {r['ratio_p50']:.1f} | "
              f"{r['index_bytes'] / 1e6:.1f} | {r['load_seconds']} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    # Keep the other engines' and sizes' figures from earlier runs (one engine may run alone).
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() and not args.quick else []
    measured = {(r["engine"], r["documents"]) for r in rows}
    rows = [r for r in kept if (r["engine"], r["documents"]) not in measured] + rows
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
