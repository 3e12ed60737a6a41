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
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from urllib.parse import urlsplit

from . import classify as classifier
from . import dates, db, dedupe, extract, feeds
from .errors import FetchError, TerminalError
from .http import HttpClient, require_content_type
from .politeness import Politeness
from .models import ExtractedPage
from .settings import Settings
from .store import alliances as alliance_store
from .store import companies as company_store
from .store import dedupe as dedupe_store
from .store import articles as article_store
from .store import feeds as feed_store
from .store import runs as run_store

log = logging.getLogger(__name__)

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# Concurrent page fetches per worker; per-host spacing still holds (reserved in the database).
FETCH_THREADS = 8
# First feed backoff step after a failure; doubles with each consecutive failure.
FEED_BACKOFF_BASE_SECONDS = 300
# Archive records per INSERT in a backfill: one round trip and one commit per batch, not per row.
ARCHIVE_BATCH_ROWS = 500


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


def poll_feed(conn, settings: Settings, client: HttpClient, feed_id: int,
              run_id: int | None = None) -> Counter:
    """Fetch one feed (conditional GET) and record its unseen entries as discovered articles."""
    feed = feed_store.get_feed(conn, feed_id)
    counts = Counter(feeds_polled=1)
    try:
        result = client.fetch(feed["url"], etag=feed["etag"], last_modified=feed["last_modified"],
                              accept=FEED_ACCEPT)
    except FetchError as exc:
        feed_store.record_poll_failure(conn, feed_id, status=exc.status, error=str(exc),
                                       base_seconds=FEED_BACKOFF_BASE_SECONDS,
                                       max_seconds=settings.feed_backoff_max_seconds)
        article_store.record_feed_error(conn, feed_id, stage="poll", error=str(exc),
                                        transient=exc.transient, run_id=run_id)
        conn.commit()
        return counts + Counter(feeds_failed=1)
    if result.not_modified:
        feed_store.record_poll_success(conn, feed_id, status=304, etag=None, last_modified=None,
                                       entry_count=None, parse_error=None)
        conn.commit()
        return counts + Counter(feeds_not_modified=1)
    parsed = feeds.parse_feed(result.body, base_url=result.final_url,
                              content_type=result.content_type)
    counts += _discover_entries(conn, feed_id, parsed.entries)
    feed_store.record_poll_success(conn, feed_id, status=result.status,
                                   etag=result.headers.get("etag"),
                                   last_modified=result.headers.get("last-modified"),
                                   entry_count=len(parsed.entries), parse_error=parsed.error)
    if parsed.error:
        article_store.record_feed_error(conn, feed_id, stage="parse", error=parsed.error,
                                        transient=False, run_id=run_id)
    conn.commit()
    return counts


def _discover_entries(conn, feed_id: int, entries) -> Counter:
    rows = []
    for entry in entries:
        canonical = dedupe.canonical_url(entry.link)
        rows.append({"entry_key": entry.entry_key, "link": entry.link, "canonical": canonical,
                     "url_hash": dedupe.url_hash(canonical),
                     "domain": urlsplit(canonical).hostname or "", "title": entry.title,
                     "summary": entry.summary, "published": entry.published})
    entries_new, articles_new = article_store.discover_entries(conn, feed_id, rows)
    return +Counter(entries_new=entries_new, entries_seen=len(rows) - entries_new,
                    articles_discovered=articles_new)


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


def fetch_and_extract(conn, settings: Settings, client: HttpClient, worker: str,
                      ids: list[int], run_id: int | None = None) -> Counter:
    """Fetch the claimed 'discovered' articles concurrently, then extract and commit each."""
    rows = article_store.articles_to_fetch(conn, ids)
    counts = Counter()
    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        # Threads only wait on the network (and on per-host slots); parsing and
        # database writes stay in this thread, one transaction per article.
        for row, fetched in zip(rows, pool.map(lambda r: _fetch_page(client, r), rows)):
            counts += _store_fetched(conn, settings, worker, row, fetched, run_id)
    return counts


def _fetch_page(client: HttpClient, row: dict):
    try:
        return client.fetch(row["url"], accept=PAGE_ACCEPT)
    except FetchError as exc:
        return exc


