"""Removing files no row references: what a crash between storing a file and committing leaves.

A unit of work stores its files before the transaction commits (so a committed row never names a
missing file) and removes them if the transaction rolls back. A process killed between the two
(kill -9, power loss), or a COMMIT whose outcome is unknown (the connection dropped while
committing), leaves files that no row may name. The sweep removes every file in the store that no
row references and that is older than a grace period, and the half-written temporary files of
killed writers.

A unit of work in flight holds a shared lock on each file it stored or reused (app/storage.py); the
sweep removes a file only under an exclusive lock taken without waiting, after checking again that
no row names it. The grace period is a second guard (for file systems without working locks): a
file is written, or touched when it was already there, before its row is committed, so a file
younger than the longest unit of work is left alone. `vanthu serve` sweeps once at startup;
`vanthu storage sweep` runs it by hand or from cron.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.db.file_refs import reference_check, referenced_digests
from app.storage import TEMP_PREFIX, is_digest

if TYPE_CHECKING:
    from app.context import AppContext


@dataclass
class SweepReport:
    files: int = 0  # content files found in the store
    referenced: int = 0  # of them, named by a row
    removed: list[str] = field(default_factory=list)  # unreferenced and older than the grace
    kept_young: list[str] = field(default_factory=list)  # unreferenced but within the grace
    kept_in_use: list[str] = field(default_factory=list)  # held by a unit of work in flight
    temp_removed: int = 0  # half-written temporary files of killed writers
    dry_run: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"files": self.files, "referenced": self.referenced, "removed": self.removed,
                "kept_young": self.kept_young, "kept_in_use": self.kept_in_use,
                "temp_removed": self.temp_removed,
                "dry_run": self.dry_run}

    def summary(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return (f"storage sweep: {self.files} files, {self.referenced} referenced; {verb} "
                f"{len(self.removed)} unreferenced and {self.temp_removed} temporary; kept "
                f"{len(self.kept_young)} unreferenced within the grace period and "
                f"{len(self.kept_in_use)} in use")


def _age(path: Path, now: float) -> float | None:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return None


def sweep(ctx: AppContext, grace_seconds: float, *, dry_run: bool = False) -> SweepReport:
    """Remove unreferenced files older than `grace_seconds`, and temporary files of dead
    writers; a file a unit of work in flight holds is never removed (see app/storage.py)."""
    report = SweepReport(dry_run=dry_run)
    store = ctx.store
    if not store.root.is_dir():
        return report
    # References first: a file stored after this read is younger than the grace when it is
    # looked at below, and so is kept; each candidate is checked again under its lock.
    with ctx.reading() as s:
        referenced = referenced_digests(s)
    recheck = reference_check(ctx.db)
    for path in sorted(store.root.glob("??/??/*")):
        name = path.name
        temp = name.startswith(TEMP_PREFIX)
        if not temp and not is_digest(name):
            continue
        if not temp:
            report.files += 1
            if name in referenced:
                report.referenced += 1
                continue
        age = _age(path, time.time())  # looked at now, just before removing
        if age is None:
            continue
        if age <= grace_seconds:
            if not temp:
                report.kept_young.append(name)
            continue
        if dry_run or store.remove_if_unused(path, recheck):
            if temp:
                report.temp_removed += 1
            else:
                report.removed.append(name)
        elif not temp:
            report.kept_in_use.append(name)
    return report
