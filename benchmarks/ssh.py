"""Git over SSH: vcshub's built-in SSH server against OpenSSH serving ``git-upload-pack`` itself.

The repository is transport.py's (``git fast-import``, cached in ``--cache-dir``, about
``--size-mb`` packed), copied into a vcshub instance (the real CLI: ``vcshub serve
--ssh-port``, SQLite) and registered with ``rescan_repos``. The baseline is an ``sshd`` of its
own on the very same folder, with the same client key in a plain authorized_keys file: the
client's ``git clone`` makes sshd run ``git-upload-pack '<folder>'`` through the shell, the
way a bare OpenSSH git host serves. Both use ed25519 host keys and the same client (same
cipher negotiation: chacha20-poly1305 or AES-GCM, whatever both sides prefer).

Measured, alternating: ``git clone --bare`` best of ``--runs`` (default 3), and ``--concurrent``
(default 32) clones through the built-in server at once: errors (non-zero exit, wrong master)
and total time. Needs root (sshd), like the OpenSSH tests.

Usage: python benchmarks/ssh.py [--size-mb 50] [--commits 10000] [--runs 3] [--concurrent 32]
           [--cache-dir DIR]
Targets: built-in / OpenSSH <= 1.10; concurrent clones: zero errors.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import getpass
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from transport_measures import load
from transport_repos import build_git, client_env, copy_git, folder_mb, git_head

REPO_ROOT = Path(__file__).resolve().parent.parent
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
REPO = "bench/ssh-clone"


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


def start_sshd(folder: Path, port: int, client_key: Path) -> subprocess.Popen:
    folder.mkdir(parents=True, exist_ok=True)
    host_key = keygen(folder / "host_ed25519")
    authorized = folder / "authorized_keys"
    authorized.write_text(client_key.with_suffix(".pub").read_text())
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {folder / 'pid'}\n"
        f"AuthorizedKeysFile {authorized}\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n"
        "PermitRootLogin prohibit-password\nAcceptEnv GIT_PROTOCOL\nMaxStartups 100:30:200\n"
        "MaxSessions 100\n"
    )
    process = subprocess.Popen([SSHD, "-D", "-f", str(config)], stderr=subprocess.DEVNULL)
    wait_port(port)
    return process


def wait_port(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def ssh_command(key: Path) -> str:
    return (f"ssh -F /dev/null -i {key} -o IdentitiesOnly=yes -o BatchMode=yes "
            "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR")


def clone(url: str, target: Path, env: dict) -> float:
    shutil.rmtree(target, ignore_errors=True)
    began = time.perf_counter()
    result = subprocess.run(["git", "clone", "--bare", "--quiet", url, str(target)], env=env,
                            capture_output=True, text=True)
    took = time.perf_counter() - began
    if result.returncode != 0:
        raise RuntimeError(f"clone of {url} failed: {result.stderr[-2000:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "vcshub-bench")
    options = parser.parse_args()
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    source, _ = build_git(options.cache_dir, options.size_mb, options.commits, 1)
    print(f"repository: {folder_mb(source):.0f} MB packed, {options.commits} commits")

    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import free_port, start_server

    work = Path(tempfile.mkdtemp(prefix="vcshub-ssh-bench-"))
    home = work / "home"
    home.mkdir()
    key = keygen(work / "client_ed25519")
    ssh_port, baseline_port = free_port(), free_port()
    data_dir = work / "data"
    server = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}",
                          VCSHUB_SSH_PORT=str(ssh_port), VCSHUB_LOG_LEVEL="warning")
    sshd = None
    try:
        folder = data_dir / "repos" / REPO
        folder.parent.mkdir(parents=True, exist_ok=True)
        copy_git(source, folder)
        api = httpx.Client(timeout=600)
        answer = api.post(server.api_url, json={"id": 1, "auth_token": server.admin_token,
                                                "method": "rescan_repos", "args": {}}).json()
        assert answer["error"] is None, answer
        server.cli("ssh-key", "add", server.admin_username, str(key.with_suffix(".pub")))
        wait_port(ssh_port)
        sshd = start_sshd(work / "sshd", baseline_port, key)
        env = client_env(home)
        env["GIT_SSH_COMMAND"] = ssh_command(key)
        urls = {
            "vcshub (built-in SSH)": f"ssh://git@127.0.0.1:{ssh_port}/{REPO}",
            "OpenSSH + git-upload-pack": f"ssh://{getpass.getuser()}@127.0.0.1:{baseline_port}{folder}",
        }
        best = {name: float("inf") for name in urls}
        print(f"load before cloning: {load()}")
        for run in range(options.runs):
            for name, url in urls.items():
                took = clone(url, work / "clone", env)
                best[name] = min(best[name], took)
                print(f"  run {run + 1}: {name}: {took:.2f} s", flush=True)
        ours, theirs = best.values()
        for name, value in best.items():
            print(f"clone, best of {options.runs}: {name}: {value:.2f} s")
        print(f"ratio built-in / OpenSSH: {ours / theirs:.3f} (target <= 1.10)")

        expected = git_head(folder)
        print(f"{options.concurrent} concurrent clones over the built-in server ...  (load {load()})")

        def one(n: int) -> str | None:
            target = work / f"c{n}"
            try:
                clone(urls["vcshub (built-in SSH)"], target, env)
            except RuntimeError as exc:
                return str(exc)[-300:]
            return None if git_head(target) == expected else "wrong master"

        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(options.concurrent) as pool:
            failures = [f for f in pool.map(one, range(options.concurrent)) if f]
        print(f"concurrent: {options.concurrent} clones in {time.perf_counter() - began:.1f} s, "
              f"{len(failures)} errors")
        for failure in failures[:5]:
            print("  error:", failure)
    finally:
        if sshd is not None:
            sshd.terminate()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
