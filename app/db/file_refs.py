"""Which stored files the database names: every column holding a file's SHA-256.

Used by the unit of work (a rolled-back unit removes only files no committed row names) and by
the storage sweep (app/services/storage_sweep.py); it lives under app/db so that app/context.py
needs nothing from app/services.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import CertifiedCopy, CopyRequest, DocumentFile
from app.db.engine import Database

#: Every column that names a stored file by its SHA-256.
FILE_COLUMNS = (DocumentFile.sha256, CertifiedCopy.pdf_sha256, CertifiedCopy.envelope_sha256,
                CertifiedCopy.source_sha256, CopyRequest.source_sha256)


def referenced_digests(session: Session) -> set[str]:
    """Every SHA-256 a row names as a stored file."""
    found: set[str] = set()
    for column in FILE_COLUMNS:
        found.update(v for v in session.scalars(select(column).distinct()) if v)
    return found


def is_referenced(session: Session, digest: str) -> bool:
    return bool(session.scalar(select(or_(*(exists().where(c == digest) for c in FILE_COLUMNS)))))


def reference_check(db: Database) -> Callable[[str], bool]:
    """Whether a committed row names a file, asked in a fresh session. If the database cannot
    answer, the file is taken to be referenced (kept): a later sweep decides."""

    def referenced(digest: str) -> bool:
        try:
            with db.read_session() as session:
                return is_referenced(session, digest)
        except SQLAlchemyError:
            return True

    return referenced
