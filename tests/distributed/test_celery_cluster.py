"""The scale-out, run: the real scheduler and two Celery workers run news_ingest over loopback sites.

Four sites on 127.0.0.2-5, each its own HTTP server that logs every request. The
first run (200 articles) must spread its tasks over both workers and fetch every
article exactly once. The second run (160 new articles) has a worker killed with
SIGKILL while it fetches: Airflow notices the missing heartbeats, retries its tasks on
the other worker, and the run still succeeds with every article stored once.

`make test-distributed` runs this module (it is deselected from `make test`).
"""

from __future__ import annotations

import collections
import importlib.util
import random
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import yaml

from pipeline import db

from ..celery_cluster import CeleryCluster, worker_name
from ..loopback import LoopbackServer

pytestmark = [pytest.mark.distributed, pytest.mark.airflow, pytest.mark.timeout(600)]

BENCH = Path(__file__).resolve().parents[2] / "bench"
HOSTS = 4
FIRST_RUN, SECOND_RUN = 50, 40  # articles per host
HOST_INTERVAL = 0.25  # politeness on: each host's pages come at most 4 a second
HEARTBEAT_TIMEOUT = 20
CLUSTER_ENV = {
    # Short enough for a test: a task whose worker died fails after HEARTBEAT_TIMEOUT s without a
    # heartbeat (the supervisor beats every 5 s) and is retried a second later.
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
    # A task the dead worker had received but not yet started stays queued: requeued after this.
    "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "60",
    "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL": "10",
    "TIEUP_RETRY_DELAY_SECONDS": "1",
    "TIEUP_ALLOW_PRIVATE_HOSTS": "1",
    "TIEUP_HOST_INTERVAL_SECONDS": str(HOST_INTERVAL),
}


