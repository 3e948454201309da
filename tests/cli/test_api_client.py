"""``vcshub-api``, the command-line API client, run as a real subprocess against a live server."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.live_server import free_port
from vcshub.cli.api_protocol import endpoint_for, parse_arguments, parse_value

VCSHUB_API = shutil.which("vcshub-api") or str(Path(sys.executable).with_name("vcshub-api"))


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An isolated HOME, so ~/.rhoderc is the test's own."""
    directory = tmp_path / "home"
    directory.mkdir()
    return directory


def run_api(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``vcshub-api`` with HOME set to ``home`` and no VCSHUB_* variables but ``env``."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("VCSHUB_")}
    full_env.update(HOME=str(home), **env)
    return subprocess.run(
        [VCSHUB_API, *args], env=full_env, capture_output=True, text=True, timeout=60
    )


def flags(server) -> list[str]:
    return [f"--apikey={server.admin_token}", f"--apihost={server.url}"]


def envelope_of(proc: subprocess.CompletedProcess) -> dict:
    reply = json.loads(proc.stdout)
    assert set(reply) >= {"id", "result", "error"}
    return reply


def result_of(proc: subprocess.CompletedProcess):
    assert proc.returncode == 0, proc.stderr
    reply = envelope_of(proc)
    assert reply["error"] is None
    return reply["result"]


def assert_one_line_error(proc: subprocess.CompletedProcess, exit_code: int) -> str:
    assert proc.returncode == exit_code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def create_user(home: Path, server, *extra: str) -> dict:
    username = unique("cli")
    proc = run_api(
        home, *flags(server), "--format=json", "create_user",
        f"username:{username}", f"email:{username}@example.com", *extra,
    )
    return result_of(proc)["user"]


def read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return parser


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


# --------------------------------------------------------------------------- configuration


def test_save_config_writes_private_ini_and_later_calls_need_no_flags(live_server, home):
    proc = run_api(
        home, f"--apikey={live_server.admin_token}", f"--apihost={live_server.api_url}",
        "--save-config",
    )
    assert proc.returncode == 0, proc.stderr
    rc_file = home / ".rhoderc"
    assert stat.S_IMODE(rc_file.stat().st_mode) == 0o600
    ini = read_ini(rc_file)
    assert ini.get("instance:default", "api_host") == live_server.url
    assert ini.get("instance:default", "api_key") == live_server.admin_token

    later = run_api(home, "--format=json", "get_user")
    assert result_of(later)["username"] == live_server.admin_username


def test_save_config_with_a_method_also_calls_it(live_server, home):
    proc = run_api(home, *flags(live_server), "--save-config", "--format=json", "get_user")
    assert result_of(proc)["username"] == live_server.admin_username
    assert (home / ".rhoderc").exists()


def test_first_named_instance_becomes_the_default(live_server, home):
    run_api(home, *flags(live_server), "--instance-name=prod", "--save-config").check_returncode()
    ini = read_ini(home / ".rhoderc")
    assert ini.get("default", "instance") == "prod"
    assert ini.get("instance:prod", "api_key") == live_server.admin_token
    assert result_of(run_api(home, "--format=json", "get_user"))["admin"] is True


def test_instance_name_selects_another_instance(live_server, home):
    bad = ["--apikey=not-a-valid-token", f"--apihost={live_server.url}"]
    run_api(home, *bad, "--save-config").check_returncode()
    run_api(home, *flags(live_server), "--instance-name=second", "--save-config").check_returncode()

    default = run_api(home, "--format=json", "get_user")
    assert default.returncode == 1
    assert envelope_of(default)["error"] == "Invalid API KEY"

    second = run_api(home, "--instance-name=second", "--format=json", "get_user")
    assert result_of(second)["username"] == live_server.admin_username


def test_custom_config_file(live_server, home, tmp_path):
    rc_file = tmp_path / "elsewhere.ini"
    run_api(home, *flags(live_server), f"--config={rc_file}", "--save-config").check_returncode()
    assert stat.S_IMODE(rc_file.stat().st_mode) == 0o600
    assert not (home / ".rhoderc").exists()
    proc = run_api(home, "-c", str(rc_file), "--format=json", "get_user")
    assert result_of(proc)["username"] == live_server.admin_username


def test_rhodecode_style_file_written_by_hand(live_server, home):
    (home / ".rhoderc").write_text(
        "[instance:enterprise-1]\n"
        f"api_host = {live_server.url}/\n"
        f"api_key = {live_server.admin_token}\n"
        "repo_dir = /srv/repos\n"
    )
    proc = run_api(home, "--instance-name=enterprise-1", "--format=json", "get_user")
    assert result_of(proc)["username"] == live_server.admin_username


def test_environment_overrides_config_and_flags_override_environment(live_server, home):
    run_api(
        home, "--apikey=not-a-valid-token", f"--apihost={closed_port_url()}", "--save-config"
    ).check_returncode()

    from_env = run_api(
        home, "--format=json", "get_user",
        VCSHUB_API_HOST=live_server.url, VCSHUB_API_KEY=live_server.admin_token,
    )
    assert result_of(from_env)["username"] == live_server.admin_username

    only_key_from_env = run_api(
        home, "--format=json", "get_user", VCSHUB_API_KEY=live_server.admin_token
    )
    assert_one_line_error(only_key_from_env, 3)  # the host still comes from the file

    flags_win = run_api(
        home, *flags(live_server), "--format=json", "get_user",
        VCSHUB_API_HOST=closed_port_url(), VCSHUB_API_KEY="not-a-valid-token",
    )
    assert result_of(flags_win)["username"] == live_server.admin_username


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


class _HtmlHandler(BaseHTTPRequestHandler):
    """Answers every POST with 200 and an HTML page, like a web server at the wrong address."""

    def do_POST(self):  # noqa: N802 - http.server naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<html><body>not an API</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def html_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_non_json_answer_exits_3(home, html_server):
    proc = run_api(home, "--apikey=k", f"--apihost={html_server}", "--format=json", "get_user")
    assert "did not answer with JSON" in assert_one_line_error(proc, 3)
    assert proc.stdout == ""


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
    assert "get_user, get_user_group" in line


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


class _FakeApiHandler(BaseHTTPRequestHandler):
    """A JSON-RPC API answering with ``server.answer(request)``; requests are recorded."""

    def do_POST(self):  # noqa: N802 - http.server naming
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.requests.append(request)
        body = json.dumps({"id": request.get("id"), **self.server.answer(request)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_api():
    """``fake_api(answer)`` starts a fake API server (``.url``, ``.requests``)."""
    servers = []

    def start(answer):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeApiHandler)
        server.answer = answer
        server.requests = []
        server.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


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
