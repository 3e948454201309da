"""Never an HTTP 500 (REFERENCE.md 1.3): random bodies, documents and arguments, each answered
with a JSON-RPC envelope."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_user, unique

ENVELOPE_KEYS = {"id", "result", "error"}

json_scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=8,
)
ARG_NAMES = ["userid", "username", "email", "password", "firstname", "lastname", "active",
             "admin", "extern_name", "extern_type", "force_password_change", "key", "ldap_dn"]
arg_dicts = st.dictionaries(st.sampled_from(ARG_NAMES) | st.text(max_size=8), json_values,
                            max_size=6)
READ_ONLY = ["get_user", "get_users", "get_ip", "show_ip", "get_server_info", "get_license_info"]
ALL_METHODS = [*READ_ONLY, "create_user", "update_user", "delete_user", "set_license_key"]
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzz_users(admin_api):
    """A plain user whose token may call anything (it is refused everything that writes),
    and a user that admin calls to update_user may change at will."""
    return make_user(admin_api), make_user(admin_api)


def never_500(live_server, content: bytes, http_method: str = "POST") -> None:
    response = httpx.request(http_method, live_server.api_url, content=content, timeout=60)
    assert response.status_code == 200, response.text
    reply = response.json()
    assert set(reply) - {"DEPRECATION_WARNING"} == ENVELOPE_KEYS
    assert reply["error"] is None or isinstance(reply["error"], str)
    if reply["error"] is not None:
        assert reply["result"] is None


@FUZZ
@given(body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()),
       http_method=st.sampled_from(["POST", "POST", "GET"]))
def test_fuzz_any_body(live_server, body, http_method):
    never_500(live_server, body, http_method)


@FUZZ
@given(data=st.data())
def test_fuzz_documents(live_server, fuzz_users, data):
    plain, _ = fuzz_users
    document = {}
    for key in ("id", "method", "args"):
        if data.draw(st.integers(0, 9), label=f"has {key}"):
            document[key] = data.draw(
                {"id": json_values,
                 "method": st.sampled_from(ALL_METHODS) | json_values,
                 "args": arg_dicts | json_values}[key],
                label=key,
            )
    token_name = data.draw(st.sampled_from(["auth_token", "api_key", None]), label="token name")
    if token_name:
        document[token_name] = data.draw(
            st.sampled_from([plain.token, "", "0" * 40]) | json_values, label="token"
        )
    never_500(live_server, json.dumps(document).encode())


@FUZZ
@given(method=st.sampled_from([*READ_ONLY, "create_user"]), args=arg_dicts)
def test_fuzz_arguments_as_super_admin(live_server, method, args):
    # Methods that cannot hurt the shared server: reads, and creating (throw-away) users.
    if method == "create_user" and isinstance(args.get("username"), str):
        args["username"] = args["username"] + unique("-fz")
    never_500(live_server, json.dumps({"id": 1, "auth_token": live_server.admin_token,
                                       "method": method, "args": args}).encode())


@FUZZ
@given(args=arg_dicts)
def test_fuzz_update_user(live_server, fuzz_users, args):
    _, target = fuzz_users
    args = {**args, "userid": target.user_id}
    never_500(live_server, json.dumps({"id": 1, "auth_token": live_server.admin_token,
                                       "method": "update_user", "args": args}).encode())
