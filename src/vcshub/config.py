"""Settings: built-in defaults, then a TOML file, then ``VCSHUB_*`` environment variables.

This is the only module that reads the process environment. Everything else receives a
:class:`Settings` object.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "VCSHUB_"


class ConfigError(Exception):
    """A setting could not be read or has a value of the wrong type."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("vcshub-data")
    database_url: str = ""  # empty: SQLite file inside data_dir
    # PostgreSQL connections each worker process keeps (and as many more under load)
    database_pool_size: int = 10
    host: str = "127.0.0.1"
    port: int = 5000
    # Worker processes of `vcshub serve`: one per core, so that API calls and pages use every
    # core (a Python process runs Python on one at a time). What they share lives in the
    # database or in file locks, never in one process's memory (ARCHITECTURE.md).
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    secret_key: str = ""  # empty: generated once and kept in data_dir
    base_url: str = ""  # empty: derived from each request
    max_request_bytes: int = 10 * 1024 * 1024
    log_level: str = "info"
    # Comma separated globs of `Controller:view` names that accept ?auth_token= (RhodeCode syntax).
    # The default opens the RSS/Atom feeds only; a value set here replaces it (keep FeedController:*).
    api_access_controllers_whitelist: tuple[str, ...] = ("FeedController:*",)
    lock_ret_code: int = 423
    # REFERENCE.md 1.5 takes the client IP from X-Real-IP / X-Forwarded-For. Anybody can send
    # those headers, so they count only on connections from these proxy addresses or networks
    # ("*": from everywhere; empty: never), as uvicorn's forwarded_allow_ips; otherwise a client
    # could step around IP whitelists and the login throttle. Of X-Forwarded-For, the rightmost
    # hop that is not one of these proxies is the client (web/client_address.py).
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    extra_fields_enabled: bool = True
    # Seconds a client may stay silent while the server waits for its request head or body
    # (transport/http_timeouts.py): past it the connection is closed. Generous: a push over a
    # slow link pauses between packets, but never this long.
    request_timeout: int = 60
    gist_gc_interval_seconds: int = 3600
    # Audit-trail entries older than this many days are removed (hourly); 0 keeps them all.
    audit_retention_days: int = 0
    # Clones and pulls from remotes (clone_uri, pull): each is stopped after this many seconds
    # in all, or after remote_stall_seconds without progress; at most remote_max_concurrent
    # run at once (one more is refused at once).
    remote_timeout_seconds: int = 3600
    remote_stall_seconds: int = 120
    remote_max_concurrent: int = 8
    # Users other than super-admins may clone only from public addresses unless this is set
    # (loopback, private, link-local, ... networks are refused: the server must not be made
    # to reach what only it can reach).
    remote_allow_private: bool = False
    # The ssh client for ssh:// remotes; empty: no agent, no identity, no ssh config of the
    # server account.
    remote_ssh_command: str = ""
    # Outgoing mail (password reset links). No smtp_server: the server sends no mail, and the
    # password reset page says an administrator must reset the password. smtp_use_ssl: SMTPS
    # (port 465); smtp_use_tls: STARTTLS on a plain connection.
    smtp_server: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_use_tls: bool = False
    smtp_use_ssl: bool = False
    smtp_from: str = "vcshub@localhost"
    smtp_timeout_seconds: int = 30
    # The server's record of unexpected errors (services/exception_store.py) keeps this many,
    # the oldest dropped first.
    exception_store_max: int = 1000
    # Full-text search indexes files up to this size at each repository's landing revision
    # (bigger ones, binary ones and symbolic links are found by their path only).
    search_max_file_bytes: int = 1024 * 1024
    # Git and hg over SSH. ssh_port: the built-in SSH server's port (0: off), on ``host``.
    # ssh_clone_url: the SSH clone URL shown with the HTTP one, {host} and {repo} filled in
    # (OpenSSH integration: "ssh://git@{host}/{repo}"); empty: derived from ssh_port, or none
    # when the built-in server is off.
    ssh_port: int = 0
    ssh_clone_url: str = ""
    # More than one node (README: Scale out). redis_url: state the nodes share (repository
    # mutexes, push bookkeeping in progress, leaders); empty: file locks in data_dir and the
    # database, enough for the worker processes of one machine.
    redis_url: str = ""
    # task_broker_url: background tasks go to Celery workers (`vcshub worker`) through this
    # broker (redis://..., amqp://...); empty: the embedded runner, threads of the server.
    task_broker_url: str = ""
    # Background tasks the embedded runner (or one Celery worker) runs at once.
    task_concurrency: int = 2
    # A running task whose process has not written its heartbeat for this long is taken for
    # interrupted (tasks/sweep.py); heartbeats come every quarter of it.
    task_stale_seconds: int = 30
    # fork_repo of a source whose repository folder is bigger than this runs as a task (the
    # API answers at once with its id); smaller forks are made within the call.
    fork_in_background_bytes: int = 50 * 1024 * 1024
    # Prometheus metrics at /_admin/metrics (off: 404).
    metrics_enabled: bool = False
    config_file: Path | None = field(default=None, compare=False)

    @property
    def repos_dir(self) -> Path:
        return self.data_dir / "repos"

    @property
    def gists_dir(self) -> Path:
        return self.repos_dir / ".rc_gist_store"

    @property
    def archive_cache_dir(self) -> Path:
        return self.data_dir / "archive-cache"

    @property
    def exceptions_dir(self) -> Path:
        return self.data_dir / "exceptions"

    @property
    def search_index_dir(self) -> Path:
        """The full-text index (services/search): one per data dir, shared by all workers."""
        return self.data_dir / "search-index"

    @property
    def ssh_host_keys_dir(self) -> Path:
        return self.data_dir / "ssh"

    @property
    def ssh_clone_template(self) -> str:
        """The SSH clone URL with {host} and {repo} to fill in; empty when SSH is off."""
        if self.ssh_clone_url:
            return self.ssh_clone_url
        return f"ssh://git@{{host}}:{self.ssh_port}/{{repo}}" if self.ssh_port else ""

    @property
    def metrics_dir(self) -> Path:
        """This node's Prometheus multiprocess files (metrics/exposition.py): one folder per
        host and port, so that nodes sharing a data dir (or a machine) never mix or wipe
        each other's."""
        return self.data_dir / "metrics" / f"{socket.gethostname()}-{self.port}"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "vcshub.sqlite"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path.resolve()}"

    @property
    def initial_admin_file(self) -> Path:
        return self.data_dir / "initial-admin.txt"

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / "secret-key"


