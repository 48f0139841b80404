"""The pieces the fault scripts rely on, in-process: the storage sweep, a unit of work whose COMMIT
fails, a database that goes away (503) and a full disk (507). The store's tests run on both
backends (BOTH: the local folder and SeaweedFS's S3)."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.factories import APPROVE_VPTU, arrive_with_pdf, ask, seed_arrival_body
from tests.pdfs import make_pdf
from tests.s3 import BOTH, age, entry_of, leftover, store_env


@BOTH
def test_sweep_removes_only_old_unreferenced_files(client: Any, world: Any, ctx: Any) -> None:
    from app.services.storage_sweep import sweep

    arrival = arrive_with_pdf(client, world)
    req = ask(client, world, "dept_vptu", "VPTU", document_id=arrival["document"]["id"]).json()
    copy = client.post(f"/copy-requests/{req['id']}/approve", headers=world.auth("clerk_vptu"),
                       json=APPROVE_VPTU).json()
    referenced = set(ctx.store.all_digests())
    assert {arrival["document"]["files"][0]["sha256"], copy["pdf_sha256"]} <= referenced
    for digest in referenced:  # old, but named by rows: kept
        age(ctx.store, digest, 3600)
    old_orphan = ctx.store.put(b"%PDF-1.7 left by a crash")
    age(ctx.store, old_orphan, 3600)
    young_orphan = ctx.store.put(b"%PDF-1.7 a unit of work still in flight")
    temp = leftover(ctx.store, 3600, near=old_orphan)

    dry = sweep(ctx, 300, dry_run=True)
    assert dry.removed == [old_orphan] and dry.temp_removed == 1
    assert ctx.store.exists(old_orphan) and temp()

    report = sweep(ctx, 300)
    assert report.removed == [old_orphan]
    assert report.kept_young == [young_orphan]
    assert report.temp_removed == 1 and not temp()
    assert report.referenced == len(referenced)
    assert set(ctx.store.all_digests()) == referenced | {young_orphan}
    # the copy and its source are whole after the sweep
    assert client.get(f"/copies/{copy['id']}/pdf", headers=world.auth("clerk_vptu")).status_code == 200
    assert sweep(ctx, 0).removed == [young_orphan]


@BOTH
def test_storing_bytes_already_there_refreshes_the_file_time(ctx: Any) -> None:
    """A unit of work that reuses an old unreferenced file must not lose it to a sweep."""
    digest = ctx.store.put(b"same bytes")
    age(ctx.store, digest, 3600)
    assert ctx.store.age(entry_of(ctx.store, digest)) > 3000
    assert ctx.store.put(b"same bytes") == digest
    assert ctx.store.age(entry_of(ctx.store, digest)) < 60


@BOTH
def test_a_failure_before_commit_removes_the_files(ctx: Any) -> None:
    with pytest.raises(RuntimeError), ctx.unit_of_work() as work:
        digest = ctx.store.put(b"stored, then the request failed", work.staged)
        raise RuntimeError("failed before commit")
    assert not ctx.store.exists(digest)


@BOTH
def test_a_commit_of_unknown_outcome_keeps_the_files(ctx: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.orm import Session

    def lost(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "commit", lost)
    with pytest.raises(OperationalError), ctx.unit_of_work() as work:
        digest = ctx.store.put(b"stored, then the connection dropped on COMMIT", work.staged)
    assert ctx.store.exists(digest)  # a committed row may name it; the sweep decides later


def test_database_errors_are_503_problems(client: Any, world: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import arrivals

    def gone(*_: Any, **__: Any) -> Any:
        raise OperationalError("SELECT", {}, Exception("terminating connection due to "
                                                       "administrator command"))

    monkeypatch.setattr(arrivals, "list_for", gone)
    r = client.get("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"))
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["retry-after"]
    assert r.json()["type"].endswith("/database-unavailable")
    assert "administrator" not in r.text  # the driver's message stays in the log

    def broken(*_: Any, **__: Any) -> Any:
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr(arrivals, "list_for", broken)
    r = client.get("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu"))
    assert r.status_code == 500 and r.json()["type"].endswith("/internal")


def test_a_full_disk_is_507_and_leaves_no_partial_file(client: Any, world: Any, ctx: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:  # the bytes are written, the disk cannot take them
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # what FileStore.put calls before linking the file
    r = client.post("/orgs/VPTU/arrivals/with-file", headers=world.auth("clerk_vptu"),
                    data={"metadata": json.dumps(seed_arrival_body())},
                    files={"file": ("160.pdf", make_pdf(["trang 1"]), "application/pdf")})
    assert r.status_code == 507, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    root = Path(ctx.settings.storage_dir)
    assert not [p for p in root.rglob("*") if p.is_file()]  # not even the half-written temp file
    monkeypatch.undo()
    assert client.get("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu")).json()["items"] == []


@BOTH
def test_a_failed_unit_keeps_a_file_another_unit_uses(ctx: Any) -> None:
    """Two units store the same bytes; the one that created the file fails."""
    from app.storage import StagedWrites

    store = ctx.store
    creator, reuser = StagedWrites(), StagedWrites()
    digest = store.put(b"the same scan, uploaded twice at once", creator)
    assert store.put(b"the same scan, uploaded twice at once", reuser) == digest
    assert creator.created == [digest] and reuser.created == []

    store.discard(creator, lambda _: False)  # in flight elsewhere: kept
    assert store.exists(digest)
    store.release(reuser)

    again = StagedWrites()
    store.put(b"the same scan, uploaded twice at once", again)
    store.release(again)
    creator.created.append(digest)
    store.discard(creator, lambda d: d == digest)  # a committed row names it: kept
    assert store.exists(digest)
    store.discard(StagedWrites(created=[digest]), lambda _: False)  # nobody: removed
    assert not store.exists(digest)


@BOTH
def test_the_sweep_leaves_files_of_units_in_flight(ctx: Any) -> None:
    from app.services.storage_sweep import sweep
    from app.storage import FileStore, StagedWrites

    in_flight = StagedWrites()
    held = ctx.store.put(b"stored by a unit of work that has not committed yet", in_flight)
    age(ctx.store, held, 3600)
    other = ctx.store.put(b"another file, being stored again elsewhere")
    age(ctx.store, other, 3600)
    local = isinstance(ctx.store, FileStore)
    if local:  # a writer at work: its temporary file, locked as FileStore.put holds it, old
        writing = ctx.store.path_for(held).parent / ".incoming-live"
        fd = os.open(writing, os.O_WRONLY | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        then = time.time() - 3600
        os.utime(writing, (then, then))
        live = writing.exists
    else:  # another host's unit of work storing `other`: its hold, just written
        live = leftover(ctx.store, 1, near=other)
    try:
        report = sweep(ctx, 0)
        assert sorted(report.kept_in_use) == sorted([held] + ([] if local else [other]))
        assert report.removed == ([other] if local else [])
        assert report.temp_removed == 0 and live()
    finally:
        if local:
            os.close(fd)
        ctx.store.release(in_flight)
    report = sweep(ctx, 0)
    assert held in report.removed and report.temp_removed == (1 if local else 0)
    assert not ctx.store.exists(held)


@BOTH
def test_the_sweep_command(ctx: Any) -> None:
    """`vanthu storage sweep`: --dry-run lists, then the sweep removes; rows' files stay."""
    import subprocess
    import sys

    kept = ctx.store.put(b"%PDF-1.7 named by nobody, but young")
    orphan = ctx.store.put(b"%PDF-1.7 named by nobody, an hour old")
    age(ctx.store, orphan, 3600)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("VANTHU_")},
           "VANTHU_DATABASE_URL": ctx.settings.database_url,
           "VANTHU_KEYS_DIR": str(ctx.settings.keys_dir), **store_env(ctx.settings)}

    def sweep(*args: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, "-m", "app.cli", "storage", "sweep", "--json",
                               *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    dry = sweep("--dry-run")
    assert dry["removed"] == [orphan] and dry["dry_run"] and ctx.store.exists(orphan)
    done = sweep()
    assert done["removed"] == [orphan] and done["kept_young"] == [kept]
    assert not ctx.store.exists(orphan) and ctx.store.exists(kept)
