"""SQL for housekeeping: sending outdated classifications back, pruning raw pages, VACUUM.

Review columns of alliance events are never in any statement here.
"""

from __future__ import annotations

# The tables that grow with every article; VACUUM cannot take a parameter, so
# each statement is spelled out.
VACUUM_STATEMENTS = (
    "VACUUM (ANALYZE) articles",
    "VACUUM (ANALYZE) raw_pages",
    "VACUUM (ANALYZE) feed_entries",
    "VACUUM (ANALYZE) article_signatures",
    "VACUUM (ANALYZE) lsh_buckets",
    "VACUUM (ANALYZE) article_mentions",
    "VACUUM (ANALYZE) event_articles",
    "VACUUM (ANALYZE) alliance_events",
    "VACUUM (ANALYZE) item_errors",
)


def reset_outdated_classifications(conn, version: str) -> int:
    """Send classified or loaded articles of another classifier version back to 'deduped'.

    Rows leased by a running stage are skipped (the next pass takes them). The
    classification itself stays until the classify stage overwrites it.
    """
    with conn.cursor() as cur:
        cur.execute("""
            UPDATE articles SET state = 'deduped', attempts = 0, last_error = NULL,
                   next_attempt_at = now(), leased_until = NULL, lease_owner = NULL,
                   updated_at = now()
            WHERE id IN (
                SELECT id FROM articles
                WHERE state IN ('classified', 'loaded')
                  AND classifier_version IS DISTINCT FROM %s
                  AND (leased_until IS NULL OR leased_until < now())
                FOR UPDATE SKIP LOCKED)""", (version,))
        return cur.rowcount


def delete_raw_pages_before(conn, days: int, limit: int) -> int:
    """Delete up to `limit` raw pages fetched more than `days` days ago; returns how many."""
    with conn.cursor() as cur:
        cur.execute("""
            DELETE FROM raw_pages WHERE article_id IN (
                SELECT article_id FROM raw_pages
                WHERE fetched_at < now() - make_interval(days => %s)
                LIMIT %s)""", (days, limit))
        return cur.rowcount


def vacuum_analyze(conn) -> int:
    """VACUUM (ANALYZE) the big tables; returns how many. Needs no open transaction."""
    previous = conn.autocommit
    conn.autocommit = True  # VACUUM cannot run inside a transaction block
    try:
        with conn.cursor() as cur:
            for statement in VACUUM_STATEMENTS:
                cur.execute(statement)
    finally:
        conn.autocommit = previous
    return len(VACUUM_STATEMENTS)
