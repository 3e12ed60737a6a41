"""WARC backfill for a face (`tieup ingest FILE.warc.gz`): which files, which pre-filter, then the stage."""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .. import classify, db, stages, warc
from ..errors import UsageError
from ..settings import Settings
from ..stages.backfill import worked_rows

# Company names shorter than this are left out of the pre-filter: 'GM' or 'Kia' occur inside
# other words of almost every page, and a filter that keeps everything only costs time.
MIN_COMPANY_WORD = 4
# Records sent to an extraction process at a time: enough to amortise the hand-over, few enough to spread a batch.
EXTRACT_CHUNK = 25


def is_warc_input(paths: list[str]) -> bool:
    """True when `tieup ingest` was given WARC files, folders, or lists of WARC files (else JSON Lines)."""
    return any(Path(p).is_dir() or p.endswith(warc.WARC_SUFFIXES) or _lists_warc_files(p) for p in paths)


def _lists_warc_files(path: str) -> bool:
    """True for a text file whose first path line names a WARC file."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            first = next((line.strip() for line in f if line.strip() and not line.startswith("#")), "")
    except OSError:
        return False
    return first.endswith(warc.WARC_SUFFIXES)


def warc_paths(paths: list[str]) -> list:
    """The WARC files to read; UsageError for a path that cannot be read."""
    try:
        found = warc.warc_files(paths)
        missing = [p for p in found if not p.is_file()]
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename}: {exc.strerror}") from exc
    if missing:
        raise UsageError(f"cannot read {missing[0]}: No such file")
    if not found:
        raise UsageError(f"no WARC files (*.warc, *.warc.gz) in {', '.join(paths)}")
    return found


def prefilter(languages: list[str] = (), keywords: list[str] = (), companies: bool = False) -> warc.PreFilter:
    """The pre-filter of a backfill: declared languages, and words (keywords, company names and aliases)."""
    words = [w.strip() for w in keywords if w.strip()]
    if companies:
        for organisation in classify.load_gazetteer().organisations:
            words += [n for n in (organisation.name, *organisation.aliases)
                      if len(n) >= MIN_COMPANY_WORD or not n.isascii()]
    return warc.PreFilter(languages=frozenset(lang.strip().lower() for lang in languages if lang.strip()),
                          words=tuple(words))


def default_workers() -> int:
    """Extraction processes of `tieup ingest` without --workers: one per core this process may use.

    They do the heavy part (extraction, signatures, classification) while this process
    mostly waits on the database; more than a batch has chunks would idle. On one core,
    none: extraction happens here.
    """
    # the cores this process may run on (a container's or taskset's share), where the OS says
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, stages.WARC_BATCH_RECORDS // EXTRACT_CHUNK)


def ingest_warc(settings: Settings, files: list, prefilter: warc.PreFilter, report=None,
                on_page=None, workers: int | None = None) -> Counter:
    """Backfill from WARC files through extraction, dedupe, classification and loading.

    workers: processes extracting pages while this one stores and processes the
    batch before (0: extract here, one batch after the other; None: default_workers()).
    """
    workers = default_workers() if workers is None else workers
    with db.connection(settings.database_url, pipeline=True) as conn, _extractor(workers) as extractor:
        return stages.ingest_warc(conn, settings, files, prefilter, report, on_page, extractor)


class _PoolExtractor:
    """Extracts a batch in a process pool, in chunks, from the moment it is started.

    The pool also works out each article's signature and classification (worked_rows):
    pure work that would otherwise wait for this process.
    """

    def __init__(self, pool: ProcessPoolExecutor):
        self.pool = pool

    def start(self, records: list):
        futures = [self.pool.submit(worked_rows, records[i:i + EXTRACT_CHUNK])
                   for i in range(0, len(records), EXTRACT_CHUNK)]
        return lambda: (row for future in futures for row in future.result())


@contextmanager
def _extractor(workers: int):
    """A pool extractor with `workers` processes, or None (extract in this process).

    Forkserver, not fork: this process holds a database connection and threads,
    which a forked child must not inherit. The server preloads backfill_preload, so
    the processes forked from it do not each load the models again.
    """
    if workers <= 0:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.services.backfill_preload"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # A first task starts the server now: its loading overlaps the reading of the first batches.
        pool.submit(os.getpid)
        yield _PoolExtractor(pool)
