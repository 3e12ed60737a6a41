"""SQL for articles moving through their states: discover, claim, advance, fail.

Claims use FOR UPDATE SKIP LOCKED plus a lease (leased_until, lease_owner), so a
worker killed mid-batch only delays its rows until the lease runs out, and a
result is written only by the worker that still holds the lease.
"""

from __future__ import annotations

import hashlib
import io
import struct
from datetime import date
from urllib.parse import urlsplit

import psycopg2.errors
import psycopg2.extensions
import psycopg2.extras
from isal import igzip

from .. import db, safetext
from ..states import next_state
from ..urls import url_hash

# Raw pages are a reprocessing cache, stored as standard gzip (any gzip reader opens
# them). ISA-L's level 1 writes it several times faster than zlib level 1, and a little
# smaller.
RAW_PAGE_GZIP_LEVEL = 1



def discover_entries(conn, feed_id: int, entries: list[dict]) -> tuple[int, int]:
    """Record a feed's entries and their articles; returns (new entries, new articles).

    Each entry has entry_key, link, canonical, url_hash, domain, title, summary and
    published. Articles are inserted in url_hash order, so two passes discovering
    overlapping entries (in any order) take their key locks in the same order and
    cannot deadlock. An article re-keyed on its page's canonical URL is still found
    under the old one (url_aliases).
    """
    if not entries:
        return 0, 0
    column = lambda name: [e[name] for e in entries]  # noqa: E731
    hashes = column("url_hash")
    keys = [safetext.clean(k) for k in column("entry_key")]
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO articles (canonical_url, url_hash, url, source_domain, feed_id, title,
                                  summary, feed_published_at, published_at)
            SELECT e.canonical, e.url_hash, e.link, e.domain, %s, e.title, e.summary, e.published,
                   e.published
              FROM unnest(%s::text[], %s::bytea[], %s::text[], %s::text[], %s::text[], %s::text[],
                          %s::timestamptz[])
                   AS e(canonical, url_hash, link, domain, title, summary, published)
             WHERE NOT EXISTS (SELECT 1 FROM url_aliases a WHERE a.url_hash = e.url_hash)
             ORDER BY e.url_hash
            ON CONFLICT (url_hash) DO NOTHING RETURNING id""",
                    (feed_id, column("canonical"), hashes, column("link"), column("domain"),
                     column("title"), column("summary"), column("published")))
        articles_new = cur.rowcount
        cur.execute("""
            INSERT INTO feed_entries (feed_id, entry_key, entry_hash, article_id, link)
            SELECT %s, e.entry_key, e.entry_hash, coalesce(a.id, al.article_id), e.link
              FROM unnest(%s::text[], %s::bytea[], %s::bytea[], %s::text[])
                   AS e(entry_key, entry_hash, url_hash, link)
              LEFT JOIN articles a ON a.url_hash = e.url_hash
              LEFT JOIN url_aliases al ON al.url_hash = e.url_hash
             ORDER BY e.entry_hash
            ON CONFLICT DO NOTHING""", (feed_id, keys, [entry_hash(k) for k in keys], hashes,
                                        column("link")))
        return cur.rowcount, articles_new


def known_entry_hashes(conn, feed_id: int, hashes: list[bytes]) -> set[bytes]:
    """Which of these entry hashes the feed has listed before."""
    if not hashes:
        return set()
    with conn.cursor() as cur:
        cur.execute("SELECT entry_hash FROM feed_entries WHERE feed_id = %s AND entry_hash = ANY(%s)",
                    (feed_id, hashes))
        return {bytes(row[0]) for row in cur.fetchall()}


def entry_hash(entry_key: str) -> bytes:
    """The indexed identity of a feed entry: SHA-256 of its (cleaned) key's UTF-8 bytes."""
    return hashlib.sha256(safetext.clean(entry_key).encode("utf-8")).digest()


