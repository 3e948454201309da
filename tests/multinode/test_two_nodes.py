"""Two nodes, one site (issue 18): what is done through node A is what node B answers, at once.

Each test makes node B (both of its worker processes, as far as new connections spread over
them) read the state first, so that anything B kept in memory would be stale, then changes it
through node A and checks B's very next answers: no waiting, no polling. Real git and hg
clients over HTTP, the JSON-RPC API, the web form and pages; the nodes are the real
``vcshub serve`` processes of tests/multinode/cluster.py.
"""

from __future__ import annotations

import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.api_client import ApiClient
from tests.factories import unique
from tests.factories.api import hosted_folder, push_commits, seeded_repo, settled_repo
from tests.multinode.journal_reader import public_journal
from tests.transport.clients import Clients, Result, WorkingCopy, probe
from tests.transport.hosted_repos import password_of, writer
from tests.web.conftest import login, logout
from vcshub.web.sessions import SESSION_COOKIE

# Several answers of one node, each on a new connection: a node runs two worker processes and
# each may hold its own copy of what it read.
ANSWERS = 4

both_kinds = pytest.mark.parametrize("kind", ["git", "hg"])


@pytest.fixture
def clients_a(cluster, tmp_path) -> Clients:
    return Clients(cluster.a.url, tmp_path / "via-a")


@pytest.fixture
def clients_b(cluster, tmp_path) -> Clients:
    return Clients(cluster.b.url, tmp_path / "via-b")


def through(clients: Clients, copy: WorkingCopy) -> WorkingCopy:
    """The same working copy, pulling and pushing through the node of ``clients``."""
    return WorkingCopy(clients, copy.kind, copy.path, copy.repo_name)


def api_as(node, user) -> ApiClient:
    return ApiClient(node.api_url, user.token, keep_alive=False)


def head_on(api: ApiClient, repo: str) -> str:
    return api.result("get_repo", repoid=repo)["last_changeset"]["raw_id"]


def listed(api: ApiClient) -> set[str]:
    """The repositories a user may read: computing it fills the node's cache of the user's
    permission map, which later single-repository checks of that process read from."""
    return {repo["repo_name"] for repo in api.result("get_repos")}


def locked_message(repo: str, holder: str, reason: str) -> str:
    return f"Repository `{repo}` locked by user `{holder}`. Reason:`{reason}`"


# -- 1. a push through A is visible through B ----------------------------------------------------
@both_kinds
def test_a_push_through_a_is_seen_through_b_at_once(cluster, api_a, api_b, clients_a, clients_b,
                                                    kind):
    repo = seeded_repo(cluster.a, api_a, kind)
    user = writer(api_a, repo)
    before = head_on(api_b, repo)
    for _ in range(ANSWERS):  # B reads the repository and its journal before the push
        assert head_on(api_b, repo) == before
    assert public_journal(cluster.b.url, repo) == []

    result, copy = clients_a.clone(kind, repo, password_of(user))
    result.check()
    pushed = copy.commit("through-a.txt", "pushed through node A\n")
    copy.push(password_of(user)).check()

    # no wait: the push's answer came after its bookkeeping (several worker processes)
    for _ in range(ANSWERS):
        assert head_on(api_b, repo) == pushed
    entries = public_journal(cluster.b.url, repo)
    assert [(e.username, e.commit_ids) for e in entries] == [(user.username, (pushed,))]
    assert public_journal(cluster.a.url, repo) == entries
    # and B serves the new commit to clients
    result, via_b = clients_b.clone(kind, repo, password_of(user))
    result.check()
    assert via_b.tip() == pushed


