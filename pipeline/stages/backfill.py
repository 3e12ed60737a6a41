"""WARC backfill (`tieup ingest FILE.warc.gz`): HTML responses stored like archive records, resumable per file.

Each kept record becomes an archive record {url, html, crawled} and goes through
the archive path (archive.archived_row: the same extraction and validation as a
JSON Lines backfill, then the batched insert), in batches of WARC_BATCH_RECORDS.
After each stored batch the file's resume point (archive_files.next_offset) moves
to the first record not yet stored, so a rerun after a crash starts there and a
finished file is skipped, and `after_batch` (run.ingest_warc: dedupe,
classification, loading) takes the batch on. An Extractor decides where pages are
extracted: here (InProcess), or in other processes while this one stores and
processes the batch before (see services/backfill.py), which also work out each
article's signature and classification ahead (worked_rows, stages/ahead.py). Bad
records are reported through `report` and counted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .. import classify as classifier
from .. import extract, warc
from ..settings import Settings
from ..store import archive_files as file_store
from .ahead import WorkedAhead, work_on
from .archive import archived_row, store_archived_rows

# Kept records per stored batch. Small enough that extraction of the next batch (in other
# processes) overlaps the processing of this one from the start of a file, and that a crash
# redoes little; large enough that the per-batch round trips and commits stay negligible.
WARC_BATCH_RECORDS = 100


class InProcess:
    """Extracts a batch in this process, when its rows are asked for.

    Nothing is worked out ahead: the steps would do it in this process all the same.
    """

    def start(self, records: list):
        """A callable returning the batch's (line, archived_row result, TextWork or None)."""
        return lambda: ((line, row, None) for line, row in map(archived_row, records))


def worked_rows(numbered_records: list) -> list:
    """(line, archived_row result, its TextWork or None) of each record: an extraction process's chunk."""
    rows = map(archived_row, numbered_records)
    return [(line, row, None if isinstance(row, Exception) else work_on(row)) for line, row in rows]


def warm_up() -> None:
    """Load what worked_rows loads on first use: the language model and the classifier's lexicons."""
    sentence = "Honda and Nissan signed a memorandum of understanding on electric vehicles."
    extract.detect_language(sentence)
    classifier.classify_article(sentence, "Honda and Nissan sign an MoU")


def store_warc_file(conn, settings: Settings, path: Path, prefilter: warc.PreFilter, report=None,
                    on_page=None, extractor=None, after_batch=None,
                    ahead: WorkedAhead | None = None) -> Counter:
    """Store the kept records of one WARC file from where the last run stopped; its counts.

    ahead: where the work done ahead on a batch is kept for after_batch's steps.
    """
    row = file_store.start_file(conn, warc.file_key(path), str(path), path.stat().st_size)
    if row["finished"]:
        if report:
            report(str(path), f"{path}: already ingested ({row['records_stored']} records stored)")
        return Counter(files_skipped=1)
    extractor, ahead = extractor or InProcess(), ahead or WorkedAhead()
    total, stretch, batch, error, started = Counter(files_read=1), Counter(), [], None, None
    for page in warc.read_pages(path, row["next_offset"], settings.max_body_bytes):
        if len(batch) >= WARC_BATCH_RECORDS:
            # the next batch is extracted while the one before it is stored and processed
            job = (extractor.start(batch), stretch, page.offset)
            total += _store(conn, row["id"], started, report, after_batch, ahead)
            started, stretch, batch = job, Counter(), []
        stretch["records_read"] += 1
        if on_page:
            on_page(page)
        error = _count(page, prefilter, stretch, batch, path, report) or error
    total += _store(conn, row["id"], started, report, after_batch, ahead)
    return total + _store(conn, row["id"], (extractor.start(batch), stretch, path.stat().st_size),
                          report, after_batch, ahead, finished=True, error=error)


def _count(page: warc.WarcPage, prefilter: warc.PreFilter, stretch: Counter, batch: list,
           path: Path, report) -> str | None:
    """Count one record, and queue it for extraction when it is kept; its error, if any."""
    if page.error:
        if report:
            report(f"{path.name}@{page.offset}", f"{path.name}: {page.error}")
        stretch["records_invalid"] += 1
        return page.error
    if page.skipped:
        stretch["records_not_html"] += 1
    elif (reason := prefilter.reason_to_drop(page)) is not None:
        stretch += Counter(records_filtered=1, **{f"filtered_{reason}": 1})
    else:
        batch.append((f"{path.name}@{page.offset}", {"url": page.url, "html": page.html,
                                                       "crawled": page.date.isoformat() if page.date else None}))
    return None


def _store(conn, file_id: int, job, report, after_batch, ahead: WorkedAhead,
           finished: bool = False, error: str | None = None) -> Counter:
    """Store one extracted batch, move the file's resume point past it (committed), then after_batch."""
    if job is None:
        return Counter()
    extracted, stretch, next_offset = job
    rows = []
    for line, row, work in extracted():
        if work is not None:
            ahead.add(row, work)
        rows.append((line, row))
    stored = store_archived_rows(conn, rows, report) + stretch
    file_store.record_progress(conn, file_id, next_offset=next_offset, counts=stored,
                               finished=finished, error=error)
    conn.commit()
    processed = after_batch() if after_batch else Counter()
    ahead.clear()
    return stored + processed
