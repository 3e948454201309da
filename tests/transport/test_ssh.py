"""Git and hg over SSH, both ways of running it: the built-in server (``vcshub serve`` with an
SSH port) and OpenSSH (``sshd`` with ``vcshub ssh-keys-for`` and the forced command
``vcshub ssh-serve``). Both must apply HTTP's rules: permissions, inactive users, IP
whitelists, locking, the push journal.
"""

from __future__ import annotations

import socket
import subprocess
import time

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories import make_user, unique
from tests.factories.api import seeded_repo
from tests.live_server import free_port, start_server
from tests.transport.clients import database, hosted_path, journal_entries
from tests.transport.hosted_repos import hosted_tip
from tests.transport.ssh_clients import (
    SshClients,
    SshWay,
    config_file_for,
    keygen,
    openssh_unusable_reason,
    refused_with,
    start_sshd,
    wait_for_port,
)
from vcshub.db.models import UserIpAddress

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])
NOT_FOUND = "Repository `{}` not found"
NO_PUSH = "You are not allowed to push to `{}`"


@pytest.fixture(scope="module")
def ssh_server(db_backend, tmp_path_factory):
    """A live server of this module's own, with the built-in SSH server on."""
    data_dir = tmp_path_factory.mktemp(f"ssh-{db_backend}")
    port = free_port()
    with database_url(db_backend, "ssh", data_dir) as url:
        server = start_server(data_dir, url, VCSHUB_SSH_PORT=str(port))
        try:
            wait_for_port(port)
            yield server, port
        finally:
            server.stop()


@pytest.fixture(scope="module")
def api(ssh_server):
    client = ApiClient(ssh_server[0].api_url, ssh_server[0].admin_token)
    yield client
    client.close()


@pytest.fixture(scope="module")
def sshd(ssh_server, tmp_path_factory):
    from tests.live_server import VCSHUB

    reason = openssh_unusable_reason(VCSHUB)
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("sshd")
    port = free_port()
    process = start_sshd(folder, port, config_file_for(ssh_server[0], folder))
    yield port
    process.terminate()
    process.wait(10)


@pytest.fixture(params=["builtin", "openssh"])
def way(request, ssh_server, db_backend) -> SshWay:
    if request.param == "builtin":
        return SshWay("builtin", ssh_server[1], "git")
    if db_backend == "sqlite":
        # Both ways run one session code (transport/ssh_session.py) in a process of its own
        # beside the server; the built-in server runs it on both databases. Through OpenSSH
        # each connection starts three Python processes, which made this module 16 % of
        # the suite: once, on PostgreSQL, is enough.
        pytest.skip("OpenSSH runs on PostgreSQL only; the built-in server covers SQLite")
    import getpass

    return SshWay("openssh", request.getfixturevalue("sshd"), getpass.getuser())


@pytest.fixture
def server(ssh_server):
    return ssh_server[0]


@pytest.fixture
def clients(way, tmp_path) -> SshClients:
    return SshClients(way, tmp_path)


def key_user(api, clients: SshClients, repo: str | None = None, perm: str | None = None, **fields):
    """A new user with an ed25519 key he added himself (through the API); his login."""
    user = make_user(api, **fields)
    if repo is not None and perm is not None:
        api.result("grant_user_permission", repoid=repo, userid=user.user_id, perm=perm)
    key = keygen(clients.root / f"key-{user.username}")
    user.api.result("add_user_ssh_key", key=key.with_suffix(".pub").read_text())
    return user, clients.login(key)


# -- clone, pull, push ---------------------------------------------------------------------------
@both_kinds
def test_clone_pull_push(server, api, clients, kind):
    repo = seeded_repo(server, api, kind, private=True)
    user, login = key_user(api, clients, repo, "repository.write")
    result, first = clients.clone(kind, repo, login)
    result.check()
    result, second = clients.clone(kind, repo, login)
    result.check()
    pushed = first.commit("over-ssh.txt", "hello\n", "over ssh")
    first.push(login).check()
    assert hosted_tip(clients, kind, hosted_path(server, repo)) == pushed
    second.pull(login).check()
    assert second.tip() == pushed
    entries = journal_entries(server, repo)
    assert [(e.username, e.action) for e in entries][-1] == (user.username, "push")
    assert pushed in entries[-1].commit_ids
    [listed] = user.api.result("get_user_ssh_keys")
    assert listed["last_used"] is not None  # the sessions above used it


def test_git_protocol_v2(server, api, clients):
    repo = seeded_repo(server, api, "git", private=True)
    _, login = key_user(api, clients, repo, "repository.read")
    result = clients.git("-c", "protocol.version=2", "ls-remote", clients.url(repo, login),
                         GIT_TRACE_PACKET="1").check()
    assert "< version 2" in result.output


