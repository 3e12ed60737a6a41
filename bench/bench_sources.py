#!/usr/bin/env python3
"""More sources (issue #19): WARC backfill throughput against trafilatura, the two WARC readers, sitemap parsing.

    python bench/bench_sources.py [--quick]

- WARC backfill: generated article pages (bench_stages.article_pages, 30-60 KB)
  written as a CC-NEWS-style WARC (one gzip member per response record, with
  FastWARC's writer), then `tieup ingest FILE.warc.gz`'s path
  (services.backfill.ingest_warc: read, extract, store, dedupe, classify, load)
  into a fresh database, wall time: as `tieup ingest` runs by default
  (services.backfill.default_workers(): an extraction process per core, which
  also works out signatures and classifications, while this one stores and
  processes the batch before), and with --workers 0 (everything in one
  process). Anchor, in the same run: trafilatura.extract alone over the same
  records' HTML in one
  process, measured before and after each round (anchor, ours, anchor, ours,
  anchor); each round is compared with the anchors either side of it and the
  median ratio is reported. Target: >= 0.8x the anchor. A warm-up run takes
  first-use costs out of the way before the rounds, as it always did for one
  process: by default that now includes starting the extraction processes'
  server (its imports, the language model and the lexicons: about 2 s of one
  core, paid once per `tieup ingest` command), which every round then forks its
  own processes from. A 600-record file run from a cold start pays it in full.
- Readers: FastWARC and warcio reading every response record's payload from the
  same file, CPU seconds, interleaved rounds.
- Sitemap parsing: sources.sitemap.parse_sitemap on a 50,000-URL Google News
  sitemap, entries per CPU second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import scratch  # noqa: E402
from bench_stages import article_pages  # noqa: E402

TARGET_RATIO = 0.8
WORKERS = 0   # `tieup ingest --workers 0`: everything in one process, beside the default


def write_warc(path: Path, pages: list[tuple[str, str]]) -> Path:
    """A WARC of one gzip member per HTTP response, as Common Crawl writes CC-NEWS."""
    from fastwarc.stream_io import GzipWriter
    from fastwarc.warc import WarcRecord, WarcRecordType
    with open(path, "wb") as out:
        for url, html in pages:
            record = WarcRecord()
            record.init_headers(record_type=WarcRecordType.response)
            record.headers["WARC-Target-URI"] = url
            record.headers["WARC-Date"] = "2026-11-02T10:00:00Z"
            record.headers["Content-Type"] = "application/http; msgtype=response"
            record.set_bytes_content(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                                     + html.encode("utf-8"))
            writer = GzipWriter(out)
            record.write(writer)
            writer.close()
    return path


def _cpu(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    with open(path, "rb") as stream:
        return sum(len(r.reader.read()) for r in ArchiveIterator(stream, record_types=WarcRecordType.response))


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator
    with open(path, "rb") as stream:
        return sum(len(r.content_stream().read()) for r in ArchiveIterator(stream) if r.rec_type == "response")


def readers(path: Path, records: int, rounds: int) -> dict:
    """CPU seconds of FastWARC and warcio reading every payload of the file (median of rounds)."""
    times = {"fastwarc": [], "warcio": []}
    for _ in range(rounds):
        times["fastwarc"].append(_cpu(lambda: read_fastwarc(path)))
        times["warcio"].append(_cpu(lambda: read_warcio(path)))
    fast, slow = (statistics.median(times[k]) for k in ("fastwarc", "warcio"))
    return {"records": records, "file_mb": round(path.stat().st_size / 1e6, 2),
            "fastwarc_records_per_cpu_second": round(records / fast), "warcio_records_per_cpu_second": round(records / slow),
            "fastwarc_mb_per_cpu_second": round(path.stat().st_size / 1e6 / fast, 1),
            "warcio_mb_per_cpu_second": round(path.stat().st_size / 1e6 / slow, 1),
            "fastwarc_cpu_share_of_warcio": round(fast / slow, 3)}


def trafilatura_anchor(path: Path) -> tuple[float, int]:
    """Wall seconds of trafilatura.extract over the file's HTML, read with FastWARC (one process)."""
    import trafilatura
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    started, count = time.perf_counter(), 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
            trafilatura.extract(record.reader.read().decode("utf-8", "replace"))
            count += 1
    return time.perf_counter() - started, count


