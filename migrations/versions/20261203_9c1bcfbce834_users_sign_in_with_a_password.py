"""users sign in with a password

Revision ID: 9c1bcfbce834
Revises: 5b1e0c7d2a91
Create Date: 2026-12-03 14:13:41.131915
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9c1bcfbce834'
down_revision: str | None = '5b1e0c7d2a91'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('password_hash', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('password_must_change', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_users_login'), ['login'])



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_login'), type_='unique')
        batch_op.drop_column('password_must_change')
        batch_op.drop_column('password_hash')
        batch_op.drop_column('login')

