"""SQL for reports and exports: new and changed events of a period, and streamed view rows."""

from __future__ import annotations

from collections.abc import Iterator

from psycopg2 import sql

# What `tieup export --what` can stream, and the order that keeps exports stable.
EXPORT_VIEWS = {"events": ("v_alliance_events", "event_id"), "articles": ("v_articles", "article_id")}
EXPORT_BATCH_ROWS = 2000


def report_events(conn, since, until) -> list[dict]:
    """Not-rejected events first seen, last reported or reviewed in [since, until)."""
    with conn.cursor() as cur:
        cur.execute("""
            SELECT event_id, parties, deal_type, status, event_date, first_seen_at, last_seen_at,
                   review_state, source_count, source_domains, article_count, best_evidence, urls
            FROM v_alliance_events
            WHERE review_state <> 'rejected'
              AND EXISTS (SELECT 1 FROM unnest(ARRAY[first_seen_at, last_seen_at, reviewed_at]) t
                          WHERE t >= %(since)s AND t < %(until)s)
            ORDER BY event_id""", {"since": since, "until": until})
        cols = [c.name for c in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]


def export_columns(conn, what: str) -> list[str]:
    """Column names of an export, in order."""
    view, _ = EXPORT_VIEWS[what]
    with conn.cursor() as cur:
        cur.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(sql.Identifier(view)))
        return [c.name for c in cur.description]


def export_rows(conn, what: str) -> Iterator[tuple]:
    """Every row of an export through a server-side cursor, so memory stays flat."""
    view, key = EXPORT_VIEWS[what]
    with conn.cursor(name=f"tieup_export_{what}") as cur:
        cur.itersize = EXPORT_BATCH_ROWS
        cur.execute(sql.SQL("SELECT * FROM {} ORDER BY {}").format(
            sql.Identifier(view), sql.Identifier(key)))
        yield from cur
