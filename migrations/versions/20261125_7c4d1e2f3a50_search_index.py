"""search index: folded text per document, FTS5 on SQLite, tsvector + GIN on PostgreSQL

Revision ID: 7c4d1e2f3a50
Revises: 5b7e2c1d9a40
Create Date: 2026-11-25 22:45:00

Existing documents are indexed from their metadata here (the text of PDFs already on file is
added when `vanthu search reindex` runs, or as files are attached).
"""

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '7c4d1e2f3a50'
down_revision: str | None = '5b7e2c1d9a40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(fields, file_text, content='search_documents', "
    "content_rowid='document_id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, fields, file_text) "
    "VALUES (new.document_id, new.fields, new.file_text); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, fields, file_text) "
    "VALUES ('delete', old.document_id, old.fields, old.file_text); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, fields, file_text) "
    "VALUES ('delete', old.document_id, old.fields, old.file_text); "
    "INSERT INTO search_fts(rowid, fields, file_text) "
    "VALUES (new.document_id, new.fields, new.file_text); END",
]
_POSTGRES = [
    "ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, fields), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, file_text), 'D')) STORED",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
]


def _tokens(text: str) -> list[str]:
    # A frozen copy of app.domain.search_text.tokens at this revision (migrations do not import
    # the app's rules, which may change later).
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D").casefold()
    out = []
    for token in re.findall(r"[^\W_]+", stripped):
        out.append(str(int(token)) if token.isascii() and token.isdigit() else token)
    return out


def upgrade() -> None:
    op.create_table(
        'search_documents',
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('fields', sa.Text(), nullable=False),
        sa.Column('file_text', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_search_documents_document_id_documents')),
        sa.PrimaryKeyConstraint('document_id', name=op.f('pk_search_documents')),
    )
    # Visibility checks ask "is this document in a register of these offices?" per hit.
    op.create_index('ix_arrivals_document_id_organisation_id', 'arrivals',
                    ['document_id', 'organisation_id'])
    op.create_index('ix_certified_copies_document_id_organisation_id', 'certified_copies',
                    ['document_id', 'organisation_id'])
    bind = op.get_bind()
    for statement in _SQLITE if bind.dialect.name == "sqlite" else _POSTGRES:
        op.execute(statement)
    rows = bind.execute(sa.text(
        "SELECT d.id, d.notation, d.title, d.type_code, o.name, o.code FROM documents d "
        "JOIN organisations o ON o.id = d.issuer_id")).all()
    table = sa.table('search_documents', sa.column('document_id', sa.Integer),
                     sa.column('fields', sa.Text), sa.column('file_text', sa.Text),
                     sa.column('updated_at', sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    if rows:
        op.bulk_insert(table, [
            {"document_id": r[0], "fields": " ".join(_tokens(" ".join(str(x or "") for x in r[1:]))),
             "file_text": "", "updated_at": now} for r in rows])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_fts_ai", "search_fts_ad", "search_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_documents')
    op.drop_index('ix_certified_copies_document_id_organisation_id', 'certified_copies')
    op.drop_index('ix_arrivals_document_id_organisation_id', 'arrivals')
