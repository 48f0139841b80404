"""Fault (a): kill -9 the server in the middle of a burst of registrations and copy issuances.

Usage: .venv/bin/python -m bench.faults.kill_server [--engine sqlite|postgresql] [--cycles 3]
       [--burst 3] [--workers 2] [--json out.json]

Each cycle: writers register arrivals (half with a PDF) and request and issue certified copies;
part-way through, the whole ``vanthu serve`` process group gets SIGKILL. Before restarting, the
register is checked by SQL (every acknowledged request present, every series gapless) and the
store is searched for files no row names (a kill between storing a file and committing leaves
one). The server is started again — its startup sweep removes those files — and everything is
checked again, orphans included. At the end: a burst without a kill, a clean stop, the checks and
``vanthu audit verify``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faults.checks import check  # noqa: E402
from bench.faults.service import Service, finish, pg_create_database  # noqa: E402
from bench.faults.traffic import Burst, Ledger, seed_document_id, summarise  # noqa: E402

#: The fault scripts' sweep grace: nothing else writes to their store, so a second is enough.
GRACE_SECONDS = 1.0


def _names(store: Path) -> set[str]:
    return {p.name for p in store.glob("??/??/*")}


def _kill_on_new_file(service: Service, timeout: float) -> bool:
    """Aim the kill at the window between storing a file and committing its row: watch the store
    and kill as soon as a file appears. False if none appeared (killed anyway at the timeout)."""
    known = _names(service.store)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _names(service.store) - known:
            service.kill9()
            return True
        time.sleep(0.001)
    service.kill9()
    return False


async def _until_acknowledged(ledger: Ledger, arrivals: int, copies: int,
                              timeout: float) -> None:
    """Wait until the ledger holds enough acknowledged writes, or `timeout` seconds: on a busy
    machine the traffic is slower, so the run waits for what it asserts on, not for a time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (len(ledger.arrivals) < arrivals
                                           or len(ledger.copies) < copies):
        await asyncio.sleep(0.1)


async def _burst(service: Service, ledger: Ledger, seconds: float, kill_after: float | None,
                 aimed: bool = False, until: tuple[int, int] | None = None,
                 timeout: float = 120.0) -> float | None:
    """Traffic for `seconds` (and, with `until`, on until that many arrivals and copies are
    acknowledged in all, at most `timeout` s), or until the kill; returns when it was done."""
    async with service.client("clerk") as clerk, service.client("department") as department:
        document_id = await seed_document_id(clerk)
        stop = asyncio.Event()
        writers = asyncio.create_task(Burst(clerk, department, ledger, document_id).run_until(stop))
        killed_at = None
        if kill_after is None:
            await asyncio.sleep(seconds)
            if until is not None:
                await _until_acknowledged(ledger, *until, timeout)
        else:
            await asyncio.sleep(kill_after)
            loop = asyncio.get_running_loop()
            if aimed:
                await loop.run_in_executor(None, _kill_on_new_file, service, seconds)
            else:
                await loop.run_in_executor(None, service.kill9)
            killed_at = service.killed_at
            await asyncio.sleep(0.3)  # requests sent to the dead server fail, none hang
        stop.set()
        await writers
        return killed_at


