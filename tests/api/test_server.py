"""Server and administration methods (REFERENCE.md 4.1): get_ip/show_ip, get_server_info (3.10),
get_license_info and set_license_key."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from tests.factories import make_user
from vcshub import __version__
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import UserIpAddress

DENIED = "Access was denied to this resource."
DEPRECATION = "DEPRECATED METHOD Please use method `get_ip` instead."
SERVER_INFO_KEYS = {
    "py_version", "py_path", "py_modules", "platform", "storage", "archive_storage",
    "index_storage", "gist_storage", "db_type", "db_version", "db_migrate_version",
    "rhodecode_version", "rhodecode_config_ini", "server_ip", "server_id", "git_version",
    "hg_version", "svn_version", "uptime", "boot_time", "load", "cpu", "memory", "disk",
    "disk_archive", "disk_gist", "disk_index",
}
LICENSE_KEYS = {"rhodecode_version", "token", "issued_to", "issued_on", "expires_on", "type",
                "users_limit", "key"}


@pytest.fixture(scope="module")
def db(live_server):
    engine = create_db_engine(live_server.database_url)
    yield create_session_factory(engine)
    engine.dispose()


def call(live_server, method, args=None, headers=None, token=None) -> dict:
    response = httpx.post(
        live_server.api_url,
        json={"id": 1, "auth_token": token or live_server.admin_token, "method": method,
              "args": args or {}},
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 200
    return response.json()


# -- get_ip / show_ip ------------------------------------------------------------------------------

def test_get_ip_for_the_caller(admin_api):
    assert admin_api.result("get_ip") == {"server_ip_addr": "127.0.0.1", "user_ips": []}


@pytest.mark.parametrize(
    "headers, seen",
    [
        ({"X-Real-IP": "10.1.2.3"}, "10.1.2.3"),
        # the rightmost hop that is not a trusted proxy (issue 14.15)
        ({"X-Forwarded-For": "10.9.9.9, 10.0.0.1"}, "10.0.0.1"),
        ({"X-Forwarded-For": "10.9.9.9, 10.0.0.1, 127.0.0.1"}, "10.0.0.1"),
        ({"X-Forwarded-For": "10.9.9.9, garbage"}, "127.0.0.1"),
        ({"X-Real-IP": "10.1.2.3", "X-Forwarded-For": "10.9.9.9"}, "10.1.2.3"),
        ({"X-Real-IP": "10.1.1.1:8080"}, "10.1.1.1"),
        ({"X-Forwarded-For": "10.0.0.1, [2001:db8::1]:443"}, "2001:db8::1"),
        ({"X-Real-IP": "2001:db8::7"}, "2001:db8::7"),
    ],
)
def test_get_ip_reports_the_forwarded_address(live_server, headers, seen):
    reply = call(live_server, "get_ip", headers=headers)
    assert reply["error"] is None
    assert reply["result"]["server_ip_addr"] == seen


def test_get_ip_lists_the_whitelist_with_ranges(admin_api, db):
    user = make_user(admin_api)
    with db.begin() as session:
        for entry in ("1.2.3.4", "10.0.0.0/8", "2001:db8::/126", "192.168.1.7/32"):
            session.add(UserIpAddress(user_id=user.user_id, ip_addr=entry))
    result = admin_api.result("get_ip", userid=user.username)
    assert result == {
        "server_ip_addr": "127.0.0.1",
        "user_ips": [
            {"ip_addr": "1.2.3.4", "ip_range": ["1.2.3.4", "1.2.3.4"]},
            {"ip_addr": "10.0.0.0/8", "ip_range": ["10.0.0.0", "10.255.255.255"]},
            {"ip_addr": "2001:db8::/126", "ip_range": ["2001:db8::", "2001:db8::3"]},
            {"ip_addr": "192.168.1.7/32", "ip_range": ["192.168.1.7", "192.168.1.7"]},
        ],
    }
    assert admin_api.result("get_user", userid=user.user_id)["ip_addresses"] == [
        "1.2.3.4", "10.0.0.0/8", "2001:db8::/126", "192.168.1.7/32"]


def test_get_ip_errors(admin_api):
    assert admin_api.error("get_ip", userid="ghost") == "user `ghost` does not exist"
    user = make_user(admin_api)
    # super-admin only, even about oneself
    assert user.api.error("get_ip") == DENIED
    assert user.api.error("get_ip", userid=user.user_id) == DENIED


def test_show_ip_is_get_ip_with_a_warning(live_server, admin_api):
    reply = call(live_server, "show_ip")
    assert reply == {
        "id": 1,
        "result": admin_api.result("get_ip"),
        "error": None,
        "DEPRECATION_WARNING": DEPRECATION,
    }


def test_show_ip_errors_carry_no_warning(live_server, admin_api):
    reply = call(live_server, "show_ip", {"userid": "ghost"})
    assert reply == {"id": 1, "result": None, "error": "user `ghost` does not exist"}
    user = make_user(admin_api)
    reply = call(live_server, "show_ip", token=user.token)
    assert reply == {"id": 1, "result": None, "error": DENIED}


def test_only_deprecated_methods_warn(live_server):
    for method in ("get_ip", "get_user", "get_server_info", "get_license_info"):
        assert "DEPRECATION_WARNING" not in call(live_server, method)


# -- get_server_info -------------------------------------------------------------------------------

def test_get_server_info(live_server, admin_api, db_backend):
    info = admin_api.result("get_server_info")
    assert set(info) == SERVER_INFO_KEYS
    assert info["rhodecode_version"] == __version__
    assert info["db_type"] == db_backend
    assert isinstance(info["db_migrate_version"], str) and info["db_migrate_version"]
    assert info["server_ip"] == f"127.0.0.1:{urlsplit(live_server.url).port}"
    assert info["git_version"].startswith("git version")
    assert info["hg_version"] != "NOT AVAILABLE"
    assert info["svn_version"] == "NOT AVAILABLE"
    assert set(info["load"]) == {"1_min", "5_min", "15_min"}
    assert {"percent", "used", "total"} <= set(info["disk"])
    assert "items" in info["disk_gist"]
    assert info["storage"] == str((live_server.data_dir / "repos").resolve())
    modules = info["py_modules"]
    assert all(isinstance(pair, list) and len(pair) == 2 for pair in modules)
    names = [name.lower() for name, _ in modules]
    assert names == sorted(names)
    assert {"vcshub", "sqlalchemy", "starlette"} <= set(names)
    assert isinstance(info["uptime"], int) and info["uptime"] >= 0


def test_get_server_info_twice_is_consistent(admin_api):
    first, second = admin_api.result("get_server_info"), admin_api.result("get_server_info")
    for key in ("py_modules", "py_version", "git_version", "hg_version", "boot_time"):
        assert first[key] == second[key]
    assert second["uptime"] >= first["uptime"]


def test_get_server_info_needs_super_admin(admin_api):
    assert make_user(admin_api).api.error("get_server_info") == DENIED


# -- licence ---------------------------------------------------------------------------------------

def test_get_license_info_shape(admin_api):
    info = admin_api.result("get_license_info")
    assert set(info) == LICENSE_KEYS
    assert info["rhodecode_version"] == __version__
    assert info["type"] == "community"
    assert info["issued_on"] is None and info["expires_on"] is None
    assert info["users_limit"] is None and info["issued_to"] is None


def test_set_license_key(admin_api):
    key = "  ABCD-1234 efgh  "
    assert admin_api.result("set_license_key", key=key) == {
        "msg": "updated license information", "key": key}
    info = admin_api.result("get_license_info")
    assert info["key"] == key and info["token"] == key
    assert admin_api.result("set_license_key", key="second")["key"] == "second"
    assert admin_api.result("get_license_info")["key"] == "second"


@pytest.mark.parametrize("key", ["", "   ", None, 5, ["k"]])
def test_invalid_license_key(admin_api, key):
    before = admin_api.result("get_license_info")["key"]
    assert admin_api.error("set_license_key", key=key) == "license key is not valid"
    assert admin_api.result("get_license_info")["key"] == before


def test_set_license_key_needs_the_key(admin_api):
    assert admin_api.error("set_license_key") == "Missing non optional `key` arg in JSON DATA"


def test_licence_methods_need_super_admin(admin_api):
    user = make_user(admin_api)
    assert user.api.error("get_license_info") == DENIED
    assert user.api.error("set_license_key", key="x") == DENIED
