"""The JSON-RPC protocol (REFERENCE.md 1.1-1.7): the pipeline of 1.4 step by step, with its exact
error strings and the rules for echoing ``id``, sent as raw HTTP exactly as clients send it."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from tests.factories import make_user
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import UserIpAddress

ENVELOPE_KEYS = {"id", "result", "error"}
MISSING_TOKEN = "Incorrect JSON data. Missing 'api_key or auth_token'"


def post(live_server, content: bytes | None = None, *, http_method: str = "POST",
         headers: dict | None = None) -> dict:
    """Send a raw body; every JSON-RPC outcome is HTTP 200 with a JSON envelope (1.3)."""
    response = httpx.request(
        http_method, live_server.api_url, content=content, headers=headers, timeout=60
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    reply = response.json()
    assert ENVELOPE_KEYS <= set(reply)
    return reply


def send(live_server, document, **kwargs) -> dict:
    return post(live_server, json.dumps(document).encode(), **kwargs)


def call(live_server, method: str, args=None, *, token=None, request_id=1) -> dict:
    return send(
        live_server,
        {"id": request_id, "auth_token": token or live_server.admin_token, "method": method,
         "args": {} if args is None else args},
    )


def assert_error(reply: dict, message: str, request_id=None) -> None:
    assert reply == {"id": request_id, "result": None, "error": message}


@pytest.fixture(scope="module")
def db(live_server):
    engine = create_db_engine(live_server.database_url)
    yield create_session_factory(engine)
    engine.dispose()


# -- 1.1 endpoint, steps 1-4 --------------------------------------------------------------------

@pytest.mark.parametrize("http_method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_http_methods_are_refused(live_server, http_method):
    body = json.dumps({"id": 5, "auth_token": live_server.admin_token, "method": "get_user",
                       "args": {}}).encode()
    reply = post(live_server, body, http_method=http_method)
    assert_error(reply, f'unsupported request method "{http_method}". Please use POST')


@pytest.mark.parametrize("http_method", ["TRACE", "PROPFIND"])
def test_any_other_http_method_gets_the_envelope(live_server, http_method):
    reply = post(live_server, b"{}", http_method=http_method)
    assert_error(reply, f'unsupported request method "{http_method}". Please use POST')


def test_get_with_a_body_is_served(live_server):
    body = json.dumps({"id": 3, "auth_token": live_server.admin_token, "method": "get_user",
                       "args": {}}).encode()
    reply = post(live_server, body, http_method="GET")
    assert reply["error"] is None
    assert reply["result"]["username"] == live_server.admin_username


def test_get_without_body_has_no_content_length(live_server):
    assert_error(post(live_server, http_method="GET"), "Empty body, No Content-Length in request")


def test_chunked_body_without_content_length_is_refused(live_server):
    def chunks():
        yield json.dumps({"id": 1, "auth_token": live_server.admin_token,
                          "method": "get_user", "args": {}}).encode()

    reply = post(live_server, chunks())
    assert_error(reply, "Empty body, No Content-Length in request")


def test_post_without_content_length_header(live_server):
    url = urlsplit(live_server.url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(
            b"POST /_admin/api HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK"
    assert b"application/json" in head.lower()
    assert_error(json.loads(body), "Empty body, No Content-Length in request")


def test_empty_body(live_server):
    assert_error(post(live_server, b""), "Content-Length is 0")


@pytest.mark.parametrize(
    "body", [b"foo", b'{"id": 1, "method": ', b"{'id': 1}", b"\xff\xfe", b'{"id": NaN}']
)
def test_unparsable_json(live_server, body):
    reply = post(live_server, body)
    assert reply["id"] is None and reply["result"] is None
    assert reply["error"].startswith("JSON parse error ERR:")
    assert " RAW:" in reply["error"]


def test_parse_error_shows_the_raw_body(live_server):
    error = post(live_server, b"foo")["error"]
    assert error.endswith(" RAW:'foo'")


@pytest.mark.parametrize("body", [b"[1, 2]", b"1", b'"text"', b"null", b"true"])
def test_json_that_is_not_an_object(live_server, body):
    assert_error(post(live_server, body), MISSING_TOKEN)


def test_body_over_the_size_limit(live_server):
    padding = "x" * (10 * 1024 * 1024)
    body = json.dumps({"id": 1, "auth_token": live_server.admin_token, "method": "get_user",
                       "args": {"padding": padding}}).encode()
    reply = post(live_server, body)
    assert reply["id"] is None and reply["result"] is None
    assert reply["error"].startswith("request body too large")


def test_body_just_under_the_size_limit_is_served(live_server):
    skeleton = json.dumps({"id": 1, "auth_token": live_server.admin_token,
                           "method": "get_user", "args": {"padding": ""}})
    padding = "x" * (10 * 1024 * 1024 - len(skeleton))
    body = json.dumps({"id": 1, "auth_token": live_server.admin_token, "method": "get_user",
                       "args": {"padding": padding}}).encode()
    assert len(body) == 10 * 1024 * 1024
    assert post(live_server, body)["error"] is None


# -- steps 5-8: required keys ---------------------------------------------------------------------

def test_missing_token_echoes_the_id(live_server):
    reply = send(live_server, {"id": 7, "method": "get_user", "args": {}})
    assert_error(reply, MISSING_TOKEN, 7)


@pytest.mark.parametrize("tokens", [{"api_key": ""}, {"auth_token": ""},
                                    {"api_key": "", "auth_token": ""},
                                    {"api_key": None, "auth_token": None}])
def test_empty_tokens_count_as_missing(live_server, tokens):
    reply = send(live_server, {"id": 8, "method": "get_user", "args": {}, **tokens})
    assert_error(reply, MISSING_TOKEN, 8)


def test_missing_token_is_checked_before_the_other_keys(live_server):
    assert_error(send(live_server, {}), MISSING_TOKEN)
    assert_error(send(live_server, {"id": "x"}), MISSING_TOKEN, "x")


def test_missing_id(live_server):
    reply = send(live_server, {"auth_token": live_server.admin_token, "method": "get_user",
                               "args": {}})
    assert_error(reply, "Incorrect JSON data. Missing 'id'")
    # the id check comes before method and args
    assert_error(send(live_server, {"auth_token": "whatever"}), "Incorrect JSON data. Missing 'id'")


def test_missing_method(live_server):
    reply = send(live_server, {"id": 9, "auth_token": live_server.admin_token, "args": {}})
    assert_error(reply, "Incorrect JSON data. Missing 'method'", 9)
    reply = send(live_server, {"id": 9, "auth_token": live_server.admin_token})
    assert_error(reply, "Incorrect JSON data. Missing 'method'", 9)


def test_missing_args(live_server):
    reply = send(live_server, {"id": 10, "auth_token": live_server.admin_token,
                               "method": "get_user"})
    assert_error(reply, "Incorrect JSON data. Missing 'args'", 10)
    # before the method lookup and the token check
    reply = send(live_server, {"id": 10, "auth_token": "bad", "method": "nope"})
    assert_error(reply, "Incorrect JSON data. Missing 'args'", 10)


# -- step 9: method lookup, before authentication ---------------------------------------------------

def test_unknown_method(live_server):
    assert_error(call(live_server, "no_such_thing", request_id=11), "No such method: no_such_thing",
                 11)


def test_unknown_method_is_reported_before_a_bad_token(live_server):
    reply = call(live_server, "no_such_thing", token="not-a-token", request_id=12)
    assert_error(reply, "No such method: no_such_thing", 12)


@pytest.mark.parametrize("name", ["_run", "__init__", "_bind", "__class__", "Get_User", "get_user "])
def test_private_and_misspelt_names_are_not_methods(live_server, name):
    assert_error(call(live_server, name), f"No such method: {name}", 1)


@pytest.mark.parametrize("name, shown", [(5, "5"), (None, "None"), (["get_user"], "['get_user']")])
def test_method_that_is_not_a_string(live_server, name, shown):
    reply = send(live_server, {"id": 1, "auth_token": live_server.admin_token, "method": name,
                               "args": {}})
    assert_error(reply, f"No such method: {shown}", 1)


# -- step 10: the token ----------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["0" * 40, "not-a-token", "x" * 1000, "a\x00b", 12345,
                                   ["list"], {"a": 1}])
def test_invalid_token(live_server, token):
    reply = send(live_server, {"id": 13, "auth_token": token, "method": "get_user", "args": {}})
    assert_error(reply, "Invalid API KEY", 13)


def test_api_key_is_used_before_auth_token(live_server):
    good, bad = live_server.admin_token, "0" * 40
    document = {"id": 1, "method": "get_user", "args": {}}
    assert send(live_server, {**document, "api_key": good, "auth_token": bad})["error"] is None
    reply = send(live_server, {**document, "api_key": bad, "auth_token": good})
    assert_error(reply, "Invalid API KEY", 1)


@pytest.mark.parametrize("name", ["api_key", "auth_token"])
def test_either_token_name_alone(live_server, name):
    reply = send(live_server, {"id": 1, name: live_server.admin_token, "method": "get_user",
                               "args": {}})
    assert reply["error"] is None


@pytest.mark.parametrize("empty", ["", None, False])
def test_empty_api_key_falls_back_to_auth_token(live_server, empty):
    reply = send(live_server, {"id": 1, "api_key": empty, "auth_token": live_server.admin_token,
                               "method": "get_user", "args": {}})
    assert reply["error"] is None


# -- step 14 and binding (1.6) ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [None, 1, [1, 2], "text", True])
def test_args_that_are_not_an_object_count_as_empty(live_server, args):
    reply = send(live_server, {"id": 1, "auth_token": live_server.admin_token,
                               "method": "get_user", "args": args})
    assert reply["error"] is None
    assert reply["result"]["username"] == live_server.admin_username
    reply = send(live_server, {"id": 2, "auth_token": live_server.admin_token,
                               "method": "create_user", "args": args})
    assert_error(reply, "Missing non optional `username` arg in JSON DATA", 2)


def test_first_missing_argument_in_signature_order(live_server):
    assert_error(call(live_server, "create_user", {}),
                 "Missing non optional `username` arg in JSON DATA", 1)
    assert_error(call(live_server, "create_user", {"email": "a@example.com"}),
                 "Missing non optional `username` arg in JSON DATA", 1)
    assert_error(call(live_server, "create_user", {"username": "someone"}),
                 "Missing non optional `email` arg in JSON DATA", 1)


def test_missing_argument_is_checked_after_authentication(live_server):
    assert_error(call(live_server, "create_user", {}, token="0" * 40), "Invalid API KEY", 1)


def test_required_argument_sent_as_null_passes_the_check(live_server):
    assert_error(call(live_server, "delete_user", {"userid": None}), "user `None` does not exist", 1)
    assert_error(call(live_server, "update_user", {"userid": None}), "user `None` does not exist", 1)


def test_unknown_arguments_are_ignored(live_server, admin_api):
    me = admin_api.result("get_user")
    reply = call(live_server, "get_user", {"userid": me["user_id"], "bogus": 1, "x": [None]})
    assert reply["error"] is None
    assert reply["result"]["user_id"] == me["user_id"]
    assert call(live_server, "get_server_info", {"verbose": True})["error"] is None


def test_method_errors_echo_the_id(live_server):
    reply = call(live_server, "get_user", {"userid": "no-such-user"}, request_id="abc")
    assert_error(reply, "user `no-such-user` does not exist", "abc")


def test_unexpected_failure_is_internal_server_error(live_server, admin_api, db):
    # A whitelist entry that does not parse (only possible by editing the database) makes
    # get_ip fail inside the method: the client sees the contract's generic text, HTTP 200.
    victim = make_user(admin_api)
    with db.begin() as session:
        session.add(UserIpAddress(user_id=victim.user_id, ip_addr="not-an-address"))
    assert_error(call(live_server, "get_ip", {"userid": victim.user_id}),
                 "Internal server error", 1)
    # ... and, being unparsable, the entry matches nobody rather than opening the account
    assert_error(call(live_server, "get_user", token=victim.token),
                 "Request from IP:127.0.0.1 not allowed", 1)


# -- id echo (1.3) ---------------------------------------------------------------------------------

ODD_IDS = [0, "", False, None, "abc", -3, 1.5, [1, "a", None], {"k": [1, {"n": None}]}, "ünïcødé",
           10**20, [-(10**30), 2.5]]  # integers beyond 64 bits come back exact


@pytest.mark.parametrize("request_id", ODD_IDS)
def test_success_always_has_the_full_envelope(live_server, request_id):
    reply = call(live_server, "get_license_info", request_id=request_id)
    assert set(reply) == ENVELOPE_KEYS
    assert reply["id"] == request_id and type(reply["id"]) is type(request_id)
    assert reply["error"] is None
    assert isinstance(reply["result"], dict)


@pytest.mark.parametrize("request_id", ODD_IDS)
def test_errors_echo_the_id(live_server, request_id):
    reply = call(live_server, "get_users", token="0" * 40, request_id=request_id)
    assert_error(reply, "Invalid API KEY", request_id)


def test_deeply_nested_id_is_echoed(live_server):
    request_id: list = []
    for _ in range(300):
        request_id = [request_id]
    reply = call(live_server, "get_license_info", request_id=request_id)
    assert reply["id"] == request_id
    assert reply["error"] is None
