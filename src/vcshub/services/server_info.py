"""What `get_server_info` reports about the host (REFERENCE.md 3.10)."""

from __future__ import annotations

import functools
import importlib.metadata
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import text

from vcshub import __version__
from vcshub.permissions.caller import Caller
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

NA = "NOT AVAILABLE"
BOOT_TIME = time.time()


def _command_version(*argv: str) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=5, check=False)
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else NA
    except (OSError, subprocess.SubprocessError):
        return NA


def _disk(path: Path) -> dict | str:
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return NA
    return {
        "percent": round(usage.used / usage.total * 100, 1) if usage.total else 0,
        "used": usage.used,
        "total": usage.total,
        "free": usage.free,
        "path": str(path),
    }


def _memory() -> dict | str:
    try:
        fields = dict(
            line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines()
        )
        total = int(fields["MemTotal"].split()[0]) * 1024
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return NA
    return {"total": total, "available": available, "used": total - available,
            "percent": round((total - available) / total * 100, 1)}


def _hg_version() -> str:
    try:
        from mercurial import util

        return util.version().decode()
    except Exception:
        return NA


def _migration_revision(uow: UnitOfWork) -> str | None:
    # Read in the request's own transaction: Alembic's MigrationContext would open a second
    # connection and reflect its version table on every call.
    return uow.db.scalar(text("SELECT version_num FROM alembic_version"))


@functools.cache
def _static_facts() -> tuple[tuple[str, object], ...]:
    """What cannot change while the process runs, gathered once per process.

    Reading the metadata of every installed distribution and running `git --version` take
    ~50 ms, a hundred times the rest of the call.
    """
    modules = sorted(
        ((d.metadata["Name"], d.version) for d in importlib.metadata.distributions()),
        key=lambda pair: str(pair[0]).lower(),
    )
    return (
        ("py_version", sys.version.split()[0]),
        ("py_path", sys.executable),
        ("py_modules", tuple(modules)),
        ("platform", platform.platform()),
        ("server_id", socket.gethostname()),
        ("git_version", _command_version("git", "--version")),
        ("hg_version", _hg_version()),
    )


# How long a sample of the machine (load, memory, disks, gist count) answers calls: a second
# is nothing to whoever reads these figures, and sampling them on every call (a dozen system
# calls, a walk of the gist folder) was most of the call's own time.
SAMPLE_SECONDS = 1.0
_samples: dict[Path, tuple[float, dict]] = {}
_samples_lock = threading.Lock()


def _machine(settings) -> dict:
    """The measured part of the report, sampled at most once a second per data directory."""
    now = time.monotonic()
    with _samples_lock:
        taken = _samples.get(settings.data_dir)
    if taken is not None and now - taken[0] < SAMPLE_SECONDS:
        return taken[1]
    try:
        load = dict(zip(("1_min", "5_min", "15_min"), os.getloadavg(), strict=True))
    except OSError:
        load = NA
    gist_disk = _disk(settings.gists_dir if settings.gists_dir.exists() else settings.data_dir)
    if isinstance(gist_disk, dict):
        gist_disk["items"] = (
            len(list(settings.gists_dir.iterdir())) if settings.gists_dir.exists() else 0
        )
    sample = {
        "storage": str(settings.repos_dir.resolve()),
        "archive_storage": str(settings.archive_cache_dir.resolve()),
        "gist_storage": str(settings.gists_dir.resolve()),
        "load": load,
        "memory": _memory(),
        "disk": _disk(settings.repos_dir if settings.repos_dir.exists() else settings.data_dir),
        "disk_archive": _disk(settings.data_dir),
        "disk_gist": gist_disk,
    }
    with _samples_lock:
        _samples[settings.data_dir] = (now, sample)
    return sample


def server_info(uow: UnitOfWork, caller: Caller, server_address: str) -> dict:
    """`get_server_info` (super-admin only): the key set of REFERENCE.md 3.10."""
    require_admin(caller)
    settings = uow.settings
    static = dict(_static_facts())
    machine = _machine(settings)
    bind = uow.db.get_bind()
    return {
        "py_version": static["py_version"],
        "py_path": static["py_path"],
        "py_modules": [list(pair) for pair in static["py_modules"]],
        "platform": static["platform"],
        "storage": machine["storage"],
        "archive_storage": machine["archive_storage"],
        "index_storage": NA,
        "gist_storage": machine["gist_storage"],
        "db_type": bind.dialect.name,
        "db_version": ".".join(map(str, bind.dialect.server_version_info or ())) or NA,
        "db_migrate_version": _migration_revision(uow) or NA,
        "rhodecode_version": __version__,
        "rhodecode_config_ini": str(settings.config_file) if settings.config_file else NA,
        "server_ip": server_address,
        "server_id": static["server_id"],
        "git_version": static["git_version"],
        "hg_version": static["hg_version"],
        "svn_version": NA,
        "uptime": int(time.time() - BOOT_TIME),
        "boot_time": BOOT_TIME,
        "load": machine["load"],
        "cpu": os.cpu_count() or NA,
        "memory": machine["memory"],
        "disk": machine["disk"],
        "disk_archive": machine["disk_archive"],
        "disk_gist": machine["disk_gist"],
        "disk_index": NA,
    }


def repo_store(uow: UnitOfWork, caller: Caller) -> str:
    """Where repositories are stored (RC-later ``get_repo_store``); super-admins only."""
    require_admin(caller)
    return str(uow.settings.repos_dir.resolve())
