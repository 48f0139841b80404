"""The S3 backend through the whole service: a copy issued through the API is stored as objects
in the bucket (listed with boto3) and read back; a broken endpoint is a 503; audit verify finds an
object that was changed or deleted behind the service's back."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pytest

from app.db import CertifiedCopy
from app.services.audit_verify import verify
from tests.factories import issue_first_copy
from tests.pdfs import make_pdf
from tests.s3 import age, leftover

pytestmark = pytest.mark.parametrize("store_backend", ["s3"], indirect=True)


def _issue(client: Any, world: Any, ctx: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    arrival, copy = issue_first_copy(client, world, ctx)
    with ctx.reading() as s:
        row = s.get(CertifiedCopy, copy["id"])
        assert row is not None
        copy["envelope_sha256"] = row.envelope_sha256
    return arrival, copy


def test_a_copy_issued_through_the_api_is_stored_on_s3(client: Any, world: Any, ctx: Any,
                                                       s3_server: Any) -> None:
    arrival, copy = _issue(client, world, ctx)
    prefix = ctx.settings.s3_prefix
    keys = s3_server.keys(prefix)
    source = arrival["document"]["files"][0]["sha256"]
    for digest in (source, copy["pdf_sha256"], copy["envelope_sha256"]):
        assert prefix + digest in keys
    assert [k for k in keys if k.startswith(prefix + "holds/")] == []  # every unit let go
    body = s3_server.client().get_object(Bucket=s3_server.bucket,
                                         Key=prefix + copy["pdf_sha256"])["Body"].read()
    assert hashlib.sha256(body).hexdigest() == copy["pdf_sha256"]

    r = client.get(f"/copies/{copy['id']}/pdf", headers=world.auth("clerk_vptu"))
    assert r.status_code == 200 and r.content == body and r.content.startswith(b"%PDF-")
    assert sorted(ctx.store.all_digests()) == sorted({k[len(prefix):] for k in keys})
    assert verify(ctx).ok


def test_audit_verify_finds_objects_changed_or_deleted_on_s3(client: Any, world: Any, ctx: Any,
                                                            s3_server: Any) -> None:
    from app.audit.findings import FindingCode
    from app.storage import StorageError

    _, copy = _issue(client, world, ctx)
    s3 = s3_server.client()
    prefix = ctx.settings.s3_prefix
    s3.put_object(Bucket=s3_server.bucket, Key=prefix + copy["pdf_sha256"], Body=b"%PDF-1.7 other")
    s3.delete_object(Bucket=s3_server.bucket, Key=prefix + copy["envelope_sha256"])
    codes = {f.code for f in verify(ctx).findings}
    assert {FindingCode.FILE_ALTERED, FindingCode.FILE_MISSING} <= codes
    with pytest.raises(StorageError, match="altered"):
        ctx.store.get(copy["pdf_sha256"])
    with pytest.raises(StorageError) as missing:
        ctx.store.get(copy["envelope_sha256"])
    assert missing.value.errno == 2


def test_an_unreachable_object_store_is_a_503_and_registers_nothing(
        client: Any, world: Any, ctx: Any) -> None:
    import json

    from app.storage.s3 import S3Store
    from tests.factories import seed_arrival_body

    good = ctx.store
    ctx.store = S3Store.connect(bucket=good.bucket, prefix=good.prefix,
                                endpoint="http://127.0.0.1:9")  # nothing listens on port 9
    try:
        r = client.post("/orgs/VPTU/arrivals/with-file", headers=world.auth("clerk_vptu"),
                        data={"metadata": json.dumps(seed_arrival_body())},
                        files={"file": ("160.pdf", make_pdf(["trang 1"]), "application/pdf")})
    finally:
        ctx.store = good
    assert r.status_code == 503, r.text
    assert r.json()["type"].endswith("/storage-unavailable")
    assert client.get("/orgs/VPTU/arrivals", headers=world.auth("clerk_vptu")).json()["items"] == []
    assert good.all_digests() == []


def test_a_hold_of_a_process_that_died_does_not_keep_a_file_forever(ctx: Any) -> None:
    """A unit killed before it ended leaves its hold; older than the grace, it is ignored."""
    from app.services.storage_sweep import sweep

    digest = ctx.store.put(b"%PDF-1.7 stored by a unit killed before it committed")
    age(ctx.store, digest, 3600)
    dead = leftover(ctx.store, 3600, near=digest)
    report = sweep(ctx, 300)
    assert report.removed == [digest] and report.temp_removed == 1
    assert not dead() and not ctx.store.exists(digest)


def test_a_failed_unit_whose_store_went_away_keeps_its_file_for_the_sweep(ctx: Any) -> None:
    """The unit's own error reaches its caller; the file it could not remove is swept later."""
    from app.services.storage_sweep import sweep
    from app.storage.s3 import S3Store

    client = ctx.store.client
    with pytest.raises(RuntimeError, match="failed before commit"), ctx.unit_of_work() as work:
        digest = ctx.store.put(b"%PDF-1.7 stored, then the store went away", work.staged)
        ctx.store.client = S3Store.connect(bucket="x", endpoint="http://127.0.0.1:9").client
        raise RuntimeError("failed before commit")
    ctx.store.client = client
    assert ctx.store.exists(digest)
    assert sweep(ctx, 300).kept_young == [digest]
    assert sweep(ctx, 0).kept_in_use == [digest]  # its hold could not be deleted either
    ctx.store.clock = lambda: time.time() + 3600  # an hour later: the hold is stale
    report = sweep(ctx, 300)
    assert report.removed == [digest] and report.temp_removed == 1
    assert not ctx.store.exists(digest)


def test_two_hosts_storing_and_removing_the_same_file_never_lose_a_committed_one(
        s3_server: Any, store_backend: str) -> None:
    """Host A stores a file, "commits" a row naming it and lets go, again and again; host B
    tries to remove it all the while. Whenever a row names it, it is there."""
    import threading

    from app.storage import Entry, StagedWrites, sha256_hex
    from app.storage.s3 import S3Store

    prefix = f"race-{time.time_ns()}/"
    a, b = (S3Store(s3_server.client(), s3_server.bucket, prefix) for _ in range(2))
    data = b"%PDF-1.7 the same scan on two hosts"
    rows: set[str] = set()
    done, missing, removed = threading.Event(), [], []

    def host_a() -> None:
        try:
            for _ in range(40):
                staged = StagedWrites()
                digest = a.put(data, staged)
                rows.add(digest)  # the unit commits a row naming it…
                a.release(staged)  # …and then lets go
                if not a.exists(digest):
                    missing.append(digest)
                rows.discard(digest)  # the row is deleted again
        finally:
            done.set()

    def host_b() -> None:
        entry = Entry(sha256_hex(data), prefix + sha256_hex(data))
        while not done.is_set():
            if b.remove_if_unused(entry, lambda d: d in rows):
                removed.append(1)

    threads = [threading.Thread(target=host_a), threading.Thread(target=host_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert missing == []
    assert removed  # B did remove it between A's units
    assert s3_server.keys(prefix + "holds/") == []


def test_the_sweep_command_says_when_the_store_cannot_be_reached(ctx: Any) -> None:
    import os
    import subprocess
    import sys

    from tests.s3 import store_env

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("VANTHU_")},
           "VANTHU_DATABASE_URL": ctx.settings.database_url, **store_env(ctx.settings),
           "VANTHU_S3_ENDPOINT": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "storage", "sweep"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith("vanthu storage sweep: cannot reach the file store: ")
