"""Backups (`vanthu backup DIR`, `vanthu restore DIR`): the database, the file store and the keys
(still encrypted), consistent and checked.

The database is copied with SQLite's online backup, or `pg_dump` (custom format) for PostgreSQL,
so a running service keeps serving. Stored files are read through the configured store (the
local folder or the S3 bucket) into ``files/ab/cd/<sha256>``, and a restore stores them into the
configured store the same way: the backup's format does not depend on the backend.
`backup.json` records the SHA-256 of the dump and of every key file; stored files are named by
their own SHA-256. A restore goes into an empty database only, checks every digest before it
writes anything, and then proves itself with `vanthu audit verify` (the log, its heads, every
register row and every stored file).
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import make_url

from app.audit.findings import VerifyReport
from app.context import AppContext
from app.db import Organisation
from app.settings import Settings
from app.storage import StorageError, Store, open_store

FORMAT = "vanthu.backup/1"
MANIFEST = "backup.json"


class BackupError(RuntimeError):
    """The backup cannot be made or restored; the message says why, and nothing was written
    where the backup was going."""


@dataclass(frozen=True)
class BackupSummary:
    directory: Path
    engine: str
    files: int  # stored files (documents, copies, manifests)
    keys: int


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    # The newest server version's own tool first (Debian's /usr/bin wrapper needs a cluster).
    found = next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                 None) or shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return found


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[:500]}")


def _dump_database(settings: Settings, target: Path) -> tuple[str, Path]:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        out = target / "database.sqlite3"
        source = sqlite3.connect(str(url.database))
        dest = sqlite3.connect(str(out))
        try:
            source.backup(dest)  # online and consistent, even while the service writes
        finally:
            dest.close()
            source.close()
        return "sqlite", out
    out = target / "database.pgdump"
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={out}",
          f"--dbname={_libpq_url(settings.database_url)}"], "pg_dump")
    return "postgresql", out


def _copy_tree(source: Path, target: Path) -> list[Path]:
    copied = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        copied.append(dest)
    return copied


def _export_files(store: Store, target: Path) -> list[Path]:
    """Every stored file, read back and checked, as target/ab/cd/<sha256>."""
    copied = []
    for digest in store.all_digests():
        dest = target / digest[:2] / digest[2:4] / digest
        try:
            store.export(digest, dest)
        except StorageError as exc:
            if exc.errno == errno.ENOENT:  # removed by a sweep since it was listed: no row names it
                continue
            raise BackupError(f"cannot read stored file {digest[:12]}: {exc}") from exc
        copied.append(dest)
    return copied


def backup(settings: Settings, directory: Path, made_at: datetime) -> BackupSummary:
    """Write a backup to `directory` (which must not exist); a failure leaves nothing there."""
    if directory.exists():
        raise BackupError(f"{directory} exists; a backup goes into a new folder")
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        engine, dump = _dump_database(settings, partial)
        stored = _export_files(open_store(settings), partial / "files")
        keys = _copy_tree(settings.keys_dir, partial / "keys") if settings.keys_dir.is_dir() else []
        manifest = {"format": FORMAT, "made_at": made_at.isoformat(), "engine": engine,
                    "database": {"file": dump.name, "sha256": _sha(dump)},
                    "keys": {str(p.relative_to(partial / "keys")): _sha(p) for p in keys},
                    "files": len(stored)}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial.rename(directory)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupSummary(directory, engine, len(stored), len(keys))


def _read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{directory} holds no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{directory / MANIFEST} is not a vanthu backup ({FORMAT})")
    return manifest


def check_backup(directory: Path) -> dict[str, Any]:
    """Every digest the backup records still holds, and every stored file is named by its own
    digest; BackupError naming the first file that does not."""
    manifest = _read_manifest(directory)
    dump = directory / manifest["database"]["file"]
    if not dump.is_file() or _sha(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump.name} is missing or changed since the backup was made")
    for name, digest in manifest["keys"].items():
        path = directory / "keys" / name
        if not path.is_file() or _sha(path) != digest:
            raise BackupError(f"keys/{name} is missing or changed since the backup was made")
    stored = [p for p in (directory / "files").rglob("*") if p.is_file()] \
        if (directory / "files").is_dir() else []
    if len(stored) != manifest["files"]:
        raise BackupError(f"the backup recorded {manifest['files']} stored files; "
                          f"{len(stored)} are there")
    for path in stored:
        if _sha(path) != path.name:
            raise BackupError(f"files/{path.relative_to(directory / 'files')} does not match "
                              "its SHA-256")
    return manifest


def _require_empty_database(settings: Settings) -> None:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        if path.exists() and path.stat().st_size > 0:
            raise BackupError(f"{path} exists: a restore goes into a new database")
        return
    engine = create_engine(settings.database_url)
    try:
        if inspect(engine).get_table_names():
            raise BackupError("the database has tables: a restore goes into an empty database")
    finally:
        engine.dispose()


def _restore_database(settings: Settings, manifest: dict[str, Any], directory: Path) -> None:
    dump = directory / manifest["database"]["file"]
    url = make_url(settings.database_url)
    if (url.get_backend_name() == "sqlite") != (manifest["engine"] == "sqlite"):
        raise BackupError(f"the backup is of a {manifest['engine']} database; "
                          f"VANTHU_DATABASE_URL names a {url.get_backend_name()} one")
    if manifest["engine"] == "sqlite":
        path = Path(str(url.database))
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dump, path)
        return
    _run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error",
          f"--dbname={_libpq_url(settings.database_url)}", str(dump)], "pg_restore")


def _restore_tree(source: Path, target: Path) -> None:
    """Copy `source` into `target`; a file already there must be the same."""
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        dest = target / path.relative_to(source)
        if dest.exists():
            if _sha(dest) != _sha(path):
                raise BackupError(f"{dest} exists with other content; restore into empty folders")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)


def _restore_files(source: Path, store: Store) -> None:
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        try:
            store.restore(path)
        except StorageError as exc:
            raise BackupError(f"cannot restore stored file {path.name[:12]}: {exc}") from exc


def restore(settings: Settings, directory: Path) -> VerifyReport:
    """Check the backup, restore it into the configured (empty) database, store and keys, and
    verify the result; the report says whether everything checks out."""
    from app.services.audit_verify import verify

    manifest = check_backup(directory)
    _require_empty_database(settings)
    _restore_database(settings, manifest, directory)
    if (directory / "files").is_dir():
        _restore_files(directory / "files", open_store(settings))
    if (directory / "keys").is_dir():
        _restore_tree(directory / "keys", settings.keys_dir)
    ctx = AppContext.from_settings(settings)
    try:
        with ctx.reading() as s:
            s.scalar(select(Organisation.id).limit(1))  # the restored schema reads
        return verify(ctx)
    finally:
        ctx.db.dispose()
