"""Every registered method, every argument, wrong types: never "Internal server error", never a
traceback in the log (REFERENCE.md 1.3, 1.6, 1.7; issue 14, defect 17).

The fuzz runs the real application (``create_app``: routes, middleware, the JSON-RPC endpoint,
real database and repositories) in-process through Starlette's test client rather than over a
socket to ``vcshub serve``: a request then costs no process switch and no HTTP parsing, several
times fewer seconds for thousands of requests, and a traceback is caught by a handler on the
logging system as it is written, with the request that caused it. The protocol over a real
socket is fuzzed in test_protocol_fuzzing.py. The fuzz has its own instance (its own database
and folders) because its super-admin deletes, renames and strips at random.

Each method starts from valid arguments aimed at a small world (users, groups, repositories
with commits, a pull request, a gist) so that wrong values reach deep into the services, then
replaces one or more of them with a wrong value: text with NUL characters, huge or fractional
numbers, lists, objects, null, very long text.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import time
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.databases import database_url
from tests.live_server import VCSHUB, server_env
from tests.factories.commits import WorkingCopy
from vcshub.api.methods import build_registry
from vcshub.app import create_app
from vcshub.config import load_settings

INTERNAL = "Internal server error"
# Examples per method (about 66 methods). The test runner's knob, not an application setting:
# VCSHUB_FUZZ_EXAMPLES=250 for a longer hunt.
EXAMPLES = int(os.environ.get("VCSHUB_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

_names = itertools.count(1)


def fresh(prefix: str) -> st.SearchStrategy[str]:
    """A new name on every draw, so that creations go all the way down."""
    return st.builds(lambda: f"{prefix}{next(_names)}")


# -- wrong values ----------------------------------------------------------------------------------

_huge = st.sampled_from([2**63, 2**63 - 1, -(2**63) - 1, 10**30, -(10**30)])
_floats = st.sampled_from([1.5, -0.5, 0.0, 1e308, -1e-308, 2.0**64])
_nul_text = st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=5), st.text(max_size=5))
_long_text = st.integers(1_000, 70_000).map(lambda n: "long-" * (n // 5))
_scalars = (st.none() | st.booleans() | _huge | _floats | _nul_text | st.text(max_size=20)
            | st.integers(-5, 5) | st.integers(10**6, 10**12))
WRONG = (
    _scalars | _long_text
    | st.lists(_scalars, max_size=3)
    | st.dictionaries(st.text(max_size=6), _scalars, max_size=3)
    | st.lists(st.lists(_scalars, max_size=2), min_size=1, max_size=2)
)
# Small integers for identifiers would name the fuzzing super-admin himself (deactivate, delete):
# identifiers get every wrong value but those.
IDENTIFIERS = {"userid", "owner", "repoid", "usergroupid", "sourceusergroupid", "repogroupid",
               "gistid", "pullrequestid", "fork_of", "group", "parent", "source_repo",
               "target_repo", "resolves_comment_id", "reviewers"}
WRONG_ID = WRONG.filter(lambda v: not (isinstance(v, int) and -1 < v < 10**6))

# -- the methods -----------------------------------------------------------------------------------

REGISTRY = build_registry()
METHODS = sorted({REGISTRY.get(n).name: REGISTRY.get(n) for n in REGISTRY.names()}.items())
# Run last, in this order: they close, merge or delete what the other methods aim at.
LAST = ["merge_pull_request", "close_pull_request", "strip", "remove_user_from_user_group",
        "delete_gist", "delete_repo", "delete_repo_group", "delete_user_group", "delete_user",
        "rescan_repos"]
ORDERED = ([m for name, m in METHODS if name not in LAST]
           + [m for name in LAST for n, m in METHODS if n == name])


class Tracebacks(logging.Handler):
    """Every log record carrying an exception, as it is written."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.records.append(logging.Formatter().format(record))


