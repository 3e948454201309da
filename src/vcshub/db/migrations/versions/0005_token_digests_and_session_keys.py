"""token digests, sealed tokens and revocable sessions

Tokens were stored in clear (``users.api_key``, ``auth_tokens.token``): a copy of the
database was a set of working credentials. Each is replaced in place by its SHA-256 digest,
so every existing token keeps working for its owner, its first 8 characters are kept to
show it by, and a sealed copy (AES-GCM under a key derived from the instance's secret key,
``api_key_sealed``/``token_sealed``) lets the API show the real token again (REFERENCE.md
3.1). The secret key is handed in by vcshub.db.migrate (``config.attributes``), never read
from the database; without it this migration refuses to run on a database holding tokens.
``users.session_key`` lets the server end a user's browser sessions (logout, deactivation)
although the session cookie itself is stateless.

Downgrading drops the new columns but cannot bring the clear tokens back: after a downgrade
every user needs a new token.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 22:00:00
"""

import base64
import hashlib
import os
import secrets

import sqlalchemy as sa
from alembic import context, op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


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
    sa.column('api_key_sealed', sa.String),
    sa.column('session_key', sa.String),
)
auth_tokens = sa.table(
    'auth_tokens',
    sa.column('token_id', sa.Integer),
    sa.column('token', sa.String),
    sa.column('token_prefix', sa.String),
    sa.column('token_sealed', sa.String),
)


def _digest(token: str) -> str:
    # Frozen here rather than imported: this migration must keep hashing as it did when written.
    return hashlib.sha256(token.encode('utf-8', 'surrogatepass')).hexdigest()


class _Seal:
    """The sealed-copy format v1 of vcshub.auth.token_seal, frozen like _digest."""

    def __init__(self, secret: str) -> None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b'vcshub token seal v1'
        ).derive(secret.encode('utf-8'))
        self._aead = AESGCM(key)

    def seal(self, token: str, digest: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, token.encode('utf-8', 'surrogatepass'), digest.encode())
        return 'v1:' + base64.urlsafe_b64encode(nonce + sealed).decode('ascii')


def _seal_from_caller() -> _Seal:
    secret = context.config.attributes.get('secret_key')
    if not secret:
        raise RuntimeError(
            "migration 0005 must seal the API tokens stored in clear with the instance's "
            "secret key, and none was given: upgrade with `vcshub db upgrade` (it reads the "
            "key from the data directory) or pass secret_key to vcshub.db.migrate.upgrade"
        )
    return _Seal(secret)


def upgrade() -> None:
    # Plain ADD COLUMNs, also on SQLite (no table rebuild).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_key_prefix', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('api_key_sealed', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('session_key', sa.String(length=32), nullable=False, server_default=''))
    with op.batch_alter_table('auth_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_prefix', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('token_sealed', sa.String(length=255), nullable=True))

    connection = op.get_bind()
    main_tokens = connection.execute(sa.select(users.c.user_id, users.c.api_key)).all()
    extra_tokens = connection.execute(sa.select(auth_tokens.c.token_id, auth_tokens.c.token)).all()
    # Checked before any row changes; an empty database (a new install) has nothing to seal.
    seal = _seal_from_caller() if main_tokens or extra_tokens else None
    for user_id, token in main_tokens:
        digest = _digest(token)
        connection.execute(
            users.update()
            .where(users.c.user_id == user_id)
            .values(
                api_key=digest,
                api_key_prefix=token[:PREFIX_LENGTH],
                api_key_sealed=seal.seal(token, digest),
                session_key=secrets.token_hex(16),
            )
        )
    for token_id, token in extra_tokens:
        digest = _digest(token)
        connection.execute(
            auth_tokens.update()
            .where(auth_tokens.c.token_id == token_id)
            .values(
                token=digest,
                token_prefix=token[:PREFIX_LENGTH],
                token_sealed=seal.seal(token, digest),
            )
        )

    # The server defaults stay (the models declare them too): dropping them would make SQLite
    # rebuild `users`, and dropping that table cascades to every row that references a user.


def downgrade() -> None:
    # Plain DROP COLUMNs (SQLite >= 3.35): a batch rebuild of `users` would cascade-delete.
    op.drop_column('auth_tokens', 'token_sealed')
    op.drop_column('auth_tokens', 'token_prefix')
    op.drop_column('users', 'session_key')
    op.drop_column('users', 'api_key_sealed')
    op.drop_column('users', 'api_key_prefix')
