"""Register-book export time per 10,000 rows (CSV and PDF), beside same-run baselines.

Usage: .venv/bin/python bench/bench_register_export.py [--quick] [--rows N]
Writes bench/results/register_export.json (rows: name, value, unit, baseline_name,
baseline_value, ratio) and prints a markdown table. SQLite (WAL) in a temporary folder; the demo
is loaded, then N incoming documents (default 10,000; --quick 2,000) are written straight into
VPTU's 2023 register with sqlite3.

Measured (seconds per 10,000 rows, best of --repeat runs):
- the service's CSV (``register_books.open_book`` + ``csv_chunks``) and the same over HTTP
  (in-process ASGI client), beside a raw sqlite3 SELECT of the same columns written with the
  csv module (no ORM, no masking, no type names);
- the service's PDF (the factory streams the rows twice: count, then draw) and over HTTP, beside
  the renderer alone on the same rows already in a list (no database);
- the raw SELECT alone, and the peak Python allocation (tracemalloc) of a CSV and a PDF export:
  the CSV's stays flat; the PDF's grows with the pages, which reportlab keeps until it saves.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2023
PER = 10_000


class Sink:
    """Counts what is written and keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes | str) -> int:
        self.size += len(data)
        return len(data)


def fill(db: Path, n: int) -> None:
    """n arrivals from TW in VPTU's YEAR register, numbered 1..n, spread over the year."""
    con = sqlite3.connect(db)
    (vptu,), (tw,) = (con.execute("SELECT id FROM organisations WHERE code = ?", (c,)).fetchone()
                      for c in ("VPTU", "TW"))
    (clerk,) = con.execute("SELECT id FROM users WHERE organisation_id = ? AND role = 'clerk'",
                           (vptu,)).fetchone()
    now = "2023-12-31 00:00:00.000000"
    with con:
        first = con.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()[0]
        docs, arrivals = [], []
        for i in range(n):
            day = (date(YEAR, 1, 1) + timedelta(days=i * 365 // n)).isoformat()
            notation = f"{i + 1}-CV/TW"
            docs.append((first + i, tw, i + 1, notation, notation.lower(), "CV", day,
                         "Hà Nội", f"Về việc triển khai Nghị quyết của Bộ Chính trị về phát "
                         f"triển kinh tế - xã hội vùng Tây Nguyên, đợt {i + 1}", "NONE",
                         "THUONG", now))
            arrivals.append((vptu, first + i, f"doc:{first + i}", str(YEAR), i + 1, day,
                             f"{day} 01:00:00.000000", "Văn phòng Trung ương Đảng",
                             "Thường trực Tỉnh ủy", day, "routed", now, clerk))
        con.executemany(
            "INSERT INTO documents (id, issuer_id, number, notation, notation_key, type_code, "
            "issued_on, place, title, confidentiality, urgency, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
        con.executemany(
            "INSERT INTO arrivals (organisation_id, document_id, dedupe_key, scope_key, "
            "arrival_number, received_on, received_at, sender, routed_to, routed_on, status, "
            "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arrivals)
    con.close()


RAW_SELECT = """
SELECT a.received_on, a.arrival_number, i.name, d.notation, d.issued_on, d.title, a.routed_to,
       a.routed_on, a.note
FROM arrivals a JOIN documents d ON d.id = a.document_id JOIN organisations i ON i.id = d.issuer_id
WHERE a.organisation_id = (SELECT id FROM organisations WHERE code = 'VPTU') AND a.scope_key = ?
ORDER BY a.scope_key, a.arrival_number
"""


def raw_select(db: Path) -> int:
    con = sqlite3.connect(db)
    count = sum(1 for _ in con.execute(RAW_SELECT, (str(YEAR),)))
    con.close()
    return count


def raw_csv(db: Path) -> int:
    con = sqlite3.connect(db)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8-sig", newline="")
    writer = csv.writer(out)
    count = 0
    for row in con.execute(RAW_SELECT, (str(YEAR),)):
        writer.writerow(row)
        count += 1
    con.close()
    return count


def traced_peak(fn: Callable[[], object]) -> int:
    """Peak Python allocation (tracemalloc) while fn runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.rows or (2_000 if args.quick else PER)

    from tempfile import SpooledTemporaryFile

    from bench_registrations import setup  # the demo in a fresh SQLite database, a clerk token
    from fastapi.testclient import TestClient

    from app.context import AppContext
    from app.domain.numbering import RegisterKind
    from app.main import create_app
    from app.render.register_book import write_register_pdf
    from app.services import register_books, tokens

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _, ctx_, token = setup(folder)
        ctx = cast(AppContext, ctx_)
        db = folder / "v.db"
        fill(db, n)
        who = tokens.authenticate(ctx, token)
        query = register_books.BookQuery(RegisterKind.ARRIVAL, year=YEAR)

        def service_csv() -> None:
            book = register_books.open_book(ctx, who, "VPTU", query)
            sink = Sink()
            for chunk in register_books.csv_chunks(book):
                sink.write(chunk)
            assert book.count == n

        def service_pdf() -> None:
            book = register_books.open_book(ctx, who, "VPTU", query)
            with SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
                write_register_pdf(book.meta, book.rows, cast(BinaryIO, spool))

        book = register_books.open_book(ctx, who, "VPTU", query)
        in_memory = list(book.rows())

        def render_only() -> None:
            write_register_pdf(book.meta, lambda: iter(in_memory), cast(BinaryIO, Sink()))

        client = TestClient(create_app(settings=ctx.settings, ctx=ctx))
        auth = {"Authorization": f"Bearer {token}"}
        url = f"/orgs/VPTU/registers/arrival/book?year={YEAR}&format="

        def http(fmt: str) -> Callable[[], None]:
            def get() -> None:
                r = client.get(url + fmt, headers=auth)
                assert r.status_code == 200 and r.headers["x-register-rows"] == str(n), r.text
            return get

        assert raw_select(db) == raw_csv(db) == n
        service_csv()  # warm: compiled SQL, type-name cache, fonts
        scale = PER / n
        t = {name: best(fn, args.repeat) * scale for name, fn in [
            ("raw_select", lambda: raw_select(db)), ("raw_csv", lambda: raw_csv(db)),
            ("service_csv", service_csv), ("http_csv", http("csv")),
            ("render_only", render_only), ("service_pdf", service_pdf), ("http_pdf", http("pdf"))]}
        peak = traced_peak(service_csv)
        pdf_peak = traced_peak(service_pdf)
        with SpooledTemporaryFile() as spool:
            pages = write_register_pdf(book.meta, book.rows, cast(BinaryIO, spool))
            pdf_bytes = spool.tell()
        ctx.db.dispose()

    raw_csv_name = "raw sqlite3 SELECT + csv module"
    rows: list[dict[str, Any]] = [
        {"name": "CSV export, service (stream)", "value": t["service_csv"],
         "baseline_name": raw_csv_name, "baseline_value": t["raw_csv"]},
        {"name": "CSV export over HTTP", "value": t["http_csv"],
         "baseline_name": raw_csv_name, "baseline_value": t["raw_csv"]},
        {"name": "PDF export, service (two passes over the database)", "value": t["service_pdf"],
         "baseline_name": "renderer alone, rows in a list", "baseline_value": t["render_only"]},
        {"name": "PDF export over HTTP", "value": t["http_pdf"],
         "baseline_name": "renderer alone, rows in a list", "baseline_value": t["render_only"]},
    ]
    for r in rows:
        r["unit"] = "s per 10,000 rows"
        r["ratio"] = r["value"] / r["baseline_value"]
    extra = {"raw_select_s_per_10000": t["raw_select"], "csv_export_peak_bytes": peak,
             "pdf_export_peak_bytes": pdf_peak, "pdf_pages": pages, "pdf_bytes": pdf_bytes}
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "register_export.json").write_text(json.dumps(
        {"cores": os.cpu_count(), "engine": "sqlite", "n": n, "repeat": args.repeat,
         "rows": rows, **extra}, indent=2))
    print(f"cores: {os.cpu_count()}, engine: SQLite (WAL), n = {n} rows, best of {args.repeat}, "
          "scaled to 10,000 rows\n")
    print("| measure | s / 10,000 rows | baseline | baseline s | ratio |\n|---|---:|---|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['value']:.3f} | {r['baseline_name']} | "
              f"{r['baseline_value']:.3f} | {r['ratio']:.1f}× |")
    print(f"\nraw SELECT alone: {t['raw_select']:.3f} s per 10,000 rows. Peak allocation "
          f"(tracemalloc) for {n} rows: CSV {peak / 1e6:.2f} MB, PDF {pdf_peak / 1e6:.1f} MB. "
          f"PDF: {pages} pages, {pdf_bytes / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
