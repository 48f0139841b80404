"""`vanthu backup` and `vanthu restore`: a consistent copy of the database, the file store and the
keys; a restore checks every digest first and proves itself with audit verify."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.db import Arrival, CertifiedCopy
from app.services import backup
from app.services.audit_verify import verify
from tests import conftest
from tests.factories import TEST_NOW, issue_first_copy
from tests.s3 import BOTH, store_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with nothing in it, on the engine of this pass."""
    if conftest.ENGINE == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        name = f"vanthu_restore_{next(conftest._counter)}_{os.getpid()}"
        conftest._pg_exec(cluster.admin_url, f"CREATE DATABASE {name}")
        yield str(cluster.url(name))
        conftest._pg_exec(cluster.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    yield f"sqlite:///{tmp_path / 'restored' / 'vanthu.db'}"


def _elsewhere(settings: Any, url: str, tmp_path: Path) -> Any:
    """Another database, file store (a new folder, or a new prefix of the bucket) and keys."""
    return settings.model_copy(update={"database_url": url,
                                       "storage_dir": tmp_path / "restored-files",
                                       "s3_prefix": settings.s3_prefix + "restored/",
                                       "keys_dir": tmp_path / "restored-keys"})


def _counts(ctx: AppContext) -> tuple[int, int]:
    with ctx.reading() as s:
        return (int(s.scalar(select(func.count()).select_from(Arrival)) or 0),
                int(s.scalar(select(func.count()).select_from(CertifiedCopy)) or 0))


@BOTH
def test_a_backup_restores_into_an_empty_database_and_verifies(
        client: Any, world: Any, ctx: Any, settings: Any, empty_url: str,
        tmp_path: Path) -> None:
    issue_first_copy(client, world, ctx)
    original = verify(ctx)
    assert original.ok, original.summary()
    made = backup.backup(settings, tmp_path / "b", TEST_NOW)
    assert made.files >= 3 and made.keys >= 1
    assert made.engine == conftest.ENGINE
    assert not (tmp_path / "b.partial").exists()
    target = _elsewhere(settings, empty_url, tmp_path)
    report = backup.restore(target, tmp_path / "b")
    assert report.ok, report.summary()
    assert (report.size, report.root, report.files) == (original.size, original.root,
                                                         original.files)
    restored = AppContext.from_settings(target)
    assert _counts(restored) == _counts(ctx) == (1, 1)
    assert restored.store.all_digests() == ctx.store.all_digests()
    assert len(restored.store.all_digests()) == made.files
    restored.db.dispose()


def test_a_changed_backup_is_refused_before_anything_is_written(
        client: Any, world: Any, ctx: Any, settings: Any, empty_url: str,
        tmp_path: Path) -> None:
    issue_first_copy(client, world, ctx)
    backup.backup(settings, tmp_path / "b", TEST_NOW)
    stored = next(p for p in (tmp_path / "b" / "files").rglob("*") if p.is_file())
    stored.write_bytes(stored.read_bytes()[:-1] + b"\0")
    target = _elsewhere(settings, empty_url, tmp_path)
    with pytest.raises(backup.BackupError, match="does not match its SHA-256"):
        backup.restore(target, tmp_path / "b")
    assert not target.storage_dir.exists() and not target.keys_dir.exists()


def test_a_restore_refuses_a_database_in_use_and_a_backup_an_existing_folder(
        world: Any, ctx: Any, settings: Any, tmp_path: Path) -> None:
    backup.backup(settings, tmp_path / "b", TEST_NOW)
    with pytest.raises(backup.BackupError, match="a backup goes into a new folder"):
        backup.backup(settings, tmp_path / "b", TEST_NOW)
    with pytest.raises(backup.BackupError, match="restore goes into"):
        backup.restore(settings, tmp_path / "b")  # the database the backup came from
    assert verify(ctx).ok


@BOTH
def test_the_commands(world: Any, ctx: Any, settings: Any, empty_url: str,
                      tmp_path: Path) -> None:
    ctx.store.put(b"%PDF-1.7 a stored file")

    def run(target: Any, *argv: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "VANTHU_DATABASE_URL": target.database_url,
               "VANTHU_KEYS_DIR": str(target.keys_dir), **store_env(target)}
        return subprocess.run([sys.executable, "-m", "app.cli", *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    made = run(settings, "backup", str(tmp_path / "b"))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"backup written to {tmp_path / 'b'}: the ")
    target = _elsewhere(settings, empty_url, tmp_path)
    back = run(target, "restore", str(tmp_path / "b"))
    assert back.returncode == 0, back.stderr
    assert back.stdout.startswith("audit log OK: ")
    restored = AppContext.from_settings(target)
    assert restored.store.all_digests() == ctx.store.all_digests() != []
    restored.db.dispose()
    again = run(target, "restore", str(tmp_path / "b"))
    assert again.returncode == 2 and again.stderr.startswith("vanthu restore: ")