# -- who may do what ----------------------------------------------------------------------------
@both_kinds
def test_no_read_is_answered_as_a_missing_repository(server, api, clients, kind):
    repo = seeded_repo(server, api, kind, private=True)
    missing = unique("missing-")
    _, login = key_user(api, clients)
    hidden = refused_with(clients.clone(kind, repo, login)[0], NOT_FOUND.format(repo))
    absent = refused_with(clients.clone(kind, missing, login)[0], NOT_FOUND.format(missing))

    def said(result, name):
        lines = [line for line in result.output.splitlines() if "vcshub:" in line]
        return [line.replace(name, "<repo>") for line in lines]

    assert said(hidden, repo) == said(absent, missing)


@both_kinds
def test_reader_cannot_push(server, api, clients, kind):
    repo = seeded_repo(server, api, kind, private=True)
    _, login = key_user(api, clients, repo, "repository.read")
    result, copy = clients.clone(kind, repo, login)
    result.check()
    before = hosted_tip(clients, kind, hosted_path(server, repo))
    copy.commit("nope.txt", "no\n", "a reader's push")
    refused_with(copy.push(login), NO_PUSH.format(repo))
    assert hosted_tip(clients, kind, hosted_path(server, repo)) == before


def test_inactive_user_and_removed_key_are_refused_at_once(server, api, clients):
    repo = seeded_repo(server, api, "git", private=True)
    user, login = key_user(api, clients, repo, "repository.read")
    url = clients.url(repo, login)
    clients.git("ls-remote", url).check()
    api.result("update_user", userid=user.user_id, active=False)
    assert not clients.git("ls-remote", url).ok
    api.result("update_user", userid=user.user_id, active=True)
    clients.git("ls-remote", url).check()
    [key] = api.result("get_user_ssh_keys", userid=user.user_id)
    api.result("delete_user_ssh_key", userid=user.user_id, ssh_key_id=key["ssh_key_id"])
    assert not clients.git("ls-remote", url).ok


@both_kinds
def test_ip_whitelist_applies(server, api, clients, kind):
    repo = seeded_repo(server, api, kind, private=True)
    user, login = key_user(api, clients, repo, "repository.write")
    clients.clone(kind, repo, login)[0].check()
    with Session(database(server)) as session:
        session.execute(insert(UserIpAddress),
                        [{"user_id": user.user_id, "ip_addr": "10.20.0.0/16", "description": "office"}])
        session.commit()
    assert not clients.clone(kind, repo, login)[0].ok  # the clients come from 127.0.0.1


def test_commands_other_than_git_and_hg_are_refused(server, api, clients):
    repo = seeded_repo(server, api, "git", private=True)
    _, login = key_user(api, clients, repo, "repository.admin")
    for command in ("ls /", "sh -c id", f"git-upload-pack '{repo}' extra", f"hg -R {repo} serve"):
        answer = clients.ssh(login, command)
        assert answer.returncode != 0
        assert b"only git-upload-pack, git-receive-pack" in answer.stderr, answer.stderr
    shell = subprocess.run([*clients.ssh_command.split(), "-T", login.alias], input=b"",
                           capture_output=True, timeout=60)
    assert shell.returncode != 0 and b"no shell access" in shell.stderr


def test_upload_archive_only_with_downloads(server, api, clients):
    repo = seeded_repo(server, api, "git", private=True)
    _, login = key_user(api, clients, repo, "repository.read")
    target = clients.root / "archive.tar"
    refused_with(clients.git("archive", "--remote", clients.url(repo, login), "-o", str(target),
                             "HEAD"), f"Downloads are disabled for `{repo}`")
    api.result("update_repo", repoid=repo, enable_downloads=True)
    clients.git("archive", "--remote", clients.url(repo, login), "-o", str(target), "HEAD").check()
    assert b"seed" in target.read_bytes()


# -- locking and the journal, as over HTTP ---------------------------------------------------------
@both_kinds
def test_locking(server, api, clients, kind):
    repo = seeded_repo(server, api, kind, private=True)
    holder, holder_login = key_user(api, clients, repo, "repository.write")
    other, other_login = key_user(api, clients, repo, "repository.write")
    api.result("update_repo", repoid=repo, enable_locking=True)
    result, copy = clients.clone(kind, repo, holder_login)
    result.check()
    state = api.result("lock", repoid=repo)
    assert state["locked"] and state["locked_by"] == holder.username
    refused_with(clients.clone(kind, repo, other_login)[0],
                 f"Repository `{repo}` locked by user `{holder.username}`")
    copy.commit("mine.txt", "mine\n", "holder's push")
    copy.push(holder_login).check()
    assert not api.result("lock", repoid=repo)["locked"]
    clients.clone(kind, repo, other_login)[0].check()
    assert journal_entries(server, repo)[-1].username == holder.username