def backfill(server_url: str, path: Path, workers: int | None = None) -> tuple[float, dict]:
    """Wall seconds of `tieup ingest FILE.warc.gz`'s path into a fresh database, and its counts.

    workers: None is what the command does without --workers.
    """
    from pipeline import warc
    from pipeline.services import backfill as service
    from pipeline.settings import load_settings
    with scratch.database(server_url) as url:
        settings = load_settings().with_overrides(database_url=url)
        started = time.perf_counter()
        counts = service.ingest_warc(settings, [path], warc.PreFilter(), workers=workers)
        return time.perf_counter() - started, dict(counts)


def sitemap_parsing(urls: int, rounds: int) -> dict:
    """parse_sitemap on a Google News sitemap of `urls` entries, entries per CPU second."""
    from pipeline.sources import sitemap
    rows = "".join(f"<url><loc>https://news.example/2026/11/{i}.html</loc><news:news><news:publication>"
                   f"<news:name>News</news:name><news:language>en</news:language></news:publication>"
                   f"<news:publication_date>2026-11-{1 + i % 28:02d}T10:00:00Z</news:publication_date>"
                   f"<news:title>Story {i}</news:title></news:news></url>" for i in range(urls))
    body = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{rows}</urlset>').encode()
    seconds = statistics.median(_cpu(lambda: sitemap.parse_sitemap(body)) for _ in range(rounds))
    return {"urls": urls, "mb": round(len(body) / 1e6, 1), "entries_per_cpu_second": round(urls / seconds)}


def _rounds(count: int, anchors: list[float], ours: list[float], counts: dict) -> dict:
    """Records per second and the ratio to the anchor: each round against the anchors either side of it."""
    ratios = [(anchors[i] + anchors[i + 1]) / 2 / seconds for i, seconds in enumerate(ours)]
    anchor, seconds = statistics.median(anchors), statistics.median(ours)
    return {"records_per_second": round(count / seconds, 1), "seconds": round(seconds, 1),
            "stored": counts.get("records_stored", 0),
            "trafilatura_records_per_second": round(count / anchor, 1),
            "trafilatura_rounds_seconds": [round(a, 1) for a in anchors],
            "rounds_seconds": [round(o, 1) for o in ours], "round_ratios": [round(r, 3) for r in ratios],
            "ratio_vs_trafilatura": round(statistics.median(ratios), 3)}


def run(database_url: str | None = None, quick: bool = False) -> dict:
    count = 60 if quick else 600
    pages = article_pages(count)
    with tempfile.TemporaryDirectory(prefix="tieup-bench-warc-") as tmp:
        path = write_warc(Path(tmp) / "CC-NEWS-bench.warc.gz", pages)
        reading = readers(path, count, rounds=1 if quick else 3)
        warm = write_warc(Path(tmp) / "warm-up.warc.gz", article_pages(5, seed=99))
        with scratch.server(database_url) as server_url:
            # first-use costs (language model, gazetteer; the extraction processes' server) out of the way
            backfill(server_url, warm)
            trafilatura_anchor(warm)
            anchors, ours = [trafilatura_anchor(path)[0]], {None: [], WORKERS: []}
            for _ in range(1 if quick else 2):  # anchor, ours, anchor, ...: the machine's speed drifts
                for workers in ours:
                    seconds, counts = backfill(server_url, path, workers)
                    ours[workers].append(seconds)
                anchors.append(trafilatura_anchor(path)[0])
    from pipeline.services.backfill import default_workers
    return {"quick": quick, "records": count, "workers": WORKERS, "default_workers": default_workers(),
            "backfill": _rounds(count, anchors, ours[None], counts),
            f"backfill_workers_{WORKERS}": _rounds(count, anchors, ours[WORKERS], counts),
            "readers": reading,
            "sitemap": sitemap_parsing(5_000 if quick else 50_000, rounds=1 if quick else 3),
            "targets": {"ratio_vs_trafilatura": TARGET_RATIO}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(run(quick=args.quick), indent=2))
    return 0


if __name__ == "__main__":  # the guard the extraction processes (forkserver) need
    sys.exit(main())
