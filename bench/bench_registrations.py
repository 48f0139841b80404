"""Registrations per second, in-process and over HTTP, beside a raw SQLite insert baseline.

Usage: .venv/bin/python bench/bench_registrations.py [--quick]
Writes bench/results/registrations.json (rows: name, value, unit, baseline_name, baseline_value,
ratio) and prints a markdown table. Same run, same machine, SQLite (WAL) in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def raw_sqlite_inserts(folder: Path, n: int) -> float:
    """Baseline: n rows inserted into a WAL SQLite table in one transaction."""
    con = sqlite3.connect(folder / "raw.db")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, title TEXT)")
    start = time.perf_counter()
    with con:
        for i in range(n):
            con.execute("INSERT INTO t (n, title) VALUES (?, ?)", (i, f"Công văn số {i}"))
    elapsed = time.perf_counter() - start
    con.close()
    return n / elapsed


def setup(folder: Path) -> tuple[object, object, str]:
    from app.context import AppContext
    from app.db import migrate
    from app.demo import load_demo
    from app.settings import Settings

    settings = Settings(database_url=f"sqlite:///{folder / 'v.db'}", storage_dir=folder / "files",
                        keys_dir=folder / "keys")
    migrate.upgrade(settings.database_url)
    ctx = AppContext.from_settings(settings)
    report = load_demo(ctx)
    token = next(line.rsplit(": ", 1)[1] for line in report.splitlines()
                 if "clerk" in line and "VPTU" in line)
    return settings, ctx, token


def in_process(ctx: object, token: str, n: int) -> tuple[float, list[float]]:
    from app.domain.dates import to_vn
    from app.services import arrivals, tokens
    from app.services.documents import DocumentIn

    who = tokens.authenticate(ctx, token)  # type: ignore[arg-type]
    today = to_vn(datetime.now(UTC)).date()  # registers number only into the running year
    latencies = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        arrivals.register(ctx, who, "VPTU", arrivals.ArrivalIn(  # type: ignore[arg-type]
            issuer_code="TW", document=DocumentIn(
                notation=f"{i + 1}-CV/TW", issued_on=today, title=f"Công văn {i}")))
        latencies.append(time.perf_counter() - t0)
    return n / (time.perf_counter() - start), latencies


async def over_http(port: int, token: str, n: int, clients: int) -> tuple[float, list[float]]:
    import httpx

    from app.domain.dates import to_vn

    today = to_vn(datetime.now(UTC)).date().isoformat()  # received "now", by the server

    latencies: list[float] = []
    counter = iter(range(n))

    async def worker(client: httpx.AsyncClient) -> None:
        for i in counter:
            body = {"issuer_code": "TW", "document": {
                "notation": f"{i + 1}-TB/TW", "issued_on": today, "title": f"Thông báo {i}"}}
            t0 = time.perf_counter()
            r = await client.post("/orgs/VPTU/arrivals", json=body)
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 201:
                raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        return n / (time.perf_counter() - start), latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 200 if args.quick else 1000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = raw_sqlite_inserts(folder, n)
        settings, ctx, token = setup(folder)
        rate, lat = in_process(ctx, token, n)
        rows.append({"name": "registration, in-process (service + audit log)", "value": rate,
                     "unit": "/s", "baseline_name": "raw SQLite insert, one transaction",
                     "baseline_value": baseline, "ratio": rate / baseline,
                     "p50_ms": pct(lat, 0.5), "p99_ms": pct(lat, 0.99)})
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "VANTHU_DATABASE_URL": str(settings.database_url),  # type: ignore[attr-defined]
               "VANTHU_STORAGE_DIR": str(folder / "files"), "VANTHU_KEYS_DIR": str(folder / "keys")}
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.asgi:app", "--host",
                                   "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                  env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            rate, lat = asyncio.run(over_http(port, token, n, 16))
        finally:
            server.terminate()
            server.wait(timeout=30)
        rows.append({"name": "registration over HTTP (uvicorn, 16 clients)", "value": rate,
                     "unit": "/s", "baseline_name": "raw SQLite insert, one transaction",
                     "baseline_value": baseline, "ratio": rate / baseline,
                     "p50_ms": pct(lat, 0.5), "p99_ms": pct(lat, 0.99)})
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "registrations.json").write_text(json.dumps(
        {"cores": os.cpu_count(), "engine": "sqlite", "n": n, "rows": rows}, indent=2))
    print(f"cores: {os.cpu_count()}, engine: SQLite (WAL), n = {n}\n")
    print("| measure | value | baseline | ratio | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['value']:.0f}/s | {r['baseline_value']:.0f}/s "
              f"| {r['ratio']:.5f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
