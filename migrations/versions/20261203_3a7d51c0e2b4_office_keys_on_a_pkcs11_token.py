"""office keys on a PKCS#11 token

Revision ID: 3a7d51c0e2b4
Revises: f120f038df95
Create Date: 2026-12-03 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3a7d51c0e2b4'
down_revision: str | None = 'f120f038df95'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('office_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('office_keys', schema=None) as batch_op:
        batch_op.drop_column('token')