def _corpus():
    spec = importlib.util.spec_from_file_location("corpus", BENCH / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("corpus", module)
    spec.loader.exec_module(module)
    return module


def add_site(server: LoopbackServer, prefix: str, seed: int, count: int) -> tuple[str, list[str]]:
    """count generated articles and their RSS feed under prefix; returns the feed URL and article paths."""
    corpus = _corpus()
    items = corpus.articles(seed, count, (2_500, 6_000))
    base, rng, site = server.base + prefix, random.Random(seed), f"Motor Wire {seed}"
    paths = []
    for item in items:
        paths.append(f"{prefix}/{item.slug}")
        server.add(paths[-1], corpus.page(item, base, site, rng))
    server.add(f"{prefix}/feed.rss", corpus.rss(items, base, site), content_type="application/rss+xml")
    return server.url(f"{prefix}/feed.rss"), paths


def write_feeds(path: Path, urls: list[str]) -> None:
    feeds = [{"name": f"site {n}", "url": url, "enabled": True} for n, url in enumerate(urls)]
    path.write_text(yaml.safe_dump({"feeds": feeds}), encoding="utf-8")


def article_hits(servers: list[LoopbackServer], paths: dict[LoopbackServer, list[str]]) -> collections.Counter:
    """How often each article page was requested (host, path) -> count, zero included."""
    hits = collections.Counter({(s.base, p): 0 for s in servers for p in paths[s]})
    for server in servers:
        wanted = set(paths[server])
        hits.update((server.base, h.path) for h in list(server.hits) if h.path in wanted)
    return hits


def database_state(url: str) -> dict:
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT count(*), count(*) FILTER (WHERE state = 'loaded'),
                              count(DISTINCT url), (SELECT count(*) FROM raw_pages),
                              (SELECT count(*) FROM (SELECT article_id FROM event_articles
                                                     GROUP BY 1 HAVING count(*) > 1) twice)
                         FROM articles""")
        total, loaded, urls, raw_pages, twice = cur.fetchone()
    return {"articles": total, "loaded": loaded, "distinct_urls": urls, "raw_pages": raw_pages,
            "events_counting_an_article_twice": twice}


def _stored(url: str, prefix: str) -> int:
    with db.connection(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles WHERE state <> 'discovered' AND url LIKE %s",
                    (f"%{prefix}/%",))
        return cur.fetchone()[0]


def _running_fetches(cluster: CeleryCluster, run_id: str) -> dict[str, list[dict]]:
    """worker name -> the fetch tasks of the run it is running now."""
    running = collections.defaultdict(list)
    for t in cluster.task_tries(run_id):
        if t["task_id"] == "fetch_and_extract" and t["state"] == "running" and t["hostname"]:
            running[worker_name(t["hostname"])].append(t)
    return dict(running)


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_celery_workers_share_news_ingest_and_survive_a_killed_worker(
        database_url, empty_database_url, tmp_path):
    feeds_file = tmp_path / "feeds.yml"
    with ExitStack() as stack:
        servers = [stack.enter_context(LoopbackServer(f"127.0.0.{2 + n}", poll_interval=0.1))
                   for n in range(HOSTS)]
        first = {s: add_site(s, "/first", 100 + n, FIRST_RUN) for n, s in enumerate(servers)}
        second = {s: add_site(s, "/second", 200 + n, SECOND_RUN) for n, s in enumerate(servers)}
        write_feeds(feeds_file, [feed for feed, _ in first.values()])
        cluster = stack.enter_context(CeleryCluster(
            tmp_path / "airflow", database_url, empty_database_url, workers=2,
            env={**CLUSTER_ENV, "TIEUP_FEEDS_FILE": str(feeds_file)}))

        # 1. A whole run on two workers: both work, every article is fetched once and stored once.
        run = cluster.trigger("first")
        assert cluster.wait_for_run(run) == "success", cluster.task_tries(run)
        tries = cluster.task_tries(run)
        workers = collections.Counter(worker_name(t["hostname"]) for t in tries if t["hostname"])  # not skipped
        assert set(workers) == {"worker-1", "worker-2"}, workers
        assert all(t["try_number"] <= 1 for t in tries), [t for t in tries if t["try_number"] > 1]  # no retry
        hits = article_hits(servers, {s: paths for s, (_, paths) in first.items()})
        assert set(hits.values()) == {1}, collections.Counter(hits.values())
        stored = HOSTS * FIRST_RUN
        assert database_state(database_url) == {"articles": stored, "loaded": stored, "distinct_urls": stored,
                                                "raw_pages": stored, "events_counting_an_article_twice": 0}

        # 2. A worker is killed (SIGKILL, its whole process group) while it fetches.
        write_feeds(feeds_file, [feed for feed, _ in second.values()])
        run = cluster.trigger("second")
        fetching = _wait_for(lambda: (_stored(database_url, "/second") >= HOSTS * SECOND_RUN // 4
                                      and _running_fetches(cluster, run)),
                             180, "a worker fetching with a quarter of the articles stored")
        victim = sorted(fetching)[0]
        survivor, = {"worker-1", "worker-2"} - {victim}
        killed = fetching[victim]
        cluster.kill_worker(victim)
        assert cluster.wait_for_run(run, timeout=300) == "success", cluster.task_tries(run)

        tries = cluster.task_tries(run)
        for task in killed:  # each task the dead worker was running ran again, on the other worker
            again = [t for t in tries if (t["task_id"], t["map_index"]) == (task["task_id"], task["map_index"])
                     and t["try_number"] > task["try_number"]]
            assert again and again[-1]["state"] == "success", (task, again)
            assert {worker_name(t["hostname"]) for t in again} == {survivor}, again
        hits = article_hits(servers, {s: paths for s, (_, paths) in second.items()})
        assert min(hits.values()) >= 1
        # Only pages the killed tasks had fetched but not yet stored are fetched again, once.
        refetched = [key for key, count in hits.items() if count > 1]
        assert max(hits.values()) <= 2 and len(refetched) <= len(killed) * 50, collections.Counter(hits.values())
        stored += HOSTS * SECOND_RUN
        assert database_state(database_url) == {"articles": stored, "loaded": stored, "distinct_urls": stored,
                                                "raw_pages": stored, "events_counting_an_article_twice": 0}
