"""`vanthu serve` as an operator runs it: the port is bound before the store is touched, and
tree heads are signed on a schedule while it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from bench.faults.service import ROOT, Service


def _served(folder: Path, **settings: str) -> Service:
    service = Service(folder, f"sqlite:///{folder / 'vanthu.db'}",
                      settings={"VANTHU_STORAGE_SWEEP_INTERVAL_SECONDS": "0", **settings})
    service.prepare()
    service.start()
    return service


def test_a_second_serve_on_a_taken_port_exits_and_leaves_the_store_alone(tmp_path: Path) -> None:
    from app.storage import FileStore

    service = _served(tmp_path, VANTHU_TREE_HEAD_INTERVAL_SECONDS="0")
    try:
        store = FileStore(service.store)
        orphan = store.put(b"%PDF-1.7 no row names this file")
        old = time.time() - 7200  # older than the sweep's grace: a sweep would remove it
        os.utime(store.path_for(orphan), (old, old))
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port",
             str(service.port)], cwd=ROOT, env=service.env(), capture_output=True, text=True,
            timeout=120)
        assert done.returncode == 1, done.stderr
        assert (f"vanthu serve: port {service.port} on 127.0.0.1 is already in use"
                in done.stderr), done.stderr
        assert "the store was not touched" in done.stderr
        assert "storage sweep" not in done.stderr and "removed" not in done.stderr
        assert store.exists(orphan)
        # the first server still serves
        assert httpx.get(f"{service.base_url}/health", timeout=10).status_code == 200
    finally:
        service.stop()


def _heads(url: str) -> list[int]:
    from app.db import SignedTreeHead

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(select(SignedTreeHead.tree_size)
                                     .order_by(SignedTreeHead.tree_size)))
    finally:
        engine.dispose()


def _log_size(url: str) -> int:
    from app.db import AuditEvent

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    finally:
        engine.dispose()


def _wait_for_head(url: str, size: int, timeout: float = 90) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        heads = _heads(url)
        if heads and heads[-1] >= size:
            return heads
        time.sleep(0.2)
    raise AssertionError(f"no tree head of size {size} within {timeout} s: {_heads(url)}")


def test_serve_signs_tree_heads_on_a_schedule(tmp_path: Path) -> None:
    service = _served(tmp_path, VANTHU_TREE_HEAD_INTERVAL_SECONDS="0.5")
    url = service.database_url
    try:
        size = _log_size(url)
        assert size > 0  # the demo's events
        assert _wait_for_head(url, size)[-1] == size  # signed at startup, no request asked
        r = httpx.put(f"{service.base_url}/orgs/VPTU/registers/series",
                      headers={"Authorization": f"Bearer {service.tokens['clerk']}"},
                      json={"register": "arrival", "on": "2021-01-01", "last_number": 10},
                      timeout=30)
        assert r.status_code == 200, r.text
        grown = _log_size(url)
        assert grown > size
        assert _wait_for_head(url, grown)[-1] == grown  # the next round signs the grown log
    finally:
        service.stop()


def test_make_run_serves_on_the_port_given() -> None:
    from tests.tooling import require_tool

    make = require_tool("make")
    for args, served in (([], "--host 127.0.0.1 --port 8000"),
                         (["PORT=8001"], "--host 127.0.0.1 --port 8001"),
                         (["PORT=8002", "HOST=0.0.0.0"], "--host 0.0.0.0 --port 8002")):
        # as a user types it: not inside `make test`, whose MAKEFLAGS/MAKELEVEL would add
        # "Entering/Leaving directory" lines
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        done = subprocess.run([make, "--no-print-directory", "-n", "run", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == f".venv/bin/vanthu serve {served}"
