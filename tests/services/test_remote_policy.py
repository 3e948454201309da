"""Where a user may make the server clone from (issue 14, defect 8, SSRF).

Users other than super-admins reach public addresses only: loopback, link-local, private,
multicast, reserved and unspecified addresses are refused before any connection (host names by
every address they resolve to), as are local paths and file://, unless the administrator sets
``remote_allow_private``. Only the machine's own addresses are ever involved: the refused ones
off this machine are judged without connecting, and no test here connects anywhere.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.remote_servers import SilentServer
from vcshub.permissions.caller import Caller
from vcshub.services import remote_policy, repos
from vcshub.services.errors import Invalid

PRIVATE = [
    "http://127.0.0.1/repo",
    "http://127.1.2.3:8080/repo",
    "http://[::1]/repo",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/repo",
    "https://172.16.5.4/repo",
    "git://192.168.1.1/repo",
    "ssh://git@100.64.0.1/repo",
    "http://0.0.0.0/repo",
    "http://224.0.0.1/repo",
    "http://240.0.0.1/repo",
    "http://[fe80::1]/repo",
    "http://[fd00::1]/repo",
    "http://[::ffff:127.0.0.1]/repo",
    "http://localhost/repo",
    "http://LOCALHOST./repo",
    "http://api.localhost/repo",
]
NOT_URLS = ["file:///etc", "/srv/elsewhere/repo", "ext::sh -c id", "git@example.com:repo", ""]


@pytest.fixture
def me(world) -> Caller:
    return Caller(world.uow.db, world.me)


@pytest.mark.parametrize("uri", PRIVATE)
def test_private_addresses_are_refused_to_users(uow, me, uri):
    with pytest.raises(Invalid) as refused:
        remote_policy.validate_clone_uri(me, uow.settings, uri)
    assert "not allowed" in refused.value.reason
    with pytest.raises(Invalid):  # and again when the transfer is about to start
        remote_policy.cleared_limits(me, uow.settings, uri)


@pytest.mark.parametrize(
    "uri", ["http://localhost:1/repo", "http://2130706433/repo", "http://127.1/repo"]
)
def test_host_names_are_judged_by_what_they_resolve_to(uow, me, uri):
    with pytest.raises(Invalid) as refused:
        remote_policy.cleared_limits(me, uow.settings, uri)
    assert "127.0.0.1" in refused.value.reason or "::1" in refused.value.reason


@pytest.mark.parametrize("uri", [u for u in NOT_URLS if u])
def test_local_paths_and_other_schemes_are_refused_to_users(uow, me, uri):
    with pytest.raises(Invalid) as refused:
        remote_policy.validate_clone_uri(me, uow.settings, uri)
    assert "only http(s), ssh and git URLs are allowed" in refused.value.reason


def test_public_addresses_are_allowed_with_guards(uow, me):
    # 192.0.2.x is documentation-only (not public); 93.184.215.14 is; nothing connects here
    assert remote_policy.validate_clone_uri(me, uow.settings, "https://93.184.215.14/r")
    limits = remote_policy.cleared_limits(me, uow.settings, "https://93.184.215.14/r")
    assert limits.public_only  # no redirects, hg guarded at connect time
    with pytest.raises(Invalid):
        remote_policy.cleared_limits(me, uow.settings, "https://192.0.2.1/r")


@pytest.mark.parametrize("uri", PRIVATE[:6])
def test_the_administrator_may_allow_private_addresses(uow, me, uri):
    settings = dataclasses.replace(uow.settings, remote_allow_private=True)
    assert remote_policy.validate_clone_uri(me, settings, uri) == uri
    assert not remote_policy.cleared_limits(me, settings, uri).public_only
    with pytest.raises(Invalid):  # local paths stay a super-admin's
        remote_policy.validate_clone_uri(me, settings, "/srv/elsewhere/repo")


@pytest.mark.parametrize("uri", PRIVATE[:6] + NOT_URLS[:2])
def test_super_admins_clone_from_anywhere(uow, world, uri):
    root = Caller(uow.db, world.root)
    assert remote_policy.validate_clone_uri(root, uow.settings, uri) == uri
    assert not remote_policy.cleared_limits(root, uow.settings, uri).public_only


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "localhost"])
def test_create_repo_refuses_before_connecting(uow, me, host):
    try:
        remote = SilentServer()
    except OSError:
        pytest.skip("no IPv6 loopback")
    with remote:
        spec = repos.RepoSpec(clone_uri=remote.url("http", host))
        with pytest.raises(Invalid):
            repos.create_repo(uow, me, "ssrf-probe", "git", spec)
        assert remote.count == 0
    assert repos.find(uow, "ssrf-probe") is None
