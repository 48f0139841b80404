"""The register checked by SQL after a run, whatever happened during it.

- every series (arrivals, dispatches, certified copies, per organisation and scope key) holds
  exactly the numbers continued-from+1 .. last, each once, and ``sequences.last_number`` is the
  last one given;
- every acknowledged (2xx) registration, request and copy is there, as it was answered;
- no half-issued copy: each copy's PDF and manifest are in the store, each issued request names
  its copy and each copy its request;
- no orphan: every file in the store is named by a row (no leftover, no half-written file).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.faults.traffic import Ledger

#: register name → (table, number column)
SERIES = {"arrival": ("arrivals", "arrival_number"), "dispatch": ("dispatches", "number"),
          "copy": ("certified_copies", "number")}


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    orphans: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    unknown_present: int = 0  # registrations never answered that did commit

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems[:50], "counts": self.counts,
                "series": self.series, "orphans": len(self.orphans),
                "missing_files": len(self.missing_files),
                "unknown_outcome_committed": self.unknown_present}


def _series(conn: Any, report: Report) -> None:
    seqs = {(r.organisation_id, r.register, r.scope_key): (r.last_number, r.continued_from)
            for r in conn.execute(text("SELECT organisation_id, register, scope_key, last_number, "
                                       "continued_from FROM sequences"))}
    codes = dict(conn.execute(text("SELECT id, code FROM organisations")).all())
    seen: set[tuple[int, str, str]] = set()
    for register, (table, column) in SERIES.items():
        numbers: dict[tuple[int, str], list[int]] = defaultdict(list)
        for org_id, scope, number in conn.execute(text(
                f"SELECT organisation_id, scope_key, {column} FROM {table}")):
            numbers[(org_id, scope)].append(int(number))
        for (org_id, scope), got in numbers.items():
            key = (org_id, register, scope)
            seen.add(key)
            name = f"{codes.get(org_id, org_id)} {register} {scope}"
            if key not in seqs:
                report.problems.append(f"{name}: rows but no sequence row")
                continue
            last, continued = seqs[key]
            start = (continued or 0) + 1
            got.sort()
            expected = list(range(start, last + 1))
            if got != expected:
                dupes = sorted({n for n in got if got.count(n) > 1})
                missing = sorted(set(expected) - set(got))
                extra = sorted(set(got) - set(expected))
                report.problems.append(
                    f"{name}: numbers {got[:1]}..{got[-1:]} ({len(got)}) against {start}..{last}; "
                    f"duplicated {dupes[:10]}, missing {missing[:10]}, beyond {extra[:10]}")
            report.series.append({"series": name, "first": got[0], "last": got[-1],
                                  "rows": len(got), "continued_from": continued,
                                  "sequence_last": last})
    for key, (last, continued) in seqs.items():
        if key not in seen and last != (continued or 0):
            report.problems.append(f"{codes.get(key[0])} {key[1]} {key[2]}: sequence at {last} "
                                   f"but no row (continued from {continued})")


def _acknowledged(conn: Any, ledger: Ledger, report: Report) -> None:
    rows = {r.id: r for r in conn.execute(text(
        "SELECT a.id, a.arrival_number, a.scope_key, d.notation FROM arrivals a "
        "JOIN documents d ON d.id = a.document_id"))}
    for arrival_id, want in ledger.arrivals.items():
        row = rows.get(arrival_id)
        if row is None:
            report.problems.append(f"acknowledged arrival {arrival_id} ({want['notation']}) is missing")
        elif (row.arrival_number, row.scope_key, row.notation) != (
                want["number"], want["scope_key"], want["notation"]):
            report.problems.append(f"arrival {arrival_id} differs from its answer: {tuple(row)} "
                                   f"against {want}")
    files = {(r.document_id, r.sha256) for r in conn.execute(text(
        "SELECT document_id, sha256 FROM document_files"))}
    for arrival_id, want in ledger.arrivals.items():
        for digest in want["files"]:
            if (want["document_id"], digest) not in files:
                report.problems.append(f"arrival {arrival_id}: file {digest[:12]} not on record")
    copies = {r.id: r for r in conn.execute(text(
        "SELECT id, number, scope_key, notation, pdf_sha256 FROM certified_copies"))}
    for copy_id, want in ledger.copies.items():
        row = copies.get(copy_id)
        if row is None:
            report.problems.append(f"acknowledged copy {copy_id} ({want['notation']}) is missing")
        elif (row.number, row.scope_key, row.notation, row.pdf_sha256) != (
                want["number"], want["scope_key"], want["notation"], want["pdf_sha256"]):
            report.problems.append(f"copy {copy_id} differs from its answer")
    requests = {r.id: r for r in conn.execute(text(
        "SELECT id, status, copy_id FROM copy_requests"))}
    for request_id, want in ledger.requests.items():
        row = requests.get(request_id)
        if row is None:
            report.problems.append(f"acknowledged copy request {request_id} is missing")
        elif want["status"] == "issued" and (row.status, row.copy_id) != ("issued", want["copy_id"]):
            report.problems.append(f"copy request {request_id} was answered issued as copy "
                                   f"{want['copy_id']} but is {row.status}/{row.copy_id}")
    if ledger.unknown_arrivals:
        notations = {r.notation for r in rows.values()}
        report.unknown_present = sum(1 for n in ledger.unknown_arrivals if n in notations)


def _copies_whole(conn: Any, store: Path, report: Report) -> set[str]:
    referenced: set[str] = set()
    for (digest,) in conn.execute(text("SELECT sha256 FROM document_files")):
        referenced.add(digest)
    for r in conn.execute(text("SELECT id, notation, pdf_sha256, envelope_sha256, source_sha256 "
                               "FROM certified_copies")):
        referenced.update(d for d in (r.pdf_sha256, r.envelope_sha256, r.source_sha256) if d)
        if r.envelope_sha256 is None:
            report.problems.append(f"copy {r.notation}: no stored manifest")
    for (digest,) in conn.execute(text("SELECT source_sha256 FROM copy_requests "
                                       "WHERE source_sha256 IS NOT NULL")):
        referenced.add(digest)
    for digest in sorted(referenced):
        if not (store / digest[:2] / digest[2:4] / digest).is_file():
            report.missing_files.append(digest)
    if report.missing_files:
        report.problems.append(f"{len(report.missing_files)} referenced files are not in the "
                               f"store (half-issued): {report.missing_files[:5]}")
    for r in conn.execute(text(
            "SELECT r.id, r.copy_id FROM copy_requests r LEFT JOIN certified_copies c "
            "ON c.id = r.copy_id WHERE r.status = 'issued' AND c.id IS NULL")):
        report.problems.append(f"copy request {r.id} is issued but copy {r.copy_id} is missing")
    for r in conn.execute(text(
            "SELECT c.id, c.notation FROM certified_copies c LEFT JOIN copy_requests r "
            "ON r.copy_id = c.id AND r.status = 'issued' WHERE r.id IS NULL")):
        report.problems.append(f"copy {r.notation} has no issued request")
    return referenced


def orphans(store: Path, referenced: set[str]) -> list[str]:
    """Files in the store no row names (temporary files included)."""
    if not store.is_dir():
        return []
    return sorted(str(p.relative_to(store)) for p in store.rglob("*")
                  if p.is_file() and p.name not in referenced)


def check(database_url: str, store: Path, ledger: Ledger | None = None, *,
          allow_orphans: bool = False) -> Report:
    report = Report()
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            _series(conn, report)
            if ledger is not None:
                _acknowledged(conn, ledger, report)
            referenced = _copies_whole(conn, store, report)
            for table in ("arrivals", "certified_copies", "copy_requests", "document_files"):
                report.counts[table] = int(conn.execute(text(
                    f"SELECT COUNT(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()
    report.orphans = orphans(store, referenced)
    if report.orphans and not allow_orphans:
        report.problems.append(f"{len(report.orphans)} files in the store no row names: "
                               f"{report.orphans[:5]}")
    return report


def store_listing(store: Path) -> dict[str, int]:
    """Every file in the store with its size (to show a failed request left nothing)."""
    if not store.is_dir():
        return {}
    return {str(p.relative_to(store)): p.stat().st_size for p in store.rglob("*") if p.is_file()}
