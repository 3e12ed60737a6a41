"""End to end: `tieup run --once` against 20 loopback news sites, with one worker and with two.

Twenty HTTP servers on 127.0.0.2 ... 127.0.0.21 (each one RSS feed of 100
generated article pages of about 110 KB, about a third alliance news) run in a
separate process, so their GIL does not throttle the workers; they still share the
machine's cores with the workers and PostgreSQL. Each measurement starts from a
fresh database: (a) one `python -m pipeline.cli run --once` process, (b) two at the
same time on the same database (claims split the feeds and the batches), in three
rounds. Reported: articles loaded per wall second, and each worker's peak RSS
(VmHWM, read until it exits). Anchors, in the same run: trafilatura.extract alone on
the same pages in one process, and in two processes at once measured before and
after every two-worker round (this machine's speed drifts; each round is compared
with the anchors either side of it, and the median round is reported). With
--profile (and py-spy installed) one worker on 5 hosts is sampled to show where
its time goes.

    python bench/bench_e2e.py [--database-url URL] [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import json
import linecache
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import trafilatura  # noqa: E402
import yaml  # noqa: E402

import corpus  # noqa: E402
import scratch  # noqa: E402
from pipeline import db, langmodel  # noqa: E402
from pipeline.extract import extract_page  # noqa: E402
from tests.loopback import LoopbackServer  # noqa: E402

SEED = 7_2025
HOSTS, PER_HOST = 20, 100
QUICK_HOSTS, QUICK_PER_HOST = 2, 6
PROFILE_HOSTS = 5
FIRST_HOST = 2  # 127.0.0.2
TEXT_CHARS = (2_500, 9_000)
# Boilerplate multiplier of corpus.page: 6 gives pages of 86-135 KB (median about 110 KB),
# the size of real news pages (the article-extraction benchmark's 181 pages: median 115 KB).
# Extraction cost per KB on these pages matches the benchmark's (about 80 us/KB).
BOILERPLATE = 6
TARGETS = {"two_workers_articles_per_second": 40.0, "ratio_vs_extraction": 0.6, "peak_rss_mb": 400.0}
WORKER_TIMEOUT = 1_800
# Two-worker rounds, each between two measurements of the two-process anchor; the median is reported.
TWO_WORKER_ROUNDS = 3


# --------------------------------------------------------------------------- the sites

def site_routes(host_index: int, base: str, per_host: int) -> list[tuple[str, str, str]]:
    """(path, body, content type) of one site: its feed and its article pages."""
    site = f"Motor Wire {host_index}"
    items = corpus.articles(SEED + host_index, per_host, TEXT_CHARS)
    rng = random.Random(SEED * 100 + host_index)
    routes = [(f"/{a.slug}", corpus.page(a, base, site, rng, BOILERPLATE), "text/html; charset=utf-8")
              for a in items]
    return routes + [("/feed.rss", corpus.rss(items, base, site), "application/rss+xml")]


def _serve(hosts: int, per_host: int, ready, stop) -> None:
    """Child process: bind one LoopbackServer per host, serve every site until `stop` is set."""
    # Workers drop idle keep-alive connections when they exit; http.server prints a
    # traceback for each reset, which would bury the bench's own output.
    sys.stderr = open(os.devnull, "w")
    servers = [LoopbackServer(host=f"127.0.0.{FIRST_HOST + i}", poll_interval=0.2) for i in range(hosts)]
    for i, server in enumerate(servers):
        for path, body, content_type in site_routes(i, server.base, per_host):
            server.add(path, body, content_type=content_type)
        server.__enter__()
    ready.put([s.base for s in servers])
    stop.wait()
    for server in servers:
        server.__exit__(None, None, None)


class Sites:
    """The sites in a separate process; use as a context manager. `.bases` are their URLs."""

    def __init__(self, hosts: int, per_host: int):
        context = multiprocessing.get_context("fork")
        self._ready, self._stop = context.Queue(), context.Event()
        self._process = context.Process(target=_serve, args=(hosts, per_host, self._ready, self._stop),
                                        daemon=True)
        self.per_host = per_host
        self.bases: list[str] = []

    def __enter__(self) -> "Sites":
        self._process.start()
        self.bases = self._ready.get(timeout=300)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()

    def cpu_seconds(self) -> float:
        times = psutil.Process(self._process.pid).cpu_times()
        return times.user + times.system

    def pages(self) -> list[tuple[str, str]]:
        """(url, html) of every article page, exactly as served."""
        return [(base + path, body) for i, base in enumerate(self.bases)
                for path, body, kind in site_routes(i, base, self.per_host) if kind.startswith("text/html")]

    def feeds_file(self, path: Path, hosts: int | None = None) -> Path:
        feeds = [{"name": f"site {i}", "url": f"{base}/feed.rss", "enabled": True}
                 for i, base in enumerate(self.bases[:hosts])]
        path.write_text(yaml.safe_dump({"feeds": feeds}), encoding="utf-8")
        return path


# --------------------------------------------------------------------------- the workers

def _worker_env(database_url: str, feeds_file: Path) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "TIEUP_FEEDS_FILE": str(feeds_file),
            "TIEUP_ALLOW_PRIVATE_HOSTS": "1", "TIEUP_HOST_INTERVAL_SECONDS": "0",
            "PYTHONPATH": str(ROOT)}


def run_workers(database_url: str, feeds_file: Path, workers: int, workdir: Path,
                wrapper: tuple[str, ...] = (), extra_env=None) -> dict:
    """Start `workers` `run --once` processes at once; wall time, peak RSS and counts of each."""
    env = {**_worker_env(database_url, feeds_file), **(extra_env or {})}
    procs, logs = [], []
    started = time.perf_counter()
    for n in range(workers):
        out, err = open(workdir / f"worker{n}.out", "w+"), open(workdir / f"worker{n}.err", "w+")
        logs.append((out, err))
        procs.append(subprocess.Popen([*wrapper, sys.executable, "-m", "pipeline.cli", "run", "--once",
                                       "--json"],
                                      cwd=ROOT, env=env, stdout=out, stderr=err))
    waits = _wait_all(procs, started)
    wall = time.perf_counter() - started
    return {"wall_seconds": round(wall, 2),
            "workers": [_result(proc, out, err, *wait) for proc, (out, err), wait in zip(procs, logs, waits)]}


def _high_water_kb(pid: int) -> int | None:
    """VmHWM of a live process: the peak RSS of its current program image, in kB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _wait_all(procs: list[subprocess.Popen], started: float) -> list[tuple]:
    """Wait for every worker, reading each one's peak RSS (VmHWM) until it exits.

    Not ru_maxrss from wait4: Linux carries that across exec, so a child forked
    from a big bench process would report the bench's own size.
    """
    peaks, done = [0] * len(procs), [None] * len(procs)
    while None in done:
        for i, proc in enumerate(procs):
            if done[i] is not None:
                continue
            peaks[i] = max(peaks[i], _high_water_kb(proc.pid) or 0)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                done[i] = (usage, peaks[i], time.perf_counter() - started)
            elif time.perf_counter() > started + WORKER_TIMEOUT:
                proc.kill()
        time.sleep(0.05)
    return done


