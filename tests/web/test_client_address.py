"""The client behind trusted proxies: the rightmost X-Forwarded-For hop that is not one of them
(issue 14.15). nginx's ``$proxy_add_x_forwarded_for`` appends to what the client sent, so the
left end of the chain is the client's to choose."""

from __future__ import annotations

import pytest

from vcshub.web.client_address import TrustedProxies, client_address, parse_address

LOCAL = TrustedProxies(["127.0.0.1", "::1"])
TIERS = TrustedProxies(["127.0.0.1", "10.0.0.0/8"])


@pytest.mark.parametrize(
    ("chain", "client"),
    [
        # the client sent "1.1.1.1"; nginx appended the address it saw
        (["1.1.1.1, 203.0.113.7"], "203.0.113.7"),
        (["203.0.113.7"], "203.0.113.7"),
        # two proxies of ours: skip both from the right
        (["1.1.1.1, 203.0.113.7, 10.0.0.2"], "203.0.113.7"),
        (["1.1.1.1, 203.0.113.7, 10.0.0.2, 10.0.0.3"], "203.0.113.7"),
        # several headers are one chain, in order
        (["1.1.1.1", "203.0.113.7, 10.0.0.2"], "203.0.113.7"),
        # ports and brackets, IPv6, IPv4-mapped IPv6
        (["1.1.1.1, 203.0.113.7:4711"], "203.0.113.7"),
        (["1.1.1.1, [2001:db8::1]:443"], "2001:db8::1"),
        (["1.1.1.1, 2001:db8::1"], "2001:db8::1"),
        (["::ffff:203.0.113.9"], "203.0.113.9"),
        # every hop is ours: the request started at the leftmost
        (["10.0.0.5, 10.0.0.2"], "10.0.0.5"),
        # garbage where an address should be: the peer, never the garbage
        (["1.1.1.1, not-an-ip"], "127.0.0.1"),
        (["203.0.113.7, <script>, 10.0.0.2"], "127.0.0.1"),
        (["unknown"], "127.0.0.1"),
        # garbage further left than the client does not matter
        (["x' OR 1=1, 203.0.113.7"], "203.0.113.7"),
        # empty hops are skipped; an empty header is no header
        (["203.0.113.7, , "], "203.0.113.7"),
        ([""], "127.0.0.1"),
    ],
)
def test_rightmost_untrusted_hop(chain, client):
    assert client_address("127.0.0.1", TIERS, None, chain) == client


def test_forwarded_headers_count_only_from_trusted_peers():
    assert client_address("198.51.100.4", LOCAL, "1.1.1.1", ["2.2.2.2"]) == "198.51.100.4"
    assert client_address("198.51.100.4", TrustedProxies(["*"]), None, ["2.2.2.2"]) == "2.2.2.2"
    assert client_address("127.0.0.1", TrustedProxies([]), "1.1.1.1", ["2.2.2.2"]) == "127.0.0.1"
    # a trusted peer given in IPv4-mapped form, a network of proxies
    assert client_address("::ffff:127.0.0.1", LOCAL, None, ["2.2.2.2"]) == "2.2.2.2"
    assert client_address("10.3.4.5", TIERS, None, ["2.2.2.2"]) == "2.2.2.2"


def test_real_ip_is_read_first_when_it_is_an_address():
    assert client_address("127.0.0.1", LOCAL, "192.0.2.1", ["2.2.2.2"]) == "192.0.2.1"
    assert client_address("127.0.0.1", LOCAL, "192.0.2.1:8080", []) == "192.0.2.1"
    assert client_address("127.0.0.1", LOCAL, "garbage", ["1.1.1.1, 2.2.2.2"]) == "2.2.2.2"
    assert client_address("127.0.0.1", LOCAL, "garbage", []) == "127.0.0.1"


def test_an_unparseable_setting_trusts_nobody():
    typo = TrustedProxies(["localhost"])
    assert client_address("127.0.0.1", typo, None, ["2.2.2.2"]) == "127.0.0.1"


def test_parse_address():
    assert str(parse_address(" [::1]:80 ")) == "::1"
    assert parse_address("1.2.3.4.5") is None
    assert parse_address("") is None
    assert parse_address(None) is None
