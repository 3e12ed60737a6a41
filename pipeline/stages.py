"""One function per pipeline step. Each takes a DB connection and settings and returns counts.

Steps claim work from the articles table (the database is the queue), commit
each item's result together with its state change, and record failures per
item, so any step can crash, retry, or run on another worker without losing or
doubling anything. The CLI (`tieup run --once`) and the Airflow DAGs call these.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from . import classify as classifier
from . import db, extract, feeds, fingerprint, safetext, urls
from .archive import ARCHIVE_BATCH_ROWS, ingest_archive, store_archive_records  # noqa: F401 - re-exported
from .budget import PassBudget
from .polling import FEED_ACCEPT, FEED_BACKOFF_BASE_SECONDS, poll_due_feeds, poll_feed  # noqa: F401
from .errors import FetchError, TerminalError
from .http import HttpClient, require_content_type
from .politeness import Politeness
from .settings import Settings
from .store import alliances as alliance_store
from .store import companies as company_store
from .store import dedupe as dedupe_store
from .store import articles as article_store
from .store import feeds as feed_store
from .store import runs as run_store

log = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# Concurrent page fetches per worker; per-host spacing still holds (reserved in the database).
FETCH_THREADS = 8


def new_worker_id() -> str:
    """A lease owner name unique to this process and call."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def sync_feeds(conn, settings: Settings) -> dict:
    """Upsert the feeds listed in feeds.yml."""
    return feed_store.sync_feed_specs(conn, feeds.load_feeds_file(settings.feeds_file))


def sync_companies(conn) -> int:
    """Load the gazetteer's organisations and aliases into companies/company_aliases."""
    return company_store.sync_companies(conn, classifier.load_gazetteer().organisations)


def due_feeds(conn) -> list[int]:
    """Ids of enabled feeds due for a poll."""
    return feed_store.due_feed_ids(conn)


@contextmanager
def http_client(settings: Settings):
    """An HttpClient whose requests honour robots.txt and per-host spacing (via the database)."""
    politeness = Politeness(settings)
    client = HttpClient(settings, politeness)
    try:
        yield client
    finally:
        client.close()
        politeness.close()


class _OutOfTime(Exception):
    """The batch's deadline came before this article's turn: it is left for a later pass."""


def fetch_and_extract(conn, settings: Settings, client: HttpClient, worker: str,
                      ids: list[int], run_id: int | None = None, until: float | None = None) -> Counter:
    """Fetch the claimed 'discovered' articles concurrently, then extract and commit each.

    until: the batch's time.monotonic() deadline (default: settings.batch_deadline_seconds
    from now). No fetch outlives it; articles not reached by then go back to the queue.
    """
    if until is None:
        until = PassBudget(batch_seconds=settings.batch_deadline_seconds).batch_until()
    rows = article_store.articles_to_fetch(conn, ids)
    counts = Counter()
    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        # Threads only wait on the network (and on per-host slots); parsing and
        # database writes stay in this thread, one transaction per article.
        for row, fetched in zip(rows, pool.map(lambda r: _fetch_page(client, r, until), rows)):
            if not isinstance(fetched, _OutOfTime) and time.monotonic() >= until:
                fetched = _OutOfTime()  # fetched in time, but no time is left to extract it
            counts += _store_fetched(conn, settings, worker, row, fetched, run_id)
    return counts


def _fetch_page(client: HttpClient, row: dict, until: float):
    """The page, or the exception that stopped it (returned: it is recorded in this thread)."""
    if time.monotonic() >= until:
        return _OutOfTime()
    try:
        return client.fetch(row["url"], accept=PAGE_ACCEPT, until=until)
    except Exception as exc:  # noqa: BLE001 - the error boundary of one article's fetch
        return exc


def _store_fetched(conn, settings: Settings, worker: str, row: dict, fetched, run_id) -> Counter:
    """Extract and store one fetched article; any failure but an outage is recorded on it."""
    if isinstance(fetched, _OutOfTime):
        return Counter(articles_deferred=article_store.release(conn, [row["id"]], worker))
    try:
        if isinstance(fetched, Exception):
            raise fetched
        return _save_fetched(conn, worker, row, fetched, _extract_article(fetched, row))
    except Exception as exc:  # noqa: BLE001 - the error boundary of one article
        conn.rollback()
        if db.is_transient_db_error(exc, conn):
            raise
        known = isinstance(exc, (FetchError, TerminalError))
        outcome = article_store.record_failure(
            conn, row["id"], worker, stage="fetch",
            error=str(exc) if known else safetext.describe(exc),
            transient=getattr(exc, "transient", False), max_attempts=settings.max_attempts,
            run_id=run_id)
        return Counter({f"articles_{outcome}": 1})


