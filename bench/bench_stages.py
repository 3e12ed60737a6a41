"""Per-stage throughput (items per second) with the anchors measured in the same run.

Stages: feed parsing (pipeline.feeds.parse_feed on a 200-entry RSS), extraction
(pipeline.extract.extract_page on generated 30-60 KB article pages; anchor:
trafilatura.extract alone on the same pages), dedupe (the whole per-article step,
stages.dedupe.dedupe_batch: signature, LSH lookup, verification, index insert),
classification (bench_classify), and database load (N extracted article rows
through stages.store_archive_records, the storing half of `tieup ingest`; anchor:
PostgreSQL COPY of the same rows into the same table, each into a fresh database).

    python bench/bench_stages.py [--database-url URL] [--quick]

CPU-bound stages report items per CPU second of this process (a busy neighbour on
a shared machine disturbs that less than wall time; wall rates are kept too).
The load compares wall times, because the work is split between this process and
the server.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg2.extensions  # noqa: E402
import trafilatura  # noqa: E402

import bench_classify  # noqa: E402
import corpus  # noqa: E402
import scratch  # noqa: E402
from pipeline import db, feeds, fingerprint, stages, urls  # noqa: E402
from pipeline.extract import extract_page  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.stages import dedupe as dedupe_stage  # noqa: E402

SEED = 20251121
FULL = {"feed_entries": 200, "feed_seconds": 2.0, "pages": 120, "extract_rounds": 3,
        "classify_seconds": 3.0, "load_rows": 20_000, "dedupe_articles": 400}
QUICK = {"feed_entries": 200, "feed_seconds": 0.3, "pages": 12, "extract_rounds": 1,
         "classify_seconds": 0.3, "load_rows": 600, "dedupe_articles": 30}
LOAD_TARGET = 0.5  # project load path >= 0.5x COPY


def _rate(items: int, seconds: float) -> float:
    return round(items / seconds, 1) if seconds > 0 else 0.0


def _cpu_timed(fn) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of fn()."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


# --------------------------------------------------------------------------- feed parsing

def feed_parsing(entries: int, min_seconds: float) -> dict:
    """Entries per second of parse_feed on one RSS document of `entries` items."""
    items = corpus.articles(SEED, entries, (400, 600))
    body = corpus.rss(items, "https://news.example", "Motor Wire").encode("utf-8")
    parsed = feeds.parse_feed(body, base_url="https://news.example/feed.rss")
    assert len(parsed.entries) == entries, parsed.error
    parses, cpu, wall = 0, 0.0, 0.0
    while cpu < min_seconds:
        c, w = _cpu_timed(lambda: feeds.parse_feed(body, base_url="https://news.example/feed.rss"))
        parses, cpu, wall = parses + 1, cpu + c, wall + w
    return {"feed_bytes": len(body), "entries": entries, "parses": parses,
            "entries_per_second": _rate(parses * entries, cpu),
            "entries_per_wall_second": _rate(parses * entries, wall)}


# --------------------------------------------------------------------------- extraction

def article_pages(count: int, seed: int = SEED) -> list[tuple[str, str]]:
    """(url, html) of count generated article pages of about 30-60 KB."""
    rng = random.Random(seed)
    base = "https://www.motorwire.example"
    return [(f"{base}/{item.slug}", corpus.page(item, base, "Motor Wire", rng, boilerplate=rng.choice((2, 2, 3))))
            for item in corpus.articles(seed, count, (3_000, 7_000))]


def extraction(count: int, rounds: int) -> dict:
    """extract_page against trafilatura.extract alone on the same pages, interleaved rounds."""
    pages = article_pages(count)
    ours = lambda: [extract_page(html, url=url) for url, html in pages]  # noqa: E731
    anchor = lambda: [trafilatura.extract(html) for url, html in pages]  # noqa: E731
    for url, html in pages[:3]:  # warm-up: imports, language profiles
        extract_page(html, url=url)
        trafilatura.extract(html)
    times = {"ours": [], "anchor": []}
    for _ in range(rounds):
        times["ours"].append(_cpu_timed(ours))
        times["anchor"].append(_cpu_timed(anchor))
    sizes = sorted(len(html.encode("utf-8")) for _, html in pages)
    ours_cpu = statistics.median(t[0] for t in times["ours"])
    anchor_cpu = statistics.median(t[0] for t in times["anchor"])
    return {"pages": count, "rounds": rounds,
            "page_kb_min": round(sizes[0] / 1024, 1), "page_kb_median": round(sizes[len(sizes) // 2] / 1024, 1),
            "page_kb_max": round(sizes[-1] / 1024, 1),
            "pages_per_second": _rate(count, ours_cpu),
            "pages_per_wall_second": _rate(count, statistics.median(t[1] for t in times["ours"])),
            "trafilatura_pages_per_second": _rate(count, anchor_cpu),
            "trafilatura_pages_per_wall_second": _rate(count, statistics.median(t[1] for t in times["anchor"])),
            "ratio_vs_trafilatura": round(anchor_cpu / ours_cpu, 3)}


# --------------------------------------------------------------------------- database load

def archive_records(count: int) -> list[tuple[int, dict]]:
    """(line number, record) pairs as `tieup ingest` reads them: extracted article rows."""
    return [(i + 1, {"url": f"https://archive.motorwire.example/{item.slug}", "title": item.title,
                     "text": item.text, "published": item.published.isoformat()})
            for i, item in enumerate(corpus.articles(SEED + 1, count, (2_000, 5_000)))]


def _copy_buffer(records) -> io.StringIO:
    """The same rows as the project path stores, in COPY CSV format (computed before timing)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for _, r in records:
        canonical = urls.canonical_url(r["url"])
        writer.writerow((canonical, "\\x" + urls.url_hash(canonical).hex(), r["url"],
                         urlsplit(canonical).hostname, r["title"], r["text"],
                         "\\x" + fingerprint.text_hash(r["text"]).hex(), r["published"], "extracted"))
    return out


