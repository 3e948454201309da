"""The administration commands: `vcshub init`, `vcshub db upgrade`, `vcshub token create`, and
the first run of `vcshub serve` (data directory, initial super-admin, credentials shown once)."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.databases import database_url
from tests.live_server import VCSHUB, free_port, server_env
from tests.test_migrations import clear_tokens_of_0004
from vcshub.auth.identity import find_token_owner
from vcshub.auth.passwords import verify_password
from vcshub.auth.tokens import token_digest
from vcshub.config import load_settings
from vcshub.db import migrate
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import AuthToken, User, UserGlobalPermission
from vcshub.permissions.names import INITIAL_DEFAULT_PERMS
from vcshub.serializers.users import user_data
from vcshub.services.unit_of_work import UnitOfWork


class Instance:
    """A data directory and database that no server uses yet."""

    def __init__(self, data_dir: Path, url: str) -> None:
        self.data_dir = data_dir
        self.url = url
        self.env = server_env(data_dir, url)
        self._engine = None

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([VCSHUB, *args], env=self.env, capture_output=True, text=True,
                                timeout=120)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def sessions(self):
        if self._engine is None:
            self._engine = create_db_engine(self.url)
        return create_session_factory(self._engine)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def user(self, username: str) -> User | None:
        with self.sessions()() as session:
            return session.scalar(select(User).where(User.username == username))

    def tokens(self, user_id: int) -> list[AuthToken]:
        with self.sessions()() as session:
            return list(session.scalars(select(AuthToken).where(AuthToken.user_id == user_id)))


@pytest.fixture
def instance(db_backend, tmp_path):
    """A data directory that does not exist yet (vcshub makes it, and the SQLite file in it)."""
    data_dir = tmp_path / "not" / "yet" / "there"
    with database_url(db_backend, "cli", tmp_path) as url:
        if db_backend == "sqlite":
            url = f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        made = Instance(data_dir, url)
        yield made
        made.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def init(instance: Instance, username="boss", password="boss-pw-1", email="boss@example.com"):
    return instance.cli("init", "--admin-username", username, "--admin-password", password,
                        "--admin-email", email)


# -- init -------------------------------------------------------------------------------------------

def test_init_creates_everything(instance):
    result = init(instance)
    assert result.stdout.strip() == "super-admin `boss` is ready"
    assert (instance.data_dir / "repos").is_dir()
    assert mode(instance.data_dir / "secret-key") == 0o600
    assert len((instance.data_dir / "secret-key").read_text().strip()) == 64
    boss = instance.user("boss")
    assert boss.admin and boss.active
    assert boss.email == "boss@example.com"
    assert verify_password(boss.password_hash, "boss-pw-1")
    assert len(boss.api_key_hash) == 64 and len(boss.api_key_prefix) == 8  # a digest (issue 14)
    assert [t.role for t in instance.tokens(boss.user_id)] == ["token_role_feed"]
    default = instance.user("default")
    assert default is not None and not default.admin
    with instance.sessions()() as session:
        perms = set(session.scalars(select(UserGlobalPermission.permission)
                                    .where(UserGlobalPermission.user_id == default.user_id)))
    assert perms == set(INITIAL_DEFAULT_PERMS)
    # no generated credentials: the admin was given on the command line
    assert not (instance.data_dir / "initial-admin.txt").exists()


def test_init_is_idempotent(instance):
    init(instance)
    first = instance.user("boss")
    secret = (instance.data_dir / "secret-key").read_text()
    result = init(instance, password="changed-pw-2")
    assert result.stdout.strip() == "super-admin `boss` is ready"
    again = instance.user("boss")
    assert again.user_id == first.user_id and again.api_key_hash == first.api_key_hash
    assert verify_password(again.password_hash, "changed-pw-2")
    assert (instance.data_dir / "secret-key").read_text() == secret
    # the name is matched regardless of case: no second account
    init(instance, username="BOSS")
    with instance.sessions()() as session:
        assert len(session.scalars(select(User).where(User.admin.is_(True))).all()) == 1


def test_init_makes_an_existing_data_dir_private(instance, db_backend):
    """However the data directory was made (by hand, a copy, an older vcshub), init leaves it
    and the secrets in it readable by the server's account only."""
    instance.data_dir.mkdir(parents=True, mode=0o755)
    os.chmod(instance.data_dir, 0o755)
    secret_key = instance.data_dir / "secret-key"
    secret_key.write_text("ab" * 32 + "\n")
    initial = instance.data_dir / "initial-admin.txt"
    initial.write_text("username: admin\n")
    for path in (secret_key, initial):
        os.chmod(path, 0o644)
    init(instance)
    database = instance.data_dir / "vcshub.sqlite"
    private = [secret_key, initial] + ([database] if db_backend == "sqlite" else [])
    assert mode(instance.data_dir) == 0o700
    assert {path.name: mode(path) for path in private} == {path.name: 0o600 for path in private}
    # loosened again after the first init (a restore from backup, say): fixed at the next one
    os.chmod(instance.data_dir, 0o755)
    for path in private:
        os.chmod(path, 0o644)
    init(instance)
    assert mode(instance.data_dir) == 0o700
    assert {path.name: mode(path) for path in private} == {path.name: 0o600 for path in private}


