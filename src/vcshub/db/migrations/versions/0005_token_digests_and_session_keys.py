"""token digests and revocable sessions

Tokens were stored in clear (``users.api_key``, ``auth_tokens.token``): a copy of the
database was a set of working credentials. Each is replaced in place by its SHA-256 digest,
so every existing token keeps working for its owner, and its first 8 characters are kept to
show it by. ``users.session_key`` lets the server end a user's browser sessions (logout,
deactivation) although the session cookie itself is stateless.

Downgrading drops the new columns but cannot bring the clear tokens back: after a downgrade
every user needs a new token.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 22:00:00
"""

import hashlib
import secrets

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

PREFIX_LENGTH = 8

users = sa.table(
    'users',
    sa.column('user_id', sa.Integer),
    sa.column('api_key', sa.String),
    sa.column('api_key_prefix', sa.String),
    sa.column('session_key', sa.String),
)
auth_tokens = sa.table(
    'auth_tokens',
    sa.column('token_id', sa.Integer),
    sa.column('token', sa.String),
    sa.column('token_prefix', sa.String),
)


def _digest(token: str) -> str:
    # Frozen here rather than imported: this migration must keep hashing as it did when written.
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


def upgrade() -> None:
    # Plain ADD COLUMNs, also on SQLite (no table rebuild).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_key_prefix', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('session_key', sa.String(length=32), nullable=False, server_default=''))
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_prefix', sa.String(length=16), nullable=False, server_default=''))

    connection = op.get_bind()
    for user_id, token in connection.execute(sa.select(users.c.user_id, users.c.api_key)).all():
        connection.execute(
            users.update()
            .where(users.c.user_id == user_id)
            .values(
                api_key=_digest(token),
                api_key_prefix=token[:PREFIX_LENGTH],
                session_key=secrets.token_hex(16),
            )
        )
    for token_id, token in connection.execute(sa.select(auth_tokens.c.token_id, auth_tokens.c.token)).all():
        connection.execute(
            auth_tokens.update()
            .where(auth_tokens.c.token_id == token_id)
            .values(token=_digest(token), token_prefix=token[:PREFIX_LENGTH])
        )

    # The server defaults stay (the models declare them too): dropping them would make SQLite
    # rebuild `users`, and dropping that table cascades to every row that references a user.


def downgrade() -> None:
    # Plain DROP COLUMNs (SQLite >= 3.35): a batch rebuild of `users` would cascade-delete.
    op.drop_column('auth_tokens', 'token_prefix')
    op.drop_column('users', 'session_key')
    op.drop_column('users', 'api_key_prefix')
