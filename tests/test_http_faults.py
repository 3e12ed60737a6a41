"""HttpClient against misbehaving servers: every fault ends in a classified FetchError, quickly."""

from __future__ import annotations

import gzip
import time
import tracemalloc

import pytest

from pipeline.errors import FetchError
from pipeline.http import HttpClient
from pipeline.settings import Settings
from tests.loopback import LoopbackServer, Route, chunked, drip, redirect_to, reset_after, sequence

CAP = 1024 * 1024


@pytest.fixture
def http_settings():
    return Settings(allow_private_hosts=True, connect_timeout=1.0, read_timeout=1.5,
                    total_timeout=2.5, max_retries=1, retry_backoff_seconds=0.01,
                    max_body_bytes=CAP)


@pytest.fixture(scope="module")
def server():
    with LoopbackServer(poll_interval=0.05) as srv:
        yield srv


def fetch_error(settings, url) -> FetchError:
    with HttpClient(settings) as client, pytest.raises(FetchError) as err:
        client.fetch(url)
    return err.value


def test_drip_server_is_cut_by_the_overall_deadline(server, http_settings):
    url = server.add_handler("/drip", drip(b"x" * 100, every=0.5))
    started = time.monotonic()
    err = fetch_error(http_settings.with_overrides(max_retries=0, total_timeout=1.0), url)
    elapsed = time.monotonic() - started
    assert err.transient and "deadline" in str(err)
    assert elapsed < http_settings.total_timeout + 1.0


def test_reset_mid_body_is_transient(server, http_settings):
    url = server.add_handler("/reset", reset_after(b"<html>" + b"a" * 5000, sent=1000))
    err = fetch_error(http_settings, url)
    assert err.transient and "connection error" in str(err)
    assert len(server.hits_for("/reset")) == 2  # retried once, as settings allow


def test_oversize_body_with_content_length_is_refused_unread(server, http_settings):
    url = server.add("/big.xml", b"<rss>" + b" " * (10 * 1024 * 1024), content_type="application/rss+xml")
    err = fetch_error(http_settings, url)
    assert not err.transient and "cap" in str(err)