def claim_batch(conn, state: str, worker: str, limit: int, lease_seconds: int,
                exclude=()) -> list[int]:
    """Lease up to `limit` due articles in `state` to `worker`; returns their ids.

    exclude: ids not to take (those this pass already tried in this state).
    """
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE articles SET leased_until = now() + make_interval(secs => %s), lease_owner = %s
            WHERE id IN (
                SELECT id FROM articles
                WHERE state = %s AND next_attempt_at <= clock_timestamp()
                  AND (leased_until IS NULL OR leased_until < now())
                  AND id <> ALL(%s::bigint[])
                ORDER BY next_attempt_at, id LIMIT %s
                FOR UPDATE SKIP LOCKED)
            RETURNING id""", (lease_seconds, worker, state, sorted(exclude), limit))
        ids = sorted(r[0] for r in cur.fetchall())
    conn.commit()
    return ids


def articles_to_fetch(conn, ids: list[int]) -> list[dict]:
    """id, url, canonical_url, feed date of claimed articles."""
    with conn.cursor() as cur:
        cur.execute("SELECT id, url, canonical_url, feed_published_at, title FROM articles "
                    "WHERE id = ANY(%s) ORDER BY id", (ids,))
        return db.dict_rows(cur)


def articles_with_text(conn, ids: list[int]) -> list[dict]:
    """Text and metadata of claimed articles, for dedupe and classification."""
    with conn.cursor() as cur:
        cur.execute("""SELECT id, url, canonical_url, title, text, language, published_at,
                              coalesce(published_at, discovered_at) AS story_at, duplicate_of, story_id
                       FROM articles WHERE id = ANY(%s) ORDER BY id""", (ids,))
        return db.dict_rows(cur)


def advance_many(conn, article_ids: list[int], worker: str, from_state: str) -> int:
    """Move a batch to its next state, for the rows this worker still holds; returns how many."""
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE articles SET state = %s, leased_until = NULL, lease_owner = NULL,
                   attempts = 0, last_error = NULL, updated_at = now()
            WHERE id = ANY(%s) AND lease_owner = %s AND state = %s""",
                    (next_state(from_state), list(article_ids), worker, from_state))
        return cur.rowcount