def _result(proc: subprocess.Popen, out, err, usage, peak_kb: int, seconds: float) -> dict:
    out.seek(0)
    err.seek(0)
    text, errors = out.read(), err.read()
    out.close()
    err.close()
    if proc.returncode != 0:
        raise RuntimeError(f"worker exited {proc.returncode}: {errors[-2000:]}")
    counts = json.loads([line for line in text.splitlines() if line.startswith("{")][-1])
    return {"exit_code": proc.returncode, "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak_kb / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "articles_fetched": counts.get("articles_stored", 0),
            "articles_classified": counts.get("articles_classified", 0)}


def database_counts(database_url: str) -> dict:
    """What the run left in the database."""
    conn = db.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("""SELECT count(*) FILTER (WHERE state = 'loaded'),
                                  count(*) FILTER (WHERE state = 'failed'),
                                  count(*) FILTER (WHERE duplicate_of IS NOT NULL),
                                  count(*) FILTER (WHERE is_alliance AND is_auto),
                                  count(*),
                                  (SELECT count(*) FROM alliance_events)
                           FROM articles""")
            loaded, failed, duplicates, alliance, total, events = cur.fetchone()
    finally:
        conn.close()
    return {"articles_loaded": loaded, "articles_failed": failed, "articles_total": total,
            "duplicates": duplicates, "alliance_articles": alliance, "alliance_events": events}


def measure(server_url: str, template: str, sites: Sites, feeds_file: Path, workers: int,
            workdir: Path) -> dict:
    """One measurement on a fresh database cloned from the migrated template."""
    with scratch.database(server_url, template) as url:
        server_cpu, postgres_cpu = sites.cpu_seconds(), scratch.postgres_cpu_seconds(server_url)
        result = run_workers(url, feeds_file, workers, workdir)
        result["server_cpu_seconds"] = round(sites.cpu_seconds() - server_cpu, 2)
        if postgres_cpu is not None:
            result["postgres_cpu_seconds"] = round(scratch.postgres_cpu_seconds(server_url) - postgres_cpu, 2)
        result["load_average"] = round(os.getloadavg()[0], 2)
        result.update(database_counts(url))
    result["articles_per_second"] = round(result["articles_loaded"] / result["wall_seconds"], 1)
    result["peak_rss_mb"] = max(w["peak_rss_mb"] for w in result["workers"])
    return result


