"""``vcshub-api --list`` and ``help METHOD``: the server's methods and their arguments."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.api_client_runs import (
    assert_one_line_error,
    create_user,
    envelope_of,
    flags,
    result_of,
    run_api,
)

# --------------------------------------------------------------------------- introspection


def help_table(proc: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    """The ``(argument, description)`` rows that `help METHOD` prints, in order."""
    assert proc.returncode == 0, proc.stderr
    rows = []
    for line in proc.stdout.splitlines():
        if line.startswith("  ") and line.strip() != "(none)":
            name, description = line.strip().split(None, 1)
            rows.append((name, description))
    return rows


def test_list_prints_the_servers_method_names_one_per_line(live_server, home):
    proc = run_api(home, *flags(live_server), "--list")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    names = proc.stdout.splitlines()
    assert {"get_user", "create_repo", "get_method", "get_server_info"} <= set(names)
    assert all(name and name.strip() == name and " " not in name for name in names)
    assert names == sorted(names)


def test_list_with_a_pattern(live_server, home):
    names = run_api(home, *flags(live_server), "--list", "get_user*").stdout.splitlines()
    assert "get_user" in names and "get_users" in names
    assert "create_repo" not in names

    # A pattern matching one name: the server adds the arguments, the list stays a list of names.
    assert run_api(home, *flags(live_server), "-l", "create_repo").stdout == "create_repo\n"

    nothing = run_api(home, *flags(live_server), "--list", "no_such_*")
    assert "no_such_*" in assert_one_line_error(nothing, 1)
    assert nothing.stdout == ""


def test_list_format_json_prints_the_raw_envelope(live_server, home):
    proc = run_api(home, *flags(live_server), "--format=json", "--list")
    reply = envelope_of(proc)
    assert proc.returncode == 0, proc.stderr
    assert reply["error"] is None
    assert {"get_user", "create_repo", "get_method"} <= set(reply["result"])


def test_help_shows_required_arguments_first_then_optional_ones_with_defaults(live_server, home):
    proc = run_api(home, *flags(live_server), "help", "create_repo")
    rows = help_table(proc)
    described = dict(rows)
    assert described["repo_name"] == "required"
    assert described["repo_type"] == "required"
    assert described["private"] == "optional, default False"
    assert described["landing_rev"] == "optional, default 'rev:tip'"
    kinds = [description == "required" for _, description in rows]
    assert kinds == sorted(kinds, reverse=True)  # every required one before any optional one
    assert proc.stdout.splitlines()[-1] == (
        "Usage: vcshub-api create_repo repo_name:VALUE repo_type:VALUE [key:value]..."
    )
    assert proc.stderr == ""


def test_help_of_a_method_without_arguments(live_server, home):
    proc = run_api(home, *flags(live_server), "help", "get_server_info")
    assert help_table(proc) == []
    assert "  (none)" in proc.stdout.splitlines()


def test_help_format_json_prints_the_raw_envelope(live_server, home):
    result = result_of(run_api(home, *flags(live_server), "-F", "json", "help", "get_repo"))
    assert result[0] == "get_repo"
    assert result[1]["repoid"] == "<RequiredType>"


def test_help_of_an_unknown_method_exits_1(live_server, home):
    proc = run_api(home, *flags(live_server), "help", "no_such_method")
    line = assert_one_line_error(proc, 1)
    assert "unknown method `no_such_method`" in line
    assert proc.stdout == ""


def test_help_of_a_pattern_matching_several_methods_exits_1(live_server, home):
    proc = run_api(home, *flags(live_server), "help", "get_user*")
    line = assert_one_line_error(proc, 1)
    assert "get_user, get_user_audit_logs, get_user_group" in line


def test_introspection_needs_a_super_admin(live_server, home):
    user = create_user(home, live_server)
    own = [f"--apikey={user['api_key']}", f"--apihost={live_server.url}"]
    for args in (["--list"], ["help", "create_repo"]):
        proc = run_api(home, *own, *args)
        assert "Access was denied to this resource." in assert_one_line_error(proc, 1)
        assert proc.stdout == ""

    as_json = run_api(home, *own, "--format=json", "--list")
    assert_one_line_error(as_json, 1)
    assert envelope_of(as_json)["error"] == "Access was denied to this resource."


@pytest.mark.parametrize(
    "args",
    [
        ["help"],
        ["help", "get_user", "create_repo"],
        ["help", "userid:1"],
        ["--list", "userid:1"],
        ["--list", "get_*", "userid:1"],
    ],
)
def test_introspection_usage_errors_exit_2(live_server, home, args):
    proc = run_api(home, *flags(live_server), *args)
    assert_one_line_error(proc, 2)
    assert proc.stdout == ""


def test_help_option_documents_listing_and_quoting():
    proc = run_api(Path("/nonexistent"), "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "--list" in text and "help METHOD" in text
    assert "repoid:'\"123\"'" in text


@pytest.fixture
def fake_api(stub_server):
    """``fake_api(answer)`` starts a fake JSON-RPC API answering with ``answer(request)``
    (``.url``, and the requests it got in ``.requests``)."""

    def start(answer):
        requests = []

        def respond(raw: bytes) -> tuple[str, bytes]:
            request = json.loads(raw)
            requests.append(request)
            return "application/json", json.dumps({"id": request.get("id"), **answer(request)}).encode()

        server = stub_server(respond)
        server.requests = requests
        return server

    return start


def _kallithea(request):
    return {"result": None, "error": f"No such method: {request['method']}"}


def test_server_without_introspection_exits_1(fake_api, home):
    server = fake_api(_kallithea)
    for args in (["--list"], ["help", "get_user"], ["--format=json", "--list"]):
        proc = run_api(home, "--apikey=secret", f"--apihost={server.url}", *args)
        line = assert_one_line_error(proc, 1)
        assert "does not support introspection" in line
        assert "No such method: get_method" in line

    # The token goes out under both names, so Kallithea (api_key) and RhodeCode 4 (auth_token)
    # servers both authenticate the call.
    first = server.requests[0]
    assert first["method"] == "get_method"
    assert first["args"] == {"pattern": "*"}
    assert first["api_key"] == first["auth_token"] == "secret"
    assert server.requests[1]["args"] == {"pattern": "get_user"}


def _rhodecode(request):
    """RhodeCode 4.x: names in dict order; one match carries apiuser/request and py2 reprs."""
    pattern = request["args"]["pattern"]
    if pattern == "*":
        return {"result": ["get_repo", "comment_commit", "get_method"], "error": None}
    if pattern == "comment_commit":
        return {
            "result": [
                "comment_commit",
                {
                    "apiuser": "<RequiredType>",
                    "comment_type": "<Optional:u'note'>",
                    "commit_id": "<RequiredType>",
                    "message": "<RequiredType>",
                    "repoid": "<RequiredType>",
                    "request": "<RequiredType>",
                    "status": "<Optional:None>",
                    "userid": "<Optional:<OptionalAttr:apiuser>>",
                },
            ],
            "error": None,
        }
    return {"result": [], "error": None}


def test_rhodecode_introspection_output(fake_api, home):
    server = fake_api(_rhodecode)
    rc = ["--apikey=secret", f"--apihost={server.url}/_admin/api"]
    listed = run_api(home, *rc, "--list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["comment_commit", "get_method", "get_repo"]

    rows = help_table(run_api(home, *rc, "help", "comment_commit"))
    assert rows == [
        ("commit_id", "required"),
        ("message", "required"),
        ("repoid", "required"),
        ("comment_type", "optional, default u'note'"),
        ("status", "optional, default None"),
        ("userid", "optional, default <OptionalAttr:apiuser>"),
    ]