# -- a push cut off halfway -------------------------------------------------------------------------
def test_push_cut_off_halfway_leaves_the_repository_valid(server, api, clients, tmp_path):
    repo = seeded_repo(server, api, "git", private=True)
    _, login = key_user(api, clients, repo, "repository.write")
    result, copy = clients.clone("git", repo, login)
    result.check()
    before = hosted_tip(clients, "git", hosted_path(server, repo))
    new = copy.commit("big.bin", bytes(range(256)) * 8192, "two megabytes")
    pack = subprocess.run(
        ["git", "pack-objects", "--stdout", "--revs", "-q"], cwd=copy.path,
        input=f"{new}\n^{before}\n".encode(), capture_output=True, check=True).stdout
    command = f"{before} {new} refs/heads/master\0report-status\n"
    line = f"{len(command) + 4:04x}{command}".encode()
    cut = line + b"0000" + pack[: len(pack) // 2]
    # the client sends half the pack, then its input ends: the connection is gone
    answer = clients.ssh(login, f"git-receive-pack '{repo}'", stdin=cut)
    assert b"unpack ok" not in answer.stdout
    folder = hosted_path(server, repo)
    assert hosted_tip(clients, "git", folder) == before
    clients.git("--git-dir", str(folder), "fsck", "--no-dangling").check()
    assert not [p for p in (folder / "objects").iterdir() if p.name.startswith("incoming-")]
    # and the repository still takes a whole push
    copy.push(login).check()
    assert hosted_tip(clients, "git", folder) == new


def test_hg_push_cut_off_halfway_leaves_the_repository_valid(server, api, clients):
    repo = seeded_repo(server, api, "hg", private=True)
    _, login = key_user(api, clients, repo, "repository.write")
    result, copy = clients.clone("hg", repo, login)
    result.check()
    folder = hosted_path(server, repo)
    before = hosted_tip(clients, "hg", folder)
    new = copy.commit("big.bin", bytes(range(256)) * 8192, "two megabytes")
    bundle = clients.root / "push.hg"
    copy.hg("bundle", "--type", "none-v2", "--base", before, "-r", new, str(bundle)).check()
    data = bundle.read_bytes()
    heads = b"666f726365"  # "force", hex: the heads argument of an unbundle
    request = b"unbundle\n" + b"heads %d\n" % len(heads) + heads
    # the bundle announced whole, half of it sent, then the connection is gone
    request += b"%d\n" % len(data) + data[: len(data) // 2]
    answer = clients.ssh(login, f"hg -R {repo} serve --stdio", stdin=request)
    assert b"Traceback" not in answer.stderr, answer.stderr
    assert hosted_tip(clients, "hg", folder) == before
    clients.hg("verify", "-R", str(folder)).check()
    copy.push(login).check()
    assert hosted_tip(clients, "hg", folder) == new


# -- clone URLs ---------------------------------------------------------------------------------
def test_summary_page_shows_the_ssh_url(server, api, ssh_server):
    repo = seeded_repo(server, api, "git")
    page = httpx.get(f"{server.url}/{repo}", timeout=30).text
    assert f'value="ssh://git@127.0.0.1:{ssh_server[1]}/{repo}"' in page


# -- several worker processes, and the CLI's key commands -------------------------------------------
def test_built_in_server_with_several_workers(db_backend, tmp_path_factory, tmp_path):
    """One SSH listener beside two HTTP workers; it ends with ``vcshub serve``."""
    data_dir = tmp_path_factory.mktemp(f"ssh-workers-{db_backend}")
    port = free_port()
    with database_url(db_backend, "sshworkers", data_dir) as url:
        server = start_server(data_dir, url, VCSHUB_SSH_PORT=str(port), VCSHUB_WORKERS="2")
        try:
            wait_for_port(port)
            client = ApiClient(server.api_url, server.admin_token)
            repo = seeded_repo(server, client, "git", private=True)
            client.close()
            key = keygen(tmp_path / "admin-key")
            added = server.cli("ssh-key", "add", server.admin_username, str(key.with_suffix(".pub")))
            assert added.stdout.startswith("added key ")
            key_id = added.stdout.split()[2].rstrip(":")
            listed = server.cli("ssh-key", "list", server.admin_username).stdout
            assert "SHA256:" in listed and "used never" in listed
            clients = SshClients(SshWay("builtin", port, "git"), tmp_path)
            login = clients.login(key)
            for _ in range(3):  # whichever HTTP worker the bookkeeping would reach
                clients.git("ls-remote", clients.url(repo, login)).check()
            assert "used never" not in server.cli("ssh-key", "list", server.admin_username).stdout
            server.cli("ssh-key", "remove", server.admin_username, key_id)
            assert not clients.git("ls-remote", clients.url(repo, login)).ok
        finally:
            server.stop()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _listening(port):
        time.sleep(0.2)
    assert not _listening(port), "the SSH server outlived vcshub serve"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