# -- 2. a lock taken on A holds on B --------------------------------------------------------------
def test_an_api_lock_taken_on_a_refuses_a_push_on_b(cluster, api_a, api_b, clients_b):
    """git only: the lock is checked by the transport-neutral admission, which hg reaches as
    well (tests/transport/test_locking.py runs both kinds on one node)."""
    kind = "git"
    repo = seeded_repo(cluster.a, api_a, kind, enable_locking=True)
    user = writer(api_a, repo)
    credentials = password_of(user)
    result, copy = clients_b.clone(kind, repo, credentials)
    result.check()
    assert api_b.result("lock", repoid=repo)["locked"] is False

    api_a.result("lock", repoid=repo, locked=True)
    message = locked_message(repo, cluster.a.admin_username, "lock_api")
    for _ in range(ANSWERS):
        response = probe(cluster.b.url, kind, repo, "push", credentials)
        assert (response.status_code, response.text.strip()) == (423, message)
    waiting = copy.commit("waiting.txt", "refused on B while locked\n")
    copy.push(credentials).refused(423)
    assert head_on(api_b, repo) != waiting

    api_a.result("lock", repoid=repo, locked=False)  # and unlocked on A is unlocked on B
    copy.push(credentials).check()
    assert head_on(api_b, repo) == waiting


def test_a_pull_lock_taken_on_a_refuses_a_push_on_b(cluster, api_a, api_b, clients_a, clients_b):
    repo = seeded_repo(cluster.a, api_a, "git", private=True)
    holder, other = writer(api_a, repo), writer(api_a, repo)
    result, holder_copy = clients_a.clone("git", repo, password_of(holder))
    result.check()
    result, other_copy = clients_b.clone("git", repo, password_of(other))
    result.check()
    api_a.result("update_repo", repoid=repo, enable_locking=True)

    push_commits(cluster.a, repo, "git", {"README": "new on the server\n"})
    holder_copy.pull(password_of(holder)).check()  # a writer's pull through A locks
    state = api_b.result("lock", repoid=repo)
    assert (state["locked"], state["locked_by"], state["lock_reason"]) == (
        True, holder.username, "lock_pull",
    )
    other_copy.pull(password_of(other)).refused(423)
    other_copy.commit("other.txt", "from the other user\n")
    result = other_copy.push(password_of(other)).refused(423)
    assert locked_message(repo, holder.username, "lock_pull") in result.output

    # the holder's push through B releases the lock taken through A
    pushed = holder_copy.commit("holder.txt", "from the holder\n")
    through(clients_b, holder_copy).push(password_of(holder)).check()
    assert api_a.result("lock", repoid=repo)["locked"] is False
    assert head_on(api_a, repo) == pushed


# -- 3. a permission revoked on A -----------------------------------------------------------------
def test_a_permission_revoked_on_a_is_enforced_on_b_at_once(cluster, api_a, clients_b):
    repo = seeded_repo(cluster.a, api_a, "git", private=True)
    user = writer(api_a, repo, perm="repository.read")
    credentials = password_of(user)
    user_on_b = api_as(cluster.b, user)
    for _ in range(ANSWERS):  # B computes (and caches) the user's permissions
        assert repo in listed(user_on_b)
        assert user_on_b.result("get_repo", repoid=repo)["repo_name"] == repo
        assert probe(cluster.b.url, "git", repo, "pull", credentials).status_code == 200
    result, copy = clients_b.clone("git", repo, credentials)
    result.check()

    api_a.result("revoke_user_permission", repoid=repo, userid=user.user_id)

    hidden = f"repository `{repo}` does not exist"
    assert user_on_b.error("get_repo", repoid=repo) == hidden  # the very next request
    copy.fetch(credentials).refused(404)
    clients_b.clone("git", repo, credentials)[0].refused(404)
    for _ in range(ANSWERS):
        assert user_on_b.error("get_repo", repoid=repo) == hidden
        assert probe(cluster.b.url, "git", repo, "pull", credentials).status_code == 404
        assert repo not in listed(user_on_b)
    user_on_b.close()


def test_write_taken_away_on_a_refuses_a_push_on_b(cluster, api_a, clients_b):
    repo = seeded_repo(cluster.a, api_a, "git", private=True)
    user = writer(api_a, repo)
    credentials = password_of(user)
    user_on_b = api_as(cluster.b, user)
    for _ in range(ANSWERS):
        assert repo in listed(user_on_b)
    user_on_b.close()
    result, copy = clients_b.clone("git", repo, credentials)
    result.check()
    copy.commit("allowed.txt", "allowed\n")
    copy.push(credentials).check()

    api_a.result("grant_user_permission", repoid=repo, userid=user.user_id, perm="repository.read")
    copy.commit("refused.txt", "no longer allowed\n")
    copy.push(credentials).refused(403)
    copy.fetch(credentials).check()  # reading is still allowed


