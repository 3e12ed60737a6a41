"""HttpClient against a real loopback server: the normal paths."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from pipeline.errors import FetchError
from pipeline.http import HttpClient, parse_retry_after, require_content_type
from pipeline.settings import Settings
from tests.loopback import LoopbackServer, Route, redirect_to, sequence

PAGE = b"<html><body><p>Honda and Nissan sign an MoU.</p></body></html>"


@pytest.fixture
def http_settings():
    return Settings(allow_private_hosts=True, connect_timeout=1.0, read_timeout=2.0,
                    total_timeout=4.0, max_retries=1, retry_backoff_seconds=0.01,
                    max_body_bytes=1024 * 1024)


@pytest.fixture(scope="module")
def server():
    with LoopbackServer(poll_interval=0.05) as srv:
        yield srv


def test_plain_fetch_sends_descriptive_user_agent(server, http_settings):
    url = server.add("/a", PAGE, content_type="text/html; charset=ISO-8859-1")
    with HttpClient(http_settings) as client:
        result = client.fetch(url)
    assert (result.status, result.body) == (200, PAGE)
    assert (result.content_type, result.charset) == ("text/html", "iso-8859-1")
    agent = server.hits[0].headers["User-Agent"]
    assert agent.startswith("tieup/") and http_settings.contact_url in agent


def test_cookies_are_neither_kept_nor_sent(server, http_settings):
    first = server.add("/metered/1", PAGE, Set_Cookie="meter=1; Path=/")
    second = server.add("/metered/2", PAGE)
    with HttpClient(http_settings) as client:
        assert client.fetch(first).status == 200
        assert client.fetch(second).status == 200
    hits = server.hits_for("/metered/2")
    assert hits and "Cookie" not in hits[-1].headers


@pytest.mark.parametrize("encoding, encode", [
    ("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress),
    ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
])
def test_compressed_bodies_are_decoded(server, http_settings, encoding, encode):
    url = server.add(f"/z/{encoding}/{len(encode(b'x'))}", encode(PAGE * 100), Content_Encoding=encoding)
    with HttpClient(http_settings) as client:
        assert client.fetch(url).body == PAGE * 100


def test_conditional_get_returns_304(server, http_settings):
    def handle(h):
        if h.headers.get("If-None-Match") == '"v1"' and h.headers.get("If-Modified-Since"):
            h.send_response(304)
            h.send_header("Content-Length", "0")
            h.end_headers()
        else:
            h.send_response(200)
            h.send_header("ETag", '"v1"')
            h.send_header("Content-Length", str(len(PAGE)))
            h.end_headers()
            h.wfile.write(PAGE)
    url = server.add_handler("/feed", handle)
    with HttpClient(http_settings) as client:
        first = client.fetch(url)
        again = client.fetch(url, etag=first.headers["etag"], last_modified="Sat, 21 Nov 2026 05:00:00 GMT")
    assert first.status == 200 and not first.not_modified
    assert again.status == 304 and again.not_modified and again.body == b""


def test_redirects_are_followed_and_final_url_kept(server, http_settings):
    server.add("/final", PAGE)
    server.add_handler("/one", redirect_to("/two", 301))
    url = server.add_handler("/two", redirect_to(server.url("/final"), 307)) and server.url("/one")
    with HttpClient(http_settings) as client:
        result = client.fetch(url)
    assert result.url == url and result.final_url == server.url("/final")


def test_404_is_terminal_and_not_retried(server, http_settings):
    with HttpClient(http_settings) as client, pytest.raises(FetchError) as err:
        client.fetch(server.url("/missing"))
    assert (err.value.transient, err.value.status) == (False, 404)
    assert len(server.hits_for("/missing")) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_transient_and_retried(server, http_settings, status):
    url = server.add_handler(f"/flaky{status}", sequence(Route(b"down", status), Route(PAGE, 200)))
    with HttpClient(http_settings) as client:
        assert client.fetch(url).body == PAGE
    assert len(server.hits_for(f"/flaky{status}")) == 2


def test_persistent_503_gives_up_transient(server, http_settings):
    url = server.add("/down", b"down", status=503)
    with HttpClient(http_settings) as client, pytest.raises(FetchError) as err:
        client.fetch(url)
    assert err.value.transient and err.value.status == 503
    assert len(server.hits_for("/down")) == 1 + http_settings.max_retries


def test_connection_refused_is_transient(http_settings):
    with LoopbackServer(poll_interval=0.05) as srv:
        url = srv.url("/gone")
    with HttpClient(http_settings.with_overrides(max_retries=0)) as client, pytest.raises(FetchError) as err:
        client.fetch(url)
    assert err.value.transient


def test_pdf_behind_article_link_is_terminal_for_html_callers(server, http_settings):
    url = server.add("/report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="application/pdf")
    with HttpClient(http_settings) as client:
        result = client.fetch(url)
    with pytest.raises(FetchError) as err:
        require_content_type(result)
    assert not err.value.transient and "application/pdf" in str(err.value)


def test_unsupported_scheme_is_terminal(http_settings):
    with HttpClient(http_settings) as client, pytest.raises(FetchError) as err:
        client.fetch("file:///etc/passwd")
    assert not err.value.transient


def test_retry_after_parses_seconds_and_dates():
    from datetime import datetime, timezone
    now = datetime(2026, 11, 21, 6, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Sat, 21 Nov 2026 06:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None
