"""SQL of the quality report: what v_articles shows for the articles of a scored corpus."""

from __future__ import annotations

import psycopg2.extras

_ARTICLES_BY_URL = """
    SELECT article_id, url, canonical_url, language, is_auto, is_alliance, deal_type, deal_status,
           parties, unresolved_parties, focus_areas, story_id, duplicate_of
      FROM v_articles
     WHERE url = ANY(%(urls)s) OR canonical_url = ANY(%(canonical)s)"""


def articles_by_url(conn, urls: list[str], canonical_urls: list[str]) -> list[dict]:
    """v_articles rows whose url or canonical_url is one of those given."""
    with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(_ARTICLES_BY_URL, {"urls": list(urls), "canonical": list(canonical_urls)})
        return [dict(row) for row in cur.fetchall()]
