"""where copied permission rows came from

Rows on repositories and repository groups written by a group's "apply to children" (or copied
from the parent group when a repository or group is created) keep that group and the time, so
that permissions pages say where an inherited row came from instead of guessing.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:20:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = ('repo_user_permissions', 'repo_user_group_permissions',
          'repo_group_user_permissions', 'repo_group_user_group_permissions')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('copied_from_group_id', sa.Integer(), nullable=True))
            batch.add_column(sa.Column('copied_on', sa.DateTime(), nullable=True))
            batch.create_foreign_key(
                op.f(f'fk_{table}_copied_from_group_id_repo_groups'), 'repo_groups',
                ['copied_from_group_id'], ['group_id'], ondelete='SET NULL')


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f'fk_{table}_copied_from_group_id_repo_groups'),
                                  type_='foreignkey')
            batch.drop_column('copied_on')
            batch.drop_column('copied_from_group_id')