COPY_SQL = ("COPY articles (canonical_url, url_hash, url, source_domain, title, text, text_hash, "
            "published_at, state) FROM STDIN WITH (FORMAT csv)")


def _count_articles(conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM articles")
        return cur.fetchone()[0]


def load_project(database_url: str, records) -> tuple[float, int, object]:
    """Wall seconds of stages.store_archive_records over records; returns (seconds, rows, conn)."""
    conn = db.connect(database_url)
    started = time.perf_counter()
    counts = stages.store_archive_records(conn, iter(records))
    seconds = time.perf_counter() - started
    assert counts["records_stored"] == len(records), counts
    return seconds, _count_articles(conn), conn


def load_copy(database_url: str, records) -> tuple[float, int]:
    """Wall seconds of a CSV COPY of the same rows (buffer built beforehand) and commit."""
    buffer = _copy_buffer(records)
    conn = db.connect(database_url)
    try:
        started = time.perf_counter()
        buffer.seek(0)
        with conn.cursor() as cur:
            cur.copy_expert(COPY_SQL, buffer)
        conn.commit()
        seconds = time.perf_counter() - started
        return seconds, _count_articles(conn)
    finally:
        conn.close()


class _CountingCursor(psycopg2.extensions.cursor):
    """A cursor counting the statements sent (execute calls), for statements per batch."""

    sent = 0

    def execute(self, query, vars=None):  # noqa: A002 - psycopg2's name
        _CountingCursor.sent += 1
        return super().execute(query, vars)


def _counted(conn, fn):
    """(fn(), statements fn sent on conn)."""
    conn.cursor_factory, _CountingCursor.sent = _CountingCursor, 0
    try:
        return fn(), _CountingCursor.sent
    finally:
        conn.cursor_factory = psycopg2.extensions.cursor


def dedupe_step(conn, limit: int) -> dict:
    """Articles per second of the whole dedupe step on freshly loaded articles (index grows
    from 0), in the stage's batches: one transaction and one batched lookup per batch.
    Then one batch of copies (half exact, half truncated) of the first articles. Both
    count the statements sent per batch (lease and state change excluded)."""
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM articles ORDER BY id LIMIT %s", (limit,))
        ids = [r[0] for r in cur.fetchall()]
    batch = Settings().batch_size
    cpu, wall = time.process_time(), time.perf_counter()
    kinds, statements, batches = [], 0, 0
    for start in range(0, len(ids), batch):
        outcomes, sent = _counted(conn, lambda: dedupe_stage.dedupe_batch(conn, ids[start:start + batch]))
        kinds += [d.kind for d in outcomes]
        statements, batches = statements + sent, batches + 1
        conn.commit()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    copies = _copy_batch(conn, ids[:min(len(ids), batch) // 2])
    return {"articles": len(ids), "articles_per_second": _rate(len(ids), wall),
            "client_cpu_share": round(cpu / wall, 2) if wall else 0.0,
            "duplicates_found": sum(k is not None for k in kinds),
            "statements_per_batch": round(statements / batches, 1) if batches else 0.0,
            "copy_batch": copies}


def _copy_batch(conn, originals: list[int]) -> dict:
    """Dedupe one batch of copies of `originals` (even ones exact, odd ones with the last
    fifth cut off); its statements and the duplicates it found."""
    with conn.cursor() as cur:
        cur.execute("SELECT id, text, published_at FROM articles WHERE id = ANY(%s) ORDER BY id",
                    (originals,))
        rows = cur.fetchall()
    records = [(n, {"url": f"https://copies.motorwire.example/{aid}", "title": "copy",
                    "text": text if n % 2 == 0 else text[:len(text) * 4 // 5],
                    "published": published.isoformat()})
               for n, (aid, text, published) in enumerate(rows)]
    stages.store_archive_records(conn, iter(records))
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM articles WHERE url LIKE 'https://copies.%%' ORDER BY id")
        ids = [r[0] for r in cur.fetchall()]
    outcomes, sent = _counted(conn, lambda: dedupe_stage.dedupe_batch(conn, ids))
    conn.commit()
    return {"articles": len(ids), "statements": sent,
            "duplicates_found": sum(d.kind is not None for d in outcomes)}


def load_and_dedupe(server_url: str, rows: int, dedupe_articles: int) -> tuple[dict, dict]:
    """Project load path vs COPY of the same rows, each in a fresh database; then the dedupe step."""
    records = archive_records(rows)
    template = db.database_name(scratch.create_database(server_url))
    try:
        with scratch.database(server_url, template) as url:
            copy_s, copy_rows = load_copy(url, records)
        with scratch.database(server_url, template) as url:
            project_s, project_rows, conn = load_project(url, records)
            try:
                deduped = dedupe_step(conn, dedupe_articles)
            finally:
                conn.close()
    finally:
        scratch.drop_database(db.with_database(server_url, template))
    assert copy_rows == project_rows == rows, (copy_rows, project_rows, rows)
    # Where the project path's time goes: the exact-copy key it computes per row.
    hash_cpu, _ = _cpu_timed(lambda: [fingerprint.text_hash(r["text"]) for _, r in records])
    load = {"rows": rows, "project_rows_per_second": _rate(rows, project_s),
            "copy_rows_per_second": _rate(rows, copy_s),
            "project_seconds": round(project_s, 2), "copy_seconds": round(copy_s, 2),
            "text_hash_seconds": round(hash_cpu, 2),
            "ratio_vs_copy": round(copy_s / project_s, 3), "target_ratio": LOAD_TARGET}
    return load, deduped


# --------------------------------------------------------------------------- driver

def run(database_url: str | None = None, quick: bool = False) -> dict:
    """Every stage's throughput; database_url is a server URL (scratch databases are made on it)."""
    size = QUICK if quick else FULL
    result = {"quick": quick,
              "feed_parsing": feed_parsing(size["feed_entries"], size["feed_seconds"]),
              "extraction": extraction(size["pages"], size["extract_rounds"])}
    classify = bench_classify.run(size["classify_seconds"], quality=not quick)
    result["classification"] = {k: v for k, v in classify.items() if k != "quality"}
    if "quality" in classify:
        result["classification"]["quality"] = {k: v for k, v in classify["quality"].items()
                                                if k != "misses"}
    with scratch.server(database_url) as server_url:
        result["load"], result["dedupe"] = load_and_dedupe(server_url, size["load_rows"],
                                                           size["dedupe_articles"])
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="server URL (scratch databases are created on it)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.database_url, args.quick), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
