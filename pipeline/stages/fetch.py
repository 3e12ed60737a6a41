"""The fetch step: fetching claimed 'discovered' articles' pages, extracting them and storing each.

Pages are fetched concurrently (threads wait on the network and on per-host
slots); extraction and the database writes stay in the calling thread, one
transaction per article, which is each article's error boundary. A batch has a
deadline: articles not reached in time go back to the queue without an attempt
counted. http_client() is the polite client (robots.txt, per-host spacing) every
fetch goes through.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from .. import db, extract, fingerprint, safetext, urls
from ..errors import TerminalError, TransientError
from ..http import HttpClient, require_content_type
from ..politeness import Politeness
from ..settings import Settings
from ..states import DISCOVERED
from ..store import articles as article_store
from .budget import PassBudget

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# Concurrent page fetches per worker; per-host spacing still holds (reserved in the database).
FETCH_THREADS = 8


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
        known = isinstance(exc, (TransientError, TerminalError))
        outcome = article_store.record_failure(
            conn, row["id"], worker, stage="fetch",
            error=str(exc) if known else safetext.describe(exc),
            transient=isinstance(exc, TransientError), max_attempts=settings.max_attempts,
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


def fetch_claimed(conn, settings: Settings, client: HttpClient, token: str,
                  run_id: int | None = None) -> Counter:
    """Fetch and extract the articles leased to `token` by claim_batches."""
    ids = article_store.leased_ids(conn, DISCOVERED, token)
    return fetch_and_extract(conn, settings, client, token, ids, run_id)


