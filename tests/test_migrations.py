"""The Alembic migrations build exactly the schema the models describe, on every database."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from tests.databases import database_url
from vcshub.auth.http_basic import authenticate_basic
from vcshub.auth.identity import InvalidToken, find_token_owner
from vcshub.auth.tokens import API_ROLES
from vcshub.db import migrate
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import Base


def test_migrations_match_models(db_backend, tmp_path):
    with database_url(db_backend, "migrations", tmp_path) as url:
        engine = create_db_engine(url)
        try:
            migrate.upgrade(engine)
            assert migrate.current_revision(engine) == migrate.head_revision()
            with engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            assert differences == []
            migrate.upgrade(engine)  # idempotent
        finally:
            engine.dispose()


def test_tokens_stored_in_clear_are_hashed_in_place_and_keep_working(db_backend, tmp_path):
    """0005: an install from before issue 14 keeps its tokens working, stored as digests."""
    main, extra = "a" * 8 + "1" * 32, "b" * 8 + "2" * 32
    with database_url(db_backend, "migrations", tmp_path) as url:
        engine = create_db_engine(url)
        try:
            migrate.upgrade(engine, "0004")
            with engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO users (user_id, username, email, description, active, admin,"
                    " extern_type, extern_name, api_key, inherit_default_permissions,"
                    " force_password_change, created_on) VALUES (7, 'old', 'old@example.com', '',"
                    " true, false, 'rhodecode', 'rhodecode', :key, true, false, :now)"
                ), {"key": main, "now": dt.datetime(2026, 1, 1)})
                connection.execute(text(
                    "INSERT INTO auth_tokens (token_id, user_id, token, role, description, expires,"
                    " created_on) VALUES (3, 7, :token, 'token_role_api', '', -1, :now)"
                ), {"token": extra, "now": dt.datetime(2026, 1, 1)})
            migrate.upgrade(engine)
            with engine.connect() as connection:
                stored_main = connection.scalar(text("SELECT api_key FROM users WHERE user_id = 7"))
                stored_extra = connection.scalar(text("SELECT token FROM auth_tokens WHERE token_id = 3"))
            assert stored_main == hashlib.sha256(main.encode()).hexdigest() != main
            assert stored_extra == hashlib.sha256(extra.encode()).hexdigest() != extra
            with create_session_factory(engine)() as db:
                assert find_token_owner(db, main, 0.0)[0].username == "old"
                user, role = find_token_owner(db, extra, 0.0)
                assert (user.username, role) == ("old", "token_role_api")
                assert authenticate_basic(db, "old", main, "127.0.0.1", 0.0, API_ROLES).user_id == 7
                assert user.api_key_prefix == main[:8] and user.tokens[0].token_prefix == extra[:8]
                assert len(user.session_key) == 32
                with pytest.raises(InvalidToken):
                    find_token_owner(db, stored_main, 0.0)  # the digest itself is no token
        finally:
            engine.dispose()