@pytest.fixture(scope="module")
def instance(db_backend, tmp_path_factory):
    """A fresh instance made by the CLI as an administrator would; the app runs in-process."""
    data_dir = tmp_path_factory.mktemp(f"fuzz-{db_backend}")
    with database_url(db_backend, "fuzz", data_dir) as url:
        env = server_env(data_dir, url)
        cli = [VCSHUB, "init", "--admin-username", "admin", "--admin-password", "admin-pw-1",
               "--admin-email", "admin@example.com"]
        subprocess.run(cli, env=env, check=True, capture_output=True, timeout=120)
        token = subprocess.run([VCSHUB, "token", "create", "admin", "--role", "all"], env=env,
                               check=True, capture_output=True, text=True, timeout=120)
        settings = load_settings(environ=env)
        with TestClient(create_app(settings), base_url="http://fuzz.test") as client:
            yield SimpleNamespace(client=client, token=token.stdout.strip(), data_dir=data_dir)


class Fuzzer:
    def __init__(self, instance, world: dict[str, st.SearchStrategy]) -> None:
        self.instance = instance
        self.world = world
        self.requests = 0
        self.internal_errors = 0
        self.requests_with_tracebacks = 0
        self.tracebacks = Tracebacks()

    def call(self, method: str, args: dict) -> dict:
        body = json.dumps({"id": 7, "auth_token": self.instance.token, "method": method,
                           "args": args})
        response = self.instance.client.post("/_admin/api", content=body)
        self.requests += 1
        assert response.status_code == 200, response.text
        reply = response.json()
        assert set(reply) - {"DEPRECATION_WARNING"} == {"id", "result", "error"}
        assert reply["id"] == 7
        return reply

    def new_tracebacks(self) -> list[str]:
        found, self.tracebacks.records = self.tracebacks.records, []
        self.requests_with_tracebacks += bool(found)
        return found


@pytest.fixture(scope="module")
def fuzzer(instance, tmp_path_factory):
    def result(method, **args):
        reply = instance.client.post("/_admin/api", json={
            "id": 1, "auth_token": instance.token, "method": method, "args": args}).json()
        assert reply["error"] is None, (method, reply["error"])
        return reply["result"]

    users = []
    for n in range(3):
        name = f"fz-user{n}"
        created = result("create_user", username=name, email=f"{name}@example.com",
                         password="secret-pw-1")["user"]
        users.append(SimpleNamespace(username=name, user_id=created["user_id"]))
    for name in ("fz-ug1", "fz-ug2"):
        result("create_user_group", group_name=name)
    result("create_repo_group", group_name="fz-rg")
    result("create_repo_group", group_name="fz-rg/inner")
    for kind in ("git", "hg"):
        result("create_repo", repo_name=f"fz-{kind}", repo_type=kind)
    work = WorkingCopy.clone(instance.data_dir / "repos" / "fz-git",
                             tmp_path_factory.mktemp("fz") / "w", "git")
    work.git("checkout", "--quiet", "-b", "master")
    base = work.commit({"a.txt": "one\n", "dir/b.txt": "two\n"}, "base")
    work.push("master")
    feature = work.commit({"a.txt": "one\nmore\n"}, "feature", branch="feature")
    work.push("feature")
    pr = result("create_pull_request", source_repo="fz-git", target_repo="fz-git",
                source_ref="branch:feature", target_ref="branch:master", title="fz pr")
    pr_id = pr["pull_request_id"]
    comment = result("comment_pull_request", repoid="fz-git", pullrequestid=pr_id,
                     message="hello", comment_type="todo")
    gist = result("create_gist", files={"f.txt": {"content": "x"}})["gist"]
    result("add_field_to_repo", repoid="fz-git", key="fzkey")

    user_names = [u.username for u in users]
    s = st.sampled_from
    world = {
        "userid": s(user_names) | s([u.user_id for u in users]),
        "owner": s(user_names),
        "username": fresh("fzu"),
        "email": fresh("fz").map(lambda n: f"{n}@example.com"),
        "password": s(["secret-pw-1"]),
        "repoid": s(["fz-git", "fz-hg"]),
        "source_repo": s(["fz-git"]), "target_repo": s(["fz-git"]), "fork_of": s(["fz-hg"]),
        "repo_name": fresh("fz-rg/new"), "fork_name": fresh("fzfork"), "name": s(["fz-hg"]),
        "repo_type": s(["git", "hg"]),
        "usergroupid": s(["fz-ug1", "fz-ug2"]), "sourceusergroupid": s(["fz-ug2"]),
        "repogroupid": s(["fz-rg", "fz-rg/inner"]), "group": s(["fz-rg"]), "parent": s(["fz-rg"]),
        "group_name": fresh("fzg"),
        "perm": s(["repository.read", "group.write", "usergroup.admin"]),
        "apply_to_children": s(["none", "repos", "groups", "all"]),
        "pullrequestid": s([pr_id]), "resolves_comment_id": s([comment["comment_id"]]),
        "revision": s([base, feature, "tip"]), "commit_id": s([base, feature]),
        "start_rev": s([base]), "limit": s([1, 5]), "root_path": s(["", "dir"]),
        "source_ref": s(["branch:feature"]), "target_ref": s(["branch:master"]),
        "branch": s(["feature"]), "title": s(["a title"]), "message": s(["a message"]),
        "status": s(["approved", "new", "open", "closed"]),
        "comment_type": s(["note", "todo"]), "f_path": s(["a.txt"]), "line": s(["n1"]),
        "reviewers": s([[{"username": user_names[0]}]]),
        "gistid": s([gist["gist_id"]]), "files": s([{"n.txt": {"content": "text"}}]),
        "gist_type": s(["public", "private"]), "acl_level": s(["acl_public"]),
        "lifetime": s([-1, 5]), "key": s(["fzkey"]), "label": s(["Label"]),
        "details": s(["basic", "extended", "full"]), "ret_type": s(["all", "files", "dirs"]),
        "max_file_bytes": s([100]), "landing_rev": s(["rev:tip", "branch:master"]),
        "fields": s([{"fzkey": "value"}]), "pattern": s(["get_*"]), "forks": s(["detach"]),
        "clone_uri": s([None]), "extern_name": s(["rhodecode"]), "extern_type": s(["rhodecode"]),
        "ldap_dn": s([None]),
        "comment_id": s([comment["comment_id"]]), "version": s([0, 1]),
        "settings": s([{"vcshub_pr_approval_required": False}, {"landing_rev": "rev:tip"}]),
    }
    fuzzer = Fuzzer(instance, world)
    logging.getLogger().addHandler(fuzzer.tracebacks)
    started = time.monotonic()
    yield fuzzer
    logging.getLogger().removeHandler(fuzzer.tracebacks)
    print(f"\nfuzz: {fuzzer.requests} requests in {time.monotonic() - started:.0f} s, "
          f"{fuzzer.internal_errors} answered {INTERNAL!r}, "
          f"{fuzzer.requests_with_tracebacks} logged a traceback")