def _save_fetched(conn, worker: str, row: dict, fetched, page) -> Counter:
    # The page's own rel=canonical (same site only) or the URL it redirected to.
    canonical = urls.canonical_url(fetched.final_url, page.canonical_url)
    stored = article_store.save_extraction(
        conn, row["id"], worker, fetch=fetched, page=page,
        canonical=canonical if canonical != row["canonical_url"] else None,
        text_hash=fingerprint.text_hash(page.text))
    conn.commit()
    return Counter({"articles_stored" if stored else "articles_lease_lost": 1})


def _extract_article(result, row):
    require_content_type(result)
    page = extract.extract_page(result.body, url=result.final_url, http_charset=result.charset,
                                feed_published=row["feed_published_at"])
    if not page.text.strip():
        raise TerminalError(f"no article text found at {result.final_url}")
    return page


def dedupe_articles(conn, settings: Settings, worker: str, ids: list[int],
                    run_id: int | None = None) -> Counter:
    """Link exact and near copies to their group's representative (MinHash LSH index).

    One transaction per batch: one lock and one batched index lookup for all of it.
    """
    return _per_batch(conn, settings, worker, ids, run_id, "dedupe", _dedupe_batch)


def _dedupe_batch(conn, worker: str, ids: list[int]) -> Counter:
    held = article_store.lock_leased(conn, ids, worker, "extracted")
    outcomes = dedupe_store.dedupe_articles(conn, held)
    article_store.advance_many(conn, held, worker, "extracted")
    return (Counter(f"duplicates_{d.kind}" for d in outcomes if d.kind)
            + Counter(articles_deduped=len(held), articles_lease_lost=len(ids) - len(held)))


def classify_articles(conn, settings: Settings, worker: str, ids: list[int],
                      run_id: int | None = None) -> Counter:
    """Classify the claimed articles, put each in its story and store the verdicts."""
    return _per_batch(conn, settings, worker, ids, run_id, "classify", _classify_batch)


def _classify_batch(conn, worker: str, ids: list[int]) -> Counter:
    held = article_store.lock_leased(conn, ids, worker, "deduped")
    rows = article_store.articles_with_text(conn, held)
    verdicts = [classifier.classify_article(row["text"] or "", row["title"], row["url"],
                                            row["published_at"]) for row in rows]
    dedupe_store.lock_stories(conn)
    dedupe_store.save_mentions(conn, {row["id"]: result.mentions for row, result in zip(rows, verdicts)})
    stories = dedupe_store.story_context(conn, rows)
    counts = Counter(articles_lease_lost=len(ids) - len(held))
    for row, result in zip(rows, verdicts):
        story_id, joined = dedupe_store.find_story(conn, row, result, stories)
        article_store.save_classification(conn, row["id"], worker, result,
                                          classifier.CLASSIFIER_VERSION, story_id)
        if joined:
            dedupe_store.join_story(conn, story_id, result)
        counts["articles_classified"] += 1
        counts["alliance_articles"] += result.is_alliance and result.is_auto
    return counts


def load_records(conn, settings: Settings, worker: str, ids: list[int],
                 run_id: int | None = None) -> Counter:
    """Fold classified alliance articles into alliances, events and evidence links."""
    return _per_batch(conn, settings, worker, ids, run_id, "load", _load_batch)


def _load_batch(conn, worker: str, ids: list[int]) -> Counter:
    held = article_store.lock_leased(conn, ids, worker, "classified")
    alliance_store.lock_for_load(conn)
    counts = Counter(articles_lease_lost=len(ids) - len(held))
    for article in article_store.articles_for_load(conn, held):
        counts += _load_article(conn, article)
    article_store.advance_many(conn, held, worker, "classified")
    return counts


def _per_batch(conn, settings: Settings, worker: str, ids: list[int], run_id: int | None,
               stage: str, process) -> Counter:
    """Run process(conn, worker, ids) and commit it as one transaction.

    When it fails on something other than the database being unavailable (a bad
    article, a bug), the batch is rolled back and redone one article at a time, so
    the article that fails is parked with its error and the others go on.
    """
    try:
        counts = process(conn, worker, ids)
        conn.commit()
        return +counts
    except Exception as exc:  # noqa: BLE001 - sorted out below: transient errors propagate
        conn.rollback()
        if db.is_transient_db_error(exc, conn):
            raise
        if db.is_lock_timeout(exc):
            # Someone (a reviewer's open transaction, a stuck worker) holds a lock too long:
            # not the articles' fault. Leave the batch for a later pass.
            log.warning("%s of %d articles waited too long for a lock: %s", stage, len(ids), exc)
            return Counter(articles_deferred=article_store.release(conn, ids, worker))
        if len(ids) == 1:
            log.warning("%s failed for article %s: %s", stage, ids[0], exc)
            outcome = article_store.record_failure(
                conn, ids[0], worker, stage=stage, error=safetext.describe(exc),
                transient=False, max_attempts=settings.max_attempts, run_id=run_id)
            return Counter({f"articles_{outcome}": 1})
    counts = Counter()
    for article_id in ids:
        counts += _per_batch(conn, settings, worker, [article_id], run_id, stage, process)
    return counts