def test_oversize_chunked_body_is_cut_at_the_cap(server, http_settings):
    url = server.add_handler("/big-chunked.xml", chunked(b"<rss>" + b"<item/>" * (10 * 1024 * 1024 // 7)))
    err = fetch_error(http_settings, url)
    assert not err.transient and f"{CAP}-byte cap" in str(err)


def test_gzip_bomb_is_cut_with_bounded_memory(server, http_settings):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    url = server.add("/bomb", bomb, Content_Encoding="gzip")
    tracemalloc.start()
    try:
        err = fetch_error(http_settings, url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not err.transient and "decompressed body exceeds" in str(err)
    assert peak < 8 * CAP


def test_truncated_gzip_is_transient(server, http_settings):
    whole = gzip.compress(" ".join(str(i * 7919) for i in range(20000)).encode())
    url = server.add("/truncated", whole[:len(whole) // 2], Content_Encoding="gzip")
    err = fetch_error(http_settings, url)
    assert err.transient and "truncated gzip" in str(err)


def test_corrupt_deflate_is_terminal(server, http_settings):
    url = server.add("/corrupt", b"this is not deflate at all", Content_Encoding="deflate")
    err = fetch_error(http_settings, url)
    assert not err.transient and "corrupt deflate" in str(err)


def test_redirect_loop_is_terminal(server, http_settings):
    server.add_handler("/loop-a", redirect_to("/loop-b"))
    url = server.add_handler("/loop-b", redirect_to("/loop-a")) and server.url("/loop-a")
    err = fetch_error(http_settings, url)
    assert not err.transient and "redirect loop" in str(err)
    assert len(server.hits_for("/loop-a")) == 1


def test_too_many_redirects_is_terminal(server, http_settings):
    for i in range(8):
        server.add_handler(f"/hop{i}", redirect_to(f"/hop{i + 1}"))
    err = fetch_error(http_settings, server.url("/hop0"))
    assert not err.transient and "more than 5 redirects" in str(err)
    assert not server.hits_for("/hop6")


def test_429_waits_for_retry_after_then_succeeds(server, http_settings):
    url = server.add_handler("/busy", sequence(Route(b"slow down", 429, {"Retry-After": "1"}),
                                               Route(b"<p>ok</p>", 200)))
    with HttpClient(http_settings) as client:
        result = client.fetch(url)
    first, second = server.hits_for("/busy")
    assert result.status == 200
    assert second.at - first.at >= 1.0


def test_429_asking_too_long_is_left_for_a_later_pass(server, http_settings):
    url = server.add("/very-busy", b"come back tomorrow", status=429, Retry_After="86400")
    started = time.monotonic()
    err = fetch_error(http_settings, url)
    assert err.transient and err.status == 429 and err.retry_after == 86400
    assert time.monotonic() - started < 1.0
    assert len(server.hits_for("/very-busy")) == 1


def test_backoff_grows_exponentially_with_jitter(server, http_settings):
    sleeps = []
    url = server.add("/always-502", b"bad gateway", status=502)
    settings = http_settings.with_overrides(max_retries=3, retry_backoff_seconds=1.0)
    with HttpClient(settings, sleep=sleeps.append) as client, pytest.raises(FetchError):
        client.fetch(url)
    assert len(sleeps) == 3
    for attempt, slept in enumerate(sleeps):
        assert 0.5 * 2 ** attempt <= slept <= 2 ** attempt


def test_connect_timeout_is_transient(http_settings):
    """A listener whose accept queue is full drops SYNs: the connect must time out, not hang."""
    import socket
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    try:
        for _ in range(3):  # fill the accept queue so further SYNs are dropped
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(listener.getsockname())
            fillers.append(s)
        time.sleep(0.1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow-accept"
        started = time.monotonic()
        err = fetch_error(http_settings.with_overrides(connect_timeout=0.5, max_retries=0), url)
        assert err.transient and time.monotonic() - started < 3.0
        assert "timeout" in str(err) or "deadline" in str(err)
    finally:
        for s in fillers:
            s.close()
        listener.close()


def test_fifty_megabyte_body_is_cut_without_reading_it_all(server, http_settings):
    url = server.add_handler("/fifty", chunked(b"<p>" + b"x" * (50 * 1024 * 1024), chunk=1024 * 1024))
    started = time.monotonic()
    err = fetch_error(http_settings, url)
    assert not err.transient and "cap" in str(err)
    assert time.monotonic() - started < 3.0


def test_brotli_bomb_is_cut(server, http_settings):
    import brotli
    bomb = brotli.compress(b"\0" * (64 * 1024 * 1024), quality=5)
    url = server.add("/br-bomb", bomb, Content_Encoding="br")
    err = fetch_error(http_settings, url)
    assert not err.transient and "decompressed body exceeds" in str(err)


def test_read_timeout_after_headers_is_transient(server, http_settings):
    from tests.loopback import send_headers

    def stall(h):
        send_headers(h, 200, Content_Type="text/html", Content_Length="100")
        h.wfile.flush()
        time.sleep(2.5)  # longer than read_timeout, shorter than the test's patience

    url = server.add_handler("/stall", stall)
    started = time.monotonic()
    err = fetch_error(http_settings.with_overrides(read_timeout=0.5, max_retries=0), url)
    assert err.transient and "timeout" in str(err) and "deadline" not in str(err)
    assert time.monotonic() - started < 1.5


def test_a_client_hanging_up_prints_nothing(capfd):
    """The loopback server's expected errors stay quiet, so a green run looks green."""
    import socket
    with LoopbackServer() as server:
        server.add("/big", b"x" * 4_000_000)
        for _ in range(3):
            with socket.create_connection((server.host, server.port)) as s:
                s.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
                s.recv(100)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        time.sleep(0.5)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception occurred" not in err
