"""Mixed load over HTTP against `vanthu serve` on loopback: PostgreSQL with several workers, SQLite
with one; then the register checked by SQL.

Usage: .venv/bin/python bench/load.py [--quick] [--seconds 30] [--engines postgresql,sqlite]
                                      [--clients 16] [--pg-workers 4]

For each engine the script makes its own installation (``vanthu migrate``, ``vanthu demo`` for
the organisations and tokens; PostgreSQL in a throwaway cluster), starts ``vanthu serve`` and runs
`--clients` closed-loop clients for a fixed time. Each operation is drawn at random:

- 70% reads: the arrivals list, search, one arrival, one copy, VPDUK's inbox, the copy register;
- 20% arrival registrations (POST /orgs/VPTU/arrivals, a unique notation each);
- 10% copies and verifications: half a department's request for a sao lục of 160-TB/TW and the
  clerk's approval (the copy is numbered, signed and stored), half GET /copies/{id}/verification.

Reported: throughput, p50/p99 per kind, every non-2xx answer (none is intended), and afterwards the
SQL checks of bench/faults/checks.py: every series gapless and without duplicates, the sequences at
their last number, every acknowledged registration and copy present, no orphan file, then
``vanthu audit verify``. The same-run baseline is GET /health on the same server with the same
clients: the cost of HTTP, uvicorn and FastAPI without the register.
Writes bench/results/load.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faults.checks import check  # noqa: E402
from bench.faults.service import Service, pg_create_database  # noqa: E402
from bench.faults.traffic import (  # noqa: E402
    Ledger,
    Outcome,
    copy_cycle,
    read_one,
    register_arrival,
    seed_document_id,
    verify_copy,
)

RESULTS = ROOT / "bench" / "results" / "load.json"
MIX = (("read", 0.70), ("arrival", 0.20), ("copy", 0.05), ("verification", 0.05))


def draw(pick: float) -> str:
    """The kind of operation a uniform draw in [0, 1) falls on in MIX."""
    acc = 0.0
    for kind, share in MIX:
        acc += share
        if pick < acc:
            return kind
    return MIX[-1][0]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def _health(service: Service, clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def client_loop(client: Any) -> None:
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            r = await client.get("/health")
            latencies.append((time.monotonic() - t0) * 1000)
            r.raise_for_status()

    async with service.client("clerk") as client:
        start = time.monotonic()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        elapsed = time.monotonic() - start
    return {"per_s": len(latencies) / elapsed, "p50_ms": pct(latencies, 0.5),
            "p99_ms": pct(latencies, 0.99), "requests": len(latencies)}


async def _mixed(service: Service, ledger: Ledger, clients: int, seconds: float,
                 seed: int = 62) -> float:
    async with service.client("clerk") as clerk, service.client("department") as department, \
            service.client("clerk_vpduk") as clerk_vpduk:
        document_id = await seed_document_id(clerk)
        await copy_cycle(department, clerk, ledger, document_id)  # something to read and verify
        ledger.outcomes.clear()
        deadline = time.monotonic() + seconds

        async def client_loop(n: int) -> None:
            rng = random.Random(seed * 1000 + n)
            while time.monotonic() < deadline:
                kind = draw(rng.random())
                if kind == "read":
                    await read_one(rng, clerk, clerk_vpduk, ledger)
                elif kind == "arrival":
                    await register_arrival(clerk, ledger)
                elif kind == "copy" or not ledger.copies:
                    await copy_cycle(department, clerk, ledger, document_id)
                else:
                    await verify_copy(clerk, ledger, rng.choice(list(ledger.copies)))

        start = time.monotonic()
        await asyncio.gather(*(client_loop(n) for n in range(clients)))
        return time.monotonic() - start


def _kinds(outcomes: list[Outcome], elapsed: float) -> list[dict[str, Any]]:
    by_kind: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_kind.setdefault(o.kind, []).append(o)
    rows = []
    for kind in sorted(by_kind):
        items = by_kind[kind]
        ms = [o.ms for o in items]
        errors: dict[str, int] = {}
        for o in items:
            if not o.ok:
                errors[str(o.status)] = errors.get(str(o.status), 0) + 1
        rows.append({"kind": kind, "requests": len(items), "per_s": len(items) / elapsed,
                     "p50_ms": pct(ms, 0.5), "p99_ms": pct(ms, 0.99), "errors": errors})
    return rows


def run_engine(engine: str, folder: Path, url: str, *, workers: int, clients: int,
               seconds: float) -> dict[str, Any]:
    service = Service(folder, url, workers=workers)
    service.prepare()
    ledger = Ledger()
    try:
        service.start()
        baseline = asyncio.run(_health(service, clients, min(5.0, seconds / 4)))
        elapsed = asyncio.run(_mixed(service, ledger, clients, seconds))
    finally:
        service.stop()
    report = check(url, service.store, ledger)
    audit = service.cli("audit", "verify", check=False)
    outcomes = ledger.outcomes
    failures = [o for o in outcomes if not o.ok]
    ms = [o.ms for o in outcomes]
    return {
        "engine": engine, "workers": workers, "clients": clients, "seconds": round(elapsed, 1),
        "requests": len(outcomes), "per_s": len(outcomes) / elapsed,
        "p50_ms": pct(ms, 0.5), "p99_ms": pct(ms, 0.99),
        "errors": len(failures),
        "error_samples": [f"{o.kind}: {o.status} {o.detail[:160]}" for o in failures[:10]],
        "kinds": _kinds(outcomes, elapsed), "baseline_health": baseline,
        "acknowledged": {"arrivals": len(ledger.arrivals), "copies": len(ledger.copies)},
        "check": report.to_dict(),
        "audit_verify": {"exit": audit.returncode, "summary": audit.stdout.strip()[-300:]},
    }


def summary_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for bench/summary.py: each figure beside the same run's GET /health."""
    rows: list[dict[str, Any]] = []
    for r in runs:
        base = r["baseline_health"]
        label = f"{r['clients']} clients, {r['workers']} worker{'s' if r['workers'] > 1 else ''}"
        rows.append({"engine": r["engine"], "name": f"mixed load, requests/s ({label})",
                     "value": r["per_s"], "unit": "/s", "baseline_name": "GET /health, /s",
                     "baseline_value": base["per_s"], "ratio": r["per_s"] / base["per_s"]})
        for k in r["kinds"]:
            for q in ("p50", "p99"):
                rows.append({"engine": r["engine"], "name": f"mixed load {q}: {k['kind']}",
                             "value": k[f"{q}_ms"], "unit": "ms",
                             "baseline_name": f"GET /health {q}",
                             "baseline_value": base[f"{q}_ms"],
                             "ratio": k[f"{q}_ms"] / base[f"{q}_ms"] if base[f"{q}_ms"] else None})
        rows.append({"engine": r["engine"], "name": "mixed load: non-2xx answers",
                     "value": r["errors"], "unit": "", "baseline_name": None,
                     "baseline_value": None, "ratio": None})
    return rows


