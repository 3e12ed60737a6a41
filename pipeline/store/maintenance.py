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
