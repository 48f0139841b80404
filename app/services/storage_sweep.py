"""Removing files no row references: what a crash between storing a file and committing leaves.

A unit of work stores its files before the transaction commits (so a committed row never names a
missing file) and removes them if the transaction rolls back. A process killed between the two
(kill -9, power loss), or a COMMIT whose outcome is unknown (the connection dropped while
committing), leaves files that no row may name. The sweep removes every file in the store that no
row references and that is older than a grace period, and the half-written temporary files of
killed writers.

A unit of work in flight holds each file it stored or reused: a shared lock in the local store
(app/storage/local.py), a hold object in the S3 store (app/storage/s3.py). The sweep removes a file
only if no unit holds it, after checking again that no row names it. The grace period is a second
guard: a file is written, or its time recorded again when it was already there, before its row is
committed, so a file younger than the longest unit of work is left alone. The leftovers are
half-written temporary files (local) and the holds of processes that died (S3). `vanthu serve`
sweeps once at startup; `vanthu storage sweep` runs it by hand or from cron.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.db.file_refs import reference_check, referenced_digests

if TYPE_CHECKING:
    from app.context import AppContext


@dataclass
class SweepReport:
    files: int = 0  # content files found in the store
    referenced: int = 0  # of them, named by a row
    removed: list[str] = field(default_factory=list)  # unreferenced and older than the grace
    kept_young: list[str] = field(default_factory=list)  # unreferenced but within the grace
    kept_in_use: list[str] = field(default_factory=list)  # held by a unit of work in flight
    temp_removed: int = 0  # leftovers: half-written files, holds of processes that died
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


def sweep(ctx: AppContext, grace_seconds: float, *, dry_run: bool = False) -> SweepReport:
    """Remove unreferenced files older than `grace_seconds`, and leftovers of dead writers; a
    file a unit of work in flight holds is never removed (see app/storage)."""
    report = SweepReport(dry_run=dry_run)
    store = ctx.store
    # References first: a file stored after this read is younger than the grace when it is
    # looked at below, and so is kept; each candidate is checked again when it is removed.
    with ctx.reading() as s:
        referenced = referenced_digests(s)
    recheck = reference_check(ctx.db)
    for entry in store.scan():
        if not entry.leftover:
            report.files += 1
            if entry.name in referenced:
                report.referenced += 1
                continue
        age = store.age(entry)  # looked at now, just before removing
        if age is None:
            continue
        if age <= grace_seconds:
            if not entry.leftover:
                report.kept_young.append(entry.name)
            continue
        if dry_run or store.remove_if_unused(entry, recheck):
            if entry.leftover:
                report.temp_removed += 1
            else:
                report.removed.append(entry.name)
        elif not entry.leftover:
            report.kept_in_use.append(entry.name)
    return report