def run(folder: Path, database_url: str, *, cycles: int = 3, burst: float = 3.0,
        workers: int = 2, seed: int | None = None,
        acknowledged_at_least: tuple[int, int] = (0, 0)) -> dict[str, Any]:
    """`acknowledged_at_least`: (arrivals, copies) the final clean burst drives traffic until
    (bounded in time), so a run on a busy machine still has something to check."""
    rng = random.Random(seed)
    service = Service(folder, database_url, workers=workers,
                      settings={"VANTHU_STORAGE_SWEEP_GRACE_SECONDS": str(GRACE_SECONDS)})
    service.prepare()
    ledger = Ledger()
    result: dict[str, Any] = {"engine": database_url.split(":", 1)[0], "workers": workers,
                              "cycles": []}
    try:
        service.start()
        for _ in range(cycles):
            aimed = len(result["cycles"]) % 2 == 0  # every other kill aimed at a file write
            kill_after = burst * rng.uniform(0.5, 1.0)
            t0 = time.monotonic()
            killed_at = asyncio.run(_burst(service, ledger, burst, kill_after, aimed))
            assert killed_at is not None
            killed = check(database_url, service.store, ledger, allow_orphans=True)
            time.sleep(GRACE_SECONDS + 0.2)  # the orphans are older than the grace now
            service.start()
            restarted = check(database_url, service.store, ledger)
            result["cycles"].append({
                "kill": "on a new file" if aimed else "at a random moment",
                "killed_after_s": round(killed_at - t0, 2),
                "in_flight": sum(1 for o in ledger.outcomes
                                 if o.status is None and t0 <= o.started < killed_at),
                "after_kill": killed.to_dict(), "orphans_before_restart": killed.orphans,
                "after_restart": restarted.to_dict()})
        asyncio.run(_burst(service, ledger, 1.0, None, until=acknowledged_at_least))
        service.stop()
        final = check(database_url, service.store, ledger)
        audit = service.cli("audit", "verify", check=False)
    finally:
        service.stop()
    result.update({"traffic": summarise(ledger), "final": final.to_dict(),
                   "audit_verify": {"exit": audit.returncode,
                                    "summary": (audit.stdout or audit.stderr).strip()[-500:]},
                   "orphans_swept": sum(len(c["orphans_before_restart"])
                                        for c in result["cycles"])})
    result["ok"] = (final.ok and audit.returncode == 0
                    and all(c["after_restart"]["ok"] for c in result["cycles"])
                    and all(not [p for p in c["after_kill"]["problems"] if "no row names" not in p]
                            for c in result["cycles"]))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--burst", type=float, default=3.0, help="seconds of traffic per cycle")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    cluster = None
    with tempfile.TemporaryDirectory(prefix="vanthu-kill-") as tmp:
        try:
            if args.engine == "postgresql":
                from tests.pg_cluster import start_cluster

                cluster = start_cluster()
                url = pg_create_database(cluster, "vanthu_kill")
            else:
                url = f"sqlite:///{Path(tmp) / 'vanthu.db'}"
            result = run(Path(tmp), url, cycles=args.cycles, burst=args.burst,
                         workers=args.workers)
        finally:
            if cluster is not None:
                cluster.stop()
    return finish(result, print_report, args.json)


def print_report(result: dict[str, Any]) -> None:
    print(f"kill -9 under load: {result['engine']}, {result['workers']} workers")
    print("| cycle | kill | after s | requests in flight | orphan files left by the kill "
          "| after restart (startup sweep) |")
    print("|---:|---|---:|---:|---:|---|")
    for i, c in enumerate(result["cycles"], 1):
        after = "ok" if c["after_restart"]["ok"] else "; ".join(c["after_restart"]["problems"])
        print(f"| {i} | {c['kill']} | {c['killed_after_s']} | {c['in_flight']} | "
              f"{len(c['orphans_before_restart'])} | {after} |")
    t = result["traffic"]
    print(f"\nacknowledged: {t['acknowledged']}; requests by kind and status: {t['by_kind']}")
    print(f"final check: {'ok' if result['final']['ok'] else result['final']['problems']}")
    for s in result["final"]["series"]:
        print(f"  {s['series']}: {s['first']}..{s['last']} ({s['rows']} rows, "
              f"continued from {s['continued_from']}, sequence at {s['sequence_last']})")
    print(f"vanthu audit verify: exit {result['audit_verify']['exit']}: "
          f"{result['audit_verify']['summary'].splitlines()[0] if result['audit_verify']['summary'] else ''}")
    print("RESULT:", "PASS" if result["ok"] else "FAIL")


if __name__ == "__main__":
    sys.exit(main())