# -- 4. a session logged out on A -----------------------------------------------------------------
def test_a_session_logged_out_on_a_is_refused_on_b(cluster, api_a):
    repo = seeded_repo(cluster.a, api_a, "git", private=True, files={"README.txt": "secret\n"})
    user = writer(api_a, repo, perm="repository.read")
    raw = f"/{repo}/raw/tip/README.txt"
    with httpx.Client(base_url=cluster.a.url, timeout=60) as browser_a:
        assert login(browser_a, user.username, user.password).status_code == 302
        cookie = {SESSION_COOKIE: browser_a.cookies[SESSION_COOKIE]}
        fresh = httpx.Limits(max_keepalive_connections=0)  # a new connection per request
        with httpx.Client(base_url=cluster.b.url, timeout=60, cookies=cookie, limits=fresh) as on_b:
            for _ in range(ANSWERS):  # the session signed in on A is good on B
                assert on_b.get(raw).text == "secret\n"
                assert on_b.get("/_admin/journal").status_code == 200

            answer = logout(browser_a)
            assert answer.status_code == 303

            for _ in range(ANSWERS):
                assert on_b.get(raw).status_code == 404
                assert on_b.get("/_admin/journal").status_code == 303  # sign in first
    with httpx.Client(base_url=cluster.b.url, timeout=60) as browser_b:  # signing in on B works
        assert login(browser_b, user.username, user.password).status_code == 302
        assert browser_b.get(raw).text == "secret\n"


# -- 5. pushes through both nodes at once ---------------------------------------------------------
ROUNDS = 4


def test_pushes_through_both_nodes_at_once(cluster, api_a, api_b, clients_a, clients_b):
    """Each round, one push through each node at the same moment, each to a branch of its own
    (both accepted); then both at once to master (one accepted, the other refused as not a
    fast-forward). The repository is sound; the journal has every accepted push, nothing more."""
    repo = seeded_repo(cluster.a, api_a, "git")
    user = writer(api_a, repo)
    credentials = password_of(user)
    copies: dict[str, WorkingCopy] = {}
    for node, clients in (("a", clients_a), ("b", clients_b)):
        result, copies[node] = clients.clone("git", repo, credentials)
        result.check()
    start = threading.Barrier(len(copies), timeout=60)

    def push(node: str, branch: str) -> Result:
        start.wait()
        return copies[node].push(credentials, branch=branch)

    pushed: dict[str, list[str]] = {node: [] for node in copies}
    with ThreadPoolExecutor(len(copies)) as pool:
        for n in range(ROUNDS):
            for node, copy in copies.items():
                pushed[node].append(copy.commit(f"{node}/{n}.txt", f"round {n} via {node}\n",
                                                message=f"round {n} via {node}"))
            for result in pool.map(lambda node: push(node, f"via-{node}"), copies):
                result.check()
        race = dict(zip(copies, pool.map(lambda node: push(node, "master"), copies)))
    winners = [node for node, result in race.items() if result.ok]
    assert len(winners) == 1, {node: result.output for node, result in race.items()}
    (loser,) = set(copies) - set(winners)
    assert "rejected" in race[loser].output, race[loser].output  # not a server error

    folder = hosted_folder(cluster.a, repo)
    clients_a.git("--git-dir", str(folder), "fsck", "--strict", "--no-dangling").check()
    heads = {f"via-{node}": commits[-1] for node, commits in pushed.items()}
    heads["master"] = pushed[winners[0]][-1]
    for branch, commit in heads.items():
        ref = clients_a.git("--git-dir", str(folder), "rev-parse", f"refs/heads/{branch}")
        assert ref.check().stdout.strip() == commit

    expected = sorted(
        (f"pushed 1 commit to branch via-{node}", (commit,))
        for node, commits in pushed.items() for commit in commits
    )
    for server in cluster.nodes:
        entries = public_journal(server.url, repo)
        assert {e.username for e in entries} == {user.username}
        to_master = [e for e in entries if e.action.endswith("branch master")]
        assert len(to_master) == 1, entries
        assert sorted((e.action, e.commit_ids) for e in entries if e not in to_master) == expected
    # a fresh clone through B has every branch as pushed, and is sound
    result, clone = clients_b.clone("git", repo, credentials)
    result.check()
    clone.git("fsck", "--strict", "--no-dangling").check()
    for branch, commit in heads.items():
        assert clone.git("rev-parse", f"origin/{branch}").check().stdout.strip() == commit
    assert head_on(api_b, repo) == heads["master"]
    # the pushes' housekeeping went to the worker as tasks (one queued at a time per repository)
    assert housekeeping_done(cluster, api_a, repo) >= 1


