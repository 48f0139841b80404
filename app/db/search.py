"""The search index: one row per document with its folded search text.

The full-text machinery is the engine's own and is made by the migration, outside this model:
SQLite an FTS5 table ``search_fts`` (external content, kept in step by triggers); PostgreSQL a
stored ``tsv`` tsvector column with a GIN index. Both index the same folded text, so search is
diacritics-insensitive the same way on both (our `fold` plays the part of `unaccent`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.types import UTCDateTime, utcnow

#: Names the migration creates for the engines' full-text search; Alembic's compare skips them.
ENGINE_SEARCH_OBJECTS = ("search_fts", "tsv", "ix_search_documents_tsv")


class SearchDocument(Base):
    __tablename__ = "search_documents"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    #: Folded tokens of the notation, its copies' notations, the title, issuer and type.
    fields: Mapped[str] = mapped_column(Text)
    #: Folded text layer of the document's PDFs (bounded), empty when there is none.
    file_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