# --------------------------------------------------------------------------- anchor and profile

def extraction_alone(pages: list[tuple[str, str]]) -> dict:
    """Pages per second of trafilatura.extract alone (the anchor) and of extract_page, in one process."""
    result = {"pages": len(pages)}
    for name, fn in (("trafilatura", _trafilatura), ("extract_page", _extract_page)):
        for url, html in pages[:3]:
            fn(url, html)  # warm-up
        cpu, wall = time.process_time(), time.perf_counter()
        for url, html in pages:
            fn(url, html)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        result[f"{name}_pages_per_second"] = round(len(pages) / wall, 1)
        result[f"{name}_pages_per_cpu_second"] = round(len(pages) / cpu, 1)
    return result


class TwoProcessAnchor:
    """trafilatura.extract on the same pages in two processes at once (both cores, as the two workers).

    Started and warmed up once; measured before and after every two-worker round,
    so each round is compared with the machine as it was at the time.
    """

    def __init__(self, pages: list[tuple[str, str]]):
        self._halves = [pages[0::2], pages[1::2]]
        self._pool = multiprocessing.get_context("spawn").Pool(2)
        self._pool.map(_extract_all, [half[:3] for half in self._halves])  # start-up and warm-up

    def pages_per_second(self) -> float:
        wall = time.perf_counter()
        self._pool.map(_extract_all, self._halves)
        return round(sum(map(len, self._halves)) / (time.perf_counter() - wall), 1)

    def close(self) -> None:
        self._pool.close()
        self._pool.join()


def _trafilatura(url: str, html: str):
    return trafilatura.extract(html)


def _extract_page(url: str, html: str):
    return extract_page(html, url=url)


def _extract_all(pages: list[tuple[str, str]]) -> int:
    for url, html in pages:
        _trafilatura(url, html)
    return len(pages)


STAGES = (("poll feeds", "poll_feed"), ("fetch and extract", "fetch_and_extract"),
          ("dedupe", "dedupe_articles"), ("classify", "classify_articles"), ("load", "load_records"))
# What a main-thread sample is doing, first match wins (leaf = the innermost Python frame).
SQL_CALLS = ("execute(", "commit()", "fetchone()", "fetchall()", "execute_values(")
CAUSES = (("waiting for fetch threads", ("result_iterator (", "_result_or_cancel (")),
          ("dedupe: text normalisation and hash", ("normalise_text (", "_normalised_utf8 (")),
          ("extract_page: language", ("detect_language (",)),
          ("extract_page: trafilatura text", ("main_text (",)),
          ("extract_page: metadata and date", ("read_metadata (", "htmldate_published (", "_published (")),
          ("extract_page: other", ("extract_page (",)),
          ("dedupe: MinHash signature", ("signature (pipeline/fingerprint.py",)),
          ("classifier", ("classify_article (",)),
          ("gzip of raw page", ("compress (",)),
          ("imports and start-up", ("_find_and_load (",)))


def _py_spy() -> str | None:
    candidate = Path(sys.executable).with_name("py-spy")
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


def _frame_source(frame: str) -> str:
    """The source line of a py-spy frame 'func (path/file.py:123)'."""
    where = frame.rsplit("(", 1)[-1].rstrip(")")
    path, _, line = where.rpartition(":")
    full = ROOT / path if not path.startswith("/") else Path(path)
    return linecache.getline(str(full), int(line)) if line.isdigit() else ""


def _cause(frames: list[str]) -> str:
    if any(call in _frame_source(frames[-1]) for call in SQL_CALLS):
        return "PostgreSQL (queries and commits, incl. waits)"
    stack = ";".join(frames)
    for label, markers in CAUSES:
        if any(m in stack for m in markers):
            return label
    return "other Python"


def summarise_py_spy(raw: Path, rate: int) -> dict:
    """Seconds of the worker's main thread per stage and per cause, from py-spy's raw output."""
    stages, causes, total = {}, {}, 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not frames[0].startswith("_run_module_as_main") or not count.isdigit():
            continue  # the fetch pool's threads start at Thread._bootstrap
        n = int(count)
        total += n
        stage = next((label for label, fn in STAGES if f";{fn} (" in stack), "start-up and the rest")
        stages[stage] = stages.get(stage, 0) + n
        cause = _cause(frames)
        causes[cause] = causes.get(cause, 0) + n
    seconds = lambda d: {k: round(v / rate, 2) for k, v in sorted(d.items(), key=lambda kv: -kv[1])}  # noqa: E731
    return {"main_thread_seconds": round(total / rate, 2), "by_stage": seconds(stages), "by_cause": seconds(causes)}


