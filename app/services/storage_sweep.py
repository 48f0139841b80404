"""Removing files no row references: what a crash between storing a file and committing leaves.

A unit of work stores its files before the transaction commits (so a committed row never names a
missing file) and removes them if the transaction rolls back. A process killed between the two
(kill -9, power loss), or a COMMIT whose outcome is unknown (the connection dropped while
committing), leaves files that no row may name. The sweep removes every file in the store that no
row references and that is older than a grace period, and the half-written temporary files of
killed writers.

The grace period protects units of work still in flight in other processes: their files are not
referenced until they commit. A file is written, or touched when it was already there
(:meth:`FileStore.put`), before its row is committed, so a file younger than the longest unit of
work is never removed. `vanthu serve` sweeps once at startup; `vanthu storage sweep` runs it by
hand or from cron.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import AppContext
from app.db import CertifiedCopy, CopyRequest, DocumentFile
from app.storage import TEMP_PREFIX, is_digest


@dataclass
class SweepReport:
    files: int = 0  # content files found in the store
    referenced: int = 0  # of them, named by a row
    removed: list[str] = field(default_factory=list)  # unreferenced and older than the grace
    kept_young: list[str] = field(default_factory=list)  # unreferenced but within the grace
    temp_removed: int = 0  # half-written temporary files of killed writers
    dry_run: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"files": self.files, "referenced": self.referenced, "removed": self.removed,
                "kept_young": self.kept_young, "temp_removed": self.temp_removed,
                "dry_run": self.dry_run}

    def summary(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return (f"storage sweep: {self.files} files, {self.referenced} referenced; {verb} "
                f"{len(self.removed)} unreferenced and {self.temp_removed} temporary; kept "
                f"{len(self.kept_young)} unreferenced within the grace period")


def referenced_digests(session: Session) -> set[str]:
    """Every SHA-256 a row names as a stored file."""
    found: set[str] = set()
    for column in (DocumentFile.sha256, CertifiedCopy.pdf_sha256, CertifiedCopy.envelope_sha256,
                   CertifiedCopy.source_sha256, CopyRequest.source_sha256):
        found.update(v for v in session.scalars(select(column).distinct()) if v)
    return found


def _age(path: Path, now: float) -> float | None:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return None


def sweep(ctx: AppContext, grace_seconds: float, *, dry_run: bool = False) -> SweepReport:
    """Remove unreferenced files older than `grace_seconds` (and stale temporary files)."""
    report = SweepReport(dry_run=dry_run)
    root = ctx.store.root
    if not root.is_dir():
        return report
    # References first: a file stored after this read is younger than the grace when it is
    # looked at below, and so is kept.
    with ctx.reading() as s:
        referenced = referenced_digests(s)
    for path in sorted(root.glob("??/??/*")):
        name = path.name
        if name.startswith(TEMP_PREFIX):
            age = _age(path, time.time())
            if age is not None and age > grace_seconds:
                report.temp_removed += 1
                if not dry_run:
                    path.unlink(missing_ok=True)
            continue
        if not is_digest(name):
            continue
        report.files += 1
        if name in referenced:
            report.referenced += 1
            continue
        age = _age(path, time.time())  # looked at now, just before removing
        if age is None:
            continue
        if age <= grace_seconds:
            report.kept_young.append(name)
            continue
        report.removed.append(name)
        if not dry_run:
            path.unlink(missing_ok=True)
    return report