def draw_args(data, method, world: dict[str, st.SearchStrategy]) -> dict:
    """Valid values (or absent) for each argument, one or more of them replaced by wrong ones."""
    params = method.params
    wrong = set(data.draw(st.sets(st.sampled_from([p.name for p in params]), min_size=1,
                                  max_size=max(1, min(3, len(params)))), label="wrong")
                if params else ())
    args = {}
    for p in params:
        if p.name in wrong:
            args[p.name] = data.draw(WRONG_ID if p.name in IDENTIFIERS else WRONG, label=p.name)
        elif p.required or data.draw(st.booleans(), label=f"send {p.name}"):
            valid = world.get(p.name)
            args[p.name] = data.draw(valid, label=p.name) if valid is not None else "x"
    if not params:
        args = data.draw(st.dictionaries(st.text(max_size=5), WRONG, max_size=3), label="extra")
    return args


@pytest.mark.parametrize("method", ORDERED, ids=lambda m: m.name)
def test_fuzz_method(fuzzer, method):
    failures = []

    @FUZZ
    @given(data=st.data())
    def run(data):
        args = draw_args(data, method, fuzzer.world)
        reply = fuzzer.call(method.name, args)
        tracebacks = fuzzer.new_tracebacks()
        problem = None
        if reply["error"] == INTERNAL:
            fuzzer.internal_errors += 1
            problem = "Internal server error"
        if tracebacks:
            problem = f"{problem or ''} traceback in the log:\n" + tracebacks[-1][-3000:]
        if problem:
            failures.append(f"{method.name}({repr(args)[:300]}): {problem}")

    run()
    assert not failures, "\n".join(failures[:5]) + f"\n({len(failures)} failing requests)"
