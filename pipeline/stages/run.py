"""A whole pass: syncing feeds and companies, polling, then every step batch by batch; archive ingest.

run_once() is `tieup run --once`: it records the run, syncs feeds.yml, polls the
due feeds and takes the queue through fetch, dedupe, classify and load (runner.flow)
within the pass's budget, marking the run failed on a fresh connection if it
dies. process_queue() and ingest_archive() take already stored articles through
the steps after fetching.
"""

from __future__ import annotations

import logging
from collections import Counter
from functools import partial

from .. import classify as classifier
from .. import db, feeds
from ..settings import Settings
from ..states import CLASSIFIED, DEDUPED, DISCOVERED, EXTRACTED
from ..store import companies as company_store
from ..store import feeds as feed_store
from ..store import runs as run_store
from .ahead import WorkedAhead
from .archive import store_archive_records
from .backfill import store_warc_file
from .budget import PassBudget
from .classify import classify_articles
from .dedupe import dedupe_articles
from .fetch import fetch_and_extract, http_client
from .load import load_records
from .poll import poll_due_feeds
from .runner import flow

log = logging.getLogger(__name__)


def sync_feeds(conn, settings: Settings) -> dict:
    """Upsert the feeds listed in feeds.yml."""
    return feed_store.sync_feed_specs(conn, feeds.load_feeds_file(settings.feeds_file))


def sync_companies(conn) -> int:
    """Load the gazetteer's organisations and aliases into companies/company_aliases."""
    return company_store.sync_companies(conn, classifier.load_gazetteer().organisations)


def due_feeds(conn, settings: Settings | None = None) -> list[int]:
    """Ids of enabled feeds due for a poll (settings: taken like every stage's, not needed)."""
    return feed_store.due_feed_ids(conn)


AFTER_FETCH = ((EXTRACTED, dedupe_articles), (DEDUPED, classify_articles), (CLASSIFIED, load_records))


def process_queue(conn, settings: Settings, run_id: int | None = None) -> Counter:
    """Take everything fetched through dedupe, classification and loading."""
    return flow(conn, settings, AFTER_FETCH, run_id)


def run_once(settings: Settings, trigger: str = "cli") -> dict:
    """One full pass: sync and poll feeds, then fetch, extract, dedupe, classify and load, batch by batch."""
    budget = PassBudget.from_settings(settings)
    with db.connection(settings.database_url, pipeline=True) as conn:
        run_id = run_store.start_run(conn, trigger)
        counts = Counter(runs_abandoned=run_store.mark_abandoned(conn))
        try:
            with http_client(settings) as client:
                counts += Counter(sync_feeds(conn, settings))
                counts += poll_due_feeds(conn, settings, client, run_id, budget)
                fetch = lambda c, s, w, ids, r: fetch_and_extract(  # noqa: E731
                    c, s, client, w, ids, r, until=budget.batch_until())
                counts += flow(conn, settings, ((DISCOVERED, fetch), *AFTER_FETCH), run_id, budget)
        except BaseException:
            _record_failed_run(settings, run_id, counts)
            raise
        run_store.finish_run(conn, run_id, dict(counts))
        return {"run_id": run_id, **+counts}


def _record_failed_run(settings: Settings, run_id: int, counts: Counter) -> None:
    """Mark the run failed on a fresh connection; the database itself may be what failed."""
    try:
        with db.connection(settings.database_url) as conn:
            run_store.finish_run(conn, run_id, dict(counts), status="failed")
    except Exception:  # noqa: BLE001 - never mask the error that ended the run
        log.warning("could not record run %s as failed", run_id)


def ingest_archive(conn, settings: Settings, records, progress=None) -> Counter:
    """Backfill from (line number, record) pairs, then process them like fetched news.

    A record is {url, title?, text | html, published?}, or the ValueError that
    parsing its line raised. Bad records are counted and reported through `progress(line_no, error)`; the
    rest go through the same dedupe, classification and loading as fetched news.
    """
    return store_archive_records(conn, records, progress) + process_queue(conn, settings)


def ingest_warc(conn, settings: Settings, paths, prefilter, report=None, on_page=None,
                extractor=None) -> Counter:
    """Backfill from WARC files (each resumed where the last run stopped), processed like fetched news.

    Each stored batch goes through dedupe, classification and loading before the next
    is stored (while an extractor in other processes works on the next one, and works
    out its signatures and classifications ahead for these steps).
    """
    ahead = WorkedAhead()
    steps = ((EXTRACTED, partial(dedupe_articles, ahead=ahead)),
             (DEDUPED, partial(classify_articles, ahead=ahead)), (CLASSIFIED, load_records))
    counts = Counter()
    for path in paths:
        counts += store_warc_file(conn, settings, path, prefilter, report, on_page, extractor,
                                  after_batch=lambda: flow(conn, settings, steps), ahead=ahead)
    return counts + flow(conn, settings, steps)
