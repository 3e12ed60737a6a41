"""The stages: one module per pipeline step, the batch runner, and whole passes (the public entry points).

Each step claims work from the articles table (the database is the queue; the
states are in pipeline.states), commits each item's result together with its
state change, and records failures per item, so any step can crash, retry, or
run on another worker without losing or doubling anything. Every step has the
signature step(conn, settings, worker, ids, run_id) -> Counter (runner.Step).
Modules: poll (feeds), fetch (pages and extraction), dedupe, classify (with stories
and reclassification), load, archive (`tieup ingest`), backfill (WARC files), ahead (what a
backfill's extraction processes work out for dedupe and classify), runner (batches), budget
(pass deadlines), run (whole passes). The services, the CLI and the DAGs import
the names below from here.
"""

from .archive import ARCHIVE_BATCH_ROWS, store_archive_records
from .backfill import WARC_BATCH_RECORDS
from .budget import PassBudget
from .classify import classify_articles, reclassify, reclassify_outdated
from .dedupe import dedupe_articles
from .fetch import FETCH_THREADS, PAGE_ACCEPT, fetch_and_extract, fetch_claimed, http_client
from .load import load_records
from .poll import FEED_BACKOFF_BASE_SECONDS, poll_due_feeds, poll_feed
from .run import (AFTER_FETCH, due_feeds, ingest_archive, ingest_warc, process_queue, run_once,
                  sync_companies, sync_feeds)
from .runner import claim_batches, drain, flow, new_worker_id

__all__ = [
    "AFTER_FETCH", "ARCHIVE_BATCH_ROWS", "FEED_BACKOFF_BASE_SECONDS", "FETCH_THREADS",
    "PAGE_ACCEPT", "PassBudget", "WARC_BATCH_RECORDS", "claim_batches", "classify_articles", "dedupe_articles", "drain",
    "due_feeds", "fetch_and_extract", "fetch_claimed", "flow", "http_client", "ingest_archive", "ingest_warc",
    "load_records", "new_worker_id", "poll_due_feeds", "poll_feed", "process_queue", "reclassify",
    "reclassify_outdated", "run_once", "store_archive_records", "sync_companies", "sync_feeds",
]