def save_extraction(conn, article_id: int, worker: str, *, fetch, page, canonical: str | None,
                    text_hash: bytes) -> bool:
    """Store the extracted text and advance to 'extracted' in one update, then the raw page
    (compressed). Nothing is written when this worker no longer holds the lease.

    canonical: a new canonical URL for the article (its page's rel=canonical, or where
    it redirected), or None to keep the one it was discovered under.
    """
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_save_extraction", """
            UPDATE articles SET text = $1, text_hash = $2, title = coalesce($3, title),
                   author = $4, site_name = $5, language = $6,
                   published_at = coalesce($7, published_at), modified_at = $8,
                   fetched_at = now(), state = 'extracted', leased_until = NULL,
                   lease_owner = NULL, attempts = 0, last_error = NULL, updated_at = now()
            WHERE id = $9 AND lease_owner = $10 AND state = 'discovered'""",
                    (page.text, text_hash, *map(safetext.cap_bytes, (page.title, page.author,
                                                                     page.site_name, page.language)),
                     page.published, page.modified, article_id, worker))
        if cur.rowcount != 1:
            return False
        if canonical:
            _adopt_canonical(cur, article_id, canonical)
        db.execute_prepared(cur, "tieup_save_raw_page", """
            INSERT INTO raw_pages (article_id, final_url, http_status, content_type, charset,
                                   headers, body_gz, body_bytes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (article_id) DO UPDATE SET final_url = EXCLUDED.final_url,
                http_status = EXCLUDED.http_status, content_type = EXCLUDED.content_type,
                charset = EXCLUDED.charset, headers = EXCLUDED.headers,
                body_gz = EXCLUDED.body_gz, body_bytes = EXCLUDED.body_bytes, fetched_at = now()""",
                    (article_id, fetch.final_url, fetch.status, fetch.content_type, fetch.charset,
                     psycopg2.extras.Json(fetch.headers), igzip.compress(fetch.body, RAW_PAGE_GZIP_LEVEL), len(fetch.body)))
        return True


def _adopt_canonical(cur, article_id: int, canonical: str) -> None:
    """Re-key the article on the canonical URL its page declares (or redirected to).

    When another article already holds that URL, the two rows stay apart and the
    exact-copy dedupe links them; a savepoint keeps a concurrent claim of the same
    URL from failing the whole transaction.
    """
    key = url_hash(canonical)
    cur.execute("SAVEPOINT adopt_canonical")
    try:
        cur.execute("""
            INSERT INTO url_aliases (url_hash, url, article_id)
            SELECT url_hash, canonical_url, id FROM articles
             WHERE id = %s AND url_hash <> %s
               AND NOT EXISTS (SELECT 1 FROM articles other WHERE other.url_hash = %s)
               AND NOT EXISTS (SELECT 1 FROM url_aliases a WHERE a.url_hash = %s)
            ON CONFLICT (url_hash) DO NOTHING""", (article_id, key, key, key))
        if cur.rowcount == 1:
            cur.execute("UPDATE articles SET canonical_url = %s, url_hash = %s, source_domain = %s "
                        "WHERE id = %s", (canonical, key, urlsplit(canonical).hostname or "", article_id))
    except psycopg2.errors.UniqueViolation:
        cur.execute("ROLLBACK TO SAVEPOINT adopt_canonical")
    else:
        cur.execute("RELEASE SAVEPOINT adopt_canonical")


def record_failure(conn, article_id: int, worker: str, *, stage: str, error: str,
                   transient: bool, max_attempts: int, run_id: int | None) -> str:
    """Count a failed attempt: retry later with backoff, or park as 'failed'. Returns the outcome.

    Times are clock_timestamp(), when the attempt ended: a fetch that took longer
    than its backoff is not due again at once.
    """
    error = safetext.cap_bytes(error)
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE articles SET attempts = attempts + 1, last_error = %s,
                   leased_until = NULL, lease_owner = NULL, updated_at = clock_timestamp(),
                   state = CASE WHEN %s AND attempts + 1 < %s THEN state ELSE 'failed' END,
                   failed_stage = CASE WHEN %s AND attempts + 1 < %s THEN failed_stage ELSE %s END,
                   next_attempt_at = clock_timestamp() + make_interval(secs => 30 * power(2, attempts))
            WHERE id = %s AND lease_owner = %s
            RETURNING state""",
                    (error, transient, max_attempts, transient, max_attempts, stage,
                     article_id, worker))
        row = cur.fetchone()
        cur.execute("""INSERT INTO item_errors (run_id, item_kind, item_id, stage, transient, error,
                                                occurred_at)
                       VALUES (%s, 'article', %s, %s, %s, %s, clock_timestamp())""",
                    (run_id, article_id, stage, transient, error))
    conn.commit()
    if row is None:
        return "lease_lost"
    return "parked" if row[0] == "failed" else "retry"


def record_feed_error(conn, feed_id: int, *, stage: str, error: str, transient: bool,
                      run_id: int | None) -> None:
    """Keep a per-item error row for a feed."""
    with conn.cursor() as cur:
        cur.execute("""INSERT INTO item_errors (run_id, item_kind, item_id, stage, transient, error,
                                                occurred_at)
                       VALUES (%s, 'feed', %s, %s, %s, %s, clock_timestamp())""",
                    (run_id, feed_id, stage, transient, safetext.cap_bytes(error)))


def release(conn, article_ids: list[int], worker: str) -> int:
    """Give leased articles back to the queue untouched (no attempt counted); returns how many.

    For work a pass ran out of time for, or that waited too long on a lock.
    """
    with conn.cursor() as cur:
        cur.execute("UPDATE articles SET leased_until = NULL, lease_owner = NULL "
                    "WHERE id = ANY(%s) AND lease_owner = %s", (list(article_ids), worker))
        count = cur.rowcount
    conn.commit()
    return count


