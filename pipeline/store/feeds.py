"""SQL for the feeds table: sync from feeds.yml, listing, polling bookkeeping."""

from __future__ import annotations

import json

from .. import safetext
from ..errors import NotFoundError


def sync_feed_specs(conn, specs) -> dict[str, int]:
    """Upsert feeds from feeds.yml; a feed added from the CLI keeps its own settings.

    Update first, insert only what is missing: INSERT ... ON CONFLICT draws the
    id from the sequence before it finds the conflict, so syncing every run
    would burn one id per listed feed.
    """
    added = updated = 0
    with conn.cursor() as cur:
        for spec in specs:
            cur.execute("""
                UPDATE feeds SET name = %s, enabled = %s, kind = %s
                 WHERE url = %s AND origin = 'feeds.yml'
                   AND (name, enabled, kind) IS DISTINCT FROM (%s, %s, %s)""",
                        (spec.name, spec.enabled, spec.kind, spec.url, spec.name, spec.enabled, spec.kind))
            updated += cur.rowcount
            added += _insert_missing(cur, spec.url, spec.name, spec.enabled, "feeds.yml", spec.kind)
    conn.commit()
    return {"feeds_added": added, "feeds_updated": updated}


def _insert_missing(cur, url: str, name: str, enabled: bool, origin: str, kind: str = "rss") -> int:
    """Insert the feed unless its URL is known (no sequence value drawn then); returns 1 or 0."""
    cur.execute("""
        INSERT INTO feeds (url, name, enabled, origin, kind)
        SELECT %s, %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM feeds WHERE url = %s)
        ON CONFLICT (url) DO NOTHING""", (url, name, enabled, origin, kind, url))
    return cur.rowcount


def add_feed(conn, url: str, name: str, kind: str = "rss") -> int:
    """Add (or re-enable) a source by URL; returns its id (re-adding draws no new id)."""
    with conn.cursor() as cur:
        _insert_missing(cur, url, name, True, "cli", kind)
        cur.execute("UPDATE feeds SET enabled = true, name = %s, kind = %s WHERE url = %s RETURNING id",
                    (name, kind, url))
        feed_id = cur.fetchone()[0]
    conn.commit()
    return feed_id


def set_feed_enabled(conn, feed: str, enabled: bool) -> int:
    """Enable or disable a feed given its id or URL; returns its id."""
    with conn.cursor() as cur:
        cur.execute("UPDATE feeds SET enabled = %s WHERE id::text = %s OR url = %s RETURNING id",
                    (enabled, feed, feed))
        row = cur.fetchone()
    conn.commit()
    if not row:
        raise NotFoundError(f"no feed with id or URL {feed!r}")
    return row[0]


def list_feeds(conn) -> list[dict]:
    """Every feed's row of v_feed_health (health, last error, ...), in id order."""
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM v_feed_health ORDER BY feed_id")
        cols = [c.name for c in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]


def due_feed_ids(conn) -> list[int]:
    """Enabled feeds whose next poll time has come."""
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM feeds WHERE enabled AND next_poll_at <= now() ORDER BY id")
        ids = [r[0] for r in cur.fetchall()]
    conn.commit()
    return ids


def claim_feed(conn, feed_id: int, run_id: int, lease_seconds: int) -> bool:
    """Take a due feed for this run's poll; False when another pass has it or polled it since this run began.

    Its next poll time moves past the lease, so a concurrent pass skips it; the
    poll's outcome then sets the real next time. A pass that dies mid-poll leaves
    the feed due again once the lease runs out.
    """
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE feeds f SET next_poll_at = now() + make_interval(secs => %s)
              FROM pipeline_runs r
             WHERE f.id = %s AND r.id = %s AND f.enabled AND f.next_poll_at <= now()
               AND (f.last_polled_at IS NULL OR f.last_polled_at < r.started_at)""",
                    (lease_seconds, feed_id, run_id))
        claimed = cur.rowcount == 1
    conn.commit()
    return claimed


def get_feed(conn, feed_id: int) -> dict:
    """One feed row as a dict."""
    with conn.cursor() as cur:
        cur.execute("SELECT id, url, name, kind, etag, last_modified, consecutive_failures, poll_state "
                    "FROM feeds WHERE id = %s", (feed_id,))
        row = cur.fetchone()
        if not row:
            raise NotFoundError(f"no feed {feed_id}")
        return dict(zip([c.name for c in cur.description], row))


def record_poll_success(conn, feed_id: int, *, status: int, etag: str | None,
                        last_modified: str | None, entry_count: int | None,
                        parse_error: str | None, state: dict | None = None,
                        complete: bool = True) -> None:
    """Mark a poll as done: validators and poll state kept, failures reset, parse error (if any) kept.

    An incomplete poll (entries left for the next pass) drops the validators and keeps
    the old state, so the next pass reads the source again instead of a 304.
    """
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE feeds SET last_polled_at = now(), last_status = %s,
                   etag = CASE WHEN %s THEN coalesce(%s, etag) END,
                   last_modified = CASE WHEN %s THEN coalesce(%s, last_modified) END,
                   poll_state = CASE WHEN %s THEN coalesce(%s::jsonb, poll_state) ELSE poll_state END,
                   last_entry_count = coalesce(%s, last_entry_count), last_error = left(%s, 2000),
                   consecutive_failures = 0, next_poll_at = now()
            WHERE id = %s""", (status, complete, etag, complete, last_modified, complete,
                               json.dumps(state) if state is not None else None,
                               entry_count, parse_error, feed_id))


def record_poll_failure(conn, feed_id: int, *, status: int | None, error: str,
                        base_seconds: int, max_seconds: int, retry_after: float | None = None) -> None:
    """Count a failed poll and back off exponentially (capped) before the next one.

    A server's Retry-After is honoured when longer than the backoff, up to the same
    cap. Times are clock_timestamp(), when the poll ended, not when its transaction began.
    """
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE feeds SET last_polled_at = clock_timestamp(), last_status = %s, last_error = %s,
                   consecutive_failures = consecutive_failures + 1,
                   next_poll_at = clock_timestamp() + make_interval(secs => least(
                       greatest(%s::float8 * power(2, consecutive_failures), coalesce(%s::float8, 0)),
                       %s::float8))
            WHERE id = %s""", (status, safetext.cap_bytes(error), base_seconds, retry_after,
                               max_seconds, feed_id))
