"""Fault (b): PostgreSQL goes down mid-burst and comes back; the service recovers by itself.

Usage: .venv/bin/python -m bench.faults.pg_restart [--outage 2] [--workers 2] [--json out.json]

Writers (arrivals, half with a PDF; copy requests and issues) and readers run against
``vanthu serve`` on a throwaway PostgreSQL cluster. Part-way through, the cluster is stopped
(``pg_ctl stop -m fast``: open transactions are aborted, connections closed), kept down for
`--outage` seconds and started again. The service is not restarted. What must hold:

- during the outage every answer is ``503 application/problem+json`` (database unavailable,
  retry) — no 500, no dropped connection, the server process stays up;
- after PostgreSQL is back, requests succeed again within seconds (the pool's pre-ping replaces
  the dead connections), and at the end of the run every request succeeds;
- afterwards, the SQL checks: acknowledged writes present, series gapless, no half-issued copy.
  A request that failed while the database was down cannot ask it whether a committed row names
  the files it stored (a COMMIT may have gone through before the connection dropped), so it keeps
  them; the running server's periodic sweep removes those no row names — no file is left
  unreferenced, without a restart. ``vanthu audit verify`` passes.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faults.checks import check  # noqa: E402
from bench.faults.service import Service, finish, pg_create_database, pg_start, pg_stop  # noqa: E402
from bench.faults.traffic import Burst, Ledger, read_one, seed_document_id, summarise  # noqa: E402

#: The running server sweeps often here, with a short grace: nothing else writes to this store.
SWEEP_GRACE, SWEEP_INTERVAL = 1.0, 2.0


#: How long a phase may wait for what it needs on a slow machine (bounded, never a speed test).
PATIENCE = 60.0


def _answered(ledger: Ledger, since: float) -> bool:
    """Some request sent after `since` has been answered."""
    return any(o.started >= since for o in ledger.outcomes)


def _settled(ledger: Ledger, up: float) -> bool:
    """The last second's answers (at least one) all succeeded, and something succeeded after
    PostgreSQL came back."""
    now = time.monotonic()
    recent = [o for o in ledger.outcomes if now - 1.0 <= o.started]
    return (bool(recent) and all(o.ok for o in recent)
            and any(o.ok and o.started >= up for o in ledger.outcomes))


async def _traffic(service: Service, cluster: Any, ledger: Ledger, before: float, outage: float,
                   after: float) -> dict[str, float]:
    marks: dict[str, float] = {}
    async with service.client("clerk") as clerk, service.client("department") as department, \
            service.client("clerk_vpduk") as clerk_vpduk:
        document_id = await seed_document_id(clerk)
        stop = asyncio.Event()
        rng = random.Random(8)

        async def reader() -> None:
            while not stop.is_set():
                await read_one(rng, clerk, clerk_vpduk, ledger)
                if not ledger.outcomes[-1].ok:
                    await asyncio.sleep(0.05)

        burst = Burst(clerk, department, ledger, document_id, arrival_writers=3, copy_writers=2)
        tasks = [asyncio.create_task(burst.run_until(stop)),
                 *(asyncio.create_task(reader()) for _ in range(2))]
        loop = asyncio.get_running_loop()
        await asyncio.sleep(before)
        marks["stop"] = time.monotonic()
        await loop.run_in_executor(None, pg_stop, cluster)
        marks["down"] = time.monotonic()
        await asyncio.sleep(outage)
        # a busy machine may answer nothing in the outage's first seconds: wait for an answer
        while not _answered(ledger, marks["down"]) and time.monotonic() < marks["down"] + PATIENCE:
            await asyncio.sleep(0.1)
        marks["start"] = time.monotonic()
        await loop.run_in_executor(None, pg_start, cluster)
        marks["up"] = time.monotonic()
        await asyncio.sleep(after)
        # run on until a whole second of answers succeeds (bounded), whatever the machine's speed
        while not _settled(ledger, marks["up"]) and time.monotonic() < marks["up"] + PATIENCE:
            await asyncio.sleep(0.1)
        marks["end"] = time.monotonic()
        stop.set()
        await asyncio.gather(*tasks)
    return marks


def run(folder: Path, cluster: Any, *, workers: int = 2, before: float = 1.5,
        outage: float = 2.0, after: float = 4.0) -> dict[str, Any]:
    url = pg_create_database(cluster, f"vanthu_pgrestart_{random.randrange(10**6)}")
    service = Service(folder, url, workers=workers, settings={
        "VANTHU_STORAGE_SWEEP_GRACE_SECONDS": str(SWEEP_GRACE),
        "VANTHU_STORAGE_SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL)})
    service.prepare()
    ledger = Ledger()
    try:
        service.start()
        pid = service.proc.pid if service.proc else None
        marks = asyncio.run(_traffic(service, cluster, ledger, before, outage, after))
        # Failed units that could not ask the database whether a row names their files kept
        # them; the running server's periodic sweep removes them.
        unswept = check(url, service.store, ledger, allow_orphans=True)
        waited = 0.0
        while check(url, service.store, None, allow_orphans=True).orphans and waited < 15:
            time.sleep(0.5)
            waited += 0.5
        alive = service.proc is not None and service.proc.poll() is None and service.proc.pid == pid
        service.stop()
        final = check(url, service.store, ledger)
        audit = service.cli("audit", "verify", check=False)
    finally:
        service.stop()

    def started(lo: float, hi: float) -> list[Any]:
        return [o for o in ledger.outcomes if lo <= o.started < hi]

    # sent and answered while PostgreSQL was certainly down
    during = [o for o in started(marks["down"], marks["start"])
              if o.started + o.ms / 1000 < marks["start"]]
    after_up = started(marks["up"], marks["end"])
    first_ok = min((o.started + o.ms / 1000 for o in after_up if o.ok), default=None)
    last_second = started(marks["end"] - 1.0, marks["end"])
    bad = [o for o in ledger.outcomes if not o.ok and not (o.status == 503 and o.problem)]
    result: dict[str, Any] = {
        "engine": "postgresql", "workers": workers, "outage_s": round(marks["start"] - marks["stop"], 2),
        "server_kept_running": alive, "starts": service.starts,
        "during_outage": {"requests": len(during),
                          "statuses": dict(sorted(_statuses(during).items()))},
        "recovered_after_s": None if first_ok is None else round(first_ok - marks["up"], 2),
        "last_second": {"requests": len(last_second), "failed": sum(not o.ok for o in last_second)},
        "not_503_problem": [f"{o.kind}: {o.status} {o.detail[:120]}" for o in bad[:10]],
        "n_not_503_problem": len(bad),
        "traffic": summarise(ledger),
        "unreferenced_after_burst": len(unswept.orphans),
        "swept_by_running_server": sum(int(n) for n in re.findall(
            r"vanthu serve: storage sweep: .*?removed (\d+) unreferenced", service.log_tail(10**7))),
        "waited_for_sweep_s": waited,
        "final": final.to_dict(),
        "audit_verify": {"exit": audit.returncode, "summary": audit.stdout.strip()[-400:]},
    }
    result["ok"] = (alive and service.starts == 1 and not bad and final.ok
                    and audit.returncode == 0 and first_ok is not None
                    and result["during_outage"]["requests"] > 0
                    and all(o.status == 503 for o in during)
                    and result["last_second"]["requests"] > 0
                    and result["last_second"]["failed"] == 0)
    return result


def _statuses(outcomes: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[str(o.status)] = counts.get(str(o.status), 0) + 1
    return counts


def print_report(r: dict[str, Any]) -> None:
    print(f"PostgreSQL stopped for {r['outage_s']} s under load ({r['workers']} workers); "
          f"server kept running: {r['server_kept_running']} (started {r['starts']} time)")
    print(f"sent and answered during the outage: {r['during_outage']['requests']} requests, statuses "
          f"{r['during_outage']['statuses']}")
    print(f"first success {r['recovered_after_s']} s after PostgreSQL was up; last second: "
          f"{r['last_second']['requests']} requests, {r['last_second']['failed']} failed")
    print(f"answers other than 2xx or 503 problem+json: {r['n_not_503_problem']} {r['not_503_problem']}")
    print(f"acknowledged: {r['traffic']['acknowledged']}")
    print(f"files kept by requests that failed while the database was down, removed by the "
          f"running server's sweep (every {SWEEP_INTERVAL:g} s here): "
          f"{r['swept_by_running_server']}; unreferenced when the burst ended: "
          f"{r['unreferenced_after_burst']}, all gone {r['waited_for_sweep_s']} s later")
    print(f"final check: {'ok' if r['final']['ok'] else r['final']['problems']}")
    for s in r["final"]["series"]:
        print(f"  {s['series']}: {s['first']}..{s['last']} ({s['rows']} rows, sequence at "
              f"{s['sequence_last']})")
    print(f"vanthu audit verify: exit {r['audit_verify']['exit']}")
    print("RESULT:", "PASS" if r["ok"] else "FAIL")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=2.0)
    parser.add_argument("--before", type=float, default=2.0)
    parser.add_argument("--after", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from tests.pg_cluster import start_cluster

    cluster = start_cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="vanthu-pgrestart-") as tmp:
            result = run(Path(tmp), cluster, workers=args.workers, before=args.before,
                         outage=args.outage, after=args.after)
    finally:
        cluster.stop()
    return finish(result, print_report, args.json)


if __name__ == "__main__":
    sys.exit(main())