def _load_article(conn, article: dict) -> Counter:
    # A reclassified article is loaded again: its new verdict is linked first, then
    # its links to other events go (and with them any unreviewed event it alone
    # supported), so an event that still holds keeps its id.
    if not (article["is_auto"] and article["is_alliance"]) or len(article["parties"] or []) < 2:
        alliance_store.unlink_article(conn, article["id"])  # a reclassified article may no longer qualify
        return Counter()
    alliance_id = alliance_store.upsert_alliance(conn, article["parties"])
    event_id, created = alliance_store.record_event(
        conn, alliance_id=alliance_id, deal_type=article["deal_type"],
        status=article["deal_status"], event_date=article["event_date"],
        focus_areas=article["focus_areas"] or [], confidence=article["confidence"] or 0.0,
        story_id=article["story_id"], stake_pct=article["stake_pct"])
    changed = alliance_store.link_article(
        conn, event_id=event_id, article_id=article["id"], story_id=article["story_id"],
        evidence=article["evidence"] or [], confidence=article["confidence"] or 0.0,
        classifier_version=article["classifier_version"])
    alliance_store.unlink_article(conn, article["id"], keep_event_id=event_id)
    if created:
        return Counter(events_created=1)
    return Counter(events_updated=1) if changed else Counter()


def drain(conn, settings: Settings, state: str, step, run_id: int | None = None,
          budget: PassBudget | None = None) -> Counter:
    """Claim and process batches in `state` until none is left; returns summed counts."""
    budget = budget or PassBudget()
    counts = Counter()
    while not budget.expired() and (done := _one_batch(conn, settings, state, step, run_id, budget)) is not None:
        counts += done
    return counts


def flow(conn, settings: Settings, steps, run_id: int | None = None,
         budget: PassBudget | None = None) -> Counter:
    """Take work through `steps` ((state, step) pairs) a batch per step per round, until none is left.

    Unlike draining each step in turn, the first alliances are loaded while later
    articles are still being fetched. And when several workers share the queue, the
    steps that serialise on a lock (dedupe, stories, load) overlap with another
    worker's fetching and extraction instead of queueing behind each other at the end.
    """
    budget = budget or PassBudget()
    counts = Counter()
    while True:
        if budget.expired():
            return counts + Counter(pass_deadline_reached=1)
        rounds = [_one_batch(conn, settings, state, step, run_id, budget) for state, step in steps]
        if all(done is None for done in rounds):
            return counts
        counts += sum((done for done in rounds if done is not None), Counter())


def _one_batch(conn, settings: Settings, state: str, step, run_id: int | None,
               budget: PassBudget) -> Counter | None:
    """Claim one batch in `state` and process it; None when there was nothing to claim.

    Articles this pass already claimed in `state` (they failed, or were left for
    later) are not claimed again: an article is tried at most once per pass.
    """
    if budget.expired():
        return None
    worker = new_worker_id()
    tried = budget.tried[state]
    ids = article_store.claim_batch(conn, state, worker, settings.batch_size, settings.lease_seconds,
                                    exclude=tried)
    tried.update(ids)
    return step(conn, settings, worker, ids, run_id) if ids else None


def claim_batches(conn, settings: Settings, state: str, max_batches: int) -> list[str]:
    """Lease up to max_batches batches of articles in `state`; returns one worker token per batch.

    Used by the Airflow DAG to map one task over each batch; a token's rows stay
    leased to it until processed or until the lease runs out.
    """
    tokens = []
    for _ in range(max_batches):
        token = new_worker_id()
        if not article_store.claim_batch(conn, state, token, settings.batch_size,
                                         settings.lease_seconds):
            break
        tokens.append(token)
    return tokens


def fetch_claimed(conn, settings: Settings, client: HttpClient, token: str,
                  run_id: int | None = None) -> Counter:
    """Fetch and extract the articles leased to `token` by claim_batches."""
    ids = article_store.leased_ids(conn, "discovered", token)
    return fetch_and_extract(conn, settings, client, token, ids, run_id)


AFTER_FETCH = (("extracted", dedupe_articles), ("deduped", classify_articles),
               ("classified", load_records))


def process_queue(conn, settings: Settings, run_id: int | None = None) -> Counter:
    """Take everything fetched through dedupe, classification and loading."""
    return flow(conn, settings, AFTER_FETCH, run_id)


def reclassify(conn, settings: Settings, *, since=None, outdated_only: bool = False) -> Counter:
    """Re-run classification and loading on stored articles; review decisions are kept."""
    version = classifier.CLASSIFIER_VERSION if outdated_only else None
    requeued = article_store.requeue_for_classification(conn, since=since, outdated_version=version)
    counts = drain(conn, settings, "deduped", classify_articles)
    counts += drain(conn, settings, "classified", load_records)
    return counts + Counter(articles_requeued=requeued)


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
                counts += flow(conn, settings, (("discovered", fetch), *AFTER_FETCH), run_id, budget)
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
