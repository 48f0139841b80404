"""intake: declared copy blocks and arrival stamps read from a received document's text

Declared data (what the paper shows), never verified: verified copies stay in certified_copies.

Revision ID: e683c097b65b
Revises: 7c4d1e2f3a50
Create Date: 2026-11-25 22:41:18.125446
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e683c097b65b'
down_revision: str | None = '7c4d1e2f3a50'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('declared_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('arrival_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('notation', sa.String(length=60), nullable=True),
    sa.Column('office', sa.String(length=300), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=True),
    sa.Column('copied_on', sa.Date(), nullable=True),
    sa.Column('signer_authority', sa.String(length=200), nullable=True),
    sa.Column('signer_title', sa.String(length=200), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('signature_organisation', sa.String(length=300), nullable=True),
    sa.Column('signature_signer', sa.String(length=200), nullable=True),
    sa.Column('signature_email', sa.String(length=200), nullable=True),
    sa.Column('signature_signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('SAO_Y', 'SAO_LUC', 'TRICH_SAO')", name=op.f('ck_declared_copies_kind')),
    sa.ForeignKeyConstraint(['arrival_id'], ['arrivals.id'],
                            name=op.f('fk_declared_copies_arrival_id_arrivals')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                            name=op.f('fk_declared_copies_created_by_users')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                            name=op.f('fk_declared_copies_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_copies')),
    sa.UniqueConstraint('arrival_id', 'position', name=op.f('uq_declared_copies_arrival_id_position'))
    )
    with op.batch_alter_table('declared_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declared_copies_arrival_id'), ['arrival_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declared_copies_document_id'), ['document_id'], unique=False)

    op.create_table('declared_stamps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('arrival_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('office', sa.String(length=300), nullable=True),
    sa.Column('office_line', sa.String(length=300), nullable=True),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('stamped_on', sa.Date(), nullable=True),
    sa.Column('routing', sa.String(length=300), nullable=True),
    sa.Column('file_code', sa.String(length=60), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['arrival_id'], ['arrivals.id'],
                            name=op.f('fk_declared_stamps_arrival_id_arrivals')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                            name=op.f('fk_declared_stamps_created_by_users')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                            name=op.f('fk_declared_stamps_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declared_stamps')),
    sa.UniqueConstraint('arrival_id', 'position', name=op.f('uq_declared_stamps_arrival_id_position'))
    )
    with op.batch_alter_table('declared_stamps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declared_stamps_arrival_id'), ['arrival_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declared_stamps_document_id'), ['document_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('declared_stamps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declared_stamps_document_id'))
        batch_op.drop_index(batch_op.f('ix_declared_stamps_arrival_id'))

    op.drop_table('declared_stamps')
    with op.batch_alter_table('declared_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declared_copies_document_id'))
        batch_op.drop_index(batch_op.f('ix_declared_copies_arrival_id'))

    op.drop_table('declared_copies')
