"""SQL of the quality report: what v_articles shows for the articles of a scored corpus."""

from __future__ import annotations

import psycopg2.extras

_COLUMNS = ("article_id, url, canonical_url, language, is_auto, is_alliance, deal_type, deal_status, "
            "parties, focus_areas, story_id, duplicate_of")
_WITH_UNRESOLVED = f"""
    SELECT {_COLUMNS}, unresolved_parties FROM v_articles
     WHERE url = ANY(%(urls)s) OR canonical_url = ANY(%(canonical)s)"""
_WITHOUT_UNRESOLVED = f"""
    SELECT {_COLUMNS} FROM v_articles
     WHERE url = ANY(%(urls)s) OR canonical_url = ANY(%(canonical)s)"""


def has_view_column(conn, view: str, column: str) -> bool:
    """True when the view (in the current schema path) has that column."""
    with conn.cursor() as cur:
        cur.execute("""SELECT 1 FROM information_schema.columns
                        WHERE table_name = %s AND column_name = %s
                          AND table_schema = ANY(current_schemas(false))""", (view, column))
        return cur.fetchone() is not None


def articles_by_url(conn, urls: list[str], canonical_urls: list[str]) -> list[dict]:
    """v_articles rows whose url or canonical_url is one of those given (unresolved_parties when the view has it)."""
    query = _WITH_UNRESOLVED if has_view_column(conn, "v_articles", "unresolved_parties") else _WITHOUT_UNRESOLVED
    with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(query, {"urls": list(urls), "canonical": list(canonical_urls)})
        return [dict(row) for row in cur.fetchall()]
