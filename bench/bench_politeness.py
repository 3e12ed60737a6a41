#!/usr/bin/env python3
"""Politeness under load: 20 loopback hosts, 2,000 articles, workers sharing per-host slots through PostgreSQL.

Usage: python bench/bench_politeness.py [--interval 0.2] [--workers 20] [--json]
Each host is its own address (127.0.0.2 ... 127.0.0.21), served from a separate
process. Workers are processes with a few threads each; every thread has its own
HttpClient, Politeness and database connection, so all they share is the hosts table. The bench fetches with 1, 5 and 20
hosts and reports, per run, articles per second and the smallest gap the servers saw
between two requests to one host (it should not fall below the interval, give or
take the few milliseconds a request spends between its slot and the server).
Uses DATABASE_URL if set, else an embedded PostgreSQL in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import db  # noqa: E402
from pipeline.http import HttpClient  # noqa: E402
from pipeline.politeness import Politeness  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.store.migrations import migrate  # noqa: E402
from tests.loopback import LoopbackServer  # noqa: E402

ARTICLE = "<html><body><article><p>Article {n} about an alliance.</p></article></body></html>"
# Arrival jitter the servers may observe below the reserved spacing: a request leaves up to
# 5 ms after its slot (politeness re-reserves otherwise), then crosses two busy processes.
JITTER = 0.025
# fork: children inherit the imported modules (spawn would re-import everything per process).
CONTEXT = multiprocessing.get_context("fork")


def serve_hosts(count: int, articles_per_host: int, pipe) -> None:
    """Child process: serve `count` hosts, send their base URLs, then on request their hit times."""
    servers = []
    for i in range(count):
        server = LoopbackServer(f"127.0.0.{i + 2}", poll_interval=0.05).__enter__()
        # Connection: close keeps the server process to a few live threads: with keep-alive,
        # 20 hosts x 20 workers would park 400 threads there and blur its arrival clock.
        server.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain",
                   Connection="close")
        for n in range(articles_per_host):
            server.add(f"/a/{n}", ARTICLE.format(n=n), Connection="close")
        servers.append(server)
    pipe.send([s.base for s in servers])
    pipe.recv()  # the crawl is over
    pipe.send([[h.at for h in s.hits] for s in servers])
    for server in servers:
        server.__exit__(None, None, None)


class Hosts:
    """The loopback hosts, in their own process so their clocks are not slowed by the crawlers."""

    def __init__(self, count: int, articles_per_host: int):
        self._pipe, child = CONTEXT.Pipe()
        self._process = CONTEXT.Process(target=serve_hosts, args=(count, articles_per_host, child))
        self._process.start()
        self.bases: list[str] = self._pipe.recv()

    def hit_times(self) -> list[list[float]]:
        self._pipe.send("done")
        times = self._pipe.recv()
        self._process.join(timeout=30)
        return times


def crawl_worker(settings: Settings, todo, threads: int, failures) -> None:
    """Child process: `threads` threads, each with its own client, fetch URLs until the queue is empty."""
    ready = threading.Barrier(threads)

    def work() -> None:
        politeness = Politeness(settings)
        client = HttpClient(settings, politeness)
        ready.wait()  # TLS contexts and connections are set up before anyone fetches
        try:
            while True:
                try:
                    url = todo.get(timeout=0.5)
                except queue.Empty:
                    return
                try:
                    client.fetch(url)
                except Exception as exc:  # noqa: BLE001 - a bench reports failures, it does not stop
                    failures.put(f"{url}: {exc}")
        finally:
            client.close()
            politeness.close()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def crawl(settings: Settings, urls: list[str], processes: int, threads: int) -> float:
    """Fetch every URL with processes x threads workers; returns the elapsed seconds."""
    todo, failures = CONTEXT.Queue(), CONTEXT.Queue()
    for url in urls:
        todo.put(url)
    workers = [CONTEXT.Process(target=crawl_worker, args=(settings, todo, threads, failures))
               for _ in range(processes)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    errors = []
    while not failures.empty():
        errors.append(failures.get())
    if errors:
        raise RuntimeError(f"{len(errors)} fetches failed, first: {errors[0]}")
    return elapsed


def host_gaps(hit_times: list[list[float]]) -> list[float]:
    """Times between consecutive requests to the same host, all hosts together, sorted."""
    gaps = []
    for times in hit_times:
        times = sorted(times)
        gaps += [b - a for a, b in zip(times, times[1:])]
    return sorted(gaps)


def interleaved_urls(bases: list[str], per_host: int) -> list[str]:
    """Article URLs ordered host by host in turn, as feeds from many sites would give them."""
    return [f"{base}/a/{n}" for n in range(per_host) for base in bases]


def one_run(database_url: str, hosts: int, per_host: int, interval: float,
            processes: int, threads: int) -> dict:
    settings = Settings(database_url=database_url, allow_private_hosts=True,
                        host_interval_seconds=interval, max_host_wait_seconds=3600,
                        max_retries=0, connect_timeout=5, read_timeout=5, total_timeout=30)
    served = Hosts(hosts, per_host)
    try:
        seconds = crawl(settings, interleaved_urls(served.bases, per_host), processes, threads)
    finally:
        times = served.hit_times()
    gaps = host_gaps(times)
    articles = hosts * per_host
    return {"hosts": hosts, "articles": articles, "requests": sum(map(len, times)),
            "seconds": round(seconds, 2), "articles_per_second": round(articles / seconds, 1),
            "min_gap_seconds": round(gaps[0], 4),
            "p1_gap_seconds": round(gaps[len(gaps) // 100], 4),
            "gaps_below_interval": sum(g < interval for g in gaps),
            "interval_held": gaps[0] >= interval - JITTER}


def fresh_database(server_url: str) -> str:
    name = f"tieup_bench_{uuid.uuid4().hex[:8]}"
    with db.connection(server_url, autocommit=True) as admin, admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = db.with_database(server_url, name)
    with db.connection(url) as conn:
        migrate(conn)
    return url


def run(interval: float = 0.2, processes: int = 4, threads: int = 5,
        plan=((1, 50), (5, 50), (20, 100))) -> dict:
    """Crawl with 1, 5 and 20 hosts (the last: 2,000 articles); results per run."""
    server_url = os.environ.get("DATABASE_URL")
    embedded, tmp = None, None
    if not server_url:
        from pipeline.embedded_pg import start
        tmp = tempfile.TemporaryDirectory(prefix="tieup-bench-pg-")
        embedded = start(Path(tmp.name) / "pgdata")
        server_url = embedded.get_uri()
    try:
        runs = [one_run(fresh_database(server_url), hosts, per_host, interval, processes, threads)
                for hosts, per_host in plan]
    finally:
        if embedded is not None:
            embedded.cleanup()
            tmp.cleanup()
    rates = [r["articles_per_second"] for r in runs]
    return {"interval_seconds": interval, "processes": processes, "threads": threads, "runs": runs,
            "interval_held": all(r["interval_held"] for r in runs),
            "throughput_grows_with_hosts": all(a < b for a, b in zip(rates, rates[1:]))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--interval", type=float, default=0.2, help="per-host interval in seconds")
    ap.add_argument("--processes", type=int, default=4, help="worker processes")
    ap.add_argument("--threads", type=int, default=5, help="threads per worker process")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    report = run(args.interval, args.processes, args.threads)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"per-host interval {report['interval_seconds']} s, {report['processes']} worker processes "
          f"x {report['threads']} threads")
    print(f"{'hosts':>5} {'articles':>8} {'requests':>8} {'seconds':>8} {'articles/s':>10} "
          f"{'min gap (s)':>11} {'1% gap (s)':>10} {'gaps < interval':>15}")
    for r in report["runs"]:
        print(f"{r['hosts']:>5} {r['articles']:>8} {r['requests']:>8} {r['seconds']:>8} "
              f"{r['articles_per_second']:>10} {r['min_gap_seconds']:>11} {r['p1_gap_seconds']:>10} "
              f"{r['gaps_below_interval']:>15}")
    print(f"interval held on every host (within {JITTER * 1000:.0f} ms of arrival jitter): "
          f"{report['interval_held']}; "
          f"throughput grows with hosts: {report['throughput_grows_with_hosts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