def housekeeping_done(cluster, api, repo_name: str) -> int:
    """Housekeeping tasks of a repository that the worker finished (waits for the last)."""
    repo_id = api.result("get_repo", repoid=repo_name)["repo_id"]
    engine = create_engine(cluster.a.database_url)
    query = text("SELECT state FROM task_runs WHERE name = 'repo.housekeep' AND repo_id = :id")
    try:
        deadline = time.monotonic() + 120
        while True:
            with engine.connect() as connection:
                states = [row.state for row in connection.execute(query, {"id": repo_id})]
            if states and all(state in ("done", "failed") for state in states):
                assert "failed" not in states, states
                return len(states)
            assert time.monotonic() < deadline, f"housekeeping tasks never ended: {states}"
            time.sleep(0.2)
    finally:
        engine.dispose()


# -- background tasks in the worker --------------------------------------------------------------

BIG_HISTORY = 20_000


def big_git_history(folder: Path, commits: int) -> str:
    """A bare git repository of ``commits`` commits (git fast-import); its head."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "master", str(folder)], check=True)
    stream = bytearray()
    for number in range(1, commits + 1):
        message = f"commit {number}\n".encode()
        content = f"line {number}\n".encode()
        stream += (b"commit refs/heads/master\n"
                   b"committer Big <big@example.com> %d +0000\n" % (1_600_000_000 + number)
                   + b"data %d\n%s" % (len(message), message)
                   + b"M 100644 inline f%d.txt\ndata %d\n%s\n" % (number % 50, len(content),
                                                                 content))
    subprocess.run(["git", "--git-dir", str(folder), "fast-import", "--quiet"], input=bytes(stream),
                   check=True)
    return subprocess.run(["git", "--git-dir", str(folder), "rev-parse", "master"], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_a_big_fork_is_made_by_the_worker_while_both_nodes_answer(cluster, api_a, api_b,
                                                                  tmp_path):
    """A repository of 20,000 commits is created from a remote, then forked, through node A:
    both are tasks the worker carries out (the API answers at once with the task's id), and
    both nodes keep answering meanwhile (their latency is printed, never asserted)."""
    head = big_git_history(tmp_path / "big.git", BIG_HISTORY)
    name, fork = unique("big-"), unique("big-fork-")
    assert api_a.result("create_repo", repo_name=name, repo_type="git",
                        clone_uri=str(tmp_path / "big.git"))["task"]
    assert settled_repo(api_b, name)["last_changeset"]["raw_id"] == head
    reply = api_a.result("fork_repo", repoid=name, fork_name=fork)
    assert reply["task"], reply  # big enough to be a task
    seconds: list[float] = []  # both nodes' answers while the worker copies (at least 20)
    while (state := api_b.result("get_repo", repoid=fork)).get("repo_state") == \
            "repo_state_pending" or len(seconds) < 20:
        for api in (api_a, api_b):
            began = time.perf_counter()
            api.result("get_repo", repoid=name)
            seconds.append(time.perf_counter() - began)
    assert "repo_state" not in state, state.get("repo_state_message")
    assert state["last_changeset"]["raw_id"] == head and state["fork_of"] == name
    seconds.sort()
    print(f"\nAPI during the fork: {len(seconds)} calls, p50 {seconds[len(seconds) // 2]:.3f} s,"
          f" p99 {seconds[int(len(seconds) * 0.99)]:.3f} s")
    count = subprocess.run(["git", "-C", str(hosted_folder(cluster.a, fork)), "rev-list",
                            "--count", "master"], check=True, capture_output=True, text=True)
    assert int(count.stdout) == BIG_HISTORY