def save_classification(conn, article_id: int, worker: str, result, version: str,
                        story_id: int | None) -> bool:
    """Store the classifier's verdict and story, and advance to 'classified', in one update."""
    with conn.cursor() as cur:
        db.execute_prepared(cur, "tieup_save_classification", """
            UPDATE articles SET is_auto = $1, is_alliance = $2, deal_type = $3, deal_status = $4,
                   parties = $5, focus_areas = $6, confidence = $7, evidence = $8,
                   event_date = $9, classifier_version = $10, classified_at = now(),
                   story_id = coalesce($11, story_id), stake_pct = $14,
                   state = 'classified', leased_until = NULL, lease_owner = NULL,
                   attempts = 0, last_error = NULL, updated_at = now()
            WHERE id = $12 AND lease_owner = $13 AND state = 'deduped'""",
                    (result.is_auto, result.is_alliance, result.deal_type, result.status,
                     list(result.parties), list(result.focus_areas), result.confidence,
                     list(result.evidence), result.event_date, version, story_id,
                     article_id, worker, result.stake_pct))
        return cur.rowcount == 1


def lock_leased(conn, article_ids: list[int], worker: str, state: str) -> list[int]:
    """Row-lock the articles still leased to worker in state; returns their ids.

    Held until the transaction ends, so no other worker can take them over midway.
    """
    with conn.cursor() as cur:
        cur.execute("""SELECT id FROM articles WHERE id = ANY(%s) AND lease_owner = %s AND state = %s
                       ORDER BY id FOR UPDATE""", (list(article_ids), worker, state))
        return [r[0] for r in cur.fetchall()]


def articles_for_load(conn, ids: list[int]) -> list[dict]:
    """Classification of claimed articles, for folding into alliance records; `linked` says
    whether an article is evidence of any event yet (a reclassified one may be)."""
    with conn.cursor() as cur:
        cur.execute("""SELECT id, is_auto, is_alliance, deal_type, deal_status, parties, stake_pct,
                              focus_areas, confidence, evidence, classifier_version, story_id,
                              coalesce(event_date, published_at::date, discovered_at::date) AS event_date,
                              EXISTS (SELECT 1 FROM event_articles ea WHERE ea.article_id = a.id) AS linked
                       FROM articles a WHERE id = ANY(%s) ORDER BY id""", (ids,))
        return db.dict_rows(cur)


def leased_ids(conn, state: str, worker: str) -> list[int]:
    """Ids of articles in `state` currently leased to `worker`."""
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM articles WHERE state = %s AND lease_owner = %s "
                    "AND leased_until > now() ORDER BY id", (state, worker))
        return [r[0] for r in cur.fetchall()]


# Archive batches go through binary COPY (data, never SQL; nothing to escape) into a
# per-session staging table, then one INSERT ... SELECT: the server takes COPY much
# faster than a VALUES list. ON COMMIT DELETE ROWS empties it at every commit; the
# INSERT also consumes what it reads, so batches in one transaction stay apart.
# published_at is staged as text and cast like a literal (a naive time is in the
# session's time zone), so the binary format needs no timestamp arithmetic.
_STAGING_EXISTS = "SELECT to_regclass('pg_temp.archive_staging') IS NOT NULL"
_CREATE_STAGING = """
    CREATE TEMP TABLE archive_staging (
        position integer NOT NULL, canonical_url text NOT NULL, url_hash bytea NOT NULL,
        url text NOT NULL, source_domain text NOT NULL, title text, text text,
        text_hash bytea, published_at text, language text) ON COMMIT DELETE ROWS"""
