"""WARC backfill (`tieup ingest FILE.warc.gz`): HTML responses stored like archive records, resumable per file.

Each kept record becomes an archive record {url, html, crawled} and goes through
store_archive_records (the same extraction, validation and batched insert as a
JSON Lines backfill); run.ingest_warc then takes them through dedupe,
classification and loading. After each stored batch the file's resume point
(archive_files.next_offset) moves to the first record not yet stored, so a rerun
after a crash starts there, and a finished file is skipped. Bad records are
reported through `report` and counted; the rest go on.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .. import warc
from ..settings import Settings
from ..store import archive_files as file_store
from .archive import ARCHIVE_BATCH_ROWS, store_archive_records


def store_warc_file(conn, settings: Settings, path: Path, prefilter: warc.PreFilter,
                    report=None, on_page=None) -> Counter:
    """Store the kept records of one WARC file from where the last run stopped; its counts."""
    row = file_store.start_file(conn, warc.file_key(path), str(path), path.stat().st_size)
    if row["finished"]:
        if report:
            report(str(path), f"{path}: already ingested ({row['records_stored']} records stored)")
        return Counter(files_skipped=1)
    total, stretch, batch, error = Counter(files_read=1), Counter(), [], None
    for page in warc.read_pages(path, row["next_offset"], settings.max_body_bytes):
        if len(batch) >= ARCHIVE_BATCH_ROWS:
            total += _store(conn, row["id"], batch, stretch, page.offset, report)
            stretch, batch = Counter(), []
        stretch["records_read"] += 1
        if on_page:
            on_page(page)
        if page.error:
            error = page.error
            _report(report, path, page, page.error)
            stretch["records_invalid"] += 1
        elif page.skipped:
            stretch["records_not_html"] += 1
        elif (reason := prefilter.reason_to_drop(page)) is not None:
            stretch += Counter(records_filtered=1, **{f"filtered_{reason}": 1})
        else:
            batch.append((f"{path.name}@{page.offset}",
                          {"url": page.url, "html": page.html,
                           "crawled": page.date.isoformat() if page.date else None}))
    return total + _store(conn, row["id"], batch, stretch, path.stat().st_size, report,
                          finished=True, error=error)


def _store(conn, file_id: int, batch: list, stretch: Counter, next_offset: int, report,
           finished: bool = False, error: str | None = None) -> Counter:
    """Store one batch, then move the file's resume point past it (committed)."""
    stored = store_archive_records(conn, batch, report) + stretch
    file_store.record_progress(conn, file_id, next_offset=next_offset, counts=stored,
                               finished=finished, error=error)
    conn.commit()
    return stored


def _report(report, path: Path, page: warc.WarcPage, error: str) -> None:
    if report:
        report(f"{path.name}@{page.offset}", f"{path.name}: {error}")
