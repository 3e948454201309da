"""Real ``git`` and ``hg`` clients talking to the live server over HTTP, with credentials.

Every command runs with an isolated HOME, no user or system configuration, and prompts
disabled (GIT_TERMINAL_PROMPT=0, HGPLAIN=1, ui.interactive off): a client that would ask for a
password fails instead, which is what the "anonymous gets 401" tests rely on.

Credentials travel in the URL. Mercurial does not keep the password of a cloned URL, so every
hg command that talks to the server is given the full URL again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from vcshub.db.models import JournalEntry

GIT = shutil.which("git") or "git"
HG = shutil.which("hg") or "hg"
AUTHOR_NAME = "Transport Tester"
AUTHOR_EMAIL = "transport@example.com"
TIMEOUT = 120


@dataclass(frozen=True)
class Credentials:
    """What goes into HTTP Basic: a username and a password or token (token: any username)."""

    username: str
    secret: str


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def check(self) -> Result:
        if not self.ok:
            raise AssertionError(f"{' '.join(self.args)} failed ({self.returncode}):\n{self.output}")
        return self

    def refused(self, status: int) -> Result:
        """The client failed, and because the server answered ``status`` (not for another reason,
        such as a server error, a crash or a typo in the test)."""
        if self.ok:
            raise AssertionError(f"{' '.join(self.args)} unexpectedly succeeded:\n{self.output}")
        if not any(marker in self.output for marker in REFUSAL_MARKERS[status]):
            raise AssertionError(
                f"{' '.join(self.args)} failed, but not with HTTP {status} "
                f"({self.returncode}):\n{self.output}"
            )
        return self


# What git and hg print when the server answers with a status. A 401 without usable credentials
# makes git ask for them (prompts are off in tests) and hg say authorization is required.
REFUSAL_MARKERS: dict[int, tuple[str, ...]] = {
    401: ("returned error: 401", "Authentication failed", "terminal prompts disabled",
          "authorization required", "authorization failed", "HTTP Error 401"),
    403: ("returned error: 403", "HTTP Error 403"),
    404: ("returned error: 404", "not found", "HTTP Error 404"),
    423: ("returned error: 423", "HTTP Error 423"),
}


def client_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment with nothing from the machine's own git/hg configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "HG"))}
    env.update(
        HOME=str(home),
        LC_ALL="C",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        GIT_AUTHOR_NAME=AUTHOR_NAME,
        GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
        GIT_COMMITTER_NAME=AUTHOR_NAME,
        GIT_COMMITTER_EMAIL=AUTHOR_EMAIL,
        HGPLAIN="1",
        HGRCPATH=os.devnull,
        HGUSER=f"{AUTHOR_NAME} <{AUTHOR_EMAIL}>",
        HGENCODING="utf-8",
    )
    env.update(extra)
    return env


def repo_url(server_url: str, repo_name: str, credentials: Credentials | None = None) -> str:
    """``http://[user:secret@]host:port/<repo_name>``, credentials quoted for the URL."""
    parts = urlsplit(server_url)
    netloc = parts.netloc
    if credentials is not None:
        user = quote(credentials.username, safe="")
        secret = quote(credentials.secret, safe="")
        netloc = f"{user}:{secret}@{netloc}"
    return urlunsplit((parts.scheme, netloc, f"/{repo_name}", "", ""))


