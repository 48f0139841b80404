"""Keeping the search index in step with documents, in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import CertifiedCopy, Document, Organisation, SearchDocument
from app.domain.search_text import index_text


def index_document(session: Session, doc: Document, file_text: str | None = None) -> None:
    """(Re)index a document's metadata and its copies' notations; `file_text` replaces the
    text layer when given (the text of every PDF on file, joined)."""
    issuer = session.get(Organisation, doc.issuer_id)
    copy_notations = session.scalars(select(CertifiedCopy.notation).where(
        CertifiedCopy.document_id == doc.id))
    fields = index_text(doc.notation, doc.title, doc.type_code, doc.place,
                        None if issuer is None else issuer.name,
                        None if issuer is None else issuer.code, *copy_notations)
    row = session.get(SearchDocument, doc.id)
    if row is None:
        session.add(SearchDocument(document_id=doc.id, fields=fields,
                                   file_text=index_text(file_text or "")))
    else:
        row.fields = fields
        if file_text is not None:
            row.file_text = index_text(file_text)
    session.flush()


def add_file_text(session: Session, doc: Document, text: str) -> None:
    """Append the text layer of a newly attached PDF."""
    row = session.get(SearchDocument, doc.id)
    if row is None:
        index_document(session, doc, text)
        return
    addition = index_text(text)
    if addition:
        row.file_text = f"{row.file_text} {addition}".strip()
        session.flush()
