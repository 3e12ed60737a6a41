"""Outbound safety: private, loopback, link-local and metadata addresses are refused before connecting."""

from __future__ import annotations

import socket

import pytest

from pipeline import http
from pipeline.errors import BlockedAddressError
from pipeline.http import HttpClient, is_public_address
from pipeline.settings import Settings
from tests.loopback import LoopbackServer, redirect_to


def serve(host: str = "127.0.0.1") -> LoopbackServer:
    return LoopbackServer(host, poll_interval=0.05)

STRICT = Settings(allow_private_hosts=False, connect_timeout=1.0, read_timeout=1.0,
                  total_timeout=2.0, max_retries=0)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
    "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1", "64:ff9b::a00:1",
    "fe80::1%1",
])
def test_non_public_addresses_are_recognised(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.69", "2606:4700::6810:84e5"])
def test_public_addresses_pass(address):
    assert is_public_address(address)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/", "http://localhost:{port}/", "http://10.0.0.7/",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]:{port}/", "http://0.0.0.0:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
])
def test_private_targets_are_refused_before_any_connection(url):
    with serve() as srv:
        with HttpClient(STRICT) as client, pytest.raises(BlockedAddressError) as err:
            client.fetch(url.format(port=srv.port))
        assert srv.hits == []
    assert not err.value.transient


def _pretend_public(monkeypatch, *addresses):
    """Treat some loopback addresses as public so a test server can play the outside world."""
    real = http.is_public_address
    monkeypatch.setattr(http, "is_public_address", lambda a: a in addresses or real(a))


@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/internal", "http://169.254.169.254/latest/",
                                    "http://[::1]:{port}/", "http://10.0.0.7/"])
def test_redirect_to_a_private_address_is_refused(monkeypatch, target):
    _pretend_public(monkeypatch, "127.0.0.1")
    with serve("127.0.0.1") as outside, serve("127.0.0.2") as inside:
        inside.add("/internal", "secret")
        url = outside.add_handler("/go", redirect_to(target.format(port=inside.port)))
        with HttpClient(STRICT) as client, pytest.raises(BlockedAddressError):
            client.fetch(url)
        assert len(outside.hits) == 1 and inside.hits == []


def test_hostname_resolving_to_private_address_is_refused(monkeypatch):
    real = socket.getaddrinfo
    monkeypatch.setattr(http.socket, "getaddrinfo", lambda host, *a, **k: real(
        "10.0.0.8" if host == "intranet.example" else host, *a, **k))
    with HttpClient(STRICT) as client, pytest.raises(BlockedAddressError, match="10.0.0.8"):
        client.fetch("http://intranet.example/")


def test_dns_rebinding_after_the_check_is_still_refused(monkeypatch):
    """The first lookup answers a 'public' address, the one at connect time a private one."""
    _pretend_public(monkeypatch, "127.0.0.1")
    with serve("127.0.0.1") as public, serve("127.0.0.2") as private:
        answers = iter(["127.0.0.1"] + ["127.0.0.2"] * 5)
        real = socket.getaddrinfo
        monkeypatch.setattr(http.socket, "getaddrinfo", lambda host, *a, **k: real(
            next(answers) if host == "rebind.example" else host, *a, **k))
        with HttpClient(STRICT) as client, pytest.raises(BlockedAddressError):
            client.fetch(f"http://rebind.example:{private.port}/")
        assert private.hits == [] and public.hits == []


def test_allow_private_hosts_lets_loopback_through():
    with serve() as srv:
        url = srv.add("/ok", "fine")
        with HttpClient(STRICT.with_overrides(allow_private_hosts=True)) as client:
            assert client.fetch(url).status == 200
