"""copy workflow: the head role, the pinned source of a request, the stored manifest

Revision ID: 5b7e2c1d9a40
Revises: c31f8f5a348d
Create Date: 2026-11-25 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b7e2c1d9a40'
down_revision: str | None = 'c31f8f5a348d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES_NEW = "role IN ('clerk', 'head', 'department', 'auditor', 'admin')"
_ROLES_OLD = "role IN ('clerk', 'department', 'auditor', 'admin')"


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', sa.text(_ROLES_NEW))
    with op.batch_alter_table('copy_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_sha256', sa.String(length=64), nullable=True))
    with op.batch_alter_table('certified_copies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('envelope_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('certified_copies', schema=None) as batch_op:
        batch_op.drop_column('envelope_sha256')
    with op.batch_alter_table('copy_requests', schema=None) as batch_op:
        batch_op.drop_column('source_sha256')
    op.execute("UPDATE users SET role = 'clerk' WHERE role = 'head'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', sa.text(_ROLES_OLD))
