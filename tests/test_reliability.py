"""Crashes, restarts and concurrency: nothing lost, nothing doubled."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time


from pipeline import db, stages
from pipeline.errors import TransientError

from .site import article_count



def _slow_pages(server, delay, one_at_a_time=False):
    """Make every article page of the fixture site take `delay` seconds (and with
    one_at_a_time, answer them in turn, so pages keep arriving over the whole fetch)."""
    turn = threading.Lock() if one_at_a_time else contextlib.nullcontext()
    for path, route in list(server.routes.items()):
        if path.startswith("/news/"):
            body, headers = route.body, route.headers

            def slow(handler, body=body, headers=headers):
                with turn:
                    time.sleep(delay)
                handler.send_response(200)
                for k, v in headers.items():
                    handler.send_header(k, v)
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)
            server.add_handler(path, slow)


def _counts(url):
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT (SELECT count(*) FROM articles),
                              (SELECT count(*) FROM articles WHERE state = 'loaded'),
                              (SELECT count(*) FROM feed_entries),
                              (SELECT count(*) FROM raw_pages),
                              -- events reported twice (same relationship, type and status)
                              (SELECT count(*) FROM (SELECT 1 FROM alliance_events
                                  GROUP BY alliance_id, deal_type, status HAVING count(*) > 1) d)""")
        return cur.fetchone()


def _page_hits(server):
    return {h.path for h in server.hits if h.path.startswith("/news/")}, \
        sum(1 for h in server.hits if h.path.startswith("/news/"))


def test_two_passes_at_once_process_each_article_once(site_settings, news_site):
    _slow_pages(news_site, 0.05)
    errors = []

    def run():
        try:
            stages.run_once(site_settings)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    n = article_count()
    assert _counts(site_settings.database_url) == (n, n, 14, n, 0)
    distinct, total = _page_hits(news_site)
    assert total == len(distinct) == n  # claims are exclusive: no page fetched twice
    feed_polls = [h.path for h in news_site.hits if h.path.startswith("/feeds/")]
    assert sorted(feed_polls) == sorted(set(feed_polls))  # and no feed polled twice


def test_worker_killed_mid_batch_is_recovered_after_lease(site_settings, news_site):
    _slow_pages(news_site, 0.3, one_at_a_time=True)
    env = {**os.environ, "DATABASE_URL": site_settings.database_url,
           "TIEUP_FEEDS_FILE": str(site_settings.feeds_file), "TIEUP_ALLOW_PRIVATE_HOSTS": "1",
           "TIEUP_HOST_INTERVAL_SECONDS": "0", "TIEUP_LEASE_SECONDS": "2"}
    worker = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", "--once"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _counts(site_settings.database_url)[3] < 2:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    total, loaded, _, raw, _ = _counts(site_settings.database_url)
    assert 2 <= raw < article_count() and loaded < total  # killed mid-batch
    with db.connection(site_settings.database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE lease_owner IS NOT NULL")
        assert cur.fetchone()[0] > 0  # its claimed rows are still leased
    stages.run_once(site_settings.with_overrides(lease_seconds=2))  # leases not yet expired
    time.sleep(2.2)
    stages.run_once(site_settings.with_overrides(lease_seconds=2))
    n = article_count()
    assert _counts(site_settings.database_url) == (n, n, 14, n, 0)


def test_database_restart_mid_pass_then_rerun_completes(site_settings, news_site, embedded_server):
    _slow_pages(news_site, 2.0)  # fetching lasts ~4 s (8 threads, 12 pages)
    settings = site_settings.with_overrides(lease_seconds=1)
    failure = []

    def run():
        try:
            stages.run_once(settings)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            failure.append(exc)
    runner = threading.Thread(target=run)
    runner.start()
    time.sleep(1.0)  # feeds polled, fetches under way
    embedded_server.stop()
    time.sleep(0.5)
    embedded_server.start()
    runner.join(timeout=120)
    assert failure, "the pass should have noticed the restart"
    assert db.is_transient_db_error(failure[0]) or isinstance(failure[0], TransientError)
    time.sleep(1.2)  # leases of the failed pass run out
    stages.run_once(settings)
    n = article_count()
    assert _counts(site_settings.database_url) == (n, n, 14, n, 0)