def test_init_with_a_bad_admin_name_fails_cleanly(instance):
    result = instance.cli("init", "--admin-username", "bad name", "--admin-password", "x",
                          "--admin-email", "x@example.com", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr


def test_init_reads_a_config_file(db_backend, tmp_path):
    data_dir = tmp_path / "from-config"
    config = tmp_path / "vcshub.toml"
    with database_url(db_backend, "cfg", tmp_path) as url:
        if db_backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'cfg.sqlite'}"
        config.write_text(f'[vcshub]\ndata_dir = "{data_dir}"\ndatabase_url = "{url}"\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("VCSHUB_")}
        result = subprocess.run(
            [VCSHUB, "--config", str(config), "init", "--admin-username", "cfg",
             "--admin-password", "pw", "--admin-email", "cfg@example.com"],
            env=env, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert (data_dir / "repos").is_dir()
        engine = create_db_engine(url)
        with create_session_factory(engine)() as session:
            assert session.scalar(select(User.admin).where(User.username == "cfg")) is True
        engine.dispose()


def test_config_errors_are_reported_without_traceback(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[vcshub]\nno_such_setting = 1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCSHUB_")}
    result = subprocess.run([VCSHUB, "--config", str(config), "db", "upgrade"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "unknown setting 'no_such_setting'" in result.stderr
    assert "Traceback" not in result.stderr


# -- db upgrade ------------------------------------------------------------------------------------

def test_db_upgrade(instance):
    head = migrate.head_revision()
    result = instance.cli("db", "upgrade")
    assert result.stdout.strip() == f"database at revision {head}"
    assert (instance.data_dir / "repos").is_dir()
    # again: nothing to do, same revision
    assert instance.cli("db", "upgrade").stdout.strip() == f"database at revision {head}"
    # the schema is usable: init finds it in place
    init(instance)
    assert instance.user("boss").admin


def test_db_upgrade_seals_the_clear_tokens_of_an_older_install(instance):
    """0005 needs the secret key: `db upgrade` hands in the one of the data directory."""
    main, extra = "e" * 8 + "5" * 32, "f" * 8 + "6" * 32
    instance.data_dir.mkdir(parents=True)
    engine = create_db_engine(instance.url)
    try:
        clear_tokens_of_0004(engine, main, extra)
    finally:
        engine.dispose()
    instance.cli("db", "upgrade")
    settings = load_settings(environ={}, data_dir=instance.data_dir, database_url=instance.url)
    with instance.sessions()() as session:
        unit = UnitOfWork(db=session, settings=settings)
        assert find_token_owner(unit.db, extra, 0.0)[0].username == "old"
        shown = user_data(unit.db.get(User, 7), secrets=True)
    assert (shown["api_key"], shown["api_keys"]) == (main, [main, extra])


# -- token create ----------------------------------------------------------------------------------

def test_token_create(instance):
    init(instance)
    boss = instance.user("boss")
    before = time.time()
    result = instance.cli("token", "create", "boss", "--role", "api", "--lifetime-minutes", "5",
                          "--description", "for scripts")
    token = result.stdout
    assert re.fullmatch(r"[0-9a-f]{40}\n", token)  # only the token is printed
    rows = {t.token_hash: t for t in instance.tokens(boss.user_id)}
    row = rows[token_digest(token.strip())]  # stored as its digest
    assert row.role == "token_role_api" and row.description == "for scripts"
    assert before + 300 - 5 <= row.expires <= time.time() + 300 + 5


@pytest.mark.parametrize("args, role, expires",
                         [((), "token_role_all", -1), (("--role", "feed"), "token_role_feed", -1),
                          (("--lifetime-minutes", "-1"), "token_role_all", -1)])
def test_token_create_defaults(instance, args, role, expires):
    init(instance)
    token = instance.cli("token", "create", "boss", *args).stdout.strip()
    row = next(t for t in instance.tokens(instance.user("boss").user_id) if t.token_hash == token_digest(token))
    assert (row.role, row.expires) == (role, expires)


def test_token_create_errors(instance):
    init(instance)
    result = instance.cli("token", "create", "ghost", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: user `ghost` does not exist"
    result = instance.cli("token", "create", "boss", "--lifetime-minutes", "0", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    result = instance.cli("token", "create", "boss", "--role", "root", check=False)
    assert result.returncode == 2  # click's usage error
    assert result.stdout == ""


# -- first run of serve ----------------------------------------------------------------------------

def serve(instance: Instance, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen([VCSHUB, "serve", "--port", str(port)], env=instance.env,
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()}")
        try:
            httpx.get(url + "/", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    stop(process)
    raise AssertionError("server did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def printed_credentials(text: str) -> dict[str, str]:
    found = dict(re.findall(r"^  (username|password|api token):\s+(\S+)$", text, re.MULTILINE))
    return found


def test_first_serve_creates_the_instance_and_shows_credentials_once(instance, tmp_path):
    assert not instance.data_dir.exists()
    process, url = serve(instance, tmp_path / "first.log")
    try:
        output = (tmp_path / "first.log").read_text()
        assert "A super-admin account was created" in output
        shown = printed_credentials(output)
        assert set(shown) == {"username", "password", "api token"}
        assert shown["username"] == "admin"
        assert len(shown["password"]) >= 16
        initial = instance.data_dir / "initial-admin.txt"
        assert f"(also written to {initial}, mode 0600)" in output
        assert mode(initial) == 0o600
        assert initial.read_text() == (
            f"username: admin\npassword: {shown['password']}\napi_token: {shown['api token']}\n"
        )
        assert mode(instance.data_dir / "secret-key") == 0o600
        assert mode(instance.data_dir) == 0o700  # the database in it holds tokens
        assert (instance.data_dir / "repos").is_dir()
        # the printed token is a working super-admin API token
        reply = httpx.post(f"{url}/_admin/api", json={
            "id": 1, "auth_token": shown["api token"], "method": "get_user", "args": {}}).json()
        assert reply["error"] is None
        assert reply["result"]["username"] == "admin" and reply["result"]["admin"] is True
    finally:
        stop(process)
    admin = instance.user("admin")
    assert verify_password(admin.password_hash, shown["password"])
    assert instance.user("default") is not None

    # the second start creates nobody and shows nothing
    written = (instance.data_dir / "initial-admin.txt").read_text()
    process, _ = serve(instance, tmp_path / "second.log")
    stop(process)
    output = (tmp_path / "second.log").read_text()
    assert "A super-admin account was created" not in output
    assert printed_credentials(output) == {}
    assert (instance.data_dir / "initial-admin.txt").read_text() == written
    with instance.sessions()() as session:
        assert len(session.scalars(select(User).where(User.admin.is_(True))).all()) == 1


def test_serve_after_init_shows_no_credentials(instance, tmp_path):
    init(instance)
    process, _ = serve(instance, tmp_path / "serve.log")
    stop(process)
    output = (tmp_path / "serve.log").read_text()
    assert printed_credentials(output) == {}
    assert not (instance.data_dir / "initial-admin.txt").exists()
    assert instance.user("admin") is None
