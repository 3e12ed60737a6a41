"""robots.txt and per-host spacing through the hosts table, with real HTTP and a real database."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from pipeline import db
from pipeline.errors import RobotsDisallowedError
from pipeline.http import HttpClient
from pipeline.politeness import Politeness, PolitenessDeferral, host_key, parse_robots
from pipeline.store import hosts as store
from tests.loopback import LoopbackServer

ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: tieup\nDisallow: /no-tieup/\n"


@pytest.fixture
def server():
    with LoopbackServer(poll_interval=0.05) as srv:
        srv.add("/news/a", "<p>a</p>")
        srv.add("/news/b", "<p>b</p>")
        srv.add("/no-tieup/x", "<p>x</p>")
        srv.add("/private/y", "<p>y</p>")
        yield srv


def polite_client(settings, **overrides):
    settings = settings.with_overrides(**overrides)
    politeness = Politeness(settings)
    return HttpClient(settings, politeness), politeness


def test_robots_disallowing_the_path_refuses_without_fetching(server, settings):
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    client, politeness = polite_client(settings)
    assert client.fetch(server.url("/news/a")).status == 200
    with pytest.raises(RobotsDisallowedError) as err:
        client.fetch(server.url("/private/y"))
    assert not err.value.transient and "disallows" in str(err.value)
    assert server.hits_for("/private/y") == []
    assert len(server.hits_for("/robots.txt")) == 1  # cached after the first fetch
    politeness.close()


def test_a_group_naming_tieup_replaces_the_wildcard_group(server, settings):
    server.add("/robots.txt", ROBOTS, content_type="text/plain")
    client, _ = polite_client(settings)
    with pytest.raises(RobotsDisallowedError):
        client.fetch(server.url("/no-tieup/x"))
    assert client.fetch(server.url("/private/y")).status == 200
    assert server.hits_for("/no-tieup/x") == []


def test_redirect_into_a_disallowed_path_is_refused(server, settings):
    from tests.loopback import redirect_to
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    url = server.add_handler("/news/moved", redirect_to("/private/y"))
    client, _ = polite_client(settings)
    with pytest.raises(RobotsDisallowedError):
        client.fetch(url)
    assert server.hits_for("/private/y") == []


def test_robots_cache_is_shared_through_the_database(server, settings, conn):
    server.add("/robots.txt", ROBOTS, content_type="text/plain")
    for _ in range(2):  # two workers, no shared memory
        client, politeness = polite_client(settings)
        client.fetch(server.url("/news/a"))
        politeness.close()
    assert len(server.hits_for("/robots.txt")) == 1
    conn.autocommit = True
    record = store.load_robots(conn, host_key(server.url("/")))
    assert record.status == 200 and "Disallow: /private/" in record.text


def test_robots_is_refetched_after_its_ttl(server, settings, conn):
    server.add("/robots.txt", ROBOTS, content_type="text/plain")
    client, politeness = polite_client(settings)
    client.fetch(server.url("/news/a"))
    with conn.cursor() as cur:
        cur.execute("UPDATE hosts SET robots_fetched_at = now() - interval '2 hours'")
    conn.commit()
    client, politeness = polite_client(settings)  # a new worker: nothing in memory
    client.fetch(server.url("/news/b"))
    assert len(server.hits_for("/robots.txt")) == 2


def test_missing_robots_allows_everything(server, settings):
    client, _ = polite_client(settings)
    assert client.fetch(server.url("/private/y")).status == 200


def test_robots_5xx_defers_the_host_as_a_transient_failure(server, settings):
    server.add("/robots.txt", "oops", status=503)
    client, _ = polite_client(settings, max_retries=2)
    with pytest.raises(PolitenessDeferral) as err:
        client.fetch(server.url("/news/a"))
    assert err.value.transient and "unavailable" in str(err.value)
    assert server.hits_for("/news/a") == []
    assert len(server.hits_for("/robots.txt")) == 1  # not retried inline, cached briefly


def test_crawl_delay_spaces_requests(server, settings):
    server.add("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", content_type="text/plain")
    client, _ = polite_client(settings)
    for path in ("/news/a", "/news/b"):
        client.fetch(server.url(path))
    times = [h.at for h in server.hits if h.path.startswith("/news/")]
    assert times[1] - times[0] >= 0.95


def test_no_interval_and_no_crawl_delay_books_no_slots(server, settings, conn):
    client, _ = polite_client(settings, host_interval_seconds=0)
    client.fetch(server.url("/news/a"))  # fetches robots.txt (404) first
    with conn.cursor() as cur:
        cur.execute("SELECT next_request_at FROM hosts")
        booked = cur.fetchall()
    client.fetch(server.url("/news/b"))
    with conn.cursor() as cur:
        cur.execute("SELECT next_request_at FROM hosts")
        assert cur.fetchall() == booked  # the page requests reserved nothing


def test_host_booked_too_far_ahead_is_deferred(server, settings):
    client, _ = polite_client(settings, host_interval_seconds=30.0, max_host_wait_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(PolitenessDeferral) as err:
        client.fetch(server.url("/news/a"))  # robots.txt took the slot; the next is 30 s away
    assert time.monotonic() - started < 1.0
    assert err.value.transient and err.value.retry_after > 25
    assert len(server.hits_for("/robots.txt")) == 1 and server.hits_for("/news/a") == []


def _worker(settings, url, count, out):
    politeness = Politeness(settings)
    client = HttpClient(settings, politeness)
    for _ in range(count):
        client.fetch(url)
    client.close()
    politeness.close()
    out.put("done")


def test_interval_holds_across_worker_processes(server, settings):
    settings = settings.with_overrides(host_interval_seconds=0.25)
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    workers = [context.Process(target=_worker, args=(settings, server.url("/news/a"), 4, out))
               for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=30)
    assert [out.get(timeout=1) for _ in workers] == ["done"] * 3
    times = sorted(h.at for h in server.hits)
    assert len(server.hits_for("/news/a")) == 12
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.2, gaps  # 0.25 s minus scheduling jitter of the sleeping workers


def test_parse_robots_caps_crawl_delay():
    rules = parse_robots("User-agent: *\nCrawl-delay: 3600\n", 200, max_delay=60)
    assert rules.crawl_delay == 60 and rules.allows("http://x.example/a")
    assert parse_robots(None, 404, 60).allows("http://x.example/a")
    assert not parse_robots(None, 500, 60).allows("http://x.example/a")


def test_host_key():
    assert host_key("https://Example.com:443/a") == "example.com"
    assert host_key("http://example.com:8080/a") == "example.com:8080"


def test_politeness_refuses_a_connection_in_a_transaction(settings, database_url):
    from pipeline.errors import ConfigError
    conn = db.connect(database_url)
    with pytest.raises(ConfigError):
        Politeness(settings, conn)
    conn.close()


def test_workers_starting_together_fetch_robots_once(server, settings):
    import threading
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    start = threading.Barrier(4)

    def work():
        client, politeness = polite_client(settings)
        start.wait()
        client.fetch(server.url("/news/a"))
        politeness.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(server.hits_for("/news/a")) == 4
    assert len(server.hits_for("/robots.txt")) == 1


def test_robots_with_nul_bytes_is_cached_without_them(server, settings, conn):
    server.add("/robots.txt", b"User-agent: *\x00\nDisallow: /private/\n", content_type="text/plain")
    client, _ = polite_client(settings)
    assert client.fetch(server.url("/news/a")).status == 200
    conn.autocommit = True
    assert "\x00" not in store.load_robots(conn, host_key(server.url("/"))).text