def print_table(runs: list[dict[str, Any]]) -> None:
    print(f"cores: {os.cpu_count()}\n")
    for r in runs:
        base = r["baseline_health"]
        check_text = "ok" if r["check"]["ok"] else "; ".join(r["check"]["problems"][:3])
        print(f"### {r['engine']}: {r['workers']} worker(s), {r['clients']} clients, "
              f"{r['seconds']} s — {r['per_s']:.1f} requests/s, {r['errors']} errors; "
              f"GET /health alone {base['per_s']:.0f}/s (p50 {base['p50_ms']:.1f} ms)\n")
        print("| kind | requests | /s | p50 ms | p99 ms | non-2xx |\n|---|---:|---:|---:|---:|---|")
        for k in r["kinds"]:
            print(f"| {k['kind']} | {k['requests']} | {k['per_s']:.1f} | {k['p50_ms']:.1f} | "
                  f"{k['p99_ms']:.1f} | {k['errors'] or 0} |")
        print(f"| **all** | {r['requests']} | {r['per_s']:.1f} | {r['p50_ms']:.1f} | "
              f"{r['p99_ms']:.1f} | {r['errors']} |")
        print(f"\nafterwards: acknowledged {r['acknowledged']}; SQL check {check_text}; "
              f"series: " + ", ".join(f"{s['series']} {s['first']}..{s['last']}"
                                      for s in r["check"]["series"]))
        print(f"vanthu audit verify: exit {r['audit_verify']['exit']}\n")
        for sample in r["error_samples"]:
            print(f"  error: {sample}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 s per engine")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--engines", default="postgresql,sqlite")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--pg-workers", type=int, default=4)
    args = parser.parse_args()
    seconds = 8.0 if args.quick else args.seconds
    runs = []
    cluster = None
    try:
        for engine in args.engines.split(","):
            with tempfile.TemporaryDirectory(prefix=f"vanthu-load-{engine}-") as tmp:
                if engine == "postgresql":
                    from tests.pg_cluster import start_cluster

                    cluster = cluster or start_cluster()
                    url = pg_create_database(cluster, "vanthu_load")
                    workers = args.pg_workers
                else:
                    url, workers = f"sqlite:///{Path(tmp) / 'vanthu.db'}", 1
                print(f"{engine}: {workers} worker(s), {args.clients} clients, {seconds:.0f} s",
                      flush=True)
                runs.append(run_engine(engine, Path(tmp), url, workers=workers,
                                       clients=args.clients, seconds=seconds))
    finally:
        if cluster is not None:
            cluster.stop()
    print_table(runs)
    import json

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"cores": os.cpu_count(), "mix": dict(MIX), "runs": runs,
                                   "rows": summary_rows(runs)}, indent=2, ensure_ascii=False)
                       + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    ok = all(r["errors"] == 0 and r["check"]["ok"] and r["audit_verify"]["exit"] == 0
             for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