def profile_worker(server_url: str, template: str, sites: Sites, workdir: Path, hosts: int) -> dict:
    """Sample one worker with py-spy over the first `hosts` sites (wall-clock, idle included),
    and time the same pass unsampled."""
    spy = _py_spy()
    if spy is None:
        return {"skipped": "py-spy not installed (pip install py-spy)"}
    raw, rate = workdir / "worker.spy", 100
    feeds_file = sites.feeds_file(workdir / "profile-feeds.yml", hosts)
    with scratch.database(server_url, template) as url:
        run = run_workers(url, feeds_file, 1, workdir,
                          wrapper=(spy, "record", "--idle", "-r", str(rate), "-f", "raw",
                                              "-o", str(raw), "--"))
        loaded = database_counts(url)["articles_loaded"]
    with scratch.database(server_url, template) as url:
        plain = run_workers(url, feeds_file, 1, workdir)
    return {"hosts": hosts, "articles_loaded": loaded, "sampled_wall_seconds": run["wall_seconds"],
            "plain_wall_seconds": plain["wall_seconds"],
            **summarise_py_spy(raw, rate)}


# --------------------------------------------------------------------------- driver

def run(database_url: str | None = None, quick: bool = False, profile: bool = False) -> dict:
    """Both measurements and the anchors; database_url is a server URL (scratch databases on it)."""
    hosts, per_host = (QUICK_HOSTS, QUICK_PER_HOST) if quick else (HOSTS, PER_HOST)
    with scratch.server(database_url) as server_url, \
            tempfile.TemporaryDirectory(prefix="tieup-e2e-") as tmp, Sites(hosts, per_host) as sites:
        workdir = Path(tmp)
        template = db.database_name(scratch.create_database(server_url))
        langmodel.load_identifier()  # as on a deployed worker: the unpacked language model is cached
        pages = sites.pages()
        anchor = TwoProcessAnchor(pages)
        try:
            feeds_file = sites.feeds_file(workdir / "feeds.yml")
            result = {"hosts": hosts, "articles_served": hosts * per_host, "quick": quick,
                      "one_worker": measure(server_url, template, sites, feeds_file, 1, workdir)}
            anchors, rounds = [anchor.pages_per_second()], []
            for _ in range(1 if quick else TWO_WORKER_ROUNDS):
                rounds.append(measure(server_url, template, sites, feeds_file, 2, workdir))
                anchors.append(anchor.pages_per_second())
            sizes = sorted(len(html.encode("utf-8")) for _, html in pages)
            result.update(page_kb_min=round(sizes[0] / 1024, 1), page_kb_max=round(sizes[-1] / 1024, 1))
            result["extraction_alone"] = extraction_alone(pages)
            if profile:
                result["profile"] = profile_worker(server_url, template, sites, workdir,
                                                   min(hosts, PROFILE_HOSTS))
        finally:
            anchor.close()
            scratch.drop_database(db.with_database(server_url, template))
    result.update(_two_worker_rounds(rounds, anchors))
    result["ratio_vs_extraction"] = round(
        result["two_workers"]["articles_per_second"] / result["extraction_alone"]["trafilatura_pages_per_second"], 3)
    result["targets"] = TARGETS
    return result


def _two_worker_rounds(rounds: list[dict], anchors: list[float]) -> dict:
    """The median round, and each round's rate over the mean of the anchors measured either side of it."""
    ratios = [round(r["articles_per_second"] / ((before + after) / 2), 3)
              for r, before, after in zip(rounds, anchors, anchors[1:])]
    median = sorted(range(len(rounds)), key=lambda i: ratios[i])[len(rounds) // 2]
    # the reported peak RSS is the highest of every round
    two = dict(rounds[median], peak_rss_mb=max(r["peak_rss_mb"] for r in rounds))
    return {"two_workers": two, "two_worker_rounds": [r["articles_per_second"] for r in rounds],
            "anchor_two_processes": anchors, "ratios_two_processes": ratios,
            "ratio_vs_extraction_two_processes": ratios[median],
            "trafilatura_two_processes_pages_per_second": round((anchors[median] + anchors[median + 1]) / 2, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="server URL (scratch databases are created on it)")
    parser.add_argument("--quick", action="store_true", help="2 hosts x 6 articles, for a smoke test")
    parser.add_argument("--profile", action="store_true", help="also sample one worker on 5 hosts with py-spy")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.database_url, args.quick, args.profile), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
