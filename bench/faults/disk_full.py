"""Fault (c): the file store's disk fills up; requests fail cleanly and recover once space is freed.

Usage: .venv/bin/python -m bench.faults.disk_full [--size 4m] [--json out.json]

The store (VANTHU_STORAGE_DIR) is put on a small tmpfs (``mount -t tmpfs -o size=4m``; a
loop-mounted ext4 image where tmpfs cannot be mounted). With the disk filled by a filler file:

- an arrival with its PDF and a copy issuance answer ``507 application/problem+json``; no row is
  written, no number is used (the series' ``last_number`` does not move), no file or half-written
  temporary file is left (the store's listing is unchanged) and the copy request stays pending;
- with room for the copy's PDF but not for its manifest, issuance fails the same way and the PDF
  already stored is removed again;
- an arrival without a file (nothing to store) still succeeds, with the next number.

Once the filler is removed, the same requests succeed with the next numbers: no gap.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.faults.checks import check, store_listing  # noqa: E402
from bench.faults.service import Service, finish  # noqa: E402
from bench.faults.traffic import (  # noqa: E402
    Ledger,
    approve_copy,
    register_arrival,
    request_copy,
    seed_document_id,
)


class DiskUnavailable(RuntimeError):
    """Neither a tmpfs nor a loop device can be mounted here (not root, no mount permission)."""


def mount_small_disk(target: Path, size: str) -> str:
    """Mount a small file system on `target`; returns how ("tmpfs" or "loop")."""
    target.mkdir(parents=True, exist_ok=True)
    tmpfs = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                           capture_output=True, text=True)
    if tmpfs.returncode == 0:
        return "tmpfs"
    image = target.parent / "disk.img"
    steps = [["truncate", "-s", size.upper().replace("M", "M"), str(image)],
             ["mkfs.ext4", "-q", "-F", str(image)],
             ["mount", "-o", "loop", str(image), str(target)]]
    for cmd in steps:
        if shutil.which(cmd[0]) is None:
            raise DiskUnavailable(f"tmpfs: {tmpfs.stderr.strip()}; no {cmd[0]} for a loop disk")
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise DiskUnavailable(f"tmpfs: {tmpfs.stderr.strip()}; loop: {' '.join(cmd)}: "
                                  f"{done.stderr.strip()}")
    return "loop"


def unmount(target: Path) -> None:
    subprocess.run(["umount", str(target)], capture_output=True)


def fill(filler: Path, leave: int = 0) -> int:
    """Write to `filler` until the disk is full, then give back `leave` bytes; returns the bytes
    free afterwards."""
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (65536, 4096, 512, 1):  # unbuffered, down to the last byte
            block = b"\0" * size
            try:
                while os.write(fd, block) == size:
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    st = os.statvfs(filler.parent)
    return st.f_bavail * st.f_frsize


def _last_number(url: str, register: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT MAX(s.last_number) FROM sequences s JOIN organisations o "
                "ON o.id = s.organisation_id WHERE o.code = 'VPTU' AND s.register = :r "
                "AND s.scope_key NOT LIKE '%2020%'"), {"r": register}).scalar_one() or 0)
    finally:
        engine.dispose()


async def _scenario(service: Service, url: str, disk: Path) -> dict[str, Any]:
    ledger = Ledger()
    filler = disk / "filler"
    steps: list[dict[str, Any]] = []

    def step(name: str, resp: Any, **extra: Any) -> dict[str, Any]:
        entry = {"step": name, "status": None if resp is None else resp.status_code,
                 "problem": resp is not None
                 and resp.headers.get("content-type", "").startswith("application/problem+json"),
                 **extra}
        if resp is not None and resp.status_code >= 400:
            entry["title"] = resp.json().get("title")
        steps.append(entry)
        return entry

    async with service.client("clerk") as clerk, service.client("department") as department:
        document_id = await seed_document_id(clerk)
        # Room to spare: a copy and an upload, to learn their sizes.
        first = await request_copy(department, ledger, document_id)
        assert first is not None
        resp = await approve_copy(clerk, ledger, first)
        step("copy issued, disk with room", resp)
        assert resp is not None and resp.status_code == 201, resp
        digest = resp.json()["pdf_sha256"]
        pdf_size = (service.store / digest[:2] / digest[2:4] / digest).stat().st_size
        step("arrival with PDF, disk with room", await register_arrival(clerk, ledger, True))

        pending = await request_copy(department, ledger, document_id)  # a row, no file
        assert pending is not None
        arrivals_before, copies_before = _last_number(url, "arrival"), _last_number(url, "copy")
        listing = store_listing(service.store)

        free = fill(filler)
        upload = await register_arrival(clerk, ledger, True)
        step("arrival with PDF, disk full", upload, free_bytes=free)
        issue = await approve_copy(clerk, ledger, pending)
        step("copy issue, disk full", issue, free_bytes=free)
        # Room for the copy's PDF, not for its manifest: the PDF is stored, then removed again.
        os.truncate(filler, 0)
        page = os.statvfs(disk).f_frsize
        free_partial = fill(filler, leave=-(-pdf_size // page) * page)
        log_before = len(service.log_tail(10**7))
        partial = await approve_copy(clerk, ledger, pending)
        # The unit of work logs the files it removes when it does not commit.
        removed = [line for line in service.log_tail(10**7)[log_before:].splitlines()
                   if "did not commit" in line]
        step("copy issue, room for the PDF only", partial, free_bytes=free_partial,
             removed_after_failure=removed)
        unchanged = store_listing(service.store) == listing
        numbers_kept = (_last_number(url, "arrival"), _last_number(url, "copy")) == (
            arrivals_before, copies_before)
        no_file = await register_arrival(clerk, ledger, False)
        step("arrival without a file, disk full", no_file)
        pending_state = (await clerk.get(f"/copy-requests/{pending}")).json()["status"]

        filler.unlink()
        retry_upload = await register_arrival(clerk, ledger, True)
        step("arrival with PDF, space freed", retry_upload)
        retry_issue = await approve_copy(clerk, ledger, pending)
        step("copy issue, space freed", retry_issue)

    failed = (upload, issue, partial)
    numbers = {
        "arrivals_before": arrivals_before, "copies_before": copies_before,
        "arrival_without_file": no_file.json()["arrival_number"] if no_file is not None
        and no_file.status_code == 201 else None,
        "arrival_after_recovery": retry_upload.json()["arrival_number"] if retry_upload is not None
        and retry_upload.status_code == 201 else None,
        "copy_after_recovery": retry_issue.json()["number"] if retry_issue is not None
        and retry_issue.status_code == 201 else None}
    ok = (all(r is not None and r.status_code == 507 and steps[i]["problem"]
              for i, r in zip((2, 3, 4), failed, strict=True))
          and unchanged and numbers_kept and pending_state == "pending"
          and numbers["arrival_without_file"] == arrivals_before + 1
          and numbers["arrival_after_recovery"] == arrivals_before + 2
          and numbers["copy_after_recovery"] == copies_before + 1)
    return {"steps": steps, "store_unchanged_by_failures": unchanged,
            "pdf_stored_then_removed": bool(steps[4]["removed_after_failure"]),
            "numbers_unchanged_by_failures": numbers_kept,
            "request_still_pending": pending_state == "pending", "numbers": numbers,
            "copy_pdf_bytes": pdf_size, "ledger": ledger, "ok": ok}


def run(folder: Path, *, size: str = "4m") -> dict[str, Any]:
    disk = folder / "disk"
    how = mount_small_disk(disk, size)
    try:
        url = f"sqlite:///{folder / 'vanthu.db'}"
        service = Service(folder, url, workers=1, storage_dir=disk / "files")
        service.prepare()
        try:
            service.start()
            result = asyncio.run(_scenario(service, url, disk))
        finally:
            service.stop()
        ledger = result.pop("ledger")
        final = check(url, service.store, ledger)
        audit = service.cli("audit", "verify", check=False)
    finally:
        unmount(disk)
    result.update({"disk": f"{how} {size}", "final": final.to_dict(),
                   "audit_verify": {"exit": audit.returncode,
                                    "summary": audit.stdout.strip()[-300:]}})
    result["ok"] = result["ok"] and final.ok and audit.returncode == 0
    return result


def print_report(r: dict[str, Any]) -> None:
    print(f"file store on a full disk ({r['disk']}); copy PDF {r['copy_pdf_bytes']} bytes")
    print("| step | status | problem+json | free bytes |\n|---|---:|---|---:|")
    for s in r["steps"]:
        print(f"| {s['step']} | {s['status']} {s.get('title', '')} | {s['problem']} "
              f"| {s.get('free_bytes', '')} |")
    print(f"store unchanged by the failures: {r['store_unchanged_by_failures']}; numbers unchanged: "
          f"{r['numbers_unchanged_by_failures']}; request still pending: {r['request_still_pending']}")
    print(f"room for the PDF only: the PDF was stored, the manifest was not, and the PDF was "
          f"removed: {r['pdf_stored_then_removed']} {r['steps'][4]['removed_after_failure']}")
    print(f"numbers: {r['numbers']}")
    print(f"final check: {'ok' if r['final']['ok'] else r['final']['problems']}; "
          f"vanthu audit verify: exit {r['audit_verify']['exit']}")
    print("RESULT:", "PASS" if r["ok"] else "FAIL")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="4m")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vanthu-disk-") as tmp:
        try:
            result = run(Path(tmp), size=args.size)
        except DiskUnavailable as exc:
            print(f"cannot mount a small disk here: {exc}")
            return 2
    return finish(result, print_report, args.json)


if __name__ == "__main__":
    sys.exit(main())
