"""permission generation

One row, ``permission_generation(id=1, value)``, that every transaction which could change a
user's effective permissions increments (vcshub.db.permission_generation). Processes key their
caches of permission maps by it: a committed grant is seen by every process at once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 07:30:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('permission_generation',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_permission_generation'))
    )
    op.bulk_insert(table, [{'id': 1, 'value': 0}])


def downgrade() -> None:
    op.drop_table('permission_generation')
