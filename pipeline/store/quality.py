"""SQL of the data-quality checks run after each digest: each returns the offending rows."""

from __future__ import annotations

from .. import db

# Enough rows to act on; the check message also gives the total.
MAX_ROWS = 100


def stuck_articles(conn, grace_seconds: int, stall_seconds: int) -> list[dict]:
    """Unfinished articles whose lease ran out long ago, or that have been due for too long."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT id AS article_id, state, lease_owner, leased_until, next_attempt_at, attempts,
                   canonical_url
            FROM articles
            WHERE state NOT IN ('loaded', 'failed')
              AND ((leased_until IS NOT NULL
                    AND leased_until < now() - make_interval(secs => %(grace)s))
                   OR (leased_until IS NULL
                       AND next_attempt_at < now() - make_interval(secs => %(stall)s)))
            ORDER BY id LIMIT %(limit)s""",
                    {"grace": grace_seconds, "stall": stall_seconds, "limit": MAX_ROWS})
        return db.dict_rows(cur)


def events_without_evidence(conn) -> list[dict]:
    """Not-rejected events with no linked article carrying a non-empty evidence sentence."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT e.id AS event_id, al.parties, e.deal_type, e.status, e.review_state,
                   e.first_seen_at
            FROM alliance_events e JOIN alliances al ON al.id = e.alliance_id
            WHERE e.review_state <> 'rejected'
              AND NOT EXISTS (
                  SELECT 1 FROM event_articles ea, unnest(ea.evidence) AS sentence
                  WHERE ea.event_id = e.id AND btrim(sentence) <> '')
            ORDER BY e.id LIMIT %s""", (MAX_ROWS,))
        return db.dict_rows(cur)


def failing_feeds(conn, max_age_seconds: int) -> list[dict]:
    """Enabled feeds failing now and not polled successfully for longer than max_age_seconds."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT id AS feed_id, name, url, consecutive_failures, last_status, last_error,
                   last_success_at
            FROM feeds
            WHERE enabled AND consecutive_failures > 0
              AND coalesce(last_success_at, created_at) < now() - make_interval(secs => %s)
            ORDER BY id LIMIT %s""", (max_age_seconds, MAX_ROWS))
        return db.dict_rows(cur)
