"""``vcshub-api`` calls: argument parsing, what is sent and printed, and failure exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli.api_client_runs import (
    assert_one_line_error,
    closed_port_url,
    create_user,
    envelope_of,
    flags,
    result_of,
    run_api,
)
from vcshub.cli.api_protocol import endpoint_for, parse_arguments, parse_value

# --------------------------------------------------------------------------- pure parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("null", None),
        ("10", 10),
        ("-1", -1),
        ("2.5", 2.5),
        ("[1, \"a\"]", [1, "a"]),
        ('{"k": [true]}', {"k": [True]}),
        ('"123"', "123"),
        ("foo", "foo"),
        ("", ""),
        ("a:b", "a:b"),
        ("http://x:1/y", "http://x:1/y"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("1e999", "1e999"),
        ("[1,", "[1,"),
    ],
)
def test_parse_value(text, expected):
    assert parse_value(text) == expected
    assert type(parse_value(text)) is type(expected)


def test_arguments_split_at_the_first_colon():
    assert parse_arguments(["clone_uri:http://x:1/y", "firstname:a:b", "lifetime:10"]) == {
        "clone_uri": "http://x:1/y",
        "firstname": "a:b",
        "lifetime": 10,
    }


@pytest.mark.parametrize(
    "host",
    [
        "http://host:5000",
        "http://host:5000/",
        "http://host:5000/_admin/api",
        "http://host:5000/_admin/api/",
        "http://host:5000/_admin",
        "host:5000",
    ],
)
def test_host_may_be_base_url_or_api_url(host):
    endpoint = endpoint_for(host)
    assert endpoint.base_url == "http://host:5000"
    assert endpoint.api_url == "http://host:5000/_admin/api"


def test_path_prefix_is_kept():
    assert endpoint_for("https://h/code/_admin/api").api_url == "https://h/code/_admin/api"


# --------------------------------------------------------------------------- calls


def test_get_user_with_flags_prints_rhodecode_style_output(live_server, home):
    proc = run_api(home, *flags(live_server), "get_user")
    assert proc.returncode == 0, proc.stderr
    first, second, rest = proc.stdout.split("\n", 2)
    assert first == f"Calling method get_user => {live_server.url}"
    assert second == "Server response"
    assert json.loads(rest)["username"] == live_server.admin_username
    assert proc.stderr == ""


def test_full_api_url_is_accepted_as_host(live_server, home):
    proc = run_api(
        home, f"--apikey={live_server.admin_token}", f"--apihost={live_server.api_url}",
        "--format=json", "get_user",
    )
    assert result_of(proc)["username"] == live_server.admin_username


def test_format_json_prints_only_the_envelope(live_server, home):
    proc = run_api(home, *flags(live_server), "--format=json", "get_server_info")
    reply = envelope_of(proc)
    assert proc.returncode == 0
    assert reply["error"] is None
    assert isinstance(reply["id"], int)
    # Exactly what `| python -m json.tool` needs: one JSON document and nothing else.
    piped = subprocess.run(
        [sys.executable, "-m", "json.tool"], input=proc.stdout, capture_output=True, text=True
    )
    assert piped.returncode == 0, piped.stderr


def test_values_with_colons_are_sent_whole(live_server, home):
    user = create_user(home, live_server, "firstname:a:b", "lastname:http://x:1/y")
    proc = run_api(
        home, *flags(live_server), "--format=json", "get_user", f"userid:{user['username']}"
    )
    fetched = result_of(proc)
    assert fetched["firstname"] == "a:b"
    assert fetched["lastname"] == "http://x:1/y"


def test_json_values_are_sent_as_json(live_server, home):
    user = create_user(home, live_server, "active:false", "admin:false", "firstname:Ann")
    assert user["active"] is False
    assert user["admin"] is False

    # null arrives as JSON null (update_user then clears the field), not as the text "null".
    proc = run_api(
        home, *flags(live_server), "--format=json", "update_user",
        f"userid:{user['username']}", "firstname:null", "active:true",
    )
    updated = result_of(proc)["user"]
    assert updated["firstname"] is None
    assert updated["active"] is True

    # A non-admin may read himself only when userid is his id as a JSON *number* (REFERENCE 1.8),
    # so this tells numbers and strings apart.
    own_key = {"--apikey": updated["api_key"], "--apihost": live_server.url}
    own = [f"{k}={v}" for k, v in own_key.items()]
    as_number = run_api(home, *own, "--format=json", "get_user", f"userid:{user['user_id']}")
    assert result_of(as_number)["username"] == user["username"]
    as_string = run_api(home, *own, "--format=json", "get_user", f"userid:\"{user['user_id']}\"")
    assert as_string.returncode == 1
    assert envelope_of(as_string)["error"] == "userid is not the same as your user"


def test_deprecation_warning_goes_to_stderr(live_server, home):
    proc = run_api(home, *flags(live_server), "show_ip")
    assert proc.returncode == 0, proc.stderr
    assert "server_ip_addr" in json.loads(proc.stdout.split("\n", 2)[2])
    assert "DEPRECATED METHOD Please use method `get_ip` instead." in proc.stderr

    as_json = envelope_of(run_api(home, *flags(live_server), "--format=json", "show_ip"))
    assert "DEPRECATION_WARNING" in as_json


# --------------------------------------------------------------------------- failures


def test_api_error_exits_1(live_server, home):
    proc = run_api(home, *flags(live_server), "get_user", "userid:nosuchuser")
    line = assert_one_line_error(proc, 1)
    assert "user `nosuchuser` does not exist" in line
    assert proc.stdout.splitlines()[1:] == ["Server response", '"user `nosuchuser` does not exist"']

    as_json = run_api(home, *flags(live_server), "-F", "json", "get_user", "userid:nosuchuser")
    assert_one_line_error(as_json, 1)
    reply = envelope_of(as_json)
    assert reply["result"] is None
    assert reply["error"] == "user `nosuchuser` does not exist"


@pytest.mark.parametrize(
    "args",
    [
        ["get_user", "userid"],  # a bare word without a colon
        ["userid:admin"],  # no method
        [],  # nothing at all
        ["--no-such-option", "get_user"],
        ["--format=xml", "get_user"],
    ],
)
def test_usage_errors_exit_2(live_server, home, args):
    proc = run_api(home, *flags(live_server), *args)
    assert_one_line_error(proc, 2)
    assert proc.stdout == ""


def test_missing_configuration_exits_2(home):
    assert "--save-config" in assert_one_line_error(run_api(home, "get_user"), 2)
    unknown = run_api(home, "--instance-name=nope", "get_user")
    assert "nope" in assert_one_line_error(unknown, 2)
    assert_one_line_error(run_api(home, "--apikey=k", "--save-config"), 2)


def test_broken_config_file_exits_2(home):
    (home / ".rhoderc").write_text("this is not ini\n")
    assert_one_line_error(run_api(home, "get_user"), 2)


def test_unreachable_host_exits_3(home):
    proc = run_api(home, "--apikey=k", f"--apihost={closed_port_url()}", "get_user")
    assert "cannot reach" in assert_one_line_error(proc, 3)


def test_non_200_answer_exits_3(live_server, home):
    proc = run_api(home, f"--apikey={live_server.admin_token}",
                   f"--apihost={live_server.url}/no/such/prefix", "get_user")
    assert "HTTP 404" in assert_one_line_error(proc, 3)


@pytest.fixture
def html_server(stub_server):
    """A web server at the wrong address: every POST gets 200 and an HTML page."""
    return stub_server(lambda _: ("text/html", b"<html><body>not an API</body></html>")).url


def test_non_json_answer_exits_3(home, html_server):
    proc = run_api(home, "--apikey=k", f"--apihost={html_server}", "--format=json", "get_user")
    assert "did not answer with JSON" in assert_one_line_error(proc, 3)
    assert proc.stdout == ""
