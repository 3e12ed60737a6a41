"""The poll step: one conditional GET per due feed, its new entries recorded as discovered articles.

Each feed is its own error boundary: whatever goes wrong with it but the database
itself is recorded on the feed (which backs off) and the pass goes on.
"""

from __future__ import annotations

import logging
from collections import Counter
from urllib.parse import urlsplit

from .. import db, safetext, sources, urls
from ..errors import FetchError, TransientError
from ..http import HttpClient
from ..settings import Settings
from ..store import articles as article_store
from ..store import feeds as feed_store

log = logging.getLogger(__name__)

# First feed backoff step after a failure; doubles with each consecutive failure.
FEED_BACKOFF_BASE_SECONDS = 300


def poll_due_feeds(conn, settings: Settings, client: HttpClient, run_id: int, budget) -> Counter:
    """Poll every due feed this pass can claim, until the pass's deadline."""
    counts = Counter()
    for feed_id in feed_store.due_feed_ids(conn):
        if budget.expired():
            return counts + Counter(pass_deadline_reached=1)  # the rest are polled next pass
        # a pass running at the same time may be polling it: each feed is polled once
        if feed_store.claim_feed(conn, feed_id, run_id, settings.lease_seconds):
            counts += poll_feed(conn, settings, client, feed_id, run_id, until=budget.batch_until())
    return counts


def poll_feed(conn, settings: Settings, client: HttpClient, feed_id: int,
              run_id: int | None = None, until: float | None = None) -> Counter:
    """Fetch one feed (conditional GET) and record its unseen entries as discovered articles.

    Whatever goes wrong but the database itself (a fetch error, a feed the parser or
    the database chokes on, a bug) is recorded on the feed, which backs off; the pass
    goes on with the next feed.
    """
    try:
        return _poll_feed(conn, settings, client, feed_id, run_id, until)
    except Exception as exc:  # noqa: BLE001 - the error boundary of one feed
        conn.rollback()
        if db.is_transient_db_error(exc, conn):
            raise
        log.warning("poll of feed %s failed: %s", feed_id, exc)
        transient = isinstance(exc, TransientError)
        error = str(exc) if isinstance(exc, FetchError) else safetext.describe(exc)
        feed_store.record_poll_failure(conn, feed_id, status=getattr(exc, "status", None),
                                       error=error, base_seconds=FEED_BACKOFF_BASE_SECONDS,
                                       max_seconds=settings.feed_backoff_max_seconds,
                                       retry_after=getattr(exc, "retry_after", None))
        article_store.record_feed_error(conn, feed_id, stage="poll", error=error,
                                        transient=transient, run_id=run_id)
        conn.commit()
        return Counter(feeds_polled=1, feeds_failed=1)


def _poll_feed(conn, settings: Settings, client: HttpClient, feed_id: int,
               run_id: int | None, until: float | None) -> Counter:
    feed = feed_store.get_feed(conn, feed_id)
    counts = Counter(feeds_polled=1)
    polled = sources.poll(client, feed, until)
    if polled.not_modified:
        feed_store.record_poll_success(conn, feed_id, status=304, etag=None, last_modified=None,
                                       entry_count=None, parse_error=None)
        conn.commit()
        return counts + Counter(feeds_not_modified=1)
    fresh, known = _unseen_entries(conn, feed_id, polled.entries, settings.max_new_entries_per_poll)
    counts += _discover_entries(conn, feed_id, fresh) + Counter(entries_seen=known)
    deferred = len(polled.entries) - known - len(fresh)
    # Entries past the cap wait for the next pass: keep no validator or state that would skip them.
    feed_store.record_poll_success(conn, feed_id, status=polled.status, etag=polled.etag,
                                   last_modified=polled.last_modified,
                                   entry_count=len(polled.entries), parse_error=polled.error,
                                   state=polled.state, complete=not deferred)
    if polled.error:
        article_store.record_feed_error(conn, feed_id, stage="parse", error=polled.error,
                                        transient=False, run_id=run_id)
    conn.commit()
    return counts + Counter(entries_deferred=deferred)


def _unseen_entries(conn, feed_id: int, entries, cap: int) -> tuple[list, int]:
    """The entries this source has not listed before, in its order, at most `cap`; and how many it had."""
    unique = {}
    for entry in entries:
        unique.setdefault(entry.entry_key, entry)  # a key listed twice: the first one counts
    unique = list(unique.values())
    hashes = [article_store.entry_hash(e.entry_key) for e in unique]
    known = article_store.known_entry_hashes(conn, feed_id, hashes)
    fresh = [e for e, h in zip(unique, hashes) if h not in known]
    return fresh[:cap], len(entries) - len(fresh)


def _discover_entries(conn, feed_id: int, entries) -> Counter:
    rows = []
    for entry in entries:
        # Feeds canonicalise links when parsed, sitemaps leave it to here (for the entries kept);
        # canonicalising a canonical URL changes nothing.
        canonical = urls.entry_link(entry.link)
        if canonical is None:
            continue
        rows.append({"entry_key": entry.entry_key, "link": entry.link, "canonical": canonical,
                     "url_hash": urls.url_hash(canonical),
                     "domain": urlsplit(canonical).hostname or "", "title": entry.title,
                     "summary": entry.summary, "published": entry.published})
    entries_new, articles_new = article_store.discover_entries(conn, feed_id, rows)
    return +Counter(entries_new=entries_new, entries_seen=len(rows) - entries_new,
                    articles_discovered=articles_new)
