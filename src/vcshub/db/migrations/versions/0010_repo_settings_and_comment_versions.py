"""repository settings and comment versions

``repo_settings``: a repository's own values of site settings (get/set_repo_settings, the merge
rules). ``comment_versions``: the texts an edited comment had (edit_comment's history).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 10:20:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('repo_settings',
    sa.Column('repo_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['repo_id'], ['repositories.repo_id'], name=op.f('fk_repo_settings_repo_id_repositories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('repo_id', 'name', name=op.f('pk_repo_settings'))
    )
    op.create_table('comment_versions',
    sa.Column('comment_version_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.comment_id'], name=op.f('fk_comment_versions_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.user_id'], name=op.f('fk_comment_versions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('comment_version_id', name=op.f('pk_comment_versions')),
    sa.UniqueConstraint('comment_id', 'version', name=op.f('uq_comment_versions_comment_id'))
    )
    op.create_index(op.f('ix_comment_versions_comment_id'), 'comment_versions', ['comment_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_comment_versions_comment_id'), table_name='comment_versions')
    op.drop_table('comment_versions')
    op.drop_table('repo_settings')
