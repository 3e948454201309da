"""background tasks, the processes seen, repositories being created

Tasks (clones from remotes, big forks, pulls, mail ...) keep their state in the database
whichever runner carries them out (tasks/); a repository created by a task is pending, then
created or in error.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 13:40:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'task_runs',
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('arguments', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('repo_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('runner', sa.String(length=16), nullable=False),
        sa.Column('node', sa.String(length=255), nullable=True),
        sa.Column('created_on', sa.DateTime(), nullable=False),
        sa.Column('started_on', sa.DateTime(), nullable=True),
        sa.Column('finished_on', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_on', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('task_id', name=op.f('pk_task_runs')),
    )
    op.create_index(op.f('ix_task_runs_state'), 'task_runs', ['state'])
    op.create_index(op.f('ix_task_runs_repo_id'), 'task_runs', ['repo_id'])
    op.create_index(op.f('ix_task_runs_created_on'), 'task_runs', ['created_on'])
    op.create_table(
        'node_processes',
        sa.Column('node', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('version', sa.String(length=64), nullable=False),
        sa.Column('started_on', sa.DateTime(), nullable=False),
        sa.Column('seen_on', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('node', name=op.f('pk_node_processes')),
    )
    op.create_index(op.f('ix_node_processes_seen_on'), 'node_processes', ['seen_on'])
    with op.batch_alter_table('repositories') as batch:
        batch.add_column(sa.Column('repo_state', sa.String(length=32), nullable=False,
                                   server_default='repo_state_created'))
        batch.add_column(sa.Column('repo_state_message', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('repositories') as batch:
        batch.drop_column('repo_state_message')
        batch.drop_column('repo_state')
    op.drop_index(op.f('ix_node_processes_seen_on'), table_name='node_processes')
    op.drop_table('node_processes')
    op.drop_index(op.f('ix_task_runs_created_on'), table_name='task_runs')
    op.drop_index(op.f('ix_task_runs_repo_id'), table_name='task_runs')
    op.drop_index(op.f('ix_task_runs_state'), table_name='task_runs')
    op.drop_table('task_runs')
