"""corrections, cancelled numbers and revoked copies

Revision ID: 32a3d5f89447
Revises: e683c097b65b
Create Date: 2026-12-02 23:09:34.932601
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '32a3d5f89447'
down_revision: str | None = 'e683c097b65b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('entry_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register', sa.String(length=12), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.CheckConstraint("register IN ('arrival', 'dispatch')", name=op.f('ck_entry_corrections_register')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_entry_corrections_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_corrections'))
    )
    with op.batch_alter_table('entry_corrections', schema=None) as batch_op:
        batch_op.create_index('ix_entry_corrections_register_entry_id', ['register', 'entry_id'], unique=False)

    with op.batch_alter_table('arrivals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('certified_copies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revocation_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('revoked_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certified_copies_revoked_by_users'), 'users', ['revoked_by'], ['id'])

    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))

    # A dispatch cancelled or a copy revoked before its recipient registered it is withdrawn.
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_inbox_items_status'), type_='check')
        batch_op.create_check_constraint(
            'status', "status IN ('pending', 'registered', 'withdrawn')")


def downgrade() -> None:
    op.execute("DELETE FROM inbox_items WHERE status = 'withdrawn'")
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_inbox_items_status'), type_='check')
        batch_op.create_check_constraint('status', "status IN ('pending', 'registered')")

    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('certified_copies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certified_copies_revoked_by_users'), type_='foreignkey')
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('revocation_reason')
        batch_op.drop_column('revoked_at')

    with op.batch_alter_table('arrivals', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('entry_corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_entry_corrections_register_entry_id')

    op.drop_table('entry_corrections')