class Clients:
    """Runs git and hg for one test, in its own folder."""

    def __init__(self, server_url: str, root: Path) -> None:
        self.server_url = server_url
        self.root = root
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self._n = 0

    def url(self, repo_name: str, credentials: Credentials | None = None) -> str:
        return repo_url(self.server_url, repo_name, credentials)

    def fresh_dir(self, label: str = "wc") -> Path:
        self._n += 1
        return self.root / f"{label}{self._n}"

    def run(self, args: list[str], cwd: Path | None = None, **env: str) -> Result:
        proc = subprocess.run(
            args,
            cwd=cwd,
            env=client_env(self.home, **env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
        return Result(args, proc.returncode, proc.stdout, proc.stderr)

    def git(self, *args: str, cwd: Path | None = None, **env: str) -> Result:
        return self.run([GIT, *args], cwd=cwd, **env)

    def hg(self, *args: str, cwd: Path | None = None, **env: str) -> Result:
        return self.run([HG, "--config", "ui.interactive=false", *args], cwd=cwd, **env)

    # -- the operations every test needs, for either kind ------------------------------------
    def clone(
        self, kind: str, repo_name: str, credentials: Credentials | None = None, *git_options: str
    ) -> tuple[Result, WorkingCopy]:
        """Clone into a new folder; the result is not checked (refusals are tested too)."""
        target = self.fresh_dir()
        url = self.url(repo_name, credentials)
        if kind == "git":
            result = self.git(*git_options, "clone", url, str(target))
        else:
            result = self.hg("clone", url, str(target))
        return result, WorkingCopy(self, kind, target, repo_name)


class WorkingCopy:
    """A local clone; pull and push go to the hosted repository with the given credentials."""

    def __init__(self, clients: Clients, kind: str, path: Path, repo_name: str) -> None:
        self.clients = clients
        self.kind = kind
        self.path = path
        self.repo_name = repo_name

    def git(self, *args: str, **env: str) -> Result:
        return self.clients.git(*args, cwd=self.path, **env)

    def hg(self, *args: str, **env: str) -> Result:
        return self.clients.hg(*args, cwd=self.path, **env)

    def commit(self, name: str = "file.txt", content: str | bytes = "content\n", message: str = "change") -> str:
        """Write one file and commit it; the new commit's full id."""
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
        if self.kind == "git":
            self.git("add", "--all").check()
            self.git("commit", "--quiet", "-m", message).check()
        else:
            self.hg("commit", "--addremove", "-m", message).check()
        return self.tip()

    def tip(self) -> str:
        if self.kind == "git":
            return self.git("rev-parse", "HEAD").check().stdout.strip()
        return self.hg("log", "-r", ".", "--template", "{node}").check().stdout.strip()

    def push(self, credentials: Credentials | None = None, branch: str = "master") -> Result:
        url = self.clients.url(self.repo_name, credentials)
        if self.kind == "git":
            return self.git("push", url, f"HEAD:refs/heads/{branch}")
        return self.hg("push", "--new-branch", url)

    def fetch(self, credentials: Credentials | None = None, branch: str = "master") -> Result:
        """Download new commits without touching the working tree."""
        url = self.clients.url(self.repo_name, credentials)
        if self.kind == "git":
            return self.git("fetch", url, branch)
        return self.hg("pull", url)

    def pull(self, credentials: Credentials | None = None, branch: str = "master") -> Result:
        url = self.clients.url(self.repo_name, credentials)
        if self.kind == "git":
            return self.git("pull", "--ff-only", url, branch)
        return self.hg("pull", "--update", url)


def remote_heads(clients: Clients, kind: str, repo_name: str, credentials: Credentials | None) -> Result:
    """``git ls-remote`` / ``hg identify``: the cheapest read that still needs permission."""
    url = clients.url(repo_name, credentials)
    if kind == "git":
        return clients.git("ls-remote", url)
    return clients.hg("identify", "--id", "--debug", url)


# -- reading the server's database directly ---------------------------------------------------
_engines: dict[str, Engine] = {}


def database(live_server) -> Engine:
    """An engine on the live server's database (one per URL for the whole run)."""
    url = live_server.env["VCSHUB_DATABASE_URL"]
    if url not in _engines:
        _engines[url] = create_engine(url)
    return _engines[url]


def journal_entries(live_server, repo_name: str) -> list[JournalEntry]:
    """The push journal of one repository, oldest first.

    Read from the database, after one request to the server: as any request, it waits for the
    push bookkeeping in progress (which runs after the client has its answer).
    """
    from sqlalchemy.orm import Session

    httpx.get(live_server.url + "/_admin/api", timeout=30)
    with Session(database(live_server)) as session:
        rows = session.scalars(
            select(JournalEntry)
            .where(JournalEntry.repo_name == repo_name)
            .order_by(JournalEntry.entry_id)
        ).all()
        session.expunge_all()
        return list(rows)


def hosted_path(live_server, repo_name: str) -> Path:
    return Path(live_server.data_dir) / "repos" / repo_name


# -- raw HTTP: the first request a client makes, to read status codes and headers -------------
def probe(
    server_url: str,
    kind: str,
    repo_name: str,
    action: str = "pull",
    credentials: Credentials | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """The request that opens a pull or push: git's ``info/refs``, hg's first command.

    For hg a push is probed with ``unbundle`` and an empty body: only refusals are expected
    from it, since hgweb would reject the empty bundle anyway.
    """
    auth = (credentials.username, credentials.secret) if credentials else None
    base = f"{server_url}/{repo_name}"
    with httpx.Client(timeout=30, auth=auth, headers=headers) as http:
        if kind == "git":
            service = "git-upload-pack" if action == "pull" else "git-receive-pack"
            return http.get(f"{base}/info/refs", params={"service": service})
        if action == "pull":
            return http.get(base, params={"cmd": "capabilities"})
        return http.post(
            base,
            params={"cmd": "unbundle"},
            content=b"",
            headers={"Content-Type": "application/mercurial-0.1", "X-HgArg-1": "heads=666f726365"},
        )
