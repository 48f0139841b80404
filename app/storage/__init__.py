"""Content-addressed file store: a file's name is the SHA-256 of its bytes.

Two backends behind one interface (:class:`Store`): a local folder (:class:`FileStore`, the
default) and an S3-compatible object store (:class:`S3Store`, for several API hosts sharing one
register). VANTHU_STORAGE_BACKEND chooses; :func:`open_store` builds the configured one. Each
backend's module docstring says how it keeps the no-orphan promise: a failed unit of work removes
the files it created unless another unit in flight holds them or a committed row names them, and
the sweep removes only files no row names, older than its grace period, that no unit holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.storage.base import (
    Entry,
    Referenced,
    StagedWrites,
    StorageError,
    Store,
    check_digest,
    is_digest,
    sha256_hex,
)
from app.storage.local import TEMP_PREFIX, FileStore

if TYPE_CHECKING:
    from app.settings import Settings

__all__ = ["TEMP_PREFIX", "Entry", "FileStore", "Referenced", "StagedWrites", "StorageError",
           "Store", "check_digest", "is_digest", "open_store", "sha256_hex"]


def open_store(settings: Settings) -> Store:
    """The file store the settings name: the local folder, or the S3 bucket and prefix."""
    if settings.storage_backend == "s3":
        from app.storage.s3 import S3Store

        if not settings.s3_bucket:
            raise ValueError("VANTHU_STORAGE_BACKEND=s3 needs VANTHU_S3_BUCKET")
        return S3Store.connect(bucket=settings.s3_bucket, prefix=settings.s3_prefix,
                               endpoint=settings.s3_endpoint,
                               hold_seconds=settings.storage_sweep_grace_seconds)
    return FileStore(settings.storage_dir)
