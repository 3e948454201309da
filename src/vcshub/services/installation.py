"""Preparing a data directory: folders, secret key, schema, default user, first admin."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url

from vcshub.auth.token_seal import instance_secret
from vcshub.config import Settings
from vcshub.db import migrate
from vcshub.db.engine import create_session_factory
from vcshub.services import auth_tokens, bootstrap
from vcshub.services.unit_of_work import unit_of_work

DEFAULT_ADMIN = "admin"


@dataclass(frozen=True)
class InitialAdmin:
    username: str
    password: str
    api_token: str
    file: Path


def prepare_storage(settings: Settings) -> None:
    """Create the data directory, the repository storage and the secret key if missing.

    Runs at every start and init, and makes the data directory (0700) and the secrets in it
    (0600: database, secret key, initial admin's credentials) private to the server's user
    however they were created: a copied or hand-made data directory must not leave them
    readable by other local accounts.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(settings.data_dir, 0o700)
    settings.repos_dir.mkdir(exist_ok=True)
    if not settings.secret_key and not settings.secret_key_file.exists():
        _write_private(settings.secret_key_file, secrets.token_hex(32) + "\n")
    database = sqlite_file(settings)
    if database is not None and not database.exists() and database.parent.is_dir():
        # Created empty and private before SQLite opens it: SQLite gives its journal and WAL
        # files the mode of the database file.
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))
    private = [settings.secret_key_file, settings.initial_admin_file]
    if database is not None:
        # with its journal and WAL files: they hold recent rows, tokens' digests included
        companions = (Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal"))
        private += [database, *companions]
    for path in private:
        if path.exists():
            os.chmod(path, 0o600)


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database file, when the database is one."""
    url = make_url(settings.effective_database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def secret_key(settings: Settings) -> str:
    return instance_secret(settings)


def migrate_schema(settings: Settings, engine: Engine) -> None:
    """Upgrade the schema with the secret key at hand: migrations that seal tokens need it."""
    migrate.upgrade(engine, secret_key=secret_key(settings))


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def initialize(settings: Settings, engine: Engine) -> InitialAdmin | None:
    """Migrate the schema and, on first run only, create the super-admin.

    Returns the generated credentials when an admin was created (to be shown once).
    """
    prepare_storage(settings)
    migrate_schema(settings, engine)
    sessions = create_session_factory(engine)
    with unit_of_work(sessions, settings) as uow:
        bootstrap.ensure_default_user(uow)
        if bootstrap.has_admin(uow):
            return None
        user, password = bootstrap.ensure_admin(uow, DEFAULT_ADMIN, "admin@localhost.localdomain")
        token = auth_tokens.create_token(uow, user, "all", description="initial admin token")
        admin = InitialAdmin(user.username, password or "", token.revealed_token, settings.initial_admin_file)
    _write_private(
        admin.file,
        f"username: {admin.username}\npassword: {admin.password}\napi_token: {admin.api_token}\n",
    )
    return admin
