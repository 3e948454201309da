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
from vcshub.auth.errors import InvalidToken
from vcshub.auth.identity import find_token_owner
from vcshub.auth.tokens import API_ROLES
from vcshub.config import load_settings
from vcshub.db import migrate
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import Base, User
from vcshub.serializers.users import user_data
from vcshub.services.unit_of_work import UnitOfWork

SECRET_KEY = "0123456789abcdef" * 4


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


def clear_tokens_of_0004(engine, main: str, extra: str) -> None:
    """A database at 0004 (before issue 14) with one user's tokens stored in clear."""
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


def test_tokens_stored_in_clear_are_hashed_and_sealed_in_place_and_keep_working(
    db_backend, tmp_path
):
    """0005: an install from before issue 14 keeps its tokens working, stored as digests and
    sealed copies, and get_user's serializer still shows them (REFERENCE.md 3.1)."""
    main, extra = "a" * 8 + "1" * 32, "b" * 8 + "2" * 32
    with database_url(db_backend, "migrations", tmp_path) as url:
        engine = create_db_engine(url)
        try:
            clear_tokens_of_0004(engine, main, extra)
            migrate.upgrade(engine, secret_key=SECRET_KEY)
            with engine.connect() as connection:
                stored_main, sealed_main = connection.execute(
                    text("SELECT api_key, api_key_sealed FROM users WHERE user_id = 7")
                ).one()
                stored_extra, sealed_extra = connection.execute(
                    text("SELECT token, token_sealed FROM auth_tokens WHERE token_id = 3")
                ).one()
            assert stored_main == hashlib.sha256(main.encode()).hexdigest() != main
            assert stored_extra == hashlib.sha256(extra.encode()).hexdigest() != extra
            for token in (main, extra):
                for value in (stored_main, stored_extra, sealed_main, sealed_extra):
                    assert token[8:] not in value
            with create_session_factory(engine)() as db:
                assert find_token_owner(db, main, 0.0)[0].username == "old"
                user, role, _whitelist = find_token_owner(db, extra, 0.0)
                assert (user.username, role) == ("old", "token_role_api")
                assert authenticate_basic(db, "old", main, "127.0.0.1", 0.0, API_ROLES).user_id == 7
                assert user.api_key_prefix == main[:8] and user.tokens[0].token_prefix == extra[:8]
                assert len(user.session_key) == 32
                with pytest.raises(InvalidToken):
                    find_token_owner(db, stored_main, 0.0)  # the digest itself is no token
            # the instance whose secret key sealed them shows the real tokens again
            settings = load_settings(
                environ={}, data_dir=tmp_path / "data", database_url=url, secret_key=SECRET_KEY
            )
            with create_session_factory(engine)() as db:
                unit = UnitOfWork(db=db, settings=settings)
                shown = user_data(unit.db.get(User, 7), secrets=True)
            assert (shown["api_key"], shown["api_keys"]) == (main, [main, extra])
        finally:
            engine.dispose()


def test_sealing_clear_tokens_without_the_secret_key_is_refused_and_changes_nothing(
    db_backend, tmp_path
):
    main, extra = "c" * 8 + "3" * 32, "d" * 8 + "4" * 32
    with database_url(db_backend, "migrations", tmp_path) as url:
        engine = create_db_engine(url)
        try:
            clear_tokens_of_0004(engine, main, extra)
            with pytest.raises(RuntimeError, match="secret key"):
                migrate.upgrade(engine)
            assert migrate.current_revision(engine) == "0004"
            with engine.connect() as connection:
                main_row = connection.scalar(text("SELECT api_key FROM users WHERE user_id = 7"))
                extra_row = connection.scalar(text("SELECT token FROM auth_tokens WHERE token_id = 3"))
            assert (main_row, extra_row) == (main, extra)
        finally:
            engine.dispose()