def _store_fetched(conn, settings: Settings, worker: str, row: dict, fetched, run_id) -> Counter:
    try:
        if isinstance(fetched, FetchError):
            raise fetched
        page = _extract_article(fetched, row)
    except (FetchError, TerminalError) as exc:
        outcome = article_store.record_failure(
            conn, row["id"], worker, stage="fetch", error=str(exc),
            transient=getattr(exc, "transient", False), max_attempts=settings.max_attempts,
            run_id=run_id)
        return Counter({f"articles_{outcome}": 1})
    # The page's own rel=canonical (same site only) or the URL it redirected to.
    canonical = dedupe.canonical_url(fetched.final_url, page.canonical_url)
    stored = article_store.save_extraction(
        conn, row["id"], worker, fetch=fetched, page=page,
        canonical=canonical if canonical != row["canonical_url"] else None,
        text_hash=dedupe.text_hash(page.text))
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
        if db.is_transient_db_error(exc):
            raise
        if len(ids) == 1:
            log.warning("%s failed for article %s: %s", stage, ids[0], exc)
            outcome = article_store.record_failure(
                conn, ids[0], worker, stage=stage, error=f"{type(exc).__name__}: {exc}",
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


def drain(conn, settings: Settings, state: str, step, run_id: int | None = None) -> Counter:
    """Claim and process batches in `state` until none is left; returns summed counts."""
    counts = Counter()
    while (done := _one_batch(conn, settings, state, step, run_id)) is not None:
        counts += done
    return counts


def flow(conn, settings: Settings, steps, run_id: int | None = None) -> Counter:
    """Take work through `steps` ((state, step) pairs) a batch per step per round, until none is left.

    Unlike draining each step in turn, the first alliances are loaded while later
    articles are still being fetched. And when several workers share the queue, the
    steps that serialise on a lock (dedupe, stories, load) overlap with another
    worker's fetching and extraction instead of queueing behind each other at the end.
    """
    counts = Counter()
    while True:
        rounds = [_one_batch(conn, settings, state, step, run_id) for state, step in steps]
        if all(done is None for done in rounds):
            return counts
        counts += sum((done for done in rounds if done is not None), Counter())


def _one_batch(conn, settings: Settings, state: str, step, run_id: int | None) -> Counter | None:
    """Claim one batch in `state` and process it; None when there was nothing to claim."""
    worker = new_worker_id()
    ids = article_store.claim_batch(conn, state, worker, settings.batch_size, settings.lease_seconds)
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


def ingest_archive(conn, settings: Settings, records, progress=None) -> Counter:
    """Backfill from (line number, record) pairs, then process them like fetched news.

    A record is {url, title?, text | html, published?}, or the ValueError that
    parsing its line raised. Bad records are counted and reported through `progress(line_no, error)`; the
    rest go through the same dedupe, classification and loading as fetched news.
    """
    return store_archive_records(conn, records, progress) + process_queue(conn, settings)


def store_archive_records(conn, records, progress=None) -> Counter:
    """The storing half of ingest_archive: validate and insert records as 'extracted', committed."""
    counts, batch = Counter(), []
    for line_no, record in records:
        try:
            batch.append(_archived_row(record))
        except (KeyError, TypeError, ValueError) as exc:  # raised before anything is written
            counts["records_invalid"] += 1
            if progress:
                progress(line_no, f"line {line_no}: {exc}")
            continue
        if len(batch) >= ARCHIVE_BATCH_ROWS:
            counts += _store_archived(conn, batch)
            batch = []
    return counts + _store_archived(conn, batch)


def _store_archived(conn, rows: list[dict]) -> Counter:
    stored = len(article_store.insert_archived_batch(conn, rows))
    conn.commit()
    return Counter(records_stored=stored, records_known=len(rows) - stored)


def _archived_row(record) -> dict:
    """The articles row of one archive record; ValueError when the record is unusable."""
    if isinstance(record, ValueError):
        raise ValueError(f"not valid JSON ({record})")
    if not isinstance(record, dict) or not isinstance(record.get("url"), str):
        raise ValueError("a record needs a string 'url'")
    page = _archived_page(record)
    if not page.text.strip():
        raise ValueError("a record needs non-empty 'text' or 'html'")
    title = record.get("title") or page.title
    if title is not None and not isinstance(title, str):
        raise ValueError("'title' must be a string")
    url, text = _storable(record["url"], "url"), _storable(page.text, "text")
    canonical = dedupe.canonical_url(url)
    return {"canonical": canonical, "url_hash": dedupe.url_hash(canonical), "url": url,
            "domain": urlsplit(canonical).hostname or "",
            "title": _storable(title.replace("\x00", ""), "title") if title is not None else None,
            "text": text, "text_hash": dedupe.text_hash(text), "published": page.published,
            "language": page.language}


def _storable(value: str, field: str) -> str:
    """value, if PostgreSQL text can hold it; ValueError for a NUL or a lone surrogate."""
    if "\x00" in value:
        raise ValueError(f"'{field}' contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"'{field}' contains a lone surrogate (not Unicode text)") from None
    return value


def _archived_page(record: dict):
    # the same date parsing (and plausibility check) as page metadata
    published = dates.plausible(extract.parse_date(record.get("published")))
    if isinstance(record.get("text"), str):
        # PostgreSQL text cannot hold NUL characters
        text = record["text"].replace("\x00", "")
        # the language is detected as for a fetched page (stories and v_articles need it)
        return ExtractedPage(text=text, title=record.get("title"), published=published,
                             language=extract.detect_language(text))
    if isinstance(record.get("html"), str):
        return extract.extract_page(record["html"], url=record["url"], feed_published=published)
    raise ValueError("a record needs 'text' or 'html'")


def run_once(settings: Settings, trigger: str = "cli") -> dict:
    """One full pass: sync and poll feeds, then fetch, extract, dedupe, classify and load, batch by batch."""
    with db.connection(settings.database_url, pipeline=True) as conn:
        run_id = run_store.start_run(conn, trigger)
        counts = Counter()
        try:
            with http_client(settings) as client:
                counts += Counter(sync_feeds(conn, settings))
                for feed_id in due_feeds(conn):
                    # a pass running at the same time may be polling it: each feed is polled once
                    if feed_store.claim_feed(conn, feed_id, run_id, settings.lease_seconds):
                        counts += poll_feed(conn, settings, client, feed_id, run_id)
                fetch = lambda c, s, w, ids, r: fetch_and_extract(c, s, client, w, ids, r)  # noqa: E731
                counts += flow(conn, settings, (("discovered", fetch), *AFTER_FETCH), run_id)
        except BaseException:
            _record_failed_run(settings, run_id, counts)
            raise
        run_store.finish_run(conn, run_id, dict(counts))
        return {"run_id": run_id, **counts}


def _record_failed_run(settings: Settings, run_id: int, counts: Counter) -> None:
    """Mark the run failed on a fresh connection; the database itself may be what failed."""
    try:
        with db.connection(settings.database_url) as conn:
            run_store.finish_run(conn, run_id, dict(counts), status="failed")
    except Exception:  # noqa: BLE001 - never mask the error that ended the run
        log.warning("could not record run %s as failed", run_id)
