"""Repositories with real content for the raw/patch/archive/feed views, and HTTP helpers."""

from __future__ import annotations

import http.client as http_client
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.factories import make_user, unique
from tests.factories.api import create_repo, hosted_folder
from tests.factories.commits import BINARY_BYTES, WorkingCopy
from tests.transport.clients import database
from vcshub.auth.tokens import token_digest
from vcshub.db.models import AuthToken

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])

# A tiny valid PNG (1x1 pixel).
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class Repo:
    name: str
    kind: str
    commits: list[str]  # oldest first

    @property
    def tip(self) -> str:
        return self.commits[-1]


def rich_tree(work: WorkingCopy) -> None:
    """Nested folders, an executable, a binary, an image, a symlink and a non-ASCII name."""
    files = {
        "README.txt": "Readme\nline 2\n",
        "docs/guide/deep/leaf.txt": "leaf\n",
        "docs/index.html": "<script>alert(1)</script>\n",
        "src/app.py": "print('hello')\n",
        "bin/run.sh": "#!/bin/sh\necho run\n",
        "data/blob.bin": BINARY_BYTES,
        "img/pixel.png": PNG_BYTES,
        "unicodé.txt": "ünïcode\n",
    }
    for name, content in files.items():
        target = work.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    os.chmod(work.path / "bin/run.sh", 0o755)
    os.symlink("docs/guide/deep/leaf.txt", work.path / "link-to-leaf")


def make_repo(live_server, admin_api, kind: str, *, rich: bool = True, name: str | None = None,
              **fields) -> Repo:
    """A hosted repository with two commits: a tree (rich or one file), then a change."""
    name = create_repo(admin_api, kind, name or unique(f"web-{kind}-"), **fields)
    with tempfile.TemporaryDirectory(prefix="vcshub-web-") as tmp:
        work = WorkingCopy.clone(hosted_folder(live_server, name), Path(tmp) / "w", kind)
        if rich:
            rich_tree(work)
        first = work.commit({"README.txt": "Readme\nline 2\n"}, message="initial tree\n\nwith details")
        second = work.commit(
            {"README.txt": "Readme\nline 2\nline 3\n", "src/new.py": "x = 1\n"},
            message="second change\n\nadds line 3",
        )
        work.push("master" if kind == "git" else None)
    return Repo(name, kind, [first, second])


@pytest.fixture
def http(live_server):
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


def raw_get(server_url: str, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    """GET a path exactly as written (httpx would normalise ``..`` away)."""
    parts = urlsplit(server_url)
    connection = http_client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def reader(admin_api, repo_name: str, perm: str = "repository.read", **fields):
    user = make_user(admin_api, **fields)
    admin_api.result("grant_user_permission", repoid=repo_name, userid=user.user_id, perm=perm)
    return user


def new_token(live_server, username: str, role: str = "all") -> str:
    return live_server.cli("token", "create", username, "--role", role).stdout.strip()


def expire_token(live_server, token: str) -> None:
    with Session(database(live_server)) as db:
        db.execute(update(AuthToken).where(AuthToken.token_hash == token_digest(token)).values(expires=1000.0))
        db.commit()


def form_csrf(page: httpx.Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def logout(client: httpx.Client) -> httpx.Response:
    """Sign out as a browser does: the logout form (GET) posts its CSRF token back."""
    csrf = form_csrf(client.get("/_admin/logout"))
    return client.post("/_admin/logout", data={"csrf_token": csrf})


def login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    """Sign in through the form (fetching its CSRF token first); the client keeps the cookie."""
    csrf = form_csrf(client.get("/_admin/login"))
    return client.post(
        "/_admin/login",
        data={"username": username, "password": password, "csrf_token": csrf, "came_from": "/"},
    )