_COPY_STAGING = "COPY pg_temp.archive_staging FROM STDIN (FORMAT binary)"
_INSERT_STAGED = """
    WITH batch AS (DELETE FROM pg_temp.archive_staging RETURNING *)
    INSERT INTO articles (canonical_url, url_hash, url, source_domain, title, text,
                          text_hash, published_at, language, state, fetched_at)
    SELECT canonical_url, url_hash, url, source_domain, title, text,
           text_hash, published_at::timestamptz, language, 'extracted', now()
    FROM batch
    WHERE NOT EXISTS (SELECT 1 FROM url_aliases a WHERE a.url_hash = batch.url_hash)
    ORDER BY position
    ON CONFLICT (url_hash) DO NOTHING RETURNING id"""
_ARCHIVE_FIELDS = ("canonical", "url_hash", "url", "domain", "title", "text", "text_hash",
                   "published", "language")
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # signature, flags, extension
_BINARY_TRAILER = struct.pack("!h", -1)
_TUPLE_START = struct.Struct("!hii")  # field count, then the position field: length 4, int4
_LENGTH = struct.Struct("!i")
_NULL = _LENGTH.pack(-1)


def insert_archived_batch(conn, rows: list[dict]) -> list[int]:
    """Store backfilled articles ready for dedupe; returns the ids of new ones.

    Each row has canonical, url_hash, url, domain, title, text, text_hash, published,
    language. A row whose URL is already stored (or repeated in rows) is skipped.
    Needs a transaction (autocommit off); the caller commits.
    """
    if conn.autocommit:
        raise ValueError("insert_archived_batch needs autocommit off (the staging rows live until commit)")
    first = {}
    for row in rows:
        first.setdefault(row["url_hash"], row)  # a repeated URL: the first row wins
    if not first:
        return []
    data = _copy_binary(first.values(), psycopg2.extensions.encodings[conn.encoding])
    with conn.cursor() as cur:
        cur.execute(_STAGING_EXISTS)
        if not cur.fetchone()[0]:
            cur.execute(_CREATE_STAGING)
        cur.copy_expert(_COPY_STAGING, io.BytesIO(data))
        cur.execute(_INSERT_STAGED)
        return [r[0] for r in cur.fetchall()]


def _copy_binary(rows, codec: str) -> bytes:
    """Rows in COPY binary format: position, then _ARCHIVE_FIELDS; text in the client encoding."""
    parts = [_BINARY_HEADER]
    for position, row in enumerate(rows):
        parts.append(_TUPLE_START.pack(1 + len(_ARCHIVE_FIELDS), 4, position))
        for name in _ARCHIVE_FIELDS:
            parts.extend(_binary_field(row[name], codec))
    parts.append(_BINARY_TRAILER)
    return b"".join(parts)


def _binary_field(value, codec: str) -> tuple[bytes, ...]:
    if value is None:
        return (_NULL,)
    if isinstance(value, str):
        data = value.encode(codec)
    elif isinstance(value, bytes):
        data = value
    elif isinstance(value, date):  # and datetime; staged as text
        data = value.isoformat().encode("ascii")
    else:
        raise TypeError(f"cannot store {type(value).__name__} in an archived article row")
    return _LENGTH.pack(len(data)), data


def requeue_for_classification(conn, *, since=None, outdated_version: str | None = None) -> int:
    """Send processed articles back to the classify stage (from stored text, no refetch).

    since: only articles published (or discovered) on or after this date;
    outdated_version: only articles classified by another classifier version.
    Rows leased by a running stage are skipped (the next pass takes them).
    """
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE articles SET state = 'deduped', next_attempt_at = now(), attempts = 0,
                   last_error = NULL, leased_until = NULL, lease_owner = NULL, updated_at = now()
            WHERE id IN (
                SELECT id FROM articles
                WHERE state IN ('classified', 'loaded')
                  AND (leased_until IS NULL OR leased_until < now())
                  AND (%s::timestamptz IS NULL OR coalesce(published_at, discovered_at) >= %s::timestamptz)
                  AND (%s::text IS NULL OR classifier_version IS DISTINCT FROM %s::text)
                FOR UPDATE SKIP LOCKED)""",
                    (since, since, outdated_version, outdated_version))
        count = cur.rowcount
    conn.commit()
    return count
