"""sessions ended on

``users.sessions_ended_on``: when the user's browser sessions were last ended (logout,
deactivation, the API's ``cleanup_sessions``). Sessions are signed cookies the server cannot
list; a user has live sessions only if he signed in after this, which is what
``cleanup_sessions`` counts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:20:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('sessions_ended_on', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('sessions_ended_on')
