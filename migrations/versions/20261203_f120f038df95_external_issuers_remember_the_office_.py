"""external issuers remember the office that added them

Revision ID: f120f038df95
Revises: 9c1bcfbce834
Create Date: 2026-12-03 14:31:06.694569
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f120f038df95'
down_revision: str | None = '9c1bcfbce834'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_org_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_organisations_created_by_org_id_organisations'), 'organisations',
            ['created_by_org_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_organisations_created_by_org_id_organisations'), type_='foreignkey')
        batch_op.drop_column('created_by_org_id')
