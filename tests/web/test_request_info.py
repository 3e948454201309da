"""Which address a request comes from: forwarded headers count only from trusted proxies."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from vcshub.config import load_settings
from vcshub.web.request_info import request_client_ip

SPOOFED = [(b"x-real-ip", b"10.9.9.9"), (b"x-forwarded-for", b"10.8.8.8, 10.7.7.7")]


def request_from(peer: str, headers=()) -> Request:
    return Request({"type": "http", "client": (peer, 40000), "headers": list(headers)})


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1"])
def test_local_proxy_names_the_client(peer):
    settings = load_settings(environ={})
    assert request_client_ip(request_from(peer, SPOOFED), settings) == "10.9.9.9"
    # the rightmost hop the trusted proxy appended, not what its client put in front (issue 14.15)
    forwarded = request_from(peer, SPOOFED[1:])
    assert request_client_ip(forwarded, settings) == "10.7.7.7"


def test_other_peers_cannot_pick_their_address():
    settings = load_settings(environ={})
    assert request_client_ip(request_from("192.0.2.5", SPOOFED), settings) == "192.0.2.5"


def test_configured_proxies():
    everyone = load_settings(environ={"VCSHUB_FORWARDED_ALLOW_IPS": "*"})
    assert request_client_ip(request_from("192.0.2.5", SPOOFED), everyone) == "10.9.9.9"
    nobody = load_settings(environ={}, forwarded_allow_ips=[])
    assert request_client_ip(request_from("127.0.0.1", SPOOFED), nobody) == "127.0.0.1"
    proxy = load_settings(environ={"VCSHUB_FORWARDED_ALLOW_IPS": "192.0.2.5"})
    assert request_client_ip(request_from("192.0.2.5", SPOOFED), proxy) == "10.9.9.9"
    assert request_client_ip(request_from("127.0.0.1", SPOOFED), proxy) == "127.0.0.1"