_FIELDS = {f.name: f for f in dataclasses.fields(Settings) if f.name != "config_file"}


def _coerce(name: str, raw: object) -> object:
    """Convert a TOML or environment value to the type the field declares."""
    kind = _FIELDS[name].type
    try:
        if kind == "Path":
            return Path(str(raw)).expanduser()
        if kind == "int":
            if isinstance(raw, bool | float):  # int() would quietly turn 80.5 into 80
                raise TypeError("not an integer")
            return int(raw)  # type: ignore[arg-type]
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on", "t", "y"}
        if kind == "tuple[str, ...]":
            items = raw if isinstance(raw, list) else str(raw).split(",")
            return tuple(s.strip() for s in items if str(s).strip())
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r}: cannot use {raw!r} ({exc})") from exc


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: object,
) -> Settings:
    """Build the settings: defaults ◀ TOML file ◀ environment ◀ explicit overrides.

    The TOML file is ``config_file``, else ``$VCSHUB_CONFIG``; unknown keys are refused so
    that a typo does not silently fall back to a default.
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    config_file = config_file or (Path(env["VCSHUB_CONFIG"]) if env.get("VCSHUB_CONFIG") else None)
    if config_file is not None:
        try:
            document = tomllib.loads(Path(config_file).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {config_file}: {exc}") from exc
        section = document.get("vcshub", document)
        for key, raw in section.items():
            if key not in _FIELDS:
                raise ConfigError(f"unknown setting {key!r} in {config_file}")
            values[key] = _coerce(key, raw)
    for name in _FIELDS:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw)
    for name, raw in overrides.items():
        if raw is not None:
            values[name] = _coerce(name, raw)
    return Settings(config_file=config_file, **values)  # type: ignore[arg-type]
