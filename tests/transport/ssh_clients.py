"""Git and hg over SSH in tests: a live server with the built-in SSH server on, an OpenSSH
``sshd`` of the test's own in front of the same instance (AuthorizedKeysCommand + forced
command, as the README configures it), and real ``ssh``/``git``/``hg`` clients.

Each key a test makes gets a host alias in an ssh config file of the test's own
(``Host k3`` → address, port, login, key), so a URL names the key: ``ssh://k3/group/repo``.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import VCSHUB, LiveServer
from tests.transport.clients import Clients, Result

SSH = shutil.which("ssh")
SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
SSH_KEYGEN = shutil.which("ssh-keygen")


@dataclass(frozen=True)
class SshLogin:
    """A key of a user, reached through one way of running SSH: the URL's host alias."""

    alias: str
    key_file: Path


@dataclass
class SshWay:
    """One way of running SSH in front of the live server: ``builtin`` or ``openssh``."""

    name: str
    port: int
    login_user: str  # the SSH user name clients log in as


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"sshd exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def keygen(path: Path, kind: str = "ed25519", bits: int | None = None) -> Path:
    args = [SSH_KEYGEN, "-q", "-t", kind, "-N", "", "-C", f"test-{path.name}", "-f", str(path)]
    if bits:
        args += ["-b", str(bits)]
    subprocess.run(args, check=True, capture_output=True)
    return path


def openssh_unusable_reason(command: str) -> str | None:
    """Why OpenSSH cannot run the AuthorizedKeysCommand here, or None.

    sshd runs it only as root's: owned by root and not writable by group or others, along
    the whole path (it refuses otherwise).
    """
    if SSHD is None or SSH is None:
        return "OpenSSH's sshd/ssh are not installed (apt-get install openssh-server openssh-client)"
    if os.geteuid() != 0:
        return "sshd must run as root to run an AuthorizedKeysCommand (CI does)"
    path = Path(command).resolve()
    for part in [path, *path.parents]:
        info = part.stat()
        if info.st_uid != 0 or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"sshd refuses {command}: {part} is not root's or is writable by others"
    return None


def start_sshd(folder: Path, port: int, config_file: Path) -> subprocess.Popen:
    """``sshd -D`` on ``port`` with vcshub's AuthorizedKeysCommand (README: OpenSSH)."""
    folder.mkdir(parents=True, exist_ok=True)
    host_key = keygen(folder / "ssh_host_ed25519_key")
    # privilege separation needs this folder (Debian creates it when the service starts)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    user = getpass.getuser()
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\n"
        "ListenAddress 127.0.0.1\n"
        f"HostKey {host_key}\n"
        f"PidFile {folder / 'sshd.pid'}\n"
        "AuthorizedKeysFile none\n"
        f"AuthorizedKeysCommand {Path(VCSHUB).resolve()} --config {config_file} ssh-keys-for %t %k\n"
        f"AuthorizedKeysCommandUser {user}\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "UsePAM no\n"
        "PermitRootLogin prohibit-password\n"
        "AcceptEnv GIT_PROTOCOL\n"
        "MaxStartups 100:30:200\n"
        "LogLevel VERBOSE\n"
    )
    log = open(folder / "sshd.log", "ab")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, process)
    return process


def config_file_for(server: LiveServer, folder: Path) -> Path:
    """The settings file sshd's commands read (sshd gives them no environment of ours)."""
    path = folder / "vcshub.toml"
    path.write_text(
        f'data_dir = "{server.data_dir}"\n'
        f'database_url = "{server.env["VCSHUB_DATABASE_URL"]}"\n'
    )
    return path


class SshClients(Clients):
    """git and hg over SSH, one host alias per key (the ``credentials`` of Clients' methods)."""

    def __init__(self, way: SshWay, root: Path) -> None:
        super().__init__(f"ssh://127.0.0.1:{way.port}", root)
        self.way = way
        self.ssh_config = root / "ssh_config"
        self.ssh_config.write_text("")
        self.ssh_command = (
            f"{SSH} -F {self.ssh_config} -o BatchMode=yes -o StrictHostKeyChecking=no "
            f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes"
        )
        self._keys = 0

    def login(self, key_file: Path) -> SshLogin:
        self._keys += 1
        alias = f"k{self._keys}"
        with self.ssh_config.open("a") as config:
            config.write(
                f"Host {alias}\n  HostName 127.0.0.1\n  Port {self.way.port}\n"
                f"  User {self.way.login_user}\n  IdentityFile {key_file}\n"
            )
        return SshLogin(alias, key_file)

    def url(self, repo_name: str, credentials: SshLogin | None = None) -> str:
        assert credentials is not None, "over SSH a key is always needed"
        return f"ssh://{credentials.alias}/{repo_name}"

    def run(self, args: list[str], cwd: Path | None = None, **env: str) -> Result:
        return super().run(args, cwd=cwd, GIT_SSH_COMMAND=self.ssh_command, **env)

    def hg(self, *args: str, cwd: Path | None = None, **env: str) -> Result:
        return super().hg("--config", f"ui.ssh={self.ssh_command}", *args, cwd=cwd, **env)

    def ssh(self, login: SshLogin, command: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
        """Run ``command`` over SSH as ``login`` (what a client would send)."""
        return subprocess.run(
            [*self.ssh_command.split(), login.alias, command],
            input=stdin, capture_output=True, timeout=120,
        )


def refused_with(result: Result, text: str) -> Result:
    """The client failed and shows the server's message ``text``."""
    if result.ok:
        raise AssertionError(f"{' '.join(result.args)} unexpectedly succeeded:\n{result.output}")
    if text not in result.output:
        raise AssertionError(f"{' '.join(result.args)} failed without {text!r}:\n{result.output}")
    return result


def skip_unless_openssh(way: SshWay) -> None:
    if way.name == "openssh":
        reason = openssh_unusable_reason(VCSHUB)
        if reason:
            pytest.skip(reason)
