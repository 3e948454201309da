"""login failures

The sign-in throttle's counts, in the database so that every worker process and node slows a
guessing address down alike (they were kept in each process's memory).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 10:30:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failures',
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.Float(), nullable=False),
    sa.Column('last_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('address', name=op.f('pk_login_failures'))
    )
    op.create_index(op.f('ix_login_failures_last_at'), 'login_failures', ['last_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_login_failures_last_at'), table_name='login_failures')
    op.drop_table('login_failures')
