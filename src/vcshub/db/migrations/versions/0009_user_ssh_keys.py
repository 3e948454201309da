"""users' SSH keys

``user_ssh_keys``: one row per public key a user may log in with over SSH (git and hg). The
fingerprint (SHA256) is unique: a key opens one account only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:30:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_ssh_keys',
    sa.Column('ssh_key_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('algorithm', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('comment', sa.String(length=255), nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('last_used', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.user_id'], name=op.f('fk_user_ssh_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ssh_key_id', name=op.f('pk_user_ssh_keys')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_user_ssh_keys_fingerprint'))
    )
    op.create_index(op.f('ix_user_ssh_keys_user_id'), 'user_ssh_keys', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_ssh_keys_user_id'), table_name='user_ssh_keys')
    op.drop_table('user_ssh_keys')
